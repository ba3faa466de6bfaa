// Real nginx 1.30 running the exact rendered bytes, in front of the real MLflow server run as the
// rendered compose file runs it (realMlflow.ts), inside the private namespaces of namespace.ts.
// Used by the end-to-end tests and the benchmark.
//
// Inside the namespace `NginxSandbox.start({renderDir})`:
//   - brings `lo` up and adds the sample public address (sample-values.json publicIp) and
//     MLFLOW_ADDRESSES (the mlflow containers' addresses on the compose network) to it;
//   - answers DNS at 127.0.0.11:53 (Docker's embedded DNS, the rendered `resolver`) with the
//     address of each of the mlflow service's servers (its compose replicas) for its name `mlflow`;
//   - starts the real MLflow servers on a data directory laid out like DATA.mlflow (or leaves
//     MLFLOW_ADDRESS:5000 to the caller: `mlflow: false`);
//   - bind-mounts the nginx service's volumes of the rendered compose file (host path -> container
//     path) into the nginx root, plus private directories over /var/cache/nginx, /var/log/nginx
//     and /run, then runs `chroot <root> nginx -g "daemon off;"` (the official image's command).
//     nginx's read-only artifact store is MLflow's store: the same local directory.
// Only one sandbox at a time per namespace (it owns ports 80 and 443 and the root's mount points);
// every path nginx writes to inside the shared nginx root is covered by a private bind mount.
//
// The benchmark restarts MLflow with other settings (startMlflow with a changed compose file);
// load generators (wrk, curl) are spawned with `sandbox.exec` or plain child_process: every
// child of the script is in the namespace.
import { ChildProcess, execFileSync, spawn } from "child_process";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DATA, HOST, MLFLOW, NGINX } from "../lib/render/layout";
import { readSampleValues, SampleValues } from "../scripts/render";
import { DnsStub } from "./dnsStub";
import { readEnvFileWithBash } from "./envFile";
import { addLoopbackAddress, assertInNamespace, canConnect, run, RunResult, scratchDir, sleep } from "./namespace";
import { mlflowService, RealMlflow, RealMlflowOptions, serviceHostPaths } from "./realMlflow";

export const DEFAULT_NGINX_ROOT = "/var/cache/mlflow-on-aws/nginx-root";
/**
 * What the DNS stub answers for `mlflow`: addresses of a compose network, as the service's
 * containers have, the first ones as many as it runs servers. Not in 127.0.0.0/8, so that taking
 * one off `lo` makes it unreachable (a container that is gone).
 */
export const MLFLOW_ADDRESSES = ["172.18.0.2", "172.18.0.3", "172.18.0.4", "172.18.0.5"] as const;
/** The first server's address (the only one when the service runs one server). */
export const MLFLOW_ADDRESS = MLFLOW_ADDRESSES[0];
export const DOCKER_DNS_ADDRESS = "127.0.0.11";
/** Paths nginx writes to, by the rendered nginx.conf (pid, logs) and layout.ts (temp dirs). */
const WRITABLE_DIRS = { cache: path.posix.dirname(NGINX.clientBodyTemp), log: "/var/log/nginx", run: "/run" } as const;

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

