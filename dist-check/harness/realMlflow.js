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
exports.RealMlflow = void 0;
exports.mlflowService = mlflowService;
exports.composeRunStandIn = composeRunStandIn;
exports.schemaHead = schemaHead;
// The real MLflow server (the pinned release in .venv/mlflow, scripts/python-envs.sh) run the way
// the rendered compose file runs the mlflow container: its `command` and `environment`, read from
// the file and not written a second time, with the container's paths mapped onto local
// directories laid out like the host's (the service's volumes: DATA.mlflow -> /mlflow; /tmp, not
// a volume, gets a directory of its own so a test can see what MLflow puts there). `--host
// 0.0.0.0` stays as it is: inside the test's network namespace the server then answers on every
// address of `lo`, among them the one the DNS stub gives `mlflow`, as a container answers on its
// compose network address, and MLflow's own job runner reaches it at 0.0.0.0:5000 as in the
// container. Only inside the namespace (namespace.ts).
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const yaml_1 = require("yaml");
const layout_1 = require("../lib/render/layout");
const httpClient_1 = require("./httpClient");
const namespace_1 = require("./namespace");
const pythonEnv_1 = require("./pythonEnv");
/** The mlflow service of a rendered compose file: command, environment, volumes (host:container). */
function mlflowService(composeFile) {
    const compose = (0, yaml_1.parse)((0, fs_1.readFileSync)(composeFile, "utf8"));
    const service = compose.services?.[layout_1.MLFLOW.service];
    if (!service?.command)
        throw new Error(`${composeFile}: the ${layout_1.MLFLOW.service} service has no command`);
    return { command: service.command.map(String), environment: service.environment ?? {}, volumes: service.volumes ?? [] };
}
/** [container path, local path] of each of the service's volumes; directories are created, files must exist. */
function volumeMounts(service, hostPaths) {
    return service.volumes.map(volume => {
        const [hostPath, containerPath] = volume.split(":");
        const local = hostPaths[hostPath];
        if (!local)
            throw new Error(`no local path for the mlflow volume ${volume}`);
        if (!(0, fs_1.existsSync)(local) || !(0, fs_1.statSync)(local).isFile())
            (0, fs_1.mkdirSync)(local, { recursive: true });
        return [containerPath, local];
    });
}
/** Mounts with the longest container path first: the most specific one decides where a path goes. */
const mostSpecificFirst = (mounts) => [...mounts].sort((a, b) => b[0].length - a[0].length);
/** The service's environment with container paths made local. */
const localEnvironment = (service, toLocal) => Object.fromEntries(Object.entries(service.environment).map(([key, value]) => [key, toLocal(String(value))]));
/**
 * A container path inside a value (an argument, sqlite:////mlflow/mlflow.db, a URI's
 * sslrootcert=/tmp/rds-ca.pem) -> the local one, the most specific mount first, in one pass (a
 * local path may itself lie under a container path such as /tmp).
 */
function containerPathsMapper(mounts) {
    if (mounts.length === 0)
        return value => value;
    const byLength = mostSpecificFirst(mounts);
    const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(`(?<![\\w.-])(${byLength.map(([containerPath]) => escape(containerPath)).join("|")})(?=/|$|&)`, "g");
    const local = new Map(byLength);
    return value => value.replace(pattern, containerPath => local.get(containerPath));
}
/**
 * The body of a `docker` stand-in that carries out what the host scripts ask of Docker,
 * `docker compose -f <hostComposeFile> run --rm --no-deps --entrypoint mlflow mlflow <args>`, as
 * Compose would: with the mlflow service's environment and volumes (container paths in the
 * arguments mapped onto the local paths given for the volumes' host paths), the pinned release in
 * place of the image.
 */
