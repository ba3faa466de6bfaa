#!/bin/bash
# Builds the root filesystem the proxy tests and the benchmark run nginx from: Debian sid's
# nginx 1.30 (Debian stable's 1.22 is too old for the rendered configuration), plus what the
# nginx image provides that Debian does not (the nginx user, /var/cache/nginx).
# Usage: build-nginx-root.sh [DIR]   (default: $NGINX_ROOT or /var/cache/mlflow-on-aws/nginx-root)
set -euo pipefail
root="${1:-${NGINX_ROOT:-/var/cache/mlflow-on-aws/nginx-root}}"
want="1.30"

# What the nginx image has and Debian's package has not, and the mount points of the compose
# file's nginx volumes; also run on a root built before a mount point was added.
image_layout() {
    chroot "$1" sh -c '
        getent group nginx >/dev/null || echo "nginx:x:101:" >>/etc/group
        getent passwd nginx >/dev/null || echo "nginx:x:101:101:nginx:/nonexistent:/usr/sbin/nologin" >>/etc/passwd
        mkdir -p /var/cache/nginx /etc/nginx/auth /etc/nginx/tls /var/www/acme /srv/mlflow/artifacts
        touch /etc/nginx/auth/htpasswd /etc/nginx/tls/fullchain.pem /etc/nginx/tls/privkey.pem
    '
}

if [ -x "$root/usr/sbin/nginx" ] && chroot "$root" nginx -v 2>&1 | grep -q "nginx/$want\."; then
    image_layout "$root"
    echo "nginx root at $root is ready: $(chroot "$root" nginx -v 2>&1)"
    exit 0
fi
rm -rf "$root.partial"
mkdir -p "$(dirname "$root")"
debootstrap --variant=minbase --include=nginx,openssl,ca-certificates sid "$root.partial" http://deb.debian.org/debian
image_layout "$root.partial"
version=$(chroot "$root.partial" nginx -v 2>&1)
case "$version" in
    *"nginx/$want."*) ;;
    *) echo "expected nginx $want.x in Debian sid, found: $version" >&2; exit 1 ;;
esac
rm -rf "$root"
mv "$root.partial" "$root"
echo "nginx root at $root: $version"
