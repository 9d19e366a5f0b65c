#!/bin/sh
# MariaDB with a database "moodle" for user "moodle" (password $DB_PASSWORD, socket only), then sshd in the foreground
# with root's key from /keys/authorized_keys.
set -eu
mkdir -p /run/mysqld /run/sshd
chown mysql:mysql /run/mysqld
if [ ! -d /var/lib/mysql/mysql ]; then
    mariadb-install-db --user=mysql --skip-test-db >/dev/null
fi
mariadbd --user=mysql --skip-networking >/var/log/mariadb.log 2>&1 &
i=0
until mariadb -e 'SELECT 1' >/dev/null 2>&1; do
    i=$((i+1)); [ "$i" -lt 300 ] || { cat /var/log/mariadb.log; exit 1; }; sleep 0.1
done
mariadb -e "CREATE DATABASE IF NOT EXISTS moodle DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'moodle'@'localhost' IDENTIFIED BY '${DB_PASSWORD}';
GRANT ALL PRIVILEGES ON moodle.* TO 'moodle'@'localhost';"
install -m 0600 /keys/authorized_keys /root/.ssh/authorized_keys
ssh-keygen -A >/dev/null
echo "old site host ready"
exec /usr/sbin/sshd -D -e -o PermitRootLogin=prohibit-password -o PasswordAuthentication=no
