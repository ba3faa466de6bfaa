// The real MLflow server (the pinned release in .venv/mlflow, scripts/python-envs.sh) run the way
// the rendered compose file runs the mlflow containers: its `command` and `environment`, read from
// the file and not written a second time, once per replica, with the container's paths mapped onto
// local directories laid out like the host's (the service's volumes: DATA.mlflow -> /mlflow; /tmp,
// not a volume, gets a directory of its own so a test can see what MLflow puts there). A single
// server keeps `--host 0.0.0.0`: inside the test's network namespace it then answers on every
// address of `lo`, among them the one the DNS stub gives `mlflow`, as a container answers on its
// compose network address, and MLflow's own job runner reaches it at 0.0.0.0:5000 as in the
// container; replicas, sharing one network namespace here, listen each on its own address. Only
// inside the namespace (namespace.ts).
import { ChildProcess, spawn } from "child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { MLFLOW } from "../lib/render/layout";
import { withOption } from "../lib/render/stores";
import { request } from "./httpClient";
import { assertInNamespace, canConnect, run, shellQuote, sleep } from "./namespace";
import { PythonEnvName, pythonEnvBin, pythonEnvDir } from "./pythonEnv";

export interface RealMlflowOptions {
    /** The rendered compose file (files/etc/mlflow/compose.yaml of a render). */
    composeFile: string;
    /**
     * Local directories (or files) for the host paths of the mlflow service's volumes, e.g.
     * {[DATA.mlflow]: dir}; a file stays a file, a directory is created when missing.
     */
    hostPaths: Record<string, string>;
    /** What the container gets from outside the compose file (an S3 endpoint and credentials stand in for the instance role's). */
    env?: Record<string, string>;
    /** Stand for the container's own /tmp and its HOME (the image's root disk). */
    tmpDir: string;
    homeDir: string;
    /**
     * Addresses on `lo`, one per server the service runs (its compose replicas), each waited on
     * until MLflow answers /health. With one server it keeps `--host 0.0.0.0`; with several, each
     * listens on its own address as each container does on its own compose network address.
     */
    addresses: string[];
    /** How long MLflow may take to come up (the compose healthcheck allows 120 s). */
    startTimeoutMs?: number;
    /** The virtual environment whose `mlflow` runs (default "mlflow", the pinned release); the upgrade test starts an older release. */
    pythonEnv?: PythonEnvName;
    /** SQLite's journal mode, set on a SQLite store's file before the servers start, as host/mlflow-db-upgrade does (host.env's SQLITE_JOURNAL_MODE). */
    sqliteJournalMode?: string;
}

/** One request as uvicorn's access log (MLflow's log config) shows it. */
export interface LoggedRequest {
    method: string;
    path: string;
    status: number;
}

interface ComposeService {
    command?: string[];
    environment?: Record<string, string>;
    env_file?: string[];
    volumes?: string[];
    deploy?: { replicas?: number };
}

interface MlflowService {
    command: string[];
    environment: Record<string, string>;
    /** Host paths of the service's env files (KEY=value lines). */
    envFiles: string[];
    volumes: string[];
    /** Containers of the service (compose's deploy.replicas, 1 when absent). */
    replicas: number;
}

/** The mlflow service of a rendered compose file: command, environment, env files, volumes (host:container), replicas. */
export function mlflowService(composeFile: string): MlflowService {
    const compose = parse(readFileSync(composeFile, "utf8")) as { services?: Record<string, ComposeService> };
    const service = compose.services?.[MLFLOW.service];
    if (!service?.command) throw new Error(`${composeFile}: the ${MLFLOW.service} service has no command`);
    return {
        command: service.command.map(String), environment: service.environment ?? {}, envFiles: service.env_file ?? [], volumes: service.volumes ?? [],
        replicas: service.deploy?.replicas ?? 1,
    };
}

/** The host paths the service reads from the host: its volumes' sources and its env files. */
export function serviceHostPaths(service: MlflowService): string[] {
    return [...service.volumes.map(volume => volume.split(":")[0]), ...service.envFiles];
}

