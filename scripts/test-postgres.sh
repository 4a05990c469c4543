#!/bin/sh
# Make sure a PostgreSQL server from Debian's packages runs on this machine for the test
# suite, with a role and an empty database for it; print the database's URL.
# Installs postgresql with apt-get when missing (needs root, as on CI).
set -eu
# Only the URL goes to stdout (the Makefile reads it): every other command's output goes
# to stderr, including what pg_ctlcluster prints (for example "Removed stale pid file.").
# No extra file descriptor is opened for this: the server would inherit it and the
# Makefile's $(...) would never see the end of the output.
DB=${PRODSEC_TEST_DB:-prodsec_test}
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed: run as root, or apt-get install postgresql" >&2
    exit 1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$VERSION main"; then
  pg_createcluster "$VERSION" main >&2
fi
if ! pg_lsclusters -h | grep -q "^$VERSION main .* online"; then
  pg_ctlcluster "$VERSION" main start >&2
fi
as_postgres() { su postgres -c "psql -q -tA -c \"$1\""; }
if [ "$(as_postgres "SELECT 1 FROM pg_roles WHERE rolname='prodsec'")" != 1 ]; then
  as_postgres "CREATE ROLE prodsec LOGIN PASSWORD 'prodsec' CREATEDB" >/dev/null
fi
if [ "$(as_postgres "SELECT 1 FROM pg_database WHERE datname='$DB'")" != 1 ]; then
  as_postgres "CREATE DATABASE $DB OWNER prodsec" >/dev/null
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')
echo "postgresql+psycopg://prodsec:prodsec@127.0.0.1:$PORT/$DB"
