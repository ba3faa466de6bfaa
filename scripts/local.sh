#!/usr/bin/env bash
# npm run local [-- <pulumi up options>]               deploys the `local` stack on this machine's Docker engine
# npm run local:destroy [-- <pulumi destroy options>]  removes it again
# scripts/local.sh output [<pulumi stack output args>]  reads its outputs, e.g. `output caCertPem`
#
# The stack's state lives in .pulumi-local/ in this project (PULUMI_BACKEND_URL), so the local
# stack needs no Pulumi account, and whatever `pulumi login` points at stays untouched.
set -euo pipefail

usage() {
    echo "usage: scripts/local.sh up|destroy|output [pulumi options]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
action=$1
shift

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

pulumi=$root/node_modules/.bin/pulumi
if [ ! -x "$pulumi" ]; then
    echo "local: $pulumi is missing; run \`npm ci\` first." >&2
    exit 1
fi

mkdir -p "$root/.pulumi-local"
export PULUMI_BACKEND_URL="file://$root/.pulumi-local"

# The state holds the generated passwords and the TLS key, encrypted with a passphrase: the
# user's choice, not this script's. Without either variable Pulumi asks on a terminal, and fails
# where it cannot ask (output captured by $(...) or redirected, CI).
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    echo "local: Pulumi will ask for the passphrase that encrypts this stack's secrets in .pulumi-local/." >&2
    echo "       export PULUMI_CONFIG_PASSPHRASE (empty is fine for a throwaway stack) or" >&2
    echo "       PULUMI_CONFIG_PASSPHRASE_FILE to choose it once for every command." >&2
fi

# --refresh: containers on a laptop get removed or stopped by hand; Pulumi then recreates or
# restarts them instead of trusting a stale state.
case $action in
    up)
        "$pulumi" stack select --create local
        "$pulumi" up --stack local --refresh --yes "$@"
        echo "local: next: scripts/local.sh output caCertPem > mlflow-ca.pem; eval \"\$(scripts/local.sh output --show-secrets trackingEnv)\"" >&2
        ;;
    destroy)
        # No --yes: destroy deletes the data volume (unless protectData is set), so Pulumi asks first.
        "$pulumi" destroy --stack local --refresh "$@"
        ;;
    output)
        "$pulumi" stack output --stack local "$@"
        ;;
    *)
        usage
        ;;
esac
