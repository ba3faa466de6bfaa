// Real nginx 1.30 running the exact rendered bytes, in front of the MLflow stand-in, inside
// private namespaces of its own. Used by the proxy end-to-end tests and the benchmark.
//
// Process structure: a test (or benchmark) script calls `reexecInNamespace(__filename)` when
// `inNamespace()` is false. That runs the same script again under
//     setpriv --pdeathsig KILL unshare --mount --net --pid --fork --kill-child --mount-proc
// with stdio inherited (so node:test's reporter stream passes straight through) and returns the
// child's exit status. Inside, the script is PID 1 of a fresh PID namespace, with its own network
// namespace (only `lo`) and a private mount namespace. Whatever happens, the kernel cleans up:
// when the script exits or is killed, every process in the PID namespace (nginx, curl, ...) is
// killed and the mounts and the network namespace vanish with it; if the outer process dies,
// `setpriv --pdeathsig` and `unshare --kill-child` bring the inner one down too. The outer process
// owns one temporary work directory (removed when the child ends) under which every sandbox
// keeps its files. Several such scripts can run at once: nothing is shared but the read-only
// nginx root, and every path nginx writes to inside it is covered by a private bind mount.
//
// Inside the namespace `NginxSandbox.start({renderDir})`:
//   - brings `lo` up and adds the sample public address (sample-values.json publicIp) to it;
//   - answers DNS at 127.0.0.11:53 (Docker's embedded DNS, the rendered `resolver`) with the
//     stand-in's address for the compose service name `mlflow`;
//   - starts the MLflow stand-in on that address, port 5000, with the allowed hosts and origins
//     of the rendered compose file (or leaves that to the caller: `standin: false`);
//   - bind-mounts the nginx service's volumes of the rendered compose file (host path -> container
//     path) into the nginx root, plus private directories over /var/cache/nginx, /var/log/nginx
//     and /run, then runs `chroot <root> nginx -g "daemon off;"` (the official image's command).
// Only one sandbox at a time per namespace (it owns ports 80 and 443 and the root's mount points).
//
// A benchmark that wants MLflow's stand-in in a process of its own: `bringUpLoopback()`, then
// `spawnStandinProcess({host: STANDIN_ADDRESS, port: 5000, composeFile})` (mlflowStandin.ts),
// then `NginxSandbox.start({renderDir, standin: false})`; load generators (wrk, curl) are spawned
// with `sandbox.exec` or plain child_process: every child of the script is in the namespace.
import { ChildProcess, execFileSync, spawn, SpawnOptions } from "child_process";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { DATA, HOST, MLFLOW, NGINX } from "../../lib/render/layout";
import { readSampleValues, SampleValues } from "../../scripts/render";
import { DnsStub } from "./dnsStub";
import { MlflowStandin, securityFromCompose, standinArtifactsDir } from "./mlflowStandin";

export const DEFAULT_NGINX_ROOT = "/var/cache/mlflow-on-aws/nginx-root";
const NAMESPACE_ENV = "MLFLOW_E2E_NAMESPACE";
const WORKDIR_ENV = "MLFLOW_E2E_WORKDIR";
/** Where the stand-in listens and what the DNS stub answers for `mlflow`. Not 127.0.0.1, so only DNS can lead nginx there. */
export const STANDIN_ADDRESS = "127.0.0.5";
export const DOCKER_DNS_ADDRESS = "127.0.0.11";
/** Paths nginx writes to, by the rendered nginx.conf (pid, logs) and layout.ts (temp dirs). */
const WRITABLE_DIRS = { cache: path.posix.dirname(NGINX.clientBodyTemp), log: "/var/log/nginx", run: "/run" } as const;

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

