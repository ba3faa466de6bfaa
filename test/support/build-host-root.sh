#!/bin/bash
# Builds the root filesystem the boot rehearsal boots: Debian 13 (trixie) with what Debian's
# cloud images have that the boot depends on (systemd as init, dbus, cloud-init, CA
# certificates, e2fsprogs, apt sources as the images write them), plus socat, which only the
# rehearsal uses to reach the archive from its private network namespace. Nothing the user data
# installs is in here: the rehearsal installs it from the archive, as a host does.
# The rehearsal never writes to this root (it boots an overlay of it), so one build serves every
# run; a change to this script rebuilds it.
# Usage: build-host-root.sh [DIR]   (default: $HOST_ROOT or /var/cache/mlflow-on-aws/host-root)
set -euo pipefail
root="${1:-${HOST_ROOT:-/var/cache/mlflow-on-aws/host-root}}"
stamp="$root/.built-by"
want=$(sha256sum "$0" | cut -d' ' -f1)

if [ -x "$root/usr/bin/cloud-init" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "host root at $root is ready: $(chroot "$root" cloud-init --version 2>&1)"
    exit 0
fi
rm -rf "$root.partial"
mkdir -p "$(dirname "$root")"
# python3-cffi-backend provides a virtual package cloud-init needs, which debootstrap does not resolve.
debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,cloud-init,python3-cffi-backend,ca-certificates,e2fsprogs,netbase,socat \
    trixie "$root.partial" http://deb.debian.org/debian

# Debian 13's cloud images use deb822 sources with the security suite and updates. Plain http:
# the test machines reach the archive through a TLS-intercepting proxy, and apt authenticates
# every package through the archive's signed Release files either way.
rm -f "$root.partial/etc/apt/sources.list"
cat >"$root.partial/etc/apt/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# debootstrap leaves the package lists of its own run; a host starts without them.
rm -rf "$root.partial/var/lib/apt/lists/"* "$root.partial/var/cache/apt/archives/"*.deb
echo "$want" >"$root.partial/.built-by"
version=$(chroot "$root.partial" cloud-init --version 2>&1)
rm -rf "$root"
mv "$root.partial" "$root"
echo "host root at $root: $version"
