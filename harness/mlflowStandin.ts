// A stand-in for the MLflow tracking server's REST API, kept for one job only: the benchmark's
// rows that measure what nginx costs (`npm run bench`, docs/benchmarks.md). There MLflow must not
// be the bottleneck: a one-process Node server whose own CPU time is measured apart answers the
// small API calls tens of thousands of times a second and moves artifacts at disk speed, where
// the real server (Python, 4 uvicorn workers) would cap every row at its own rate and hide
// nginx's share. Everything a test checks about MLflow itself runs against the real server
// (realMlflow.ts). It answers the paths the benchmark uses (including a placeholder UI page at
// /), stores proxied artifacts on disk (streamed, so 1 GiB bodies cost no memory), and applies
// MLflow 3.5+'s Host and Origin checks the way mlflow/server/security.py does, with the lists
// read from a rendered compose file, so the benchmarked requests pass the same checks.
//
// As a process (the benchmark's way, so it shares no event loop with the load generators):
//   node dist/harness/mlflowStandin.js --port 5000 [--host 127.0.0.1] --compose <compose.yaml> [--data <dir>]
// prints one JSON line {"listening": {"host", "port"}} on stdout when ready; SIGTERM/SIGINT stop it.
import { randomUUID } from "crypto";
import { spawn, ChildProcess } from "child_process";
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { pipeline } from "stream/promises";
import { parse } from "yaml";
import { MLFLOW } from "../lib/render/layout";

const INVALID_HOST_MSG = "Invalid Host header - possible DNS rebinding attack detected";
const CORS_BLOCKED_MSG = "Cross-origin request blocked";
const STANDIN_VERSION = "3.17.0";
const HEALTH_ENDPOINTS = ["/health", "/version"];
const STATE_CHANGING_METHODS = ["POST", "PUT", "DELETE", "PATCH"];
const CORS_LOCALHOST_HOSTS = ["localhost", "127.0.0.1", "[::1]", "::1"];
const LOCALHOST_VARIANTS = ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"];
const MAX_JSON_BODY = 1024 * 1024;

export interface SecuritySettings {
    /** null: MLflow's defaults (localhost and private addresses). */
    allowedHosts: string[] | null;
    /** null: none besides localhost origins. */
    allowedOrigins: string[] | null;
}

export interface StandinOptions extends Partial<SecuritySettings> {
    host?: string;
    /** 0 picks a free port. */
    port?: number;
    /** Where artifacts are stored; a temporary directory (removed on close) when absent. */
    dataDir?: string;
}

/** Python's fnmatch.fnmatch on POSIX: `*`, `?`, `[seq]`, `[!seq]`, case-sensitive, whole string. */
function fnmatch(name: string, pattern: string): boolean {
    let re = "";
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === "*") re += "[\\s\\S]*";
        else if (c === "?") re += "[\\s\\S]";
        else if (c === "[") {
            let j = i + 1;
            if (pattern[j] === "!") j++;
            if (pattern[j] === "]") j++;
            while (j < pattern.length && pattern[j] !== "]") j++;
            if (j >= pattern.length) re += "\\[";
            else {
                let body = pattern.slice(i + 1, j).replace(/\\/g, "\\\\");
                if (body.startsWith("!")) body = "^" + body.slice(1);
                else if (body.startsWith("^")) body = "\\" + body;
                re += `[${body}]`;
                i = j;
            }
        } else re += c.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
    }
    return new RegExp(`^(?:${re})$`).test(name);
}

