#!/usr/bin/env bash
# Installs the Debian packages the tests need (PostgreSQL server, docker-compose to validate the compose
# file, promtool, chromium and a CJK font for the console's browser test and its PDF reports, pdftoppm for
# the reports' pages) when any is missing, and starts PostgreSQL with the role the tests use.
set -euo pipefail

need=()
command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v promtool >/dev/null || need+=(prometheus)
# The console's browser test drives Debian's chromium; a CJK font lets its screenshots show the Chinese labels.
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-microhei)
# The monthly report's tests render its PDF pages to PNG with pdftoppm.
command -v pdftoppm >/dev/null || need+=(poppler-utils)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts services it installs; the prometheus daemon is not wanted here.
  (service prometheus stop || true) >/dev/null 2>&1
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | grep -q "^${version} main .* online"; then
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1" && break
  sleep 0.5
done
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL' >/dev/null
SET client_min_messages = warning;
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reemploy') THEN
    CREATE ROLE reemploy LOGIN PASSWORD 'reemploy' CREATEDB;
  END IF;
END $$;
-- Dropping a test database WITH (FORCE) must end autovacuum workers too, which run as the superuser.
GRANT pg_signal_backend TO reemploy;
SQL
