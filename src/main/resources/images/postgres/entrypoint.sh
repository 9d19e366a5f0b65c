#!/bin/sh
# Starts PostgreSQL on $PGDATA, initialising it first when the directory is empty.
# The server replaces this script (exec, setpriv not su) so the container's stop signal reaches it.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
AS_POSTGRES="setpriv --reuid=postgres --regid=postgres --init-groups"

# A command instead of server options (e.g. "sleep infinity" for a client container): run it.
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    exec "$@"
fi

mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres /run/postgresql
chmod 2775 /run/postgresql

if [ -z "$(ls -A "$PGDATA")" ]; then
    echo "moodlectl: initialising an empty data directory in $PGDATA" >&2
    chown postgres:postgres "$PGDATA"
    chmod 0700 "$PGDATA"
    $AS_POSTGRES initdb -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    cat > "$PGDATA/pg_hba.conf" <<'HBA'
# moodlectl: administration over the socket inside the container, the site's user by password.
# TYPE  DATABASE  USER      ADDRESS       METHOD
local   all       postgres                trust
local   all       all                     scram-sha-256
host    all       all       127.0.0.1/32  scram-sha-256
host    all       all       ::1/128       scram-sha-256
host    all       all       0.0.0.0/0     scram-sha-256
HBA
    cat >> "$PGDATA/postgresql.conf" <<'CONF'

# moodlectl
listen_addresses = '*'
password_encryption = 'scram-sha-256'
CONF
    chown postgres:postgres "$PGDATA/pg_hba.conf"
elif [ ! -f "$PGDATA/PG_VERSION" ]; then
    echo "moodlectl: $PGDATA is neither empty nor a PostgreSQL data directory" >&2
    exit 1
fi

# A copy of a live data directory carries the old server's pid file; the server would refuse to start.
rm -f "$PGDATA/postmaster.pid"

# Only touch files that need it: a recursive chown would rewrite every inode of a snapshot.
find "$PGDATA" ! -user postgres -exec chown postgres:postgres {} +
chmod 0700 "$PGDATA"

exec $AS_POSTGRES postgres -D "$PGDATA" "$@"
