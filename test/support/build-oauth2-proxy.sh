#!/bin/bash
# Builds the oauth2-proxy release the program deploys with auth oidc (OAUTH2_PROXY_VERSION in
# lib/render/oidc.ts, read from there) from its source on the Go module proxy, which Go checks
# against its checksum database. The image itself (quay.io) cannot be pulled here; the tests run
# this binary with the flags and env file the rendered compose file gives the container
# (harness/oauth2Proxy.ts).
# Usage: build-oauth2-proxy.sh [DIR]   (default: $OAUTH2_PROXY_DIR or /var/cache/mlflow-on-aws/oauth2-proxy)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${1:-${OAUTH2_PROXY_DIR:-/var/cache/mlflow-on-aws/oauth2-proxy}}"
version=$(sed -n 's/^export const OAUTH2_PROXY_VERSION = "\([0-9.]*\)";$/\1/p' lib/render/oidc.ts)
[ -n "$version" ] || { echo "no OAUTH2_PROXY_VERSION in lib/render/oidc.ts" >&2; exit 1; }
go=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$go" ] || { echo "no Go toolchain (go on PATH or /usr/local/go/bin/go)" >&2; exit 1; }

if [ -x "$dir/bin/oauth2-proxy" ] && "$dir/bin/oauth2-proxy" --version 2>&1 | grep -q "oauth2-proxy v$version "; then
    echo "oauth2-proxy at $dir is ready: $("$dir/bin/oauth2-proxy" --version 2>&1)"
    exit 0
fi
rm -rf "$dir.partial"
mkdir -p "$dir.partial"
# The release's own version string, as its Makefile sets it; a static binary, as in the image.
GOPATH="$dir.partial/gopath" GOCACHE="$dir.partial/gocache" GOBIN="$dir.partial/bin" CGO_ENABLED=0 GOFLAGS=-modcacherw \
    "$go" install -trimpath -ldflags "-X github.com/oauth2-proxy/oauth2-proxy/v7/pkg/version.VERSION=v$version" \
    "github.com/oauth2-proxy/oauth2-proxy/v7@v$version"
rm -rf "$dir.partial/gopath" "$dir.partial/gocache"
rm -rf "$dir"
mv "$dir.partial" "$dir"
echo "oauth2-proxy at $dir: $("$dir/bin/oauth2-proxy" --version 2>&1)"
