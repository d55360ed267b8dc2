#!/usr/bin/env bash
# Starts the Debian PostgreSQL cluster and prepares role `hotline` + database `hotline_test`.
# Prints only `export DATABASE_URL=...` on stdout, so CI can do: eval "$(bash scripts/ci-postgres.sh)"
# Safe to run repeatedly: the password is generated once and reused from PASSWORD_FILE.
set -euo pipefail

ROLE=hotline
DB=hotline_test
PASSWORD_FILE=/var/lib/postgresql/.hotline-ci-password

log() { echo "ci-postgres: $*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
  log "must run as root (uses pg_ctlcluster and runs psql as the postgres user)"
  exit 1
fi
command -v pg_lsclusters >/dev/null || { log "postgresql-common not installed (apt-get install postgresql)"; exit 1; }

# Columns: Ver Cluster Port Status Owner Datadir Logfile. Prefer the newest version's cluster.
cluster=$(pg_lsclusters --no-header | sort -k1,1n | tail -n 1 || true)
if [[ -z $cluster ]]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  log "no cluster found; creating $version/main"
  pg_createcluster "$version" main >&2
  cluster=$(pg_lsclusters --no-header | sort -k1,1n | tail -n 1)
fi
read -r version name port status _ <<<"$cluster"

if [[ $status != online* ]]; then
  log "starting cluster $version/$name on port $port"
  pg_ctlcluster "$version" "$name" start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$port" || { log "cluster $version/$name did not become ready"; exit 1; }

if [[ ! -s $PASSWORD_FILE ]]; then
  # Hex only: nothing to escape in SQL or in the URL.
  (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$PASSWORD_FILE")
fi
password=$(cat "$PASSWORD_FILE")

psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"; }

psql_admin -v role="$ROLE" -v pw="$password" >&2 <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
-- Re-applied every run so the role always matches PASSWORD_FILE.
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \gexec
SQL

# Owner of the database: may create the per-test-file schemas the db tests use.
psql_admin -v role="$ROLE" -v db="$DB" >&2 <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL

echo "export DATABASE_URL=postgres://$ROLE:$password@127.0.0.1:$port/$DB"
