#!/bin/bash
# Builds the root filesystem the scaled tier's tests run PostgreSQL from: Debian 13's
# postgresql-<major>, the major version the RDS instance pins (POSTGRES_MAJOR_VERSION in
# components/shared/database.ts, read from there). The machine's own Debian has an older major.
# Tests start their own cluster from its binaries, inside their private namespaces
# (harness/postgres.ts); nothing here runs a server.
# Usage: build-postgres-root.sh [DIR]   (default: $POSTGRES_ROOT or /var/cache/mlflow-on-aws/postgres-root)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="${1:-${POSTGRES_ROOT:-/var/cache/mlflow-on-aws/postgres-root}}"
major=$(sed -n 's/^export const POSTGRES_MAJOR_VERSION = "\([0-9]*\)";$/\1/p' components/shared/database.ts)
[ -n "$major" ] || { echo "no POSTGRES_MAJOR_VERSION in components/shared/database.ts" >&2; exit 1; }
postgres="/usr/lib/postgresql/$major/bin/postgres"

if [ -x "$root$postgres" ]; then
    echo "postgres root at $root is ready: $(chroot "$root" "$postgres" --version)"
    exit 0
fi
rm -rf "$root.partial"
mkdir -p "$(dirname "$root")" "$root.partial/etc/postgresql-common"
# The package's own cluster is not wanted: every test initialises one of its own.
echo "create_main_cluster = false" >"$root.partial/etc/postgresql-common/createcluster.conf"
debootstrap --variant=minbase --include="postgresql-$major,openssl,ca-certificates" trixie "$root.partial" http://deb.debian.org/debian
# Mount points for a test's cluster directory and its TLS files (bind-mounted from scratch directories).
mkdir -p "$root.partial/srv/pgdata" "$root.partial/srv/pgtls"
rm -rf "$root"
mv "$root.partial" "$root"
echo "postgres root at $root: $(chroot "$root" "$postgres" --version)"
