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
import { execFileSync, spawn, SpawnOptions } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

const NAMESPACE_ENV = "MLFLOW_E2E_NAMESPACE";
const WORKDIR_ENV = "MLFLOW_E2E_WORKDIR";
const namespaceIds = () => `${readlinkSync("/proc/self/ns/net")}|${readlinkSync("/proc/self/ns/mnt")}`;

const WORKDIR_PREFIX = "mlflow-e2e-";
const OWNER_FILE = "owner";

/** pid and start time of a live process (a pid alone may be reused), or undefined. */
function processIdentity(pid: number): string | undefined {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return `${pid} ${stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]}`;
    } catch {
        return undefined;
    }
}

/**
 * Removes work directories of earlier runs whose outer process was killed outright (SIGKILL
 * leaves no chance to clean up; the kernel already ended their processes, mounts and namespaces).
 */
function sweepStaleWorkDirs(): void {
    for (const name of readdirSync(os.tmpdir())) {
        if (!name.startsWith(WORKDIR_PREFIX)) continue;
        const dir = path.join(os.tmpdir(), name);
        try {
            const owner = readFileSync(path.join(dir, OWNER_FILE), "utf8").trim();
            const pid = Number(owner.split(" ")[0]);
            if (owner && processIdentity(pid) !== owner) rmSync(dir, { recursive: true, force: true });
        } catch { /* not ours, or being created right now */ }
    }
}

/** True in the re-executed child, and only if it really is in other namespaces than its parent. */
export function inNamespace(): boolean {
    const outer = process.env[NAMESPACE_ENV];
    if (!outer) return false;
    const [outerNet, outerMnt] = outer.split("|");
    const [net_, mnt] = namespaceIds().split("|");
    if (net_ === outerNet || mnt === outerMnt) {
        throw new Error(`${NAMESPACE_ENV} is set but this process shares its parent's network or mount namespace; refusing to touch the machine`);
    }
    return true;
}

export function assertInNamespace(): void {
    if (!inNamespace()) throw new Error("the nginx sandbox runs only inside reexecInNamespace(); it never touches the machine's own network or mounts");
}

/**
 * Runs `scriptFile` again inside private mount, network and PID namespaces (see the header) and
 * makes this process exit with its status. Call it instead of defining tests when !inNamespace().
 */
export function reexecInNamespace(scriptFile: string, options: { timeoutMs?: number } = {}): void {
    if (process.getuid?.() !== 0) {
        console.error("the nginx end-to-end tests need root (network and mount namespaces)");
        process.exitCode = 1;
        return;
    }
    sweepStaleWorkDirs();
    const workDir = mkdtempSync(path.join(os.tmpdir(), WORKDIR_PREFIX));
    writeFileSync(path.join(workDir, OWNER_FILE), processIdentity(process.pid) ?? "");
    const timeoutMs = options.timeoutMs ?? 300_000;
    const child = spawn("setpriv", [
        "--pdeathsig", "KILL", "--",
        "unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "--propagation", "private",
        process.execPath, ...process.execArgv, scriptFile, ...process.argv.slice(2),
    ], {
        stdio: "inherit",
        env: { ...process.env, [NAMESPACE_ENV]: namespaceIds(), [WORKDIR_ENV]: workDir },
    });
    let cleaned = false;
    const cleanup = () => {
        if (cleaned) return;
        cleaned = true;
        rmSync(workDir, { recursive: true, force: true });
    };
    const timer = setTimeout(() => {
        console.error(`${path.basename(scriptFile)}: no result after ${timeoutMs / 1000} s; killing it`);
        child.kill("SIGKILL");
    }, timeoutMs);
    const onSignal = (signal: NodeJS.Signals) => {
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
        if (signal) console.error(`${path.basename(scriptFile)} in its namespace ended by ${signal}`);
        process.exitCode = code ?? 1;
    });
}

/** A word bash reads back as `value`, whatever it holds. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A new directory for a test's own files. Inside the namespace it lives in the work directory the
 * outer process removes when the run ends, so nothing needs cleaning up by hand.
 */
export function scratchDir(prefix: string): string {
    const base = process.env[WORKDIR_ENV] && existsSync(process.env[WORKDIR_ENV]!) ? process.env[WORKDIR_ENV]! : os.tmpdir();
    return mkdtempSync(path.join(base, `${prefix}-`));
}

export interface RunResult {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

/** Runs a command (in the current namespaces) with a time limit; never throws for a non-zero exit. */
export function run(command: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const spawnOptions: SpawnOptions = { stdio: ["pipe", "pipe", "pipe"], env: options.env ?? process.env, cwd: options.cwd };
        const child = spawn(command, args, spawnOptions);
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        child.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk));
        child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
        child.on("error", error => { clearTimeout(timer); reject(error); });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
        });
        child.stdin!.on("error", () => { /* the command may not read its input */ });
        child.stdin!.end(options.input ?? "");
    });
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

/** True once something accepts TCP connections at host:port (a second at most per try). */
export function canConnect(host: string, port: number): Promise<boolean> {
    return new Promise(resolve => {
        const socket = net.connect({ host, port });
        const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
        socket.setTimeout(1000, () => done(false));
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
    });
}

/** Brings `lo` up (all of 127.0.0.0/8 then works), idempotent. Only inside the namespace. */
export function bringUpLoopback(): void {
    assertInNamespace();
    execFileSync("ip", ["link", "set", "lo", "up"]);
}

/** Brings `lo` up and puts `address` on it (idempotent). Only inside the namespace. */
export function addLoopbackAddress(address: string): void {
    bringUpLoopback();
    const present = execFileSync("ip", ["-o", "addr", "show", "dev", "lo"], { encoding: "utf8" });
    const prefix = net.isIPv6(address) ? 128 : 32;
    if (!present.includes(` ${address}/`)) execFileSync("ip", ["addr", "add", `${address}/${prefix}`, "dev", "lo"]);
}

/** Takes `address` off `lo` again: connections to it then fail at once (a container that is gone). */
export function removeLoopbackAddress(address: string): void {
    assertInNamespace();
    const prefix = net.isIPv6(address) ? 128 : 32;
    execFileSync("ip", ["addr", "del", `${address}/${prefix}`, "dev", "lo"]);
}
