"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// The real host/mlflow-prepare-data against loop devices: formats a blank volume once, never
// formats one that holds data, survives a host replacement, waits a bounded time for a missing
// device. Every run happens in a private mount namespace, so its mount disappears with it.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_crypto_1 = require("node:crypto");
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const node_test_1 = require("node:test");
const hostScripts_1 = require("./support/hostScripts");
const renderOnce_1 = require("./support/renderOnce");
const MiB = 1024 * 1024;
const rendered = (0, renderOnce_1.renderedStack)("dev");
const isRoot = process.getuid?.() === 0;
/**
 * Runs mlflow-prepare-data in a private mount namespace and reports what it left behind while
 * the namespace still exists. With "write-marker", also writes mlflow/marker on the volume.
 */
const WRAPPER = `
set -u
prepare=$1 mount=$2 action=$3
"$prepare"
echo "status=$?"
if mountpoint -q "$mount"; then
    echo "mounted=$(findmnt -n -o SOURCE,FSTYPE --mountpoint "$mount")"
    echo "dirs=$(cd "$mount" && find . -mindepth 1 -maxdepth 2 -type d -printf '%P\\n' | grep -v '^lost+found' | sort | tr '\\n' ' ')"
    echo "size=$(df -B1 --output=size "$mount" | tail -n 1 | tr -d ' ')"
    [ -f "$mount/mlflow/marker" ] && echo "marker=$(cat "$mount/mlflow/marker")"
    if [ "$action" = write-marker ]; then echo "kept across hosts" >"$mount/mlflow/marker"; fi
    umount "$mount"
fi
`;
function blkid(device, ...args) {
    const result = (0, node_child_process_1.spawnSync)("blkid", ["-p", ...args, device], { encoding: "utf8" });
    return { status: result.status, stdout: result.stdout.trim() };
}
function readHead(file, bytes) {
    const fd = (0, node_fs_1.openSync)(file, "r");
    try {
        const buffer = Buffer.alloc(bytes);
        (0, node_fs_1.readSync)(fd, buffer, 0, bytes, 0);
        return buffer;
    }
    finally {
        (0, node_fs_1.closeSync)(fd);
    }
}
const CAP_SYS_RESOURCE = 24;
function hasCapability(bit) {
    const line = (0, node_fs_1.readFileSync)("/proc/self/status", "utf8").split("\n").find(l => l.startsWith("CapEff:"));
    return line !== undefined && ((BigInt(`0x${line.split(/\s+/)[1]}`) >> BigInt(bit)) & 1n) === 1n;
}
const fstabLines = (file) => (0, node_fs_1.readFileSync)(file, "utf8").split("\n").filter(line => line.trim() !== "");
(0, node_test_1.describe)("mlflow-prepare-data", { skip: !isRoot && "loop devices and mounts need root" }, () => {
    const dataDirs = rendered.hostEnv.DATA_DIRS;
    const sandbox = new hostScripts_1.Sandbox("data-volume");
    const loops = [];
    function attach(image, bytes) {
        (0, node_fs_1.writeFileSync)(image, "");
        (0, node_fs_1.truncateSync)(image, bytes); // sparse: blank, and cheap
        const device = (0, node_child_process_1.execFileSync)("losetup", ["--find", "--show", image], { encoding: "utf8" }).trim();
        loops.push({ device, image });
        return device;
    }
    function prepare(overrides, name, action = "none", timeoutMs = 30_000) {
        const envFile = sandbox.envFile(rendered.hostEnvText, overrides, `${name}.env`);
        const run = (0, hostScripts_1.runCommand)("unshare", ["--mount", "--propagation", "private", "/bin/bash", "-c", WRAPPER, "_",
            path.join(hostScripts_1.HOST_DIR, "mlflow-prepare-data"), overrides.DATA_MOUNT, action], sandbox.env(envFile), timeoutMs);
        const facts = Object.fromEntries(run.stdout.split("\n").filter(line => line.includes("="))
            .map(line => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
        strict_1.default.ok("status" in facts, `the wrapper did not finish: ${(0, hostScripts_1.describeRun)(run)}`);
        return {
            status: Number(facts.status),
            mounted: facts.mounted,
            dirs: facts.dirs?.trim().split(" ").filter(Boolean),
            size: facts.size ? Number(facts.size) : undefined,
            marker: facts.marker,
            stderr: run.stderr,
            ms: run.ms,
            describe: (0, hostScripts_1.describeRun)(run),
        };
    }
    (0, node_test_1.after)(async () => {
        for (const { device, image } of loops) {
            (0, node_child_process_1.spawnSync)("losetup", ["-d", device]);
            // The kernel lets go of a device a moment after its last mount namespace is gone.
            for (let i = 0; i < 40 && (0, node_child_process_1.spawnSync)("losetup", ["-j", image], { encoding: "utf8" }).stdout.includes(device); i++) {
                await new Promise(resolve => setTimeout(resolve, 50));
                (0, node_child_process_1.spawnSync)("losetup", ["-d", device]);
            }
        }
        sandbox.remove();
    });
    (0, node_test_1.describe)("a blank volume, then the same volume again, then on a replacement host", () => {
        let device;
        let image;
        let uuid;
        const fstab = sandbox.path("fstab");
        const mount = sandbox.path("srv", "mlflow-data");
        let env;
        (0, node_test_1.before)(() => {
            strict_1.default.equal(dataDirs, "mlflow mlflow/artifacts letsencrypt acme-webroot backups");
            image = sandbox.path("volume.img");
            device = attach(image, 64 * MiB);
            (0, node_fs_1.writeFileSync)(fstab, "# the host's own lines\nLABEL=cloudimg-rootfs / ext4 discard,errors=remount-ro 0 1\n");
            env = { DATA_MOUNT: mount, DATA_DEVICE: device, DATA_DEVICE_WAIT_SECONDS: "10", FSTAB: fstab };
        });
        (0, node_test_1.test)("first boot: the blank device gets ext4, is mounted, holds the data dirs, and fstab one UUID line", () => {
            strict_1.default.equal(blkid(device).status, 2, "the new loop device should have no signature");
            const outcome = prepare(env, "first", "write-marker");
            strict_1.default.equal(outcome.status, 0, outcome.describe);
            strict_1.default.match(outcome.stderr, /is blank: creating an ext4 filesystem/);
            strict_1.default.equal(outcome.mounted, `${device} ext4`);
            strict_1.default.deepEqual(outcome.dirs, dataDirs.split(" ").sort());
            strict_1.default.equal(blkid(device, "-o", "value", "-s", "TYPE").stdout, "ext4");
            uuid = blkid(device, "-o", "value", "-s", "UUID").stdout;
            strict_1.default.match(uuid, /^[0-9a-f-]{36}$/);
            const lines = fstabLines(fstab);
            strict_1.default.equal(lines.length, 3);
            strict_1.default.equal(lines[2], `UUID=${uuid} ${mount} ext4 defaults,noatime,nofail 0 2`);
            strict_1.default.notEqual((0, node_child_process_1.spawnSync)("findmnt", ["--mountpoint", mount]).status, 0, "the mount must stay inside the test's namespace");
        });
        (0, node_test_1.test)("the next start: mounted again, the data intact, not reformatted, fstab unchanged", () => {
            const outcome = prepare(env, "second");
            strict_1.default.equal(outcome.status, 0, outcome.describe);
            strict_1.default.doesNotMatch(outcome.stderr, /creating/);
            strict_1.default.equal(outcome.mounted, `${device} ext4`);
            strict_1.default.equal(outcome.marker, "kept across hosts");
            strict_1.default.equal(blkid(device, "-o", "value", "-s", "UUID").stdout, uuid, "a new UUID means the volume was reformatted");
            strict_1.default.equal(fstabLines(fstab).filter(line => line.includes(uuid)).length, 1);
            strict_1.default.equal(fstabLines(fstab).length, 3);
        });
        (0, node_test_1.test)("a replacement host (empty fstab, new mount point): the data is there", () => {
            const freshFstab = sandbox.path("fstab-new-host");
            (0, node_fs_1.writeFileSync)(freshFstab, "");
            const freshMount = sandbox.path("new-host", "mlflow-data");
            const outcome = prepare({ ...env, DATA_MOUNT: freshMount, FSTAB: freshFstab }, "replacement");
            strict_1.default.equal(outcome.status, 0, outcome.describe);
            strict_1.default.doesNotMatch(outcome.stderr, /creating/);
            strict_1.default.equal(outcome.marker, "kept across hosts");
            strict_1.default.equal(blkid(device, "-o", "value", "-s", "UUID").stdout, uuid);
            strict_1.default.deepEqual(fstabLines(freshFstab), [`UUID=${uuid} ${freshMount} ext4 defaults,noatime,nofail 0 2`]);
        });
        (0, node_test_1.test)("a grown volume: the filesystem grows to fill it, the data intact", t => {
            const before = prepare(env, "before-growth");
            strict_1.default.equal(before.status, 0, before.describe);
            (0, node_fs_1.truncateSync)(image, 128 * MiB);
            (0, node_child_process_1.execFileSync)("losetup", ["--set-capacity", device]);
            const outcome = prepare(env, "grown");
            strict_1.default.equal(outcome.status, 0, outcome.describe);
            strict_1.default.equal(outcome.marker, "kept across hosts");
            if (!hasCapability(CAP_SYS_RESOURCE)) {
                // Online growth needs CAP_SYS_RESOURCE, which root on an EC2 host has and some containers drop:
                // here the script must say so and carry on.
                strict_1.default.match(outcome.stderr, /could not grow the filesystem on .*the server starts anyway.*\n.*Permission denied/);
                t.diagnostic("CAP_SYS_RESOURCE is missing here: checked only that a failed growth is reported and not fatal");
                return;
            }
            strict_1.default.match(outcome.stderr, /grew the filesystem/);
            strict_1.default.ok(before.size && outcome.size && outcome.size > before.size * 1.8, `the filesystem should have grown from ${before.size} to about twice that, not ${outcome.size} bytes`);
            const again = prepare(env, "grown-again");
            strict_1.default.doesNotMatch(again.stderr, /grew/, "a filesystem that fills its volume is left alone");
        });
    });
    (0, node_test_1.test)("a device that never appears: fails within the wait, naming the device", () => {
        const missing = sandbox.path("dev", "nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0");
        const fstab = sandbox.path("fstab-missing");
        (0, node_fs_1.writeFileSync)(fstab, "");
        const outcome = prepare({ DATA_MOUNT: sandbox.path("missing-mount"), DATA_DEVICE: missing, DATA_DEVICE_WAIT_SECONDS: "4", FSTAB: fstab }, "missing", "none", 15_000);
        strict_1.default.notEqual(outcome.status, 0, outcome.describe);
        strict_1.default.ok(outcome.ms >= 3500 && outcome.ms < 10_000, `gave up after ${outcome.ms} ms, not after about 4 s`);
        strict_1.default.ok(outcome.stderr.includes(missing), `stderr must name ${missing}:\n${outcome.stderr}`);
        strict_1.default.match(outcome.stderr, /did not appear .* within 4s/);
        strict_1.default.equal(outcome.mounted, undefined);
        strict_1.default.equal((0, node_fs_1.readFileSync)(fstab, "utf8"), "");
    });
    (0, node_test_1.describe)("a volume that is not blank and not ext4", () => {
        let device;
        let image;
        const fstab = sandbox.path("fstab-refused");
        const mount = sandbox.path("refused-mount");
        (0, node_test_1.before)(() => {
            image = sandbox.path("not-blank.img");
            device = attach(image, 16 * MiB);
            (0, node_fs_1.writeFileSync)(fstab, "");
        });
        (0, node_test_1.test)("random bytes without a filesystem signature: refused, not formatted", () => {
            let head = (0, node_crypto_1.randomBytes)(MiB);
            for (let tries = 0;; tries++) {
                const fd = (0, node_fs_1.openSync)(image, "r+");
                (0, node_fs_1.writeSync)(fd, head, 0, head.length, 0);
                (0, node_fs_1.closeSync)(fd);
                if (blkid(device).status === 2)
                    break; // random bytes that happen to look like a filesystem: try others
                strict_1.default.ok(tries < 5, "could not make a device without any signature");
                head = (0, node_crypto_1.randomBytes)(MiB);
            }
            const digest = () => (0, node_crypto_1.createHash)("sha256").update(readHead(image, 2 * MiB)).digest("hex");
            const before = digest();
            const outcome = prepare({ DATA_MOUNT: mount, DATA_DEVICE: device, DATA_DEVICE_WAIT_SECONDS: "4", FSTAB: fstab }, "random");
            strict_1.default.notEqual(outcome.status, 0, outcome.describe);
            strict_1.default.match(outcome.stderr, /has no filesystem signature but is not blank; refusing to format it/);
            strict_1.default.ok(outcome.stderr.includes(device));
            strict_1.default.equal(outcome.mounted, undefined);
            strict_1.default.equal(digest(), before, "the device was written to");
            strict_1.default.equal(blkid(device).status, 2);
            strict_1.default.equal((0, node_fs_1.readFileSync)(fstab, "utf8"), "");
        });
        (0, node_test_1.test)("another filesystem (swap): refused, left as it is", () => {
            (0, node_child_process_1.execFileSync)("mkswap", ["--label", "not-mlflow", device], { stdio: "ignore" });
            const outcome = prepare({ DATA_MOUNT: mount, DATA_DEVICE: device, DATA_DEVICE_WAIT_SECONDS: "4", FSTAB: fstab }, "swap");
            strict_1.default.notEqual(outcome.status, 0, outcome.describe);
            strict_1.default.match(outcome.stderr, /holds 'swap', not ext4; refusing to touch it/);
            strict_1.default.equal(outcome.mounted, undefined);
            strict_1.default.equal(blkid(device, "-o", "value", "-s", "TYPE").stdout, "swap");
            strict_1.default.equal((0, node_fs_1.readFileSync)(fstab, "utf8"), "");
            strict_1.default.equal((0, node_fs_1.existsSync)(path.join(mount, "mlflow")), false);
        });
    });
});
//# sourceMappingURL=data-volume.test.js.map