function composeRunStandIn(options) {
    const service = mlflowService(options.composeFile);
    const mounts = volumeMounts(service, options.hostPaths);
    const toLocal = containerPathsMapper(mounts);
    const env = { ...localEnvironment(service, toLocal), ...options.env };
    const expected = ["compose", "-f", options.hostComposeFile, "run", "--rm", "--no-deps", "--entrypoint", "mlflow", layout_1.MLFLOW.service];
    const byLength = mostSpecificFirst(mounts);
    return [
        `expected=(${expected.map(namespace_1.shellQuote).join(" ")})`,
        `[ "\${*:1:${expected.length}}" = "\${expected[*]}" ] || { echo "docker stand-in: unexpected call: $*" >&2; exit 97; }`,
        `args=("\${@:${expected.length + 1}}")`,
        // One mapping per argument, the most specific mount first.
        'for i in "${!args[@]}"; do',
        ...byLength.map(([containerPath, local], index) => {
            // A directory's path only with a slash after it: sqlite:////mlflow/mlflow.db holds /mlflow twice.
            const [from, to] = (0, fs_1.statSync)(local).isFile() ? [containerPath, local] : [`${containerPath}/`, `${local}/`];
            return `    ${index === 0 ? "if" : "elif"} from=${(0, namespace_1.shellQuote)(from)} to=${(0, namespace_1.shellQuote)(to)}; [[ "\${args[i]}" == *"$from"* ]]; then args[i]="\${args[i]//"$from"/"$to"}"`;
        }),
        ...(byLength.length > 0 ? ["    fi"] : []),
        "done",
        `cd ${(0, namespace_1.shellQuote)(options.tmpDir)}`,
        `exec env HOME=${(0, namespace_1.shellQuote)(options.homeDir)} ${Object.entries(env).map(([key, value]) => `${key}=${(0, namespace_1.shellQuote)(value)}`).join(" ")} ${(0, namespace_1.shellQuote)((0, pythonEnv_1.pythonEnvBin)("mlflow", "mlflow"))} "\${args[@]}"`,
    ].join("\n");
}
const ACCESS_LINE = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/;
class RealMlflow {
    child;
    command;
    env;
    /** The tail of what MLflow wrote; every access log line is kept apart, in `logged`. */
    output = "";
    logged = [];
    constructor(child, command, env) {
        this.child = child;
        this.command = command;
        this.env = env;
        // uvicorn writes its access log to stdout, one line per write; everything else goes to stderr.
        let partial = "";
        child.stdout.on("data", (chunk) => {
            const lines = (partial + chunk.toString("utf8")).split("\n");
            partial = lines.pop();
            for (const line of lines) {
                const match = ACCESS_LINE.exec(line);
                if (match)
                    this.logged.push({ method: match[1], path: match[2], status: Number(match[3]) });
                this.keep(`${line}\n`);
            }
        });
        child.stderr.on("data", (chunk) => this.keep(chunk.toString("utf8")));
    }
    keep(text) {
        this.output = (this.output + text).slice(-1_000_000);
    }
    static async start(options) {
        (0, namespace_1.assertInNamespace)();
        const service = mlflowService(options.composeFile);
        (0, fs_1.mkdirSync)(options.tmpDir, { recursive: true });
        (0, fs_1.mkdirSync)(options.homeDir, { recursive: true });
        const toLocal = containerPathsMapper([["/tmp", options.tmpDir], ...volumeMounts(service, options.hostPaths)]);
        const [program, ...args] = service.command;
        if (program !== "mlflow")
            throw new Error(`the mlflow service runs ${program}, not mlflow`);
        const env = {
            PATH: `${path.join((0, pythonEnv_1.pythonEnvDir)(options.pythonEnv ?? "mlflow"), "bin")}:/usr/local/bin:/usr/bin:/bin`,
            HOME: options.homeDir,
            TMPDIR: options.tmpDir,
            ...localEnvironment(service, toLocal),
            ...options.env,
        };
        const command = [(0, pythonEnv_1.pythonEnvBin)(options.pythonEnv ?? "mlflow", "mlflow"), ...args.map(toLocal)];
        return RealMlflow.launch({ command, env, cwd: options.tmpDir, address: options.address, startTimeoutMs: options.startTimeoutMs });
    }
    /**
     * Runs `command` (which ends in `mlflow server`, directly or through a container's entry
     * script) and waits until MLflow answers /health at `address`:5000.
     */
    static async launch(options) {
        (0, namespace_1.assertInNamespace)();
        const { command, env } = options;
        const child = (0, child_process_1.spawn)(command[0], command.slice(1), { env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
        const server = new RealMlflow(child, command, env);
        const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
        while (Date.now() < deadline) {
            if (child.exitCode !== null || child.signalCode !== null)
                break;
            if (await (0, namespace_1.canConnect)(options.address, layout_1.MLFLOW.port)) {
                const health = await (0, httpClient_1.request)({ address: options.address, port: layout_1.MLFLOW.port, tls: false, path: "/health", timeoutMs: 5000 }).catch(() => undefined);
                if (health?.status === 200)
                    return server;
            }
            await (0, namespace_1.sleep)(250);
        }
        await server.stop();
        throw new Error(`mlflow server did not come up: ${command.join(" ")}\n${server.output.slice(-6000)}`);
    }
    get pid() { return this.child.pid; }
    /** Everything MLflow wrote (server, workers, job runner), newest last. */
    get log() { return this.output; }
    /** Requests MLflow answered, from uvicorn's access log, oldest first. */
    requests() {
        return [...this.logged];
    }
    /** The server process and all of its descendants (uvicorn's supervisor and workers, the job runner). */
    processes() {
        const children = new Map();
        for (const entry of (0, fs_1.readdirSync)("/proc")) {
            if (!/^\d+$/.test(entry))
                continue;
            try {
                const stat = (0, fs_1.readFileSync)(`/proc/${entry}/stat`, "utf8");
                const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
                children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
            }
            catch { /* gone meanwhile */ }
        }
        const result = [];
        const visit = (pid) => {
            let cmdline = "";
            try {
                cmdline = (0, fs_1.readFileSync)(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
            }
            catch {
                return;
            }
            result.push({ pid, cmdline });
            for (const child of children.get(pid) ?? [])
                visit(child);
        };
        visit(this.pid);
        return result;
    }
    /** Resident (RSS) and proportional (PSS, shared pages split between processes) memory of all of MLflow's processes, in bytes. */
    memory() {
        let rss = 0;
        let pss = 0;
        let processes = 0;
        for (const { pid } of this.processes()) {
            try {
                const rollup = (0, fs_1.readFileSync)(`/proc/${pid}/smaps_rollup`, "utf8");
                rss += 1024 * Number(/^Rss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
                pss += 1024 * Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
                processes++;
            }
            catch { /* gone meanwhile */ }
        }
        return { rss, pss, processes };
    }
    /** SIGTERM as `docker stop` sends it (MLflow forwards it to uvicorn), SIGKILL to what is left after 10 s. Safe to call twice. */
    async stop() {
        const child = this.child;
        if (child.exitCode !== null || child.signalCode !== null)
            return;
        const exited = new Promise(resolve => child.once("exit", () => resolve()));
        const group = (signal) => { try {
            process.kill(-child.pid, signal);
        }
        catch { /* gone */ } };
        group("SIGTERM");
        const timer = setTimeout(() => group("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
        // The job runner leaves by itself once it sees the server gone; do not wait for it.
        group("SIGKILL");
    }
}
exports.RealMlflow = RealMlflow;
/** The schema revision (alembic head) a release's migrations end at, asked of that release. */
async function schemaHead(pythonEnv = "mlflow") {
    const result = await (0, namespace_1.run)((0, pythonEnv_1.pythonEnvBin)(pythonEnv, "python"), ["-c", "from mlflow.store.db.utils import _get_latest_schema_revision as head; print(head())"], { env: { PATH: "/usr/bin:/bin", MLFLOW_DISABLE_TELEMETRY: "true" } });
    if (result.code !== 0)
        throw new Error(`the schema head of ${pythonEnv}: ${result.stderr}`);
    return result.stdout.trim();
}
//# sourceMappingURL=realMlflow.js.map