#!/usr/bin/env bash
# The main job, on the Moodle-contract FIXTURE (real Moodle is not in any registry here): build a site (MariaDB,
# fixture 4.4.0 + add-on local_fixturenotes 1.0.0), rehearse the upgrade to 4.5.0 (its upgrade.php set to take
# 6 s, with the add-on moving to 1.1.0), promote it blue-green and print the downtime report, then export the
# promotion as a Jupyter notebook.
#
#   MOODLECTL_STATE_DIR   state directory (default: moodlectl's)
#   MOODLECTL_DEMO_PORT   front port (default 18080; preview on +1)
#   MOODLECTL_DEMO_KEEP=0 destroy the demo site at the end (CI does)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${MOODLECTL_STATE_DIR:-}
mctl() { if [ -n "$state" ]; then "$here/moodlectl" --state-dir "$state" "$@"; else "$here/moodlectl" "$@"; fi; }
say() { echo "demo: $*" >&2; }
port=${MOODLECTL_DEMO_PORT:-18080}
work=${state:-/var/lib/moodlectl}/demo
site=demo

say "fixture repositories (a fixture, not Moodle) in $work"
rm -rf "$work"; mkdir -p "$work"
bash "$here/fixtures/moodle-contract/make-repo.sh" "$work/moodle.git" --slow-upgrade 6 >/dev/null
if mctl site status "$site" >/dev/null 2>&1; then
  say "removing the previous demo site"
  mctl -q site destroy "$site" --yes >/dev/null
fi
site_file() { # REF PLUGIN_REF
  cat <<YAML
name: $site
port: $port
preview: {port: $((port + 1))}
database: mariadb
moodle: {repository: $work/moodle.git, ref: $1}
plugins:
  - {component: local_fixturenotes, repository: $work/moodle.git-plugins/local_fixturenotes.git, ref: $2}
settings:
  - {name: noreplyaddress, value: noreply@example.invalid}
YAML
}
site_file v4.4.0 v1.0.0 > "$work/site.yaml"
site_file v4.5.0-slow v1.1.0 > "$work/site-next.yaml"

say "1/4 site create"
mctl site create -f "$work/site.yaml"
say "2/4 stage (rehearsal on a copy-on-write copy; live keeps serving)"
mctl stage "$site" -f "$work/site-next.yaml"
say "3/4 promote (blue-green; the downtime report follows)"
mctl promote "$site" --watch 10s
say "4/4 site status and the promotion as a notebook"
mctl site status "$site"
op=$(mctl --json ops list --site "$site" --limit 20 | python3 -c 'import json,sys; print(next(o["id"] for o in json.load(sys.stdin) if o["kind"]=="promote"))')
mctl ops export "$op" --format ipynb -o "$work/promote.ipynb" >/dev/null
say "notebook of the promotion: $work/promote.ipynb (also kept in the state directory's records/)"
if [ "${MOODLECTL_DEMO_KEEP:-1}" = 0 ]; then
  mctl -q site destroy "$site" --yes >/dev/null
  say "demo site destroyed (MOODLECTL_DEMO_KEEP=0)"
else
  say "the site runs on http://127.0.0.1:$port (admin password: $(dirname "$work")/secrets/$site/admin); remove it with: moodlectl site destroy $site --yes"
fi
