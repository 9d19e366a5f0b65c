#!/bin/sh
# Runs Moodle's cron (one pass: --keep-alive=0) as www-data every 60 s, forever; a line per pass.
# The command of an environment's cron sidecar container. SIGTERM ends it (and a running pass).
set -u
CODE=${MOODLE_CODE:-/var/www/moodle/code}
INTERVAL=${MOODLE_CRON_INTERVAL:-60}
child=
trap 'echo "moodle-cron-loop: stopping"; [ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' TERM INT
while :; do
    start=$(date +%s)
    setpriv --reuid=www-data --regid=www-data --init-groups \
        php -d max_input_vars=5000 "$CODE/admin/cli/cron.php" --keep-alive=0 &
    child=$!
    wait "$child"
    rc=$?
    child=
    took=$(( $(date +%s) - start ))
    echo "moodle-cron-loop: $(date -u +%Y-%m-%dT%H:%M:%SZ) pass exit $rc in ${took} s"
    rest=$(( INTERVAL - took ))
    [ "$rest" -lt 1 ] && rest=1
    sleep "$rest" &
    child=$!
    wait "$child"
    child=
done
