#!/usr/bin/env bash
# Promotion window vs bare upgrade.php, on the Moodle-contract FIXTURE whose upgrade.php is set to take N seconds
# (tag v4.5.0-slow). One site, RUNS promotions side by side (stage → promote → rollback --force → stage again …),
# each under a steady wrk load on the front port (loopback); prints the window, upgrade.php, the overhead and the
# ratio window / upgrade for each run, and wrk's non-2xx/errors (503s inside the window are expected).
# Needs root, a set-up host (scripts/setup-host.sh). Everything it makes goes in a throw-away state directory.
#   RUNS=3 SLOW=6 bash bench/promote/run.sh
# STEPS_OUT=FILE appends each run's window steps (name=seconds) to FILE.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${RUNS:-3}; slow=${SLOW:-6}
work=$(mktemp -d /var/tmp/mctl-bench-XXXX)
state=$work/state
site=mctl-bench$$
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
m() { "$here/moodlectl" --state-dir "$state" -q "$@"; }
cleanup() {
  m site destroy "$site" --yes >/dev/null 2>&1 || true
  if mountpoint -q "$work/pool.pool"; then umount "$work/pool.pool"; fi
  rm -rf "$work"
}
trap cleanup EXIT
m host init --pool-file "$work/pool.img" --pool-size 8G >/dev/null
bash "$here/fixtures/moodle-contract/make-repo.sh" "$work/moodle.git" --slow-upgrade "$slow" >/dev/null
printf 'name: %s\nport: %s\npreview: {port: %s}\nmoodle: {repository: %s, ref: v4.4.0}\n' \
  "$site" "$port" "$((port + 1))" "$work/moodle.git" > "$work/site.yaml"
m site create -f "$work/site.yaml" >/dev/null
echo "| run | window (s) | upgrade.php (s) | overhead (s) | window / upgrade | proxy switch (s) | wrk requests | non-2xx (503 in window) | socket errors |"
echo "|---|---|---|---|---|---|---|---|---|"
for i in $(seq 1 "$runs"); do
  m stage "$site" --ref v4.5.0-slow >/dev/null
  wrk -t1 -c4 -d$((slow + 40))s -H "Host: 127.0.0.1:$port" "http://127.0.0.1:$port/login/index.php" > "$work/wrk.txt" 2>&1 &
  wrk_pid=$!
  sleep 2
  m --json promote "$site" --watch 0 > "$work/report.json"
  wait "$wrk_pid" || true
  python3 - "$work/report.json" "$work/wrk.txt" "$i" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1])); w = open(sys.argv[2]).read()
req = re.search(r'(\d+) requests in', w); non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', w)
err = re.search(r'Socket errors: (.*)', w)
print(f"| {sys.argv[3]} | {r['windowSeconds']:.2f} | {r['upgradeSeconds']:.2f} | {r['windowSeconds']-r['upgradeSeconds']:.2f} | "
      f"{r['windowSeconds']/r['upgradeSeconds']:.2f} | {r['switchSeconds']:.2f} | {req.group(1) if req else '?'} | "
      f"{non2xx.group(1) if non2xx else 0} | {err.group(1) if err else 'none'} |")
PY
  if [ -n "${STEPS_OUT:-}" ]; then
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[2], " ".join("%s=%.2f" % (s["step"], s["seconds"]) for s in r["window"]))' \
      "$work/report.json" "$i" >> "$STEPS_OUT"
  fi
  m rollback "$site" --force >/dev/null
done
