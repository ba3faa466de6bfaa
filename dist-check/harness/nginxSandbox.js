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
exports.NginxSandbox = exports.DOCKER_DNS_ADDRESS = exports.MLFLOW_ADDRESS = exports.DEFAULT_NGINX_ROOT = void 0;
exports.resolveNginxRoot = resolveNginxRoot;
// Real nginx 1.30 running the exact rendered bytes, in front of the real MLflow server run as the
// rendered compose file runs it (realMlflow.ts), inside the private namespaces of namespace.ts.
// Used by the end-to-end tests and the benchmark.
//
// Inside the namespace `NginxSandbox.start({renderDir})`:
//   - brings `lo` up and adds the sample public address (sample-values.json publicIp) and
//     MLFLOW_ADDRESS (the mlflow container's address on the compose network) to it;
//   - answers DNS at 127.0.0.11:53 (Docker's embedded DNS, the rendered `resolver`) with
//     MLFLOW_ADDRESS for the compose service name `mlflow`;
//   - starts the real MLflow server on a data directory laid out like DATA.mlflow (or leaves
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
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const yaml_1 = require("yaml");
const layout_1 = require("../lib/render/layout");
const render_1 = require("../scripts/render");
const dnsStub_1 = require("./dnsStub");
const namespace_1 = require("./namespace");
const realMlflow_1 = require("./realMlflow");
exports.DEFAULT_NGINX_ROOT = "/var/cache/mlflow-on-aws/nginx-root";
/**
 * What the DNS stub answers for `mlflow`: an address of a compose network, as the container has.
 * Not in 127.0.0.0/8, so that taking it off `lo` makes it unreachable (a container that is gone)
 * while MLflow, listening on 0.0.0.0, stays reachable at other addresses.
 */
