#!/usr/bin/env bash
# Creates one database per service, owned by $POSTGRES_USER, when the PostgreSQL container initialises an
# empty data directory (the image runs /docker-entrypoint-initdb.d/* once, never on later starts).
# Databases come from POSTGRES_MULTIPLE_DATABASES (comma-separated); existing ones are left alone.
set -euo pipefail

databases="${POSTGRES_MULTIPLE_DATABASES:-intake,temporal,temporal_visibility}"

run_psql() {
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres "$@"
}

IFS=',' read -ra names <<< "$databases"
for name in "${names[@]}"; do
    name="${name//[[:space:]]/}"
    [[ -z "$name" ]] && continue
    # Names go into SQL unquoted-safe: lower-case identifiers only.
    if [[ ! "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
        echo "init-databases: refusing database name '$name' (use [a-z_][a-z0-9_]*)" >&2
        exit 1
    fi
    if [[ "$(run_psql --tuples-only --no-align --command "SELECT 1 FROM pg_database WHERE datname = '$name'")" == "1" ]]; then
        echo "init-databases: $name exists"
    else
        run_psql --command "CREATE DATABASE \"$name\" OWNER \"${POSTGRES_USER:-postgres}\""
        echo "init-databases: created $name"
    fi
done