/**
 * [container path, local path] of each of the service's volumes; directories are created, files
 * must exist. A file that names container paths (a configuration file's sqlite:////mlflow/mlflow.db)
 * is mounted as a copy under `tmpDir` with them mapped, as the paths in arguments are.
 */
function volumeMounts(service: MlflowService, hostPaths: Record<string, string>, tmpDir: string): [string, string][] {
    const mounts: [string, string][] = service.volumes.map(volume => {
        const [hostPath, containerPath] = volume.split(":");
        const local = hostPaths[hostPath];
        if (!local) throw new Error(`no local path for the mlflow volume ${volume}`);
        if (!existsSync(local) || !statSync(local).isFile()) mkdirSync(local, { recursive: true });
        return [containerPath, local];
    });
    const toLocal = containerPathsMapper(mounts);
    const copyDir = path.join(tmpDir, "mounted-files");
    mkdirSync(copyDir, { recursive: true });
    return mounts.map(([containerPath, local]) => {
        if (!statSync(local).isFile()) return [containerPath, local];
        const text = readFileSync(local, "utf8");
        const mapped = toLocal(text);
        if (mapped === text) return [containerPath, local];
        const copy = path.join(copyDir, path.basename(containerPath));
        writeFileSync(copy, mapped, { mode: statSync(local).mode & 0o777 });
        return [containerPath, copy];
    });
}

/** The service's env files, read as Compose reads them (KEY=value lines, no quoting). */
function envFileValues(service: MlflowService, hostPaths: Record<string, string>): Record<string, string> {
    return Object.fromEntries(service.envFiles.flatMap(hostPath => {
        const local = hostPaths[hostPath];
        if (!local) throw new Error(`no local path for the mlflow env file ${hostPath}`);
        return readFileSync(local, "utf8").split("\n").filter(line => line.trim() && !line.startsWith("#")).map(line => {
            const at = line.indexOf("=");
            return [line.slice(0, at), line.slice(at + 1)];
        });
    }));
}

/** Mounts with the longest container path first: the most specific one decides where a path goes. */
const mostSpecificFirst = (mounts: [string, string][]) => [...mounts].sort((a, b) => b[0].length - a[0].length);

/** The service's environment with container paths made local. */
const localEnvironment = (service: MlflowService, toLocal: (value: string) => string) =>
    Object.fromEntries(Object.entries(service.environment).map(([key, value]) => [key, toLocal(String(value))]));

/**
 * A container path inside a value (an argument, sqlite:////mlflow/mlflow.db, a URI's
 * sslrootcert=/tmp/rds-ca.pem) -> the local one, the most specific mount first, in one pass (a
 * local path may itself lie under a container path such as /tmp).
 */
function containerPathsMapper(mounts: [string, string][]): (value: string) => string {
    if (mounts.length === 0) return value => value;
    const byLength = mostSpecificFirst(mounts);
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(`(?<![\\w.-])(${byLength.map(([containerPath]) => escape(containerPath)).join("|")})(?=/|$|&|\\s)`, "g");
    const local = new Map(byLength);
    return value => value.replace(pattern, containerPath => local.get(containerPath)!);
}

/**
 * The body of a `docker` stand-in that carries out what the host scripts ask of Docker,
 * `docker compose -f <hostComposeFile> run --rm --no-deps --entrypoint mlflow mlflow <args>` and
 * `... run --rm --no-deps -T --entrypoint python mlflow - <args>` (the program on stdin), each
 * also with `-e NAME` options, as Compose would: with the mlflow service's environment, env files
 * and volumes (container paths in the arguments mapped onto the local paths given for the volumes'
 * host paths), a release's virtual environment in place of the image.
 */
