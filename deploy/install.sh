#!/usr/bin/env bash
# SafePassage production install on Debian 12/13 or Ubuntu 24.04, as root, idempotent: run it
# again to upgrade (it keeps /etc/safepassage/safepassage.env and its keys).
#
#   sudo deploy/install.sh safepassage.example.org        # a domain: certificates automatically
#   sudo deploy/install.sh 10.20.0.5                      # a private address: Caddy's internal CA
#
# What it does, in order: Debian packages (PostgreSQL, Caddy, Python, gettext); a system user
# `safepassage`; the application in its own virtual environment under /opt/safepassage/venv;
# a PostgreSQL role and database reached through the local socket; the environment file with
# fresh keys (root only); migrations, static files, translations; `safepassage check --deploy`;
# the systemd units (web, task workers, outbox, nightly backup) and Caddy's site.
set -euo pipefail
site=${1:?usage: install.sh DOMAIN-OR-PRIVATE-ADDRESS}
src=$(cd "$(dirname "$0")/.." && pwd)
prefix=/opt/safepassage
env_file=/etc/safepassage/safepassage.env
[ "$(id -u)" -eq 0 ] || { echo "Run as root (sudo)." >&2; exit 1; }
umask 022  # the code is readable by the service user; the secrets get 600 of their own

echo "== Debian packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql postgresql-client caddy python3 python3-venv gettext \
  fonts-dejavu-core >/dev/null

echo "== system user and folders"
id safepassage >/dev/null 2>&1 || useradd --system --home-dir /var/lib/safepassage \
  --shell /usr/sbin/nologin safepassage
install -d -o safepassage -g safepassage -m 0700 /var/lib/safepassage /var/backups/safepassage
install -d -o root -g root -m 0700 /etc/safepassage

echo "== the application in $prefix/venv"
# Debian's own Python (3.11 on Debian 12, 3.13 on Debian 13, 3.12 on Ubuntu 24.04), never one
# under a user's home that the service user could not read.
case "$(readlink -f "$prefix/venv/bin/python" 2>/dev/null)" in
  /usr/*) ;;
  *) rm -rf "$prefix/venv" && /usr/bin/python3 -m venv "$prefix/venv" ;;
esac
"$prefix/venv/bin/pip" install --quiet --upgrade pip uv
rm -rf "$prefix/src" && mkdir -p "$prefix/src"
tar -C "$src" --exclude=./.venv --exclude=./var --exclude=./.git -cf - . | tar -C "$prefix/src" -xf -
(cd "$prefix/src" && UV_PROJECT_ENVIRONMENT="$prefix/venv" "$prefix/venv/bin/uv" sync \
  --frozen --no-dev --no-editable --quiet)
chmod -R a+rX "$prefix"
ln -sf "$prefix/src/deploy/safepassage-admin" /usr/local/bin/safepassage

echo "== PostgreSQL: role and database safepassage (local socket, peer authentication)"
if [ -d /run/systemd/system ]; then systemctl enable --now postgresql >/dev/null; fi
runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='safepassage'" | grep -q 1 \
  || runuser -u postgres -- createuser safepassage
runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname='safepassage'" \
  | grep -q 1 || runuser -u postgres -- createdb --owner=safepassage safepassage

echo "== environment file $env_file"
"$prefix/src/deploy/write-env" "$env_file" "$site" "postgres:///safepassage" \
  "$prefix/venv/bin/safepassage"

echo "== migrations, static files, translations, deployment check"
/usr/local/bin/safepassage migrate --noinput
/usr/local/bin/safepassage createcachetable  # also done by migrate; kept explicit
/usr/local/bin/safepassage collectstatic --noinput -v0
package=$("$prefix/venv/bin/python" -c 'import os, safepassage; print(os.path.dirname(safepassage.__file__))')
(cd "$package" && "$prefix/venv/bin/django-admin" compilemessages -v0)
/usr/local/bin/safepassage check --deploy --fail-level WARNING

echo "== systemd units and Caddy"
install -m 0644 "$prefix"/src/deploy/systemd/safepassage-* /etc/systemd/system/
install -m 0644 "$prefix/src/deploy/caddy/Caddyfile" /etc/caddy/Caddyfile
case "$site" in
  localhost|*[0-9].*[0-9]|*:*) tls="tls internal" ;;   # an address or localhost: internal CA
  *) tls="" ;;                                         # a domain name: ACME certificates
esac
printf 'SAFEPASSAGE_SITE=%s\nSAFEPASSAGE_TLS=%s\n' "$site" "$tls" >/etc/default/caddy
mkdir -p /etc/systemd/system/caddy.service.d
printf '[Service]\nEnvironmentFile=/etc/default/caddy\n' \
  >/etc/systemd/system/caddy.service.d/safepassage.conf
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --now safepassage-web safepassage-tasks@default safepassage-tasks@imports \
    safepassage-tasks@intake safepassage-outbox safepassage-backup.timer
  systemctl restart safepassage-web 'safepassage-tasks@*' safepassage-outbox caddy
else
  echo "systemd is not running here: units installed, not started."
fi
echo
echo "Done. Next:"
echo "  safepassage generate-recovery-key --out recovery.key   # on an offline machine; then"
echo "  put SAFEPASSAGE_BACKUP_RECIPIENT=age1... in $env_file and restart the services"
echo "  safepassage create-user admin --role administrator      # prints the first sign-in link"
