#!/usr/bin/env bash
# Make sure PostgreSQL, Redis and Chromium are there for the test suite.
# Starts installed-but-stopped services; on Debian as root installs missing ones with apt-get;
# otherwise stops with one line saying what to install.
set -euo pipefail

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_up() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    if can_apt; then echo "Installing PostgreSQL..."; apt_install postgresql; else
      echo "PostgreSQL is not reachable on 127.0.0.1:5432: install and start PostgreSQL 15 (trust auth for user postgres on 127.0.0.1)."; exit 1; fi
  fi
  ver=$(ls /etc/postgresql | sort -V | tail -n1)
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || pg_ctlcluster "$ver" main start
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not start on 127.0.0.1:5432."; exit 1; }
fi

redis_up() { command -v redis-cli >/dev/null && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
if ! redis_up; then
  if ! command -v redis-server >/dev/null; then
    if can_apt; then echo "Installing Redis..."; apt_install redis-server redis-tools; else
      echo "Redis is not reachable on 127.0.0.1:6379: install and start redis-server."; exit 1; fi
  fi
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log 2>/dev/null \
    || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || { echo "Redis did not start on 127.0.0.1:6379."; exit 1; }
fi

if [ ! -x /usr/bin/chromium ]; then
  if can_apt; then echo "Installing Chromium..."; apt_install chromium chromium-driver; else
    echo "Chromium is missing: install the Debian packages chromium and chromium-driver (/usr/bin/chromium)."; exit 1; fi
fi
if ! command -v msgfmt >/dev/null; then
  if can_apt; then echo "Installing gettext (msgfmt, for the translation test)..."; apt_install gettext; else
    echo "msgfmt is missing: install GNU gettext."; exit 1; fi
fi
echo "services: PostgreSQL, Redis, Chromium and gettext are ready"