exports.MLFLOW_ADDRESS = "172.18.0.2";
exports.DOCKER_DNS_ADDRESS = "127.0.0.11";
/** Paths nginx writes to, by the rendered nginx.conf (pid, logs) and layout.ts (temp dirs). */
const WRITABLE_DIRS = { cache: path.posix.dirname(layout_1.NGINX.clientBodyTemp), log: "/var/log/nginx", run: "/run" };
/** The nginx root file system, checked; throws with the command that builds it. */
function resolveNginxRoot(root = process.env.NGINX_ROOT || exports.DEFAULT_NGINX_ROOT) {
    const hint = "build it with `bash test/support/build-nginx-root.sh` (as root; NGINX_ROOT overrides the location)";
    if (!(0, fs_1.existsSync)(path.join(root, "usr/sbin/nginx")))
        throw new Error(`no nginx root at ${root}: ${hint}`);
    let version = "";
    try {
        version = (0, child_process_1.execFileSync)("sh", ["-c", 'chroot "$1" nginx -v 2>&1', "sh", root], { encoding: "utf8", timeout: 10_000 });
    }
    catch (error) {
        version = String(error.stdout ?? "");
    }
    if (!/nginx\/1\.30\./.test(version))
        throw new Error(`${root} has ${version.trim() || "no working nginx"}, not nginx 1.30.x: ${hint}`);
    return root;
}
/** The store's place inside MLflow's data directory, as on the data volume. */
const artifactsIn = (mlflowData) => path.join(mlflowData, path.posix.relative(layout_1.DATA.mlflow, layout_1.DATA.artifacts));
class NginxSandbox {
    renderDir;
    values;
    /** The sample public address (sample-values.json), on `lo`. */
    publicIp;
    /** The private CA's certificate (PEM) from the render. */
    caCert;
    workDir;
    root;
    /**
     * Local directories behind nginx's writable paths, the ACME webroot, MLflow's data directory
     * (DATA.mlflow), its artifact store inside it (nginx serves downloads from it), and the
     * MLflow container's /tmp and HOME.
     */
    dirs;
    mlflow;
    dns;
    master;
    masterStderr = "";
    mounts = [];
    knownWorkers = new Set();
    constructor(renderDir, root, workDir, dirs) {
        this.renderDir = renderDir;
        this.values = (0, render_1.readSampleValues)(renderDir);
        this.publicIp = this.values.publicIp;
        this.caCert = (0, fs_1.readFileSync)(path.join(renderDir, this.values.caCertFile), "utf8");
        this.root = root;
        this.workDir = workDir;
        this.dirs = dirs;
    }
    /** A file the host holds, in the render directory. */
    hostFile(hostPath) {
        return path.join(this.renderDir, "files", hostPath);
    }
    get composeFile() { return this.hostFile(layout_1.HOST.composeFile); }
    get users() { return this.values.users; }
    static async start(options) {
        (0, namespace_1.assertInNamespace)();
        const root = resolveNginxRoot(options.nginxRoot);
        const workDir = (0, namespace_1.scratchDir)("sandbox");
        /** A directory in the work directory (a name) or anywhere (an absolute path). */
        const dir = (name, mode = 0o755) => {
            const full = path.resolve(workDir, name);
            (0, fs_1.mkdirSync)(full, { recursive: true });
            (0, fs_1.chmodSync)(full, mode);
            return full;
        };
        const renderDir = path.resolve(options.renderDir);
        const overrides = options.hostPaths ?? {};
        const sandbox = new NginxSandbox(renderDir, root, workDir, {
            cache: dir("nginx-cache"),
            log: dir("nginx-log"),
            run: dir("nginx-run"),
            acmeWebroot: overrides[layout_1.DATA.acmeWebroot] ?? dir("acme-webroot"),
            tls: overrides[layout_1.HOST.activeTlsDir] ?? dir("tls-active"),
            mlflowData: dir("mlflow-data"),
            artifacts: overrides[layout_1.DATA.artifacts] ?? dir(artifactsIn(path.join(workDir, "mlflow-data"))),
            mlflowTmp: dir("mlflow-tmp", 0o1777),
            mlflowHome: dir("mlflow-home", 0o700),
        });
        try {
            await sandbox.setUp(overrides, options.mlflow ?? true);
            return sandbox;
        }
        catch (error) {
            await sandbox.stop();
            throw error;
        }
    }
    async setUp(overrides, withMlflow) {
        (0, namespace_1.addLoopbackAddress)(this.publicIp);
        (0, namespace_1.addLoopbackAddress)(exports.MLFLOW_ADDRESS);
        if (!overrides[layout_1.HOST.activeTlsDir]) {
            // What mlflow-certificate installs before any Let's Encrypt certificate exists.
            (0, fs_1.copyFileSync)(this.hostFile(layout_1.HOST.fallbackCert), path.join(this.dirs.tls, "fullchain.pem"));
            (0, fs_1.chmodSync)(path.join(this.dirs.tls, "fullchain.pem"), 0o644);
            (0, fs_1.copyFileSync)(this.hostFile(layout_1.HOST.fallbackKey), path.join(this.dirs.tls, "privkey.pem"));
            (0, fs_1.chmodSync)(path.join(this.dirs.tls, "privkey.pem"), 0o600);
        }
        let htpasswd = overrides[layout_1.HOST.htpasswd];
        if (!htpasswd) {
            // As mlflow-fetch-secrets installs it: root:<nginx gid> 0640, readable by nginx's workers.
            htpasswd = path.join(this.workDir, "htpasswd");
            (0, fs_1.copyFileSync)(this.hostFile(layout_1.HOST.htpasswd), htpasswd);
            (0, fs_1.chownSync)(htpasswd, 0, layout_1.NGINX.gid);
            (0, fs_1.chmodSync)(htpasswd, 0o640);
        }
        const localPath = (hostPath) => hostPath === layout_1.HOST.activeTlsDir ? this.dirs.tls
            : hostPath === layout_1.DATA.acmeWebroot ? this.dirs.acmeWebroot
                : hostPath === layout_1.HOST.htpasswd ? htpasswd
                    : hostPath === layout_1.DATA.artifacts ? this.dirs.artifacts
                        : overrides[hostPath] ?? this.hostFile(hostPath);
        // The nginx service's volumes, exactly as the rendered compose file declares them.
        const compose = (0, yaml_1.parse)((0, fs_1.readFileSync)(this.composeFile, "utf8"));
        const volumes = compose.services.nginx?.volumes ?? [];
        if (volumes.length === 0)
            throw new Error(`${this.composeFile}: the nginx service has no volumes`);
        for (const volume of volumes) {
            const [hostPath, containerPath, mode] = volume.split(":");
            const source = localPath(hostPath);
            if (!(0, fs_1.existsSync)(source))
                throw new Error(`compose volume ${volume}: ${source} does not exist`);
            this.bind(source, containerPath, mode === "ro");
        }
        this.bind(this.dirs.cache, WRITABLE_DIRS.cache, false);
        this.bind(this.dirs.log, WRITABLE_DIRS.log, false);
        this.bind(this.dirs.run, WRITABLE_DIRS.run, false);
        this.dns = await dnsStub_1.DnsStub.start({ records: { [layout_1.MLFLOW.service]: exports.MLFLOW_ADDRESS }, address: exports.DOCKER_DNS_ADDRESS, port: 53 });
        if (withMlflow)
            this.mlflow = await this.startMlflow(exports.MLFLOW_ADDRESS);
        await this.startNginx();
    }
    /**
     * The real MLflow server on this sandbox's data directory, waited on at `address` (which must
     * be on `lo`); for a second start after the first was stopped (a recreated container), by
     * default with the rendered compose file's command and environment.
     */
    startMlflow(address, composeFile = this.composeFile) {
        return realMlflow_1.RealMlflow.start({
            composeFile,
            hostPaths: { [layout_1.DATA.mlflow]: this.dirs.mlflowData },
            tmpDir: this.dirs.mlflowTmp,
            homeDir: this.dirs.mlflowHome,
            address,
        });
    }
    bind(source, containerPath, readOnly) {
        const target = path.join(this.root, containerPath);
        if (!(0, fs_1.existsSync)(target)) {
            throw new Error(`${containerPath} is missing in the nginx root ${this.root} (a mount point the compose file needs); ` +
                "rebuild it with `bash test/support/build-nginx-root.sh` after adding it there");
        }
        if ((0, fs_1.statSync)(source).isDirectory() !== (0, fs_1.statSync)(target).isDirectory()) {
            throw new Error(`cannot mount ${source} on ${containerPath}: one is a directory and the other is not`);
        }
        (0, child_process_1.execFileSync)("mount", ["--bind", source, target]);
        this.mounts.push({ source, target, readOnly });
        if (readOnly)
            (0, child_process_1.execFileSync)("mount", ["-o", "remount,bind,ro", target]);
    }
    async startNginx() {
        const master = (0, child_process_1.spawn)("chroot", [this.root, "nginx", "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
        this.master = master;
        master.stderr.on("data", (chunk) => { this.masterStderr = (this.masterStderr + chunk.toString("utf8")).slice(-20_000); });
        const deadline = Date.now() + 15_000;
        while (Date.now() < deadline) {
            if (master.exitCode !== null || master.signalCode !== null)
                break;
            if (await (0, namespace_1.canConnect)(this.publicIp, 443) && await (0, namespace_1.canConnect)(this.publicIp, 80)) {
                this.knownWorkers = new Set(this.workerPids());
                return;
            }
            await (0, namespace_1.sleep)(50);
        }
        throw new Error(`nginx did not start: ${this.masterStderr.trim()}\nerror.log:\n${this.errorLog()}`);
    }
    get masterPid() { return this.master?.pid; }
    /** `chroot <root> nginx <args>`, e.g. ["-t"] or ["-s", "reload"]. */
    nginx(args, timeoutMs = 30_000) {
        return (0, namespace_1.run)("chroot", [this.root, "nginx", ...args], { timeoutMs });
    }
    /** Runs a command in the sandbox's namespaces (curl, openssl, testssl, ...). */
    exec(command, args, options = {}) {
        return (0, namespace_1.run)(command, args, options);
    }
    /** Processes whose parent is the nginx master: its workers, including old ones still shutting down. */
    workerPids() {
        const master = this.master?.pid;
        if (!master)
            return [];
        const pids = [];
        for (const entry of (0, fs_1.readdirSync)("/proc")) {
            if (!/^\d+$/.test(entry))
                continue;
            try {
                const stat = (0, fs_1.readFileSync)(`/proc/${entry}/stat`, "utf8");
                const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
                if (ppid === master)
                    pids.push(Number(entry));
            }
            catch { /* gone meanwhile */ }
        }
        return pids.sort((a, b) => a - b);
    }
    /** A process's title, e.g. "nginx: worker process is shutting down"; "" once it is gone. */
    processTitle(pid) {
        try {
            return (0, fs_1.readFileSync)(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
        }
        catch {
            return "";
        }
    }
    /** Sends `nginx -s reload` and waits until it took effect. */
    async reload() {
        const before = this.workerPids();
        const result = await this.nginx(["-s", "reload"]);
        if (result.code !== 0)
            throw new Error(`nginx -s reload failed: ${result.stderr}`);
        await this.waitForReload(before);
    }
    /**
     * Waits until a reload (sent by anyone) took effect: new workers run and each old one has
     * either exited or closed its listening sockets ("is shutting down"). Bounded by timeoutMs.
     */
    async waitForReload(before, timeoutMs = 15_000) {
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
            await (0, namespace_1.sleep)(50);
        }
        throw new Error(`nginx did not reload within ${timeoutMs} ms; error.log:\n${this.errorLog().slice(-4000)}`);
    }
    /**
     * nginx's temporary files: files in its client-body and proxy temp dirs (relative to
     * /var/cache/nginx), and files there that a worker holds open (nginx unlinks a temp file
     * right after creating it, so a listing alone would miss it; /proc/<worker>/fd does not).
     */
    tempFiles() {
        const found = [];
        const walk = (dir, depth) => {
            if (depth > 8 || !(0, fs_1.existsSync)(dir))
                return;
            for (const entry of (0, fs_1.readdirSync)(dir, { withFileTypes: true })) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory())
                    walk(full, depth + 1);
                else
                    found.push(path.relative(this.dirs.cache, full));
            }
        };
        for (const dir of this.tempDirs())
            walk(dir, 0);
        const tempPaths = [layout_1.NGINX.clientBodyTemp, layout_1.NGINX.proxyTemp].map(p => `${p}/`);
        for (const pid of this.workerPids()) {
            let fds = [];
            try {
                fds = (0, fs_1.readdirSync)(`/proc/${pid}/fd`);
            }
            catch {
                continue;
            }
            for (const fd of fds) {
                let target = "";
                try {
                    target = (0, fs_1.readlinkSync)(`/proc/${pid}/fd/${fd}`);
                }
                catch {
                    continue;
                }
                if (tempPaths.some(p => target.includes(p)))
                    found.push(`${target} (open in worker ${pid})`);
            }
        }
        return found;
    }
    /** The temp dirs nginx created (they exist once nginx started), as local paths. */
    tempDirs() {
        return [layout_1.NGINX.clientBodyTemp, layout_1.NGINX.proxyTemp].map(p => path.join(this.dirs.cache, path.posix.relative(WRITABLE_DIRS.cache, p)));
    }
    errorLog() {
        try {
            return (0, fs_1.readFileSync)(path.join(this.dirs.log, "error.log"), "utf8");
        }
        catch {
            return "";
        }
    }
    accessLog() {
        try {
            return (0, fs_1.readFileSync)(path.join(this.dirs.log, "access.log"), "utf8");
        }
        catch {
            return "";
        }
    }
    /** Stops nginx, MLflow and the DNS stub, unmounts, removes the work dir. Safe to call twice. */
    async stop() {
        const master = this.master;
        if (master && master.exitCode === null && master.signalCode === null) {
            const workers = new Set([...this.knownWorkers, ...this.workerPids()]);
            const exited = new Promise(resolve => master.once("exit", () => resolve()));
            master.kill("SIGTERM");
            const timer = setTimeout(() => master.kill("SIGKILL"), 5000);
            await exited;
            clearTimeout(timer);
            for (const pid of workers) {
                if (this.processTitle(pid).startsWith("nginx")) {
                    try {
                        process.kill(pid, "SIGKILL");
                    }
                    catch { /* already gone */ }
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
                (0, child_process_1.execFileSync)("umount", [mount.target], { stdio: "ignore" });
            }
            catch {
                try {
                    (0, child_process_1.execFileSync)("umount", ["-l", mount.target], { stdio: "ignore" });
                }
                catch { /* the namespace ends anyway */ }
            }
        }
        this.mounts.length = 0;
        (0, fs_1.rmSync)(this.workDir, { recursive: true, force: true });
    }
}
exports.NginxSandbox = NginxSandbox;
//# sourceMappingURL=nginxSandbox.js.map