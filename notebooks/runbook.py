"""Helpers shared by the runbook notebooks in this folder: their parameters and a `moodlectl` call.

Parameters come from environment variables (set them before starting Jupyter, or in the notebook's first cell):

  MOODLECTL            the moodlectl command line (default: ../moodlectl, the launcher of this checkout, if it
                       exists, else `moodlectl` on PATH); e.g. "java -jar /opt/moodlectl/moodlectl.jar"
  MOODLECTL_STATE_DIR  moodlectl's state directory (default: moodlectl's own default, /var/lib/moodlectl as root)
  MOODLECTL_SITE_FILE  the site file to build from (default: site.yaml next to the notebooks)
  MOODLECTL_SITE       the site's name (default: the `name:` of the site file)
  MOODLECTL_TARGET_FILE  the site file describing the upgrade target (release, add-ons, settings), or
  MOODLECTL_TARGET_REF   only a new Moodle ref (tag, branch or commit) for the same site file
  MOODLECTL_WATCH      how long promote watches the new live before it is done (default 2m)
  MOODLECTL_ROLLBACK_FORCE  "yes" to roll back even when users wrote on the new live since the promotion
"""
import json
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _default_moodlectl():
    launcher = HERE.parent / "moodlectl"
    return [str(launcher)] if launcher.is_file() else ["moodlectl"]


MOODLECTL = shlex.split(os.environ["MOODLECTL"]) if os.environ.get("MOODLECTL") else _default_moodlectl()
STATE_DIR = os.environ.get("MOODLECTL_STATE_DIR", "")
SITE_FILE = os.environ.get("MOODLECTL_SITE_FILE", str(HERE / "site.yaml"))
TARGET_FILE = os.environ.get("MOODLECTL_TARGET_FILE", "")
TARGET_REF = os.environ.get("MOODLECTL_TARGET_REF", "")
WATCH = os.environ.get("MOODLECTL_WATCH", "2m")
ROLLBACK_FORCE = os.environ.get("MOODLECTL_ROLLBACK_FORCE", "no").lower() in ("yes", "true", "1")


def _site_from_file(path):
    try:
        for line in Path(path).read_text().splitlines():
            m = re.match(r"^name:\s*['\"]?([a-z0-9-]+)", line)
            if m:
                return m.group(1)
    except OSError:
        pass
    return "demo"


SITE = os.environ.get("MOODLECTL_SITE") or _site_from_file(SITE_FILE)


class MoodlectlError(RuntimeError):
    """moodlectl exited with a code the cell did not accept; `code` is the exit code, `result` its JSON (if any)."""

    def __init__(self, code, message, result=None):
        super().__init__(message)
        self.code = code
        self.result = result


def moodlectl(*args, as_json=False, accept=(0,)):
    """Runs moodlectl with the state directory; shows the command, its progress (stderr) and, unless `as_json`, its
    output. With `as_json` the result is parsed from --json and returned. Other exit codes than `accept` raise."""
    cmd = list(MOODLECTL) + (["--state-dir", STATE_DIR] if STATE_DIR else []) + (["--json"] if as_json else []) \
        + [str(a) for a in args]
    print("$ " + shlex.join(cmd), flush=True)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def progress():
        for line in p.stderr:
            print(line, end="", file=sys.stderr, flush=True)

    pump = threading.Thread(target=progress, daemon=True)
    pump.start()
    out = p.stdout.read()
    p.wait()
    pump.join()
    result = None
    if as_json and out.strip():
        try:
            result = json.loads(out)
        except ValueError:
            pass
    if not as_json:
        print(out, end="", flush=True)
    if p.returncode not in accept:
        error = result.get("error") if isinstance(result, dict) else None
        message = error.get("error") if isinstance(error, dict) else None
        raise MoodlectlError(p.returncode, f"moodlectl exited {p.returncode}: {message or out.strip()}", result)
    return result if as_json else p.returncode


def live(status):
    """The live environment of a `site status --json` result (None if there is none)."""
    return next((e for e in status["environments"] if e["role"] == "live"), None)


def show_parameters():
    print(f"moodlectl:  {shlex.join(MOODLECTL)}")
    print(f"state dir:  {STATE_DIR or '(moodlectl default)'}")
    print(f"site:       {SITE}")
    print(f"site file:  {SITE_FILE}")
