#!/usr/bin/env bash
# Makes sure a local PostgreSQL server runs for the platform tests and prints, as its last line,
# `KUBICLE_TEST_DATABASE_URL=postgres://…` for the caller to export. Installs Debian's
# `postgresql` package when no server is present (needs root, as in CI). The role `kubicle`
# may create databases: each test creates its own and drops it at the end.
set -euo pipefail

if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    echo "postgres.sh: installing Debian's postgresql" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
fi

# The first cluster Debian created (pg_createcluster runs at install time).
read -r version name port status _ < <(pg_lsclusters --no-header | head -n1) || {
    version="$(basename "$(dirname "$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/postgres' | head -n1)")")")"
    pg_createcluster "$version" main >&2
    read -r version name port status _ < <(pg_lsclusters --no-header | head -n1)
}
if [[ "$status" != online* ]]; then
    pg_ctlcluster "$version" "$name" start >&2
fi
for _ in $(seq 50); do
    su postgres -c "psql -p $port -qAtc 'select 1'" >/dev/null 2>&1 && break
    sleep 0.2
done
su postgres -c "psql -p $port -qAtc \"select 1 from pg_roles where rolname='kubicle'\"" | grep -q 1 ||
    su postgres -c "psql -p $port -qc \"create role kubicle login password 'kubicle' createdb\"" >&2
su postgres -c "psql -p $port -qAtc \"select 1 from pg_database where datname='kubicle_test'\"" | grep -q 1 ||
    su postgres -c "createdb -p $port -O kubicle kubicle_test" >&2
echo "KUBICLE_TEST_DATABASE_URL=postgres://kubicle:kubicle@127.0.0.1:$port/kubicle_test"
