#!/bin/sh
# What the tests need from the system: Debian's Chromium and a running PostgreSQL with a test
# database. Installs them when run as root (as CI is); otherwise checks they are there.
set -eu
PG_USER=workshop_test
PG_DB=workshop_test

need_install=""
command -v chromium >/dev/null 2>&1 || need_install="$need_install chromium"
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need_install="$need_install postgresql"
command -v pg_lsclusters >/dev/null 2>&1 || need_install="$need_install postgresql"

if [ -n "$need_install" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "The tests need:$need_install. Install them (apt-get install$need_install) or run make test as root." >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $need_install >/dev/null
fi

if [ "$(id -u)" -eq 0 ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    if ! pg_lsclusters -h | grep -q .; then
        pg_createcluster "$version" main >/dev/null
    fi
    cluster=$(pg_lsclusters -h | head -1)
    set -- $cluster
    if [ "$4" != "online" ]; then
        pg_ctlcluster "$1" "$2" start
    fi
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1 ||
        su postgres -c "psql -qc \"CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_USER'\""
    # Each pytest-xdist worker creates and drops a database of its own (tests/conftest.py).
    su postgres -c "psql -qtAc \"SELECT rolcreatedb FROM pg_roles WHERE rolname='$PG_USER'\"" |
        grep -q t || su postgres -c "psql -qc \"ALTER ROLE $PG_USER CREATEDB\""
    su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1 ||
        su postgres -c "createdb -O $PG_USER $PG_DB"
fi
