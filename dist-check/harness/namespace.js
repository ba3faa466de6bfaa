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
Object.defineProperty(exports, "__esModule", { value: true });
exports.sleep = void 0;
exports.inNamespace = inNamespace;
exports.assertInNamespace = assertInNamespace;
exports.reexecInNamespace = reexecInNamespace;
exports.shellQuote = shellQuote;
exports.scratchDir = scratchDir;
exports.run = run;
exports.canConnect = canConnect;
exports.bringUpLoopback = bringUpLoopback;
exports.addLoopbackAddress = addLoopbackAddress;
exports.removeLoopbackAddress = removeLoopbackAddress;
// Private namespaces for the end-to-end tests and the benchmark, and the process helpers both use.
//
// A test (or benchmark) script calls `reexecInNamespace(__filename)` when `inNamespace()` is
// false. That runs the same script again under
//     setpriv --pdeathsig KILL unshare --mount --net --pid --fork --kill-child --mount-proc
// with stdio inherited (so node:test's reporter stream passes straight through) and returns the
// child's exit status. Inside, the script is PID 1 of a fresh PID namespace, with its own network
// namespace (only `lo`) and a private mount namespace. Whatever happens, the kernel cleans up:
// when the script exits or is killed, every process in the PID namespace (nginx, MLflow, curl, ...)
// is killed and the mounts and the network namespace vanish with it; if the outer process dies,
// `setpriv --pdeathsig` and `unshare --kill-child` bring the inner one down too. The outer process
// owns one temporary work directory (removed when the child ends) under which every sandbox
// keeps its files. Several such scripts can run at once: nothing is shared but read-only files
// (the nginx root, the Python environments).
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const net = __importStar(require("net"));
const os = __importStar(require("os"));
const path = __importStar(require("path"));
const NAMESPACE_ENV = "MLFLOW_E2E_NAMESPACE";
const WORKDIR_ENV = "MLFLOW_E2E_WORKDIR";
const namespaceIds = () => `${(0, fs_1.readlinkSync)("/proc/self/ns/net")}|${(0, fs_1.readlinkSync)("/proc/self/ns/mnt")}`;
const WORKDIR_PREFIX = "mlflow-e2e-";
const OWNER_FILE = "owner";
/** pid and start time of a live process (a pid alone may be reused), or undefined. */
function processIdentity(pid) {
    try {
        const stat = (0, fs_1.readFileSync)(`/proc/${pid}/stat`, "utf8");
        return `${pid} ${stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]}`;
    }
    catch {
        return undefined;
    }
}
/**
 * Removes work directories of earlier runs whose outer process was killed outright (SIGKILL
 * leaves no chance to clean up; the kernel already ended their processes, mounts and namespaces).
 */
function sweepStaleWorkDirs() {
    for (const name of (0, fs_1.readdirSync)(os.tmpdir())) {
        if (!name.startsWith(WORKDIR_PREFIX))
            continue;
        const dir = path.join(os.tmpdir(), name);
        try {
            const owner = (0, fs_1.readFileSync)(path.join(dir, OWNER_FILE), "utf8").trim();
            const pid = Number(owner.split(" ")[0]);
            if (owner && processIdentity(pid) !== owner)
                (0, fs_1.rmSync)(dir, { recursive: true, force: true });
        }
        catch { /* not ours, or being created right now */ }
    }
}
/** True in the re-executed child, and only if it really is in other namespaces than its parent. */
function inNamespace() {
    const outer = process.env[NAMESPACE_ENV];
    if (!outer)
        return false;
    const [outerNet, outerMnt] = outer.split("|");
    const [net_, mnt] = namespaceIds().split("|");
    if (net_ === outerNet || mnt === outerMnt) {
        throw new Error(`${NAMESPACE_ENV} is set but this process shares its parent's network or mount namespace; refusing to touch the machine`);
    }
    return true;
}
function assertInNamespace() {
    if (!inNamespace())
        throw new Error("the nginx sandbox runs only inside reexecInNamespace(); it never touches the machine's own network or mounts");
}
/**
 * Runs `scriptFile` again inside private mount, network and PID namespaces (see the header) and
 * makes this process exit with its status. Call it instead of defining tests when !inNamespace().
 */