function assertInNamespace(): void {
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

/**
 * A new directory for a test's own files. Inside the namespace it lives in the work directory the
 * outer process removes when the run ends, so nothing needs cleaning up by hand.
 */
export function scratchDir(prefix: string): string {
    const base = process.env[WORKDIR_ENV] && existsSync(process.env[WORKDIR_ENV]!) ? process.env[WORKDIR_ENV]! : os.tmpdir();
    return mkdtempSync(path.join(base, `${prefix}-`));
}

/** The nginx root file system, checked; throws with the command that builds it. */
export function resolveNginxRoot(root = process.env.NGINX_ROOT || DEFAULT_NGINX_ROOT): string {
    const hint = "build it with `bash test/support/build-nginx-root.sh` (as root; NGINX_ROOT overrides the location)";
    if (!existsSync(path.join(root, "usr/sbin/nginx"))) throw new Error(`no nginx root at ${root}: ${hint}`);
    let version = "";
    try {
        version = execFileSync("sh", ["-c", 'chroot "$1" nginx -v 2>&1', "sh", root], { encoding: "utf8", timeout: 10_000 });
    } catch (error) {
        version = String((error as { stdout?: string }).stdout ?? "");
    }
    if (!/nginx\/1\.30\./.test(version)) throw new Error(`${root} has ${version.trim() || "no working nginx"}, not nginx 1.30.x: ${hint}`);
    return root;
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

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function canConnect(host: string, port: number): Promise<boolean> {
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

/** The in-process stand-in's data directory, in the sandbox's work directory. */
const standinDataDir = (workDir: string) => path.join(workDir, "mlflow");

export interface SandboxOptions {
    /** Output of `npm run render` (render()). */
    renderDir: string;
    nginxRoot?: string;
    /**
     * Local directories or files to mount for host paths of the compose file's nginx volumes,
     * e.g. {[HOST.activeTlsDir]: dir}. Defaults: the active TLS dir holds the fallback certificate
     * and key (as mlflow-certificate installs them before Let's Encrypt), the ACME webroot is an
     * empty directory, and the htpasswd file is a copy owned root:nginx 0640 (as
     * mlflow-fetch-secrets installs it). Every other host path comes from the render directory.
     */
    hostPaths?: Record<string, string>;
    /** Start the in-process MLflow stand-in (default), or not: the caller serves STANDIN_ADDRESS:5000. */
    standin?: boolean;
}

interface Mount { source: string; target: string; readOnly: boolean }

export class NginxSandbox {
    readonly values: SampleValues;
    /** The sample public address (sample-values.json), on `lo`. */
    readonly publicIp: string;
    /** The private CA's certificate (PEM) from the render. */
    readonly caCert: string;
    readonly workDir: string;
    readonly root: string;
    /** Local directories behind nginx's writable paths, the ACME webroot and MLflow's artifact store (nginx serves downloads from it). */
    readonly dirs: { cache: string; log: string; run: string; acmeWebroot: string; tls: string; artifacts: string };
    standin?: MlflowStandin;
    dns?: DnsStub;
    private master?: ChildProcess;
    private masterStderr = "";
    private readonly mounts: Mount[] = [];
    private knownWorkers = new Set<number>();

    private constructor(readonly renderDir: string, root: string, workDir: string, dirs: NginxSandbox["dirs"]) {
        this.values = readSampleValues(renderDir);
        this.publicIp = this.values.publicIp;
        this.caCert = readFileSync(path.join(renderDir, this.values.caCertFile), "utf8");
        this.root = root;
        this.workDir = workDir;
        this.dirs = dirs;
    }

    /** A file the host holds, in the render directory. */
    hostFile(hostPath: string): string {
        return path.join(this.renderDir, "files", hostPath);
    }

    get composeFile(): string { return this.hostFile(HOST.composeFile); }
    get users(): Record<string, string> { return this.values.users; }

    static async start(options: SandboxOptions): Promise<NginxSandbox> {
        assertInNamespace();
        const root = resolveNginxRoot(options.nginxRoot);
        const workDir = scratchDir("sandbox");
        /** A directory in the work directory (a name) or anywhere (an absolute path). */
        const dir = (name: string, mode = 0o755) => {
            const full = path.resolve(workDir, name);
            mkdirSync(full, { recursive: true });
            chmodSync(full, mode);
            return full;
        };
        const renderDir = path.resolve(options.renderDir);
        const overrides = options.hostPaths ?? {};
        const sandbox = new NginxSandbox(renderDir, root, workDir, {
            cache: dir("nginx-cache"),
            log: dir("nginx-log"),
            run: dir("nginx-run"),
            acmeWebroot: overrides[DATA.acmeWebroot] ?? dir("acme-webroot"),
            tls: overrides[HOST.activeTlsDir] ?? dir("tls-active"),
            artifacts: overrides[DATA.artifacts] ?? dir(standinArtifactsDir(standinDataDir(workDir))),
        });
        try {
            await sandbox.setUp(overrides, options.standin ?? true);
            return sandbox;
        } catch (error) {
            await sandbox.stop();
            throw error;
        }
    }

    private async setUp(overrides: Record<string, string>, withStandin: boolean): Promise<void> {
        addLoopbackAddress(this.publicIp);

        if (!overrides[HOST.activeTlsDir]) {
            // What mlflow-certificate installs before any Let's Encrypt certificate exists.
            copyFileSync(this.hostFile(HOST.fallbackCert), path.join(this.dirs.tls, "fullchain.pem"));
            chmodSync(path.join(this.dirs.tls, "fullchain.pem"), 0o644);
            copyFileSync(this.hostFile(HOST.fallbackKey), path.join(this.dirs.tls, "privkey.pem"));
            chmodSync(path.join(this.dirs.tls, "privkey.pem"), 0o600);
        }
        let htpasswd = overrides[HOST.htpasswd];
        if (!htpasswd) {
            // As mlflow-fetch-secrets installs it: root:<nginx gid> 0640, readable by nginx's workers.
            htpasswd = path.join(this.workDir, "htpasswd");
            copyFileSync(this.hostFile(HOST.htpasswd), htpasswd);
            chownSync(htpasswd, 0, NGINX.gid);
            chmodSync(htpasswd, 0o640);
        }
        const localPath = (hostPath: string) =>
            hostPath === HOST.activeTlsDir ? this.dirs.tls
                : hostPath === DATA.acmeWebroot ? this.dirs.acmeWebroot
                    : hostPath === HOST.htpasswd ? htpasswd!
                        : hostPath === DATA.artifacts ? this.dirs.artifacts
                            : overrides[hostPath] ?? this.hostFile(hostPath);

        // The nginx service's volumes, exactly as the rendered compose file declares them.
        const compose = parse(readFileSync(this.composeFile, "utf8")) as { services: Record<string, { volumes?: string[] }> };
        const volumes = compose.services.nginx?.volumes ?? [];
        if (volumes.length === 0) throw new Error(`${this.composeFile}: the nginx service has no volumes`);
        for (const volume of volumes) {
            const [hostPath, containerPath, mode] = volume.split(":");
            const source = localPath(hostPath);
            if (!existsSync(source)) throw new Error(`compose volume ${volume}: ${source} does not exist`);
            this.bind(source, containerPath, mode === "ro");
        }
        this.bind(this.dirs.cache, WRITABLE_DIRS.cache, false);
        this.bind(this.dirs.log, WRITABLE_DIRS.log, false);
        this.bind(this.dirs.run, WRITABLE_DIRS.run, false);

        this.dns = await DnsStub.start({ records: { [MLFLOW.service]: STANDIN_ADDRESS }, address: DOCKER_DNS_ADDRESS, port: 53 });
        if (withStandin) {
            this.standin = await MlflowStandin.start({
                host: STANDIN_ADDRESS,
                port: MLFLOW.port,
                dataDir: standinDataDir(this.workDir),
                ...securityFromCompose(this.composeFile),
            });
        }
        await this.startNginx();
    }

    private bind(source: string, containerPath: string, readOnly: boolean): void {
        const target = path.join(this.root, containerPath);
        if (!existsSync(target)) {
            throw new Error(`${containerPath} is missing in the nginx root ${this.root} (a mount point the compose file needs); ` +
                "rebuild it with `bash test/support/build-nginx-root.sh` after adding it there");
        }
        if (statSync(source).isDirectory() !== statSync(target).isDirectory()) {
            throw new Error(`cannot mount ${source} on ${containerPath}: one is a directory and the other is not`);
        }
        execFileSync("mount", ["--bind", source, target]);
        this.mounts.push({ source, target, readOnly });
        if (readOnly) execFileSync("mount", ["-o", "remount,bind,ro", target]);
    }

    private async startNginx(): Promise<void> {
        const master = spawn("chroot", [this.root, "nginx", "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
        this.master = master;
        master.stderr!.on("data", (chunk: Buffer) => { this.masterStderr = (this.masterStderr + chunk.toString("utf8")).slice(-20_000); });
        const deadline = Date.now() + 15_000;
        while (Date.now() < deadline) {
            if (master.exitCode !== null || master.signalCode !== null) break;
            if (await canConnect(this.publicIp, 443) && await canConnect(this.publicIp, 80)) {
                this.knownWorkers = new Set(this.workerPids());
                return;
            }
            await sleep(50);
        }
        throw new Error(`nginx did not start: ${this.masterStderr.trim()}\nerror.log:\n${this.errorLog()}`);
    }

    get masterPid(): number | undefined { return this.master?.pid; }

    /** `chroot <root> nginx <args>`, e.g. ["-t"] or ["-s", "reload"]. */
    nginx(args: string[], timeoutMs = 30_000): Promise<RunResult> {
        return run("chroot", [this.root, "nginx", ...args], { timeoutMs });
    }

    /** Runs a command in the sandbox's namespaces (curl, openssl, testssl, ...). */
    exec(command: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
        return run(command, args, options);
    }

    /** Processes whose parent is the nginx master: its workers, including old ones still shutting down. */
    workerPids(): number[] {
        const master = this.master?.pid;
        if (!master) return [];
        const pids: number[] = [];
        for (const entry of readdirSync("/proc")) {
            if (!/^\d+$/.test(entry)) continue;
            try {
                const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
                const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
                if (ppid === master) pids.push(Number(entry));
            } catch { /* gone meanwhile */ }
        }
        return pids.sort((a, b) => a - b);
    }

    /** A process's title, e.g. "nginx: worker process is shutting down"; "" once it is gone. */
    processTitle(pid: number): string {
        try {
            return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
        } catch {
            return "";
        }
    }

    /** Sends `nginx -s reload` and waits until it took effect. */
    async reload(): Promise<void> {
        const before = this.workerPids();
        const result = await this.nginx(["-s", "reload"]);
        if (result.code !== 0) throw new Error(`nginx -s reload failed: ${result.stderr}`);
        await this.waitForReload(before);
    }

    /**
     * Waits until a reload (sent by anyone) took effect: new workers run and each old one has
     * either exited or closed its listening sockets ("is shutting down"). Bounded by timeoutMs.
     */
    async waitForReload(before: number[], timeoutMs = 15_000): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            const now = this.workerPids();
            const fresh = now.filter(pid => !before.includes(pid));
            const oldSettled = before.every(pid => {
                const title = this.processTitle(pid);
                return title === "" || title.includes("shutting down");
            });
            if (fresh.length > 0 && oldSettled) {
                this.knownWorkers = new Set(now);
                return;
            }
            await sleep(50);
        }
        throw new Error(`nginx did not reload within ${timeoutMs} ms; error.log:\n${this.errorLog().slice(-4000)}`);
    }

    /**
     * nginx's temporary files: files in its client-body and proxy temp dirs (relative to
     * /var/cache/nginx), and files there that a worker holds open (nginx unlinks a temp file
     * right after creating it, so a listing alone would miss it; /proc/<worker>/fd does not).
     */
    tempFiles(): string[] {
        const found: string[] = [];
        const walk = (dir: string, depth: number) => {
            if (depth > 8 || !existsSync(dir)) return;
            for (const entry of readdirSync(dir, { withFileTypes: true })) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory()) walk(full, depth + 1);
                else found.push(path.relative(this.dirs.cache, full));
            }
        };
        for (const dir of this.tempDirs()) walk(dir, 0);
        const tempPaths = [NGINX.clientBodyTemp, NGINX.proxyTemp].map(p => `${p}/`);
        for (const pid of this.workerPids()) {
            let fds: string[] = [];
            try { fds = readdirSync(`/proc/${pid}/fd`); } catch { continue; }
            for (const fd of fds) {
                let target = "";
                try { target = readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { continue; }
                if (tempPaths.some(p => target.includes(p))) found.push(`${target} (open in worker ${pid})`);
            }
        }
        return found;
    }

    /** The temp dirs nginx created (they exist once nginx started), as local paths. */
    tempDirs(): string[] {
        return [NGINX.clientBodyTemp, NGINX.proxyTemp].map(p => path.join(this.dirs.cache, path.posix.relative(WRITABLE_DIRS.cache, p)));
    }

    errorLog(): string {
        try {
            return readFileSync(path.join(this.dirs.log, "error.log"), "utf8");
        } catch {
            return "";
        }
    }

    accessLog(): string {
        try {
            return readFileSync(path.join(this.dirs.log, "access.log"), "utf8");
        } catch {
            return "";
        }
    }

    /** Stops nginx, the stand-in and the DNS stub, unmounts, removes the work dir. Safe to call twice. */
    async stop(): Promise<void> {
        const master = this.master;
        if (master && master.exitCode === null && master.signalCode === null) {
            const workers = new Set([...this.knownWorkers, ...this.workerPids()]);
            const exited = new Promise<void>(resolve => master.once("exit", () => resolve()));
            master.kill("SIGTERM");
            const timer = setTimeout(() => master.kill("SIGKILL"), 5000);
            await exited;
            clearTimeout(timer);
            for (const pid of workers) {
                if (this.processTitle(pid).startsWith("nginx")) {
                    try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ }
                }
            }
        }
        this.master = undefined;
        await this.standin?.close().catch(() => undefined);
        this.standin = undefined;
        await this.dns?.close().catch(() => undefined);
        this.dns = undefined;
        for (const mount of this.mounts.reverse()) {
            try {
                execFileSync("umount", [mount.target], { stdio: "ignore" });
            } catch {
                try { execFileSync("umount", ["-l", mount.target], { stdio: "ignore" }); } catch { /* the namespace ends anyway */ }
            }
        }
        this.mounts.length = 0;
        rmSync(this.workDir, { recursive: true, force: true });
    }
}
