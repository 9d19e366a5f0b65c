#!/bin/sh
# moodlectl web image entrypoint.
# 1. PHP settings from the environment: PHP_INI_<NAME>=value becomes "<name> = value" (name lower-cased,
#    "__" becomes ".") in a conf.d file read by the apache2 and cli SAPIs (so `exec php …` sees it too).
# 2. With arguments: run them (e.g. moodle-cron-loop for the cron sidecar). Without: Apache in the foreground,
#    as PID 1's replacement so SIGTERM stops it at once.
set -eu
PHPV=${MOODLE_PHP_VERSION}
ini=/etc/php/$PHPV/mods-available/moodle-env.ini
: > "$ini"
env | while IFS='=' read -r key value; do
    case "$key" in
        PHP_INI_*)
            name=$(printf '%s' "${key#PHP_INI_}" | tr 'A-Z' 'a-z' | sed 's/__/./g')
            printf '%s = %s\n' "$name" "$value" >> "$ini"
            ;;
    esac
done
for sapi in apache2 cli; do
    ln -sf "$ini" "/etc/php/$PHPV/$sapi/conf.d/95-moodle-env.ini"
done

if [ $# -gt 0 ]; then
    exec "$@"
fi

set +u; . /etc/apache2/envvars; set -u
mkdir -p "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
rm -f "$APACHE_PID_FILE"
export MOODLE_DOCROOT=${MOODLE_DOCROOT:-/var/www/moodle/code}
exec apache2 -DFOREGROUND
