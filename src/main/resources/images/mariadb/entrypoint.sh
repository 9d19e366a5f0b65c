#!/bin/sh
# Starts MariaDB on /var/lib/mysql, initialising it first when the directory is empty.
# Runs as PID 1 so SIGTERM reaches mariadbd, which then shuts down cleanly.
set -eu
DATADIR=/var/lib/mysql

# A command instead of server options (e.g. "sleep infinity" for a client container): run it.
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    exec "$@"
fi

mkdir -p /run/mysqld "$DATADIR"
chown mysql:mysql /run/mysqld

if [ -z "$(ls -A "$DATADIR")" ]; then
    echo "moodlectl: initialising an empty data directory in $DATADIR" >&2
    chown mysql:mysql "$DATADIR"
    mariadb-install-db --user=mysql --datadir="$DATADIR" \
        --auth-root-authentication-method=socket --skip-test-db >/dev/null
fi

# A copy of a live data directory may carry the old server's pid and socket files.
rm -f "$DATADIR"/*.pid /run/mysqld/mysqld.pid /run/mysqld/mysqld.sock "$DATADIR"/mysql.sock

# Only touch files that need it: a recursive chown would rewrite every inode of a snapshot.
find "$DATADIR" ! -user mysql -exec chown mysql:mysql {} +

exec mariadbd --user=mysql --datadir="$DATADIR" --bind-address=0.0.0.0 --skip-name-resolve \
    --max-connect-errors=1000000 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-file-per-table=1 "$@"