/** The store's place inside MLflow's data directory, as on the data volume. */
const artifactsIn = (mlflowData: string) => path.join(mlflowData, path.posix.relative(DATA.mlflow, DATA.artifacts));

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
    /** Start the real MLflow server (default), or not: the caller serves MLFLOW_ADDRESS:5000. */
    mlflow?: boolean;
    /** Other compose services' names and addresses, answered by the DNS stub from the start (as Docker's DNS does). */
    services?: Record<string, string>;
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
    /**
     * Local directories behind nginx's writable paths, the ACME webroot, MLflow's data directory
     * (DATA.mlflow), its artifact store inside it (nginx serves downloads from it), and the
     * MLflow container's /tmp and HOME.
     */
    readonly dirs: { cache: string; log: string; run: string; acmeWebroot: string; tls: string; mlflowData: string; artifacts: string; mlflowTmp: string; mlflowHome: string };
    mlflow?: RealMlflow;
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

    /** A path in MLflow's data directory on the data volume (under DATA.mlflow), in the sandbox's. */
    dataFile(hostPath: string): string {
        const relative = path.posix.relative(DATA.mlflow, hostPath);
        if (relative.startsWith("..")) throw new Error(`${hostPath} is not under ${DATA.mlflow}`);
        return path.join(this.dirs.mlflowData, relative);
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
            mlflowData: dir("mlflow-data"),
            artifacts: overrides[DATA.artifacts] ?? dir(artifactsIn(path.join(workDir, "mlflow-data"))),
            mlflowTmp: dir("mlflow-tmp", 0o1777),
            mlflowHome: dir("mlflow-home", 0o700),
        });
        try {
            await sandbox.setUp(overrides, options.mlflow ?? true, options.services ?? {});
            return sandbox;
        } catch (error) {
            await sandbox.stop();
            throw error;
        }
    }

    private async setUp(overrides: Record<string, string>, withMlflow: boolean, services: Record<string, string>): Promise<void> {
        addLoopbackAddress(this.publicIp);
        for (const address of MLFLOW_ADDRESSES) addLoopbackAddress(address);

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

        this.dns = await DnsStub.start({ records: { [MLFLOW.service]: MLFLOW_ADDRESS, ...services }, address: DOCKER_DNS_ADDRESS, port: 53 });
        if (withMlflow) this.mlflow = await this.startMlflow();
        await this.startNginx();
    }

    /**
     * The real MLflow servers on this sandbox's data directory, one at each of the first
     * `addresses` (on `lo`; MLFLOW_ADDRESSES by default) as the compose file's replicas of the
     * service, and the service's name pointed at them as Docker's DNS does; for a second start
     * after the first was stopped (a recreated container), by default with the rendered compose
     * file's command and environment and host.env's journal mode.
     */
    async startMlflow(options: { addresses?: readonly string[]; composeFile?: string } & Partial<Pick<RealMlflowOptions, "hostPaths" | "env" | "pythonEnv" | "sqliteJournalMode">> = {}): Promise<RealMlflow> {
        const composeFile = options.composeFile ?? this.composeFile;
        const servers = (options.addresses ?? MLFLOW_ADDRESSES).slice(0, mlflowService(composeFile).replicas);
        const mlflow = await RealMlflow.start({
            composeFile,
            hostPaths: options.hostPaths ?? this.mlflowHostPaths(composeFile),
            tmpDir: this.dirs.mlflowTmp,
            homeDir: this.dirs.mlflowHome,
            addresses: servers,
            env: options.env,
            pythonEnv: options.pythonEnv,
            sqliteJournalMode: options.sqliteJournalMode ?? readEnvFileWithBash(this.hostFile(HOST.hostEnv)).SQLITE_JOURNAL_MODE,
        });
        this.dns?.setRecord(MLFLOW.service, servers);
        return mlflow;
    }

    /**
     * Where the mlflow service's host paths are here: the data directory in the sandbox, the
     * files and directories the host receives (the auth app's configuration, its env file, the
     * identity module's directory) in the render directory.
     */
    mlflowHostPaths(composeFile = this.composeFile): Record<string, string> {
        const rendered = serviceHostPaths(mlflowService(composeFile)).filter(hostPath => existsSync(this.hostFile(hostPath)));
        return { ...Object.fromEntries(rendered.map(hostPath => [hostPath, this.hostFile(hostPath)])), [DATA.mlflow]: this.dirs.mlflowData };
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

    /** Stops nginx, MLflow and the DNS stub, unmounts, removes the work dir. Safe to call twice. */
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
        await this.mlflow?.stop().catch(() => undefined);
        this.mlflow = undefined;
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