export function composeRunStandIn(options: {
    composeFile: string; hostComposeFile: string; hostPaths: Record<string, string>; tmpDir: string; homeDir: string; env?: Record<string, string>;
    /** The virtual environment standing in for the image (default "mlflow", the pinned release). */
    pythonEnv?: PythonEnvName;
}): string {
    const service = mlflowService(options.composeFile);
    const mounts = volumeMounts(service, options.hostPaths, options.tmpDir);
    const toLocal = containerPathsMapper(mounts);
    const env = { ...envFileValues(service, options.hostPaths), ...localEnvironment(service, toLocal), ...options.env };
    const run = ["compose", "-f", options.hostComposeFile, "run", "--rm", "--no-deps"];
    const calls = { mlflow: [...run, "--entrypoint", "mlflow", MLFLOW.service], python: [...run, "-T", "--entrypoint", "python", MLFLOW.service] };
    const byLength = mostSpecificFirst(mounts);
    return [
        // `-e NAME` hands the caller's variable to the container; here the program inherits the caller's environment.
        'call=(); while [ "$#" -gt 0 ]; do if [ "$1" = -e ] && [ "$#" -gt 1 ]; then shift 2; else call+=("$1"); shift; fi; done; set -- "${call[@]}"',
        `mlflow_call=(${calls.mlflow.map(shellQuote).join(" ")})`,
        `python_call=(${calls.python.map(shellQuote).join(" ")})`,
        `if [ "\${*:1:${calls.mlflow.length}}" = "\${mlflow_call[*]}" ]; then program=${shellQuote(pythonEnvBin(options.pythonEnv ?? "mlflow", "mlflow"))}; args=("\${@:${calls.mlflow.length + 1}}")`,
        `elif [ "\${*:1:${calls.python.length}}" = "\${python_call[*]}" ]; then program=${shellQuote(pythonEnvBin(options.pythonEnv ?? "mlflow", "python"))}; args=("\${@:${calls.python.length + 1}}")`,
        `else echo "docker stand-in: unexpected call: $*" >&2; exit 97; fi`,
        // One mapping per argument, the most specific mount first.
        'for i in "${!args[@]}"; do',
        ...byLength.map(([containerPath, local], index) => {
            // A directory's path only with a slash after it: sqlite:////mlflow/mlflow.db holds /mlflow twice.
            const [from, to] = statSync(local).isFile() ? [containerPath, local] : [`${containerPath}/`, `${local}/`];
            return `    ${index === 0 ? "if" : "elif"} from=${shellQuote(from)} to=${shellQuote(to)}; [[ "\${args[i]}" == *"$from"* ]]; then args[i]="\${args[i]//"$from"/"$to"}"`;
        }),
        ...(byLength.length > 0 ? ["    fi"] : []),
        "done",
        `cd ${shellQuote(options.tmpDir)}`,
        `exec env HOME=${shellQuote(options.homeDir)} ${Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)}`).join(" ")} "$program" "\${args[@]}"`,
    ].join("\n");
}

/** The file of a SQLite store (the command's --backend-store-uri), or undefined for another store. */
function sqliteFile(command: string[]): string | undefined {
    const uri = command[command.indexOf("--backend-store-uri") + 1] ?? "";
    return uri.startsWith("sqlite:///") ? uri.slice("sqlite:///".length) : undefined;
}

/** The processes `roots` and all of their descendants, each root before its children. */
export function processTree(roots: number[]): { pid: number; cmdline: string }[] {
    const children = new Map<number, number[]>();
    for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
        } catch { /* gone meanwhile */ }
    }
    const result: { pid: number; cmdline: string }[] = [];
    const visit = (pid: number) => {
        let cmdline = "";
        try { cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim(); } catch { return; }
        result.push({ pid, cmdline });
        for (const child of children.get(pid) ?? []) visit(child);
    };
    for (const pid of roots) visit(pid);
    return result;
}

/** Resident (RSS) and proportional (PSS, shared pages split between processes) memory of `pids` together, in bytes. */
export function processMemory(pids: number[]): { rss: number; pss: number; processes: number } {
    let rss = 0;
    let pss = 0;
    let processes = 0;
    for (const pid of pids) {
        try {
            const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
            rss += 1024 * Number(/^Rss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
            pss += 1024 * Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
            processes++;
        } catch { /* gone meanwhile */ }
    }
    return { rss, pss, processes };
}

const ACCESS_LINE = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/;

/**
 * The mlflow service's servers (one process group each, as each container is one), seen and
 * stopped together.
 */
export class RealMlflow {
    /** The tail of what MLflow wrote; every access log line is kept apart, in `logged`. */
    private output = "";
    private readonly logged: LoggedRequest[] = [];
    private readonly children: ChildProcess[] = [];
    private constructor(readonly env: Record<string, string>) {}

    /** Starts one server (its own process group, as a container is) and keeps what it writes. */
    private spawnServer(command: string[], options: { env: Record<string, string>; cwd: string }): ChildProcess {
        const child = spawn(command[0], command.slice(1), { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
        this.children.push(child);
        // uvicorn writes its access log to stdout, one line per write; everything else goes to stderr.
        let partial = "";
        child.stdout!.on("data", (chunk: Buffer) => {
            const lines = (partial + chunk.toString("utf8")).split("\n");
            partial = lines.pop()!;
            for (const line of lines) {
                const match = ACCESS_LINE.exec(line);
                if (match) this.logged.push({ method: match[1], path: match[2], status: Number(match[3]) });
                this.keep(`${line}\n`);
            }
        });
        child.stderr!.on("data", (chunk: Buffer) => this.keep(chunk.toString("utf8")));
        return child;
    }

    private keep(text: string): void {
        this.output = (this.output + text).slice(-1_000_000);
    }

    static async start(options: RealMlflowOptions): Promise<RealMlflow> {
        assertInNamespace();
        const service = mlflowService(options.composeFile);
        if (options.addresses.length < service.replicas) {
            throw new Error(`the ${MLFLOW.service} service runs ${service.replicas} servers; ${options.addresses.length} address(es) given`);
        }
        mkdirSync(options.tmpDir, { recursive: true });
        mkdirSync(options.homeDir, { recursive: true });
        const toLocal = containerPathsMapper([["/tmp", options.tmpDir], ...volumeMounts(service, options.hostPaths, options.tmpDir)]);
        const [program, ...args] = service.command;
        if (program !== "mlflow") throw new Error(`the mlflow service runs ${program}, not mlflow`);
        const env: Record<string, string> = {
            PATH: `${path.join(pythonEnvDir(options.pythonEnv ?? "mlflow"), "bin")}:/usr/local/bin:/usr/bin:/bin`,
            HOME: options.homeDir,
            TMPDIR: options.tmpDir,
            ...envFileValues(service, options.hostPaths),
            ...localEnvironment(service, toLocal),
            ...options.env,
        };
        const command = [pythonEnvBin(options.pythonEnv ?? "mlflow", "mlflow"), ...args.map(toLocal)];
        const servers = options.addresses.slice(0, service.replicas).map(address => ({
            command: service.replicas > 1 ? withOption(command, "--host", address) : command, address,
        }));
        const file = sqliteFile(command);
        // On the host mlflow-db-upgrade creates a new database and sets its journal mode before the
        // servers start; here the first server creates it alone (servers creating one schema at
        // once fail), then the mode is set as the script sets it, then the others start.
        const firstAlone = file !== undefined && (!existsSync(file) || statSync(file).size === 0);
        const journalMode = async () => {
            if (file === undefined || !options.sqliteJournalMode) return;
            const set = await run("sqlite3", ["-cmd", ".timeout 60000", file, `PRAGMA journal_mode=${options.sqliteJournalMode}`]);
            if (set.stdout.trim() !== options.sqliteJournalMode.toLowerCase()) throw new Error(`${file}: journal mode ${options.sqliteJournalMode} not set: ${set.stdout}${set.stderr}`);
        };
        const mlflow = new RealMlflow(env);
        try {
            const launchOptions = { env, cwd: options.tmpDir, startTimeoutMs: options.startTimeoutMs };
            if (firstAlone) await mlflow.launchServers(servers.slice(0, 1), launchOptions);
            await journalMode();
            await mlflow.launchServers(firstAlone ? servers.slice(1) : servers, launchOptions);
        } catch (error) {
            await mlflow.stop();
            throw error;
        }
        return mlflow;
    }

    /**
     * Runs `command` (which ends in `mlflow server`, directly or through a container's entry
     * script) and waits until MLflow answers /health at `address`:`port` (MLflow's port unless
     * given: a task's further servers listen on the ports after it).
     */
    static async launch(options: { command: string[]; env: Record<string, string>; cwd: string; address: string; port?: number; startTimeoutMs?: number }): Promise<RealMlflow> {
        const mlflow = new RealMlflow(options.env);
        try {
            await mlflow.launchServers([{ command: options.command, address: options.address, port: options.port }], options);
        } catch (error) {
            await mlflow.stop();
            throw error;
        }
        return mlflow;
    }

    /** Starts `servers` side by side and waits until each answers /health; throws naming those that did not. */
    private async launchServers(servers: { command: string[]; address: string; port?: number }[],
        options: { env: Record<string, string>; cwd: string; startTimeoutMs?: number }): Promise<void> {
        assertInNamespace();
        const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
        const answers = async (child: ChildProcess, address: string, port: number = MLFLOW.port) => {
            while (Date.now() < deadline) {
                if (child.exitCode !== null || child.signalCode !== null) return false;
                if (await canConnect(address, port)) {
                    const health = await request({ address, port, tls: false, path: "/health", timeoutMs: 5000 }).catch(() => undefined);
                    if (health?.status === 200) return true;
                }
                await sleep(250);
            }
            return false;
        };
        const up = await Promise.all(servers.map(server => answers(this.spawnServer(server.command, options), server.address, server.port)));
        const failed = servers.filter((_, i) => !up[i]).map(({ command }) => command.join(" "));
        if (failed.length > 0) throw new Error(`mlflow server did not come up: ${failed.join("; ")}\n${this.output.slice(-6000)}`);
    }

    /** The first server's process (the one a single-server service runs). */
    get pid(): number { return this.children[0].pid!; }

    /** Each server's process, the leader of its process group. */
    get pids(): number[] { return this.children.map(child => child.pid!); }

    /** Everything MLflow wrote (servers, workers, job runner), newest last. */
    get log(): string { return this.output; }

    /** Requests MLflow answered, from uvicorn's access log, oldest first. */
    requests(): LoggedRequest[] {
        return [...this.logged];
    }

    /** Every server process and all of its descendants (uvicorn's supervisor and workers, the job runner). */
    processes(): { pid: number; cmdline: string }[] {
        return processTree(this.pids);
    }

    /** Resident (RSS) and proportional (PSS, shared pages split between processes) memory of all of MLflow's processes, in bytes. */
    memory(): { rss: number; pss: number; processes: number } {
        return processMemory(this.processes().map(p => p.pid));
    }

    /** SIGTERM as `docker stop` sends it (MLflow forwards it to uvicorn), SIGKILL to what is left after 10 s. Safe to call twice. */
    async stop(): Promise<void> {
        await Promise.all(this.children.map(async child => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            const exited = new Promise<void>(resolve => child.once("exit", () => resolve()));
            const group = (signal: NodeJS.Signals) => { try { process.kill(-child.pid!, signal); } catch { /* gone */ } };
            group("SIGTERM");
            const timer = setTimeout(() => group("SIGKILL"), 10_000);
            await exited;
            clearTimeout(timer);
            // The job runner leaves by itself once it sees the server gone; do not wait for it.
            group("SIGKILL");
        }));
    }
}

/** The schema revision (alembic head) a release's migrations end at, asked of that release. */
export async function schemaHead(pythonEnv: PythonEnvName = "mlflow"): Promise<string> {
    const result = await run(pythonEnvBin(pythonEnv, "python"), ["-c", "from mlflow.store.db.utils import _get_latest_schema_revision as head; print(head())"],
        { env: { PATH: "/usr/bin:/bin", MLFLOW_DISABLE_TELEMETRY: "true" } });
    if (result.code !== 0) throw new Error(`the schema head of ${pythonEnv}: ${result.stderr}`);
    return result.stdout.trim();
}