function reexecInNamespace(scriptFile, options = {}) {
    if (process.getuid?.() !== 0) {
        console.error("the nginx end-to-end tests need root (network and mount namespaces)");
        process.exitCode = 1;
        return;
    }
    sweepStaleWorkDirs();
    const workDir = (0, fs_1.mkdtempSync)(path.join(os.tmpdir(), WORKDIR_PREFIX));
    (0, fs_1.writeFileSync)(path.join(workDir, OWNER_FILE), processIdentity(process.pid) ?? "");
    const timeoutMs = options.timeoutMs ?? 300_000;
    const child = (0, child_process_1.spawn)("setpriv", [
        "--pdeathsig", "KILL", "--",
        "unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "--propagation", "private",
        process.execPath, ...process.execArgv, scriptFile, ...process.argv.slice(2),
    ], {
        stdio: "inherit",
        env: { ...process.env, [NAMESPACE_ENV]: namespaceIds(), [WORKDIR_ENV]: workDir },
    });
    let cleaned = false;
    const cleanup = () => {
        if (cleaned)
            return;
        cleaned = true;
        (0, fs_1.rmSync)(workDir, { recursive: true, force: true });
    };
    const timer = setTimeout(() => {
        console.error(`${path.basename(scriptFile)}: no result after ${timeoutMs / 1000} s; killing it`);
        child.kill("SIGKILL");
    }, timeoutMs);
    const onSignal = (signal) => {
        child.kill("SIGKILL");
        cleanup();
        process.exit(signal === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    child.on("error", error => {
        console.error(`cannot start unshare: ${error.message}`);
        process.exitCode = 1;
    });
    child.on("exit", (code, signal) => {
        clearTimeout(timer);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        cleanup();
        if (signal)
            console.error(`${path.basename(scriptFile)} in its namespace ended by ${signal}`);
        process.exitCode = code ?? 1;
    });
}
/** A word bash reads back as `value`, whatever it holds. */
function shellQuote(value) {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}
/**
 * A new directory for a test's own files. Inside the namespace it lives in the work directory the
 * outer process removes when the run ends, so nothing needs cleaning up by hand.
 */
function scratchDir(prefix) {
    const base = process.env[WORKDIR_ENV] && (0, fs_1.existsSync)(process.env[WORKDIR_ENV]) ? process.env[WORKDIR_ENV] : os.tmpdir();
    return (0, fs_1.mkdtempSync)(path.join(base, `${prefix}-`));
}
/** Runs a command (in the current namespaces) with a time limit; never throws for a non-zero exit. */
function run(command, args, options = {}) {
    return new Promise((resolve, reject) => {
        const spawnOptions = { stdio: ["pipe", "pipe", "pipe"], env: options.env ?? process.env, cwd: options.cwd };
        const child = (0, child_process_1.spawn)(command, args, spawnOptions);
        const stdout = [];
        const stderr = [];
        child.stdout.on("data", (chunk) => stdout.push(chunk));
        child.stderr.on("data", (chunk) => stderr.push(chunk));
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
        child.on("error", error => { clearTimeout(timer); reject(error); });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
        });
        child.stdin.on("error", () => { });
        child.stdin.end(options.input ?? "");
    });
}
const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
exports.sleep = sleep;
/** True once something accepts TCP connections at host:port (a second at most per try). */
function canConnect(host, port) {
    return new Promise(resolve => {
        const socket = net.connect({ host, port });
        const done = (ok) => { socket.destroy(); resolve(ok); };
        socket.setTimeout(1000, () => done(false));
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
    });
}
/** Brings `lo` up (all of 127.0.0.0/8 then works), idempotent. Only inside the namespace. */
function bringUpLoopback() {
    assertInNamespace();
    (0, child_process_1.execFileSync)("ip", ["link", "set", "lo", "up"]);
}
/** Brings `lo` up and puts `address` on it (idempotent). Only inside the namespace. */
function addLoopbackAddress(address) {
    bringUpLoopback();
    const present = (0, child_process_1.execFileSync)("ip", ["-o", "addr", "show", "dev", "lo"], { encoding: "utf8" });
    const prefix = net.isIPv6(address) ? 128 : 32;
    if (!present.includes(` ${address}/`))
        (0, child_process_1.execFileSync)("ip", ["addr", "add", `${address}/${prefix}`, "dev", "lo"]);
}
/** Takes `address` off `lo` again: connections to it then fail at once (a container that is gone). */
function removeLoopbackAddress(address) {
    assertInNamespace();
    const prefix = net.isIPv6(address) ? 128 : 32;
    (0, child_process_1.execFileSync)("ip", ["addr", "del", `${address}/${prefix}`, "dev", "lo"]);
}
//# sourceMappingURL=namespace.js.map