/** mlflow.server.security_utils.get_default_allowed_hosts */
function defaultAllowedHosts(): string[] {
    const wildcard = LOCALHOST_VARIANTS.map(host => (host.startsWith("[") ? `${host.replace("[", "[[]")}:*` : `${host}:*`));
    const private172 = Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`);
    return [...LOCALHOST_VARIANTS, ...wildcard, "192.168.*", "10.*", ...private172, "fc00:*", "fd00:*"];
}

/** How MLflow splits MLFLOW_SERVER_ALLOWED_HOSTS / MLFLOW_SERVER_CORS_ALLOWED_ORIGINS; empty or unset -> null. */
function parseList(value: string | undefined): string[] | null {
    return value ? value.split(",").map(entry => entry.trim()) : null;
}

function isAllowedHost(allowedHosts: string[], host: string | undefined): boolean {
    if (!host) return false;
    if (allowedHosts.includes("*")) return true;
    return allowedHosts.some(allowed => (allowed.includes("*") ? fnmatch(host, allowed) : host === allowed));
}

function originHostname(origin: string): string | undefined {
    try {
        const hostname = new URL(origin).hostname;
        return hostname;
    } catch {
        return undefined;
    }
}

function shouldBlockCors(origin: string | undefined, method: string, allowedOrigins: string[] | null): boolean {
    if (!origin || !STATE_CHANGING_METHODS.includes(method)) return false;
    const hostname = originHostname(origin);
    if (hostname !== undefined && CORS_LOCALHOST_HOSTS.includes(hostname)) return false;
    if (allowedOrigins) {
        if (allowedOrigins.includes("*")) return false;
        return !allowedOrigins.some(allowed => (allowed.includes("*") ? fnmatch(origin, allowed) : origin === allowed));
    }
    return true;
}

/** Where the stand-in keeps artifacts: as MLflow, its store (--artifacts-destination) inside its data directory. */
export function standinArtifactsDir(dataDir: string): string {
    return path.join(dataDir, path.posix.relative(MLFLOW.dataDir, MLFLOW.artifactsDir));
}

/** Where an `mlflow-artifacts:/<path>` URI (a run's or experiment's artifact root) lives in the store: `<path>`. */
export function artifactStorePath(artifactUri: string): string {
    return artifactUri.replace(/^mlflow-artifacts:\//, "");
}

/** The mlflow service's MLFLOW_SERVER_ALLOWED_HOSTS and MLFLOW_SERVER_CORS_ALLOWED_ORIGINS in a compose file. */
function securityFromCompose(composeFile: string, service = "mlflow"): SecuritySettings {
    const compose = parse(readFileSync(composeFile, "utf8")) as { services?: Record<string, { environment?: unknown }> };
    const spec = compose.services?.[service];
    if (!spec) throw new Error(`${composeFile}: no service ${service}`);
    const environment: Record<string, string> = {};
    if (Array.isArray(spec.environment)) {
        for (const entry of spec.environment as string[]) {
            const at = String(entry).indexOf("=");
            if (at > 0) environment[String(entry).slice(0, at)] = String(entry).slice(at + 1);
        }
    } else if (spec.environment && typeof spec.environment === "object") {
        for (const [key, value] of Object.entries(spec.environment as Record<string, unknown>)) {
            if (value !== null && value !== undefined) environment[key] = String(value);
        }
    }
    return {
        allowedHosts: parseList(environment.MLFLOW_SERVER_ALLOWED_HOSTS),
        allowedOrigins: parseList(environment.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS),
    };
}

class HttpError extends Error {
    constructor(readonly status: number, readonly errorCode: string, message: string) {
        super(message);
    }
}

interface Experiment { experiment_id: string; name: string; artifact_location: string; lifecycle_stage: string; creation_time: number }
interface Run { info: Record<string, unknown>; data: { metrics: unknown[]; params: unknown[]; tags: unknown[] } }

export class MlflowStandin {
    readonly security: { allowedHosts: string[]; allowedOrigins: string[] | null };
    private readonly experiments = new Map<string, Experiment>();
    private readonly runs = new Map<string, Run>();
    private nextExperimentId = 1;

    private constructor(
        private readonly server: http.Server,
        readonly dataDir: string,
        private readonly ownsDataDir: boolean,
        security: SecuritySettings,
    ) {
        this.security = {
            allowedHosts: security.allowedHosts ?? defaultAllowedHosts(),
            allowedOrigins: security.allowedOrigins,
        };
        this.experiments.set("0", {
            experiment_id: "0", name: "Default", artifact_location: "mlflow-artifacts:/0",
            lifecycle_stage: "active", creation_time: Date.now(),
        });
    }

    static async start(options: StandinOptions = {}): Promise<MlflowStandin> {
        const ownsDataDir = !options.dataDir;
        const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "mlflow-standin-"));
        mkdirSync(standinArtifactsDir(dataDir), { recursive: true });
        mkdirSync(path.join(dataDir, "incoming"), { recursive: true });
        const server = http.createServer();
        // Idle connections close after 5 s, as uvicorn (MLflow's server) closes them; nginx's upstream
        // keepalive_timeout (4 s) is shorter, so it never reuses one this side is closing. No
        // whole-request limit, so slow multi-GB transfers are fine.
        server.keepAliveTimeout = 5_000;
        server.headersTimeout = 130_000;
        server.requestTimeout = 0;
        const standin = new MlflowStandin(server, dataDir, ownsDataDir,
            { allowedHosts: options.allowedHosts ?? null, allowedOrigins: options.allowedOrigins ?? null });
        server.on("request", (req, res) => standin.handle(req, res));
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
                server.off("error", reject);
                resolve();
            });
        });
        return standin;
    }

    get host(): string { return (this.server.address() as AddressInfo).address; }
    get port(): number { return (this.server.address() as AddressInfo).port; }

    /** Absolute file of a stored artifact (path relative to the artifact root). */
    private artifactFile(artifactPath: string): string {
        return path.join(standinArtifactsDir(this.dataDir), safeRelative(artifactPath));
    }

    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>(resolve => this.server.close(() => resolve()));
        if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const url = new URL(req.url ?? "/", "http://standin");
        this.route(req, res, url, req.method ?? "GET").catch(error => {
            const status = error instanceof HttpError ? error.status : 500;
            const code = error instanceof HttpError ? error.errorCode : "INTERNAL_ERROR";
            if (!res.headersSent) sendJson(res, status, { error_code: code, message: (error as Error).message });
            else res.destroy();
            req.resume();
        });
    }

    private async route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
        const p = url.pathname;
        // MLflow's before_request hooks: Host validation, then cross-origin state changes.
        if (!HEALTH_ENDPOINTS.includes(p) && !this.security.allowedHosts.includes("*") &&
            !isAllowedHost(this.security.allowedHosts, req.headers.host)) {
            return sendText(res, 403, INVALID_HOST_MSG);
        }
        const isApi = p.startsWith("/api/") || p.startsWith("/ajax-api/");
        if (isApi && shouldBlockCors(req.headers.origin, method, this.security.allowedOrigins)) {
            return sendText(res, 403, CORS_BLOCKED_MSG);
        }
        res.setHeader("X-Content-Type-Options", "nosniff");

        if (p === "/health" && method === "GET") return sendText(res, 200, "OK");
        if (p === "/version" && method === "GET") return sendText(res, 200, STANDIN_VERSION);
        if (p === "/" && method === "GET") {
            const page = "<!doctype html><title>MLflow</title><div id=\"root\">MLflow UI stand-in</div>";
            res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(page) });
            return void res.end(page);
        }

        // The UI's file viewer: a run's artifact, streamed by MLflow (mlflow.server.handlers.get_artifact_handler).
        if (p === "/get-artifact" && method === "GET") return this.getRunArtifact(res, url);

        const api = /^\/(?:api|ajax-api)\/2\.0\/(mlflow|mlflow-artifacts)\/(.*)$/.exec(p);
        if (!api) throw new HttpError(404, "ENDPOINT_NOT_FOUND", `no handler for ${method} ${p}`);
        const [, group, rest] = api;
        if (group === "mlflow") return this.tracking(req, res, method, rest, url);
        if (rest === "artifacts" && method === "GET") return this.listArtifacts(res, url.searchParams.get("path") ?? "");
        const artifact = /^artifacts\/(.+)$/.exec(rest);
        if (artifact) {
            const artifactPath = decodeURIComponent(artifact[1]);
            if (method === "PUT") return this.putArtifact(req, res, artifactPath);
            if (method === "GET") return this.getArtifact(res, artifactPath);
            if (method === "DELETE") return this.deleteArtifact(res, artifactPath);
        }
        throw new HttpError(404, "ENDPOINT_NOT_FOUND", `no handler for ${method} ${p}`);
    }

    private async tracking(req: http.IncomingMessage, res: http.ServerResponse, method: string, rest: string, url: URL): Promise<void> {
        if (rest === "experiments/create" && method === "POST") {
            const body = await readJson(req);
            const name = body.name;
            if (typeof name !== "string" || !name) throw new HttpError(400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'.");
            if ([...this.experiments.values()].some(e => e.name === name)) {
                throw new HttpError(400, "RESOURCE_ALREADY_EXISTS", `Experiment(name=${name}) already exists.`);
            }
            const id = String(this.nextExperimentId++);
            this.experiments.set(id, {
                experiment_id: id, name, artifact_location: `mlflow-artifacts:/${id}`,
                lifecycle_stage: "active", creation_time: Date.now(),
            });
            return sendJson(res, 200, { experiment_id: id });
        }
        if (rest === "experiments/search" && (method === "GET" || method === "POST")) {
            const body = method === "POST" ? await readJson(req) : {};
            const max = Number(url.searchParams.get("max_results") ?? body.max_results ?? 1000);
            return sendJson(res, 200, { experiments: [...this.experiments.values()].slice(0, max) });
        }
        if (rest === "runs/create" && method === "POST") {
            const body = await readJson(req);
            const experimentId = String(body.experiment_id ?? "0");
            if (!this.experiments.has(experimentId)) {
                throw new HttpError(404, "RESOURCE_DOES_NOT_EXIST", `No Experiment with id=${experimentId} exists`);
            }
            const runId = randomUUID().replace(/-/g, "");
            const run: Run = {
                info: {
                    run_id: runId, run_uuid: runId, experiment_id: experimentId, status: "RUNNING",
                    start_time: body.start_time ?? Date.now(), lifecycle_stage: "active",
                    artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
                },
                data: { metrics: [], params: [], tags: Array.isArray(body.tags) ? body.tags : [] },
            };
            this.runs.set(runId, run);
            return sendJson(res, 200, { run });
        }
        if (rest === "runs/log-batch" && method === "POST") {
            const body = await readJson(req);
            const run = this.runs.get(String(body.run_id ?? ""));
            if (!run) throw new HttpError(404, "RESOURCE_DOES_NOT_EXIST", `Run '${body.run_id}' not found`);
            for (const key of ["metrics", "params", "tags"] as const) {
                if (Array.isArray(body[key])) run.data[key].push(...(body[key] as unknown[]));
            }
            return sendJson(res, 200, {});
        }
        throw new HttpError(404, "ENDPOINT_NOT_FOUND", `no handler for ${method} /${rest}`);
    }

    private async putArtifact(req: http.IncomingMessage, res: http.ServerResponse, artifactPath: string): Promise<void> {
        const target = this.artifactFile(artifactPath);
        const incoming = path.join(this.dataDir, "incoming", randomUUID());
        try {
            await pipeline(req, createWriteStream(incoming, { highWaterMark: 1024 * 1024 }));
        } catch (error) {
            rmSync(incoming, { force: true });
            throw error;
        }
        mkdirSync(path.dirname(target), { recursive: true });
        renameSync(incoming, target);
        sendJson(res, 200, {});
    }

    private async getArtifact(res: http.ServerResponse, artifactPath: string): Promise<void> {
        const file = this.artifactFile(artifactPath);
        let size: number;
        try {
            const stat = statSync(file);
            if (!stat.isFile()) throw new Error("not a file");
            size = stat.size;
        } catch {
            throw new HttpError(404, "RESOURCE_DOES_NOT_EXIST", `File ${artifactPath} does not exist`);
        }
        res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": size });
        await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), res);
    }

    private async getRunArtifact(res: http.ServerResponse, url: URL): Promise<void> {
        const runId = url.searchParams.get("run_uuid") ?? url.searchParams.get("run_id") ?? "";
        const run = this.runs.get(runId);
        if (!run) throw new HttpError(404, "RESOURCE_DOES_NOT_EXIST", `Run '${runId}' not found`);
        return this.getArtifact(res, `${artifactStorePath(String(run.info.artifact_uri))}/${url.searchParams.get("path") ?? ""}`);
    }

    private deleteArtifact(res: http.ServerResponse, artifactPath: string): void {
        rmSync(this.artifactFile(artifactPath), { recursive: true, force: true });
        sendJson(res, 200, {});
    }

    private listArtifacts(res: http.ServerResponse, dirPath: string): void {
        const dir = path.join(standinArtifactsDir(this.dataDir), dirPath ? safeRelative(dirPath) : "");
        let entries: string[] = [];
        try {
            entries = readdirSync(dir).sort();
        } catch {
            entries = [];
        }
        const files = entries.map(name => {
            const stat = statSync(path.join(dir, name));
            const relative = dirPath ? `${dirPath.replace(/\/$/, "")}/${name}` : name;
            return stat.isDirectory() ? { path: relative, is_dir: true } : { path: relative, is_dir: false, file_size: stat.size };
        });
        sendJson(res, 200, files.length > 0 ? { files } : {});
    }
}

/** Rejects absolute paths and `..` the way MLflow's artifact handler does. */
function safeRelative(artifactPath: string): string {
    const normalized = path.posix.normalize(artifactPath.replace(/^\/+/, ""));
    if (!normalized || normalized === "." || normalized.startsWith("..") || path.posix.isAbsolute(artifactPath)) {
        throw new HttpError(400, "INVALID_PARAMETER_VALUE", `Invalid path: ${artifactPath}`);
    }
    return normalized;
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_JSON_BODY) throw new HttpError(400, "INVALID_PARAMETER_VALUE", "request body too large");
        chunks.push(chunk as Buffer);
    }
    if (size === 0) return {};
    try {
        const value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch { /* fall through */ }
    throw new HttpError(400, "MALFORMED_REQUEST", "request body is not a JSON object");
}

export interface StandinProcess {
    child: ChildProcess;
    host: string;
    port: number;
    stop(): Promise<void>;
}

/**
 * Runs the stand-in as its own process (for load tests, so it does not share an event loop with
 * the load generator). Resolves once it listens; rejects if it exits or stays silent for 10 s.
 */
export function spawnStandinProcess(options: { host?: string; port: number; composeFile?: string; dataDir?: string; env?: NodeJS.ProcessEnv }): Promise<StandinProcess> {
    const args = [__filename, "--port", String(options.port), "--host", options.host ?? "127.0.0.1"];
    if (options.composeFile) args.push("--compose", options.composeFile);
    if (options.dataDir) args.push("--data", options.dataDir);
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: options.env ?? process.env });
    const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>(resolve => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
    };
    return new Promise((resolve, reject) => {
        let buffered = "";
        const timer = setTimeout(() => { void stop(); reject(new Error("mlflow stand-in did not start within 10 s")); }, 10_000);
        child.once("exit", code => { clearTimeout(timer); reject(new Error(`mlflow stand-in exited with ${code} before listening`)); });
        child.stdout!.on("data", (chunk: Buffer) => {
            buffered += chunk.toString("utf8");
            const line = buffered.split("\n").find(l => l.includes("\"listening\""));
            if (!line) return;
            clearTimeout(timer);
            child.removeAllListeners("exit");
            const { listening } = JSON.parse(line) as { listening: { host: string; port: number } };
            child.stdout!.resume();
            resolve({ child, host: listening.host, port: listening.port, stop });
        });
    });
}

async function main(argv: string[]): Promise<void> {
    const options: StandinOptions = {};
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === "--port") options.port = Number(value);
        else if (flag === "--host") options.host = value;
        else if (flag === "--data") options.dataDir = value;
        else if (flag === "--compose") Object.assign(options, securityFromCompose(value));
        else throw new Error(`unknown option ${flag}; usage: mlflowStandin.js --port N [--host ADDR] [--compose FILE] [--data DIR]`);
    }
    const standin = await MlflowStandin.start(options);
    console.log(JSON.stringify({ listening: { host: standin.host, port: standin.port }, security: standin.security }));
    const stop = () => { void standin.close().then(() => process.exit(0)); };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
}

if (require.main === module) {
    main(process.argv.slice(2)).catch(error => {
        console.error(`mlflow stand-in: ${(error as Error).message}`);
        process.exit(1);
    });
}
