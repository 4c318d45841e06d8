#!/usr/bin/env bash
# Creates each database named in POSTGRES_MULTIPLE_DATABASES (comma-separated) that does not exist yet, owned
# by $POSTGRES_USER; existing ones are left alone, so it is safe to run on every start. docker-compose.yml
# runs it as the one-off step `postgres-databases` against the running server (libpq's PGHOST, PGPASSWORD),
# so a service added to an existing deployment gets its database. It also works as a script in
# /docker-entrypoint-initdb.d/ (then over the init server's Unix socket).
set -euo pipefail

databases="${POSTGRES_MULTIPLE_DATABASES:?name the databases to create, comma-separated}"

run_psql() {
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres "$@"
}

# Every name is checked before any database is made: a typo in the list creates nothing.
IFS=',' read -ra given <<< "$databases"
names=()
for name in "${given[@]}"; do
    name="${name//[[:space:]]/}"
    [[ -z "$name" ]] && continue
    # Names go into SQL unquoted-safe: lower-case identifiers only.
    if [[ ! "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
        echo "init-databases: refusing database name '$name' (use [a-z_][a-z0-9_]*)" >&2
        exit 1
    fi
    names+=("$name")
done

for name in "${names[@]}"; do
    if [[ "$(run_psql --tuples-only --no-align --command "SELECT 1 FROM pg_database WHERE datname = '$name'")" == "1" ]]; then
        echo "init-databases: $name exists"
    else
        run_psql --command "CREATE DATABASE \"$name\" OWNER \"${POSTGRES_USER:-postgres}\""
        echo "init-databases: created $name"
    fi
done
