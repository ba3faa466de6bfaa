#!/bin/bash
# Boots the Debian 13 root of build-host-root.sh as a container: systemd as PID 1 in private PID,
# mount, UTS, IPC, network (loopback only) and cgroup namespaces, on an overlay of the cached
# root, so that nothing the boot writes reaches the cache or the machine. systemd-nspawn does not
# work here (it needs systemd as the machine's PID 1), and systemd refuses a plain chroot; this
# sets up what a container manager would: API filesystems (/proc/sys and /sys read-only, so no
# sysctl, udev or module loading applies to the machine), a private /dev holding only the basic
# nodes and the given block device, a tmpfs /run, and the `container` variable, which makes
# systemd skip what only a real machine does (timesyncd, udev, ...). Capabilities that act on the
# whole machine (loading modules, setting the clock, the kernel log, audit) are dropped.
# SIGRTMIN+4 to PID 1 powers it off; so does an in-root timer after DEADLINE seconds, and the
# timeout below kills it for good if even that fails.
# Usage: boot-host.sh LOWER WORK DEADLINE BLOCK_DEVICE
#   WORK holds upper/ (every file the boot writes), overlay-work/, merged/ and sockets/ (bound
#   at /run/mlflow-rehearsal inside); BLOCK_DEVICE (e.g. /dev/loop3) appears under its own name.
set -euo pipefail

if [ "${1:-}" != --inside ]; then
    lower=$1 work=$2 deadline=$3 device=$4
    # A cgroup of its own under the machine's cgroup v2 hierarchy: the namespace's root, which
    # the container's systemd manages, and which the machine's other processes are not in.
    v2=$(findmnt -n -o TARGET -t cgroup2 | head -n 1)
    cgroup="$v2$(sed -n 's/^0:://p' /proc/self/cgroup)/mlflow-rehearsal-$$"
    mkdir "$cgroup"
    echo $$ >"$cgroup/cgroup.procs"
    timeout --signal=KILL $((deadline + 60)) \
        unshare --pid --fork --kill-child=SIGKILL --mount --propagation private --uts --ipc --net --cgroup \
        /bin/bash "$0" --inside "$lower" "$work" "$device" || status=$?
    # Back to the parent cgroup, then remove what systemd left below ours, deepest first, once
    # the namespace's last processes are gone.
    echo $$ >"$(dirname "$cgroup")/cgroup.procs"
    for _ in $(seq 50); do
        find "$cgroup" -depth -type d -exec rmdir {} + 2>/dev/null && break
        sleep 0.2
    done
    exit "${status:-0}"
fi

lower=$2 work=$3 device=$4
m="$work/merged"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$work/upper,workdir=$work/overlay-work" "$m"
mount -t proc proc "$m/proc"
for path in sys sysrq-trigger; do
    [ -e "$m/proc/$path" ] || continue
    mount --bind "$m/proc/$path" "$m/proc/$path"
    mount -o remount,bind,ro "$m/proc/$path"
done
mount -t sysfs -o ro sysfs "$m/sys"
mount -t cgroup2 cgroup2 "$m/sys/fs/cgroup"
mount -t tmpfs -o mode=0755,size=16m tmpfs "$m/dev"
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
    IFS=: read -r name major minor <<<"$node"
    mknod -m 0666 "$m/dev/$name" c "$major" "$minor"
done
# Nothing reads a terminal here; what systemd writes to its console goes to the journal anyway.
ln -s null "$m/dev/console"
mkdir "$m/dev/pts" "$m/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$m/dev/pts"
ln -s pts/ptmx "$m/dev/ptmx"
mount -t tmpfs -o mode=1777 tmpfs "$m/dev/shm"
ln -s /proc/self/fd "$m/dev/fd"
mknod -m 0660 "$m/dev/$(basename "$device")" b "$((0x$(stat -c %t "$device")))" "$((0x$(stat -c %T "$device")))"
mount -t tmpfs -o mode=0755,size=64m tmpfs "$m/run"
mkdir "$m/run/mlflow-rehearsal"
mount --bind "$work/sockets" "$m/run/mlflow-rehearsal"
hostname mlflow-rehearsal
cd "$m"
pivot_root . mnt
exec chroot . /bin/sh -c 'umount -l /mnt &&
    exec setpriv --bounding-set -sys_module,-sys_time,-syslog,-wake_alarm,-block_suspend,-audit_control,-audit_read,-mac_admin,-mac_override \
        -- env -i container=mlflow-rehearsal /sbin/init'
