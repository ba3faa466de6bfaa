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
exports.Bench = exports.log = exports.rotate = void 0;
// The benchmark's machinery: real nginx 1.30 with the rendered dev configuration in front of the
// real MLflow server run as the rendered compose file runs it (harness/nginxSandbox.ts,
// harness/realMlflow.ts), both in this namespace; MLflow restarted with a variant's settings on
// the same data directory, nginx's configuration and htpasswd switched by rewriting their
// bind-mounted files and reloading; and the measurements. bench/run.ts drives it.
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const perf_hooks_1 = require("perf_hooks");
const layout_1 = require("../lib/render/layout");
const render_1 = require("../scripts/render");
const httpClient_1 = require("../harness/httpClient");
const namespace_1 = require("../harness/namespace");
const pythonEnv_1 = require("../harness/pythonEnv");
const projectRoot_1 = require("../lib/projectRoot");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const realMlflow_1 = require("../harness/realMlflow");
const artifacts_1 = require("./artifacts");
const nginxProcesses_1 = require("./nginxProcesses");
const plan_1 = require("./plan");
const reads_1 = require("./reads");
const stats_1 = require("./stats");
const tracking_1 = require("./tracking");
const variants_1 = require("./variants");
const wrk_1 = require("./wrk");
/** Rotates the list by `round`, so that no variant always runs first or last. */
const rotate = (list, round) => list.map((_, i) => list[(i + round) % list.length]);
exports.rotate = rotate;
const started = perf_hooks_1.performance.now();
/** A line of progress, with the seconds since the benchmark started. */
const log = (line) => console.log(line && !line.includes("\n") ? `[${((perf_hooks_1.performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}` : line);
exports.log = log;
/** Runs of the search experiment made through the REST API; the rest are copies of them. */
const SEEDED_THROUGH_API = 100;
const percentileOf = (samples, p, calls) => (0, stats_1.percentile)(samples.filter(s => !calls || calls.includes(s.call)).map(s => s.ms), p);
class Bench {
    sandbox;
    work = (0, namespace_1.scratchDir)("bench");
    renderDir = path.join(this.work, "render");
    confFile = path.join(this.work, "nginx.conf");
    htpasswdFile = path.join(this.work, "htpasswd");
    renderedConf = "";
    htpasswd;
    current = { nginx: "rendered", htpasswd: "ssha" };
    currentMlflow = variants_1.RENDERED_MLFLOW.id;
    credentials;
    authorization;
    experiments;
    /** A seeded run of the search experiment: its id and name, for the run page. */
    seededRun;
    /** The rendered nginx.conf's worker_processes and the rendered MLflow's --workers, for the text. */
    rendered = { nginxWorkers: "", mlflowWorkers: 0 };
    async setUp() {
        (0, render_1.render)({ stack: "dev", out: this.renderDir });
        const renderedFile = (hostPath) => path.join(this.renderDir, "files", hostPath);
        this.renderedConf = (0, fs_1.readFileSync)(renderedFile(layout_1.HOST.nginxConf), "utf8");
        this.rendered.nginxWorkers = /^\s*worker_processes\s+([^;]+);/m.exec(this.renderedConf)?.[1] ?? "unknown";
        const service = (0, realMlflow_1.mlflowService)(renderedFile(layout_1.HOST.composeFile));
        this.rendered.mlflowWorkers = Number(service.command[service.command.indexOf("--workers") + 1]);
        const users = (0, render_1.readSampleValues)(this.renderDir).users;
        const [user] = Object.keys(users);
        this.credentials = `${user}:${users[user]}`;
        this.authorization = `Basic ${Buffer.from(this.credentials).toString("base64")}`;
        this.htpasswd = { ssha: (0, fs_1.readFileSync)(renderedFile(layout_1.HOST.htpasswd), "utf8"), apr1: (0, variants_1.apr1Htpasswd)(users), bcrypt10: (0, variants_1.bcryptHtpasswd)(users) };
        // nginx reads these two through bind mounts; a variant rewrites them in place (same inode) and reloads.
        (0, fs_1.writeFileSync)(this.confFile, this.renderedConf);
        (0, fs_1.chmodSync)(this.confFile, 0o644);
        (0, fs_1.copyFileSync)(renderedFile(layout_1.HOST.htpasswd), this.htpasswdFile);
        (0, fs_1.chownSync)(this.htpasswdFile, 0, layout_1.NGINX.gid);
        (0, fs_1.chmodSync)(this.htpasswdFile, 0o640);
        this.sandbox = await nginxSandbox_1.NginxSandbox.start({ renderDir: this.renderDir, hostPaths: { [layout_1.HOST.nginxConf]: this.confFile, [layout_1.HOST.htpasswd]: this.htpasswdFile } });
        const create = async (name) => String((await this.api("/api/2.0/mlflow/experiments/create", { name })).experiment_id);
        this.experiments = { training: await create("training"), search: await create("search") };
    }
    async tearDown() {
        await this.sandbox?.stop().catch(() => undefined);
    }
    /** A call straight to MLflow (as the bench's own setup, not measured). */
    async api(apiPath, body) {
        const response = await (0, httpClient_1.request)({
            address: nginxSandbox_1.MLFLOW_ADDRESS, port: layout_1.MLFLOW.port, tls: false, host: this.sandbox.publicIp, method: "POST", path: apiPath,
            body: JSON.stringify(body), headers: { "Content-Type": "application/json" }, auth: this.credentials, timeoutMs: 60_000,
        });
        if (response.status !== 200)
            throw new Error(`${apiPath}: ${response.status} ${response.text}`);
        return JSON.parse(response.text);
    }
    target(kind) {
        const ip = this.sandbox.publicIp;
        return kind === "nginx"
            ? { kind, address: ip, port: 443, ca: this.sandbox.caCert, host: ip, authorization: this.authorization }
            : { kind, address: nginxSandbox_1.MLFLOW_ADDRESS, port: layout_1.MLFLOW.port, host: ip, authorization: this.authorization };
    }
    memory() {
        const mlflow = this.sandbox.mlflow.memory();
        const nginx = (0, nginxProcesses_1.nginxMemory)(this.sandbox);
        return { mlflowPss: mlflow.pss, mlflowRss: mlflow.rss, mlflowProcesses: mlflow.processes, nginxPss: nginx.pss, nginxRss: nginx.rss };
    }
    /** CPU-seconds of each of MLflow's processes, by pid. */
    mlflowCpuSeconds() {
        return new Map(this.sandbox.mlflow.processes().map(p => [p.pid, (0, nginxProcesses_1.cpuSeconds)(p.pid)]));
    }
    /**
     * MLflow with the variant's settings, as a fresh process: stopped, the database's journal
     * mode set, started again on the same data directory; returns its memory at rest after a few calls.
     */
    async restartMlflow(variant, round) {
        await this.sandbox.mlflow?.stop();
        const db = path.join(this.sandbox.dirs.mlflowData, "mlflow.db");
        (0, child_process_1.execFileSync)("sqlite3", [db, `PRAGMA journal_mode=${variant.journal.toUpperCase()}`], { stdio: "ignore" });
        const composeFile = path.join(this.work, `compose-${variant.id}.yaml`);
        (0, fs_1.writeFileSync)(composeFile, (0, variants_1.composeForVariant)((0, fs_1.readFileSync)(this.sandbox.composeFile, "utf8"), variant));
        const started = perf_hooks_1.performance.now();
        this.sandbox.mlflow = await this.sandbox.startMlflow(nginxSandbox_1.MLFLOW_ADDRESS, composeFile);
        const startSeconds = (perf_hooks_1.performance.now() - started) / 1000;
        this.currentMlflow = variant.id;
        // Every worker imports lazily on its first requests; let them, then let it settle.
        for (let i = 0; i < 20; i++)
            await this.api("/api/2.0/mlflow/experiments/search", { max_results: 10 });
        await (0, stats_1.sleep)(3000);
        const rest = { variant: variant.id, round, memory: this.memory(), startSeconds };
        (0, exports.log)(`  MLflow ${variant.id} up in ${startSeconds.toFixed(1)} s; at rest ${rest.memory.mlflowProcesses} processes, ${(rest.memory.mlflowPss / stats_1.MiB).toFixed(0)} MiB PSS`);
        return rest;
    }
    /** MLflow as rendered, restarted only if another variant runs. */
    async useRenderedMlflow(round) {
        if (this.currentMlflow !== variants_1.RENDERED_MLFLOW.id)
            await this.restartMlflow(variants_1.RENDERED_MLFLOW, round);
    }
    /** nginx with the variant's configuration (or as rendered) and the htpasswd file hashed by `scheme`; reloaded if either changed. */
    async useNginx(variant, scheme = "ssha") {
        const id = variant?.id ?? "rendered";
        if (id === this.current.nginx && scheme === this.current.htpasswd)
            return;
        (0, fs_1.writeFileSync)(this.confFile, variant ? variant.edit(this.renderedConf) : this.renderedConf);
        (0, fs_1.writeFileSync)(this.htpasswdFile, this.htpasswd[scheme]);
        const before = this.sandbox.workerPids();
        await this.sandbox.reload();
        // Old workers finish their connections and exit; wait for that, so that they take no CPU from the measurement.
        for (const deadline = Date.now() + 10_000; Date.now() < deadline && this.sandbox.workerPids().some(pid => before.includes(pid));)
            await (0, stats_1.sleep)(50);
        this.current = { ...this.current, nginx: id, htpasswd: scheme };
        const check = await (0, httpClient_1.request)({ address: this.sandbox.publicIp, port: 443, tls: true, ca: this.sandbox.caCert, path: "/api/2.0/mlflow/experiments/search?max_results=1", localAddress: (0, httpClient_1.freshSourceAddress)() });
        if (check.status !== (variant?.id === "no-auth" ? 200 : 401))
            throw new Error(`nginx (${id}) answered ${check.status} without credentials`);
    }
    /** `clients` training clients against the target for `seconds`, with memory and CPU sampled meanwhile. */
    async trackingLevel(variant, kind, clients, seconds, round, nginx) {
        // nginx as rendered unless a variant is asked for: the round before may have left another configuration or password hash in place.
        await this.useNginx(nginx);
        await (0, nginxProcesses_1.waitForNginxIdle)(this.sandbox);
        let peak;
        let sampling = true;
        const sampler = (async () => {
            await (0, stats_1.sleep)(plan_1.WARMUP_SECONDS * 1000);
            while (sampling) {
                const now = this.memory();
                if (!peak || now.mlflowPss > peak.mlflowPss)
                    peak = now;
                await (0, stats_1.sleep)(1000);
            }
        })();
        const cpuAt = () => ({ mlflow: this.mlflowCpuSeconds(), nginx: (0, nginxProcesses_1.nginxCpuSeconds)(this.sandbox), t: perf_hooks_1.performance.now() });
        const warmupEnd = (0, stats_1.sleep)(plan_1.WARMUP_SECONDS * 1000).then(cpuAt);
        const load = await (0, tracking_1.runTrainingLoad)({ target: this.target(kind), experimentId: this.experiments.training, clients, warmupSeconds: plan_1.WARMUP_SECONDS, seconds, mode: "paced" });
        const [before, after] = [await warmupEnd, cpuAt()];
        sampling = false;
        await sampler;
        const elapsed = (after.t - before.t) / 1000;
        const perProcess = [...after.mlflow].map(([pid, seconds]) => seconds - (before.mlflow.get(pid) ?? 0));
        const mlflowCpuSeconds = perProcess.reduce((sum, seconds) => sum + seconds, 0);
        const m = load.measured;
        const result = {
            variant: variant.id, target: kind, clients, round,
            p50: percentileOf(m, 50), p99: percentileOf(m, 99),
            metricsP50: percentileOf(m, 50, ["log-batch metrics"]), metricsP99: percentileOf(m, 99, ["log-batch metrics"]),
            artifactP99: percentileOf(m, 99, ["artifact upload"]),
            calls: load.calls, failed: load.failed, firstError: load.firstError, stepsPerSecond: load.stepsPerSecond,
            memory: peak ?? this.memory(),
            mlflowCpu: mlflowCpuSeconds / elapsed, nginxCpu: (after.nginx - before.nginx) / elapsed,
            busiestWorkerShare: Math.max(...perProcess) / mlflowCpuSeconds,
        };
        (0, exports.log)(`  ${variant.id} ${kind} ${clients} clients: ${m.length} calls, p50 ${(0, stats_1.fmtMs)(result.p50)} ms, p99 ${(0, stats_1.fmtMs)(result.p99)} ms ` +
            `(metrics ${(0, stats_1.fmtMs)(result.metricsP99)}, artifacts ${(0, stats_1.fmtMs)(result.artifactP99)}), ${load.failed} failed of ${load.calls}, ` +
            `${result.stepsPerSecond.toFixed(1)} steps/s; MLflow ${(result.memory.mlflowPss / stats_1.MiB).toFixed(0)} MiB PSS, CPU ${result.mlflowCpu.toFixed(2)}, nginx ${result.nginxCpu.toFixed(2)}` +
            (load.firstError ? `; first error: ${load.firstError}` : ""));
        return result;
    }
    /** The closed loop: SATURATING_CLIENTS clients logging one metrics batch after another, as fast as the target answers. */
    async saturating(kind, nginx, seconds, round) {
        await this.useNginx(nginx);
        await (0, nginxProcesses_1.waitForNginxIdle)(this.sandbox);
        const load = await (0, tracking_1.runTrainingLoad)({ target: this.target(kind), experimentId: this.experiments.training, clients: plan_1.SATURATING_CLIENTS, warmupSeconds: plan_1.WARMUP_SECONDS, seconds, mode: "saturating" });
        const calls = load.measured.filter(s => s.call === "log-batch metrics");
        const result = {
            target: kind, nginx: kind === "direct" ? "—" : nginx?.id ?? "rendered", round,
            callsPerSecond: calls.length / seconds, p50: percentileOf(calls, 50), p99: percentileOf(calls, 99), failed: load.failed,
        };
        (0, exports.log)(`  closed loop ${kind} (${result.nginx}): ${result.callsPerSecond.toFixed(0)} log-batch/s, p50 ${(0, stats_1.fmtMs)(result.p50)} ms, p99 ${(0, stats_1.fmtMs)(result.p99)} ms, ${load.failed} failed`);
        return result;
    }
    /**
     * Fills the search experiment with `count` runs: the first ones through MLflow's REST API
     * (straight to MLflow: seeding is not what is measured), the rest copied from them inside
     * the database (bench/clone_runs.py).
     */
    async seed(count) {
        const started = perf_hooks_1.performance.now();
        const throughApi = Math.min(count, SEEDED_THROUGH_API);
        const last = await (0, reads_1.seedRuns)(this.target("direct"), this.experiments.search, throughApi);
        this.seededRun = { id: last, name: (0, reads_1.seededRunName)(throughApi - 1) };
        const db = path.join(this.sandbox.dirs.mlflowData, "mlflow.db");
        const clone = await (0, namespace_1.run)((0, pythonEnv_1.pythonEnvBin)("mlflow"), [path.join((0, projectRoot_1.projectRoot)(), "bench", "clone_runs.py"), db, this.experiments.search, String(count)], { timeoutMs: 600_000 });
        if (clone.code !== 0 || Number(clone.stdout.trim()) !== count)
            throw new Error(`clone_runs.py: ${clone.code} ${clone.stdout}${clone.stderr}`);
        return (perf_hooks_1.performance.now() - started) / 1000;
    }
    async search(round) {
        const results = [];
        for (const filter of ["", "metrics.loss < 0.1 and params.optimizer = 'adam'"]) {
            const result = await (0, reads_1.searchAllRuns)(this.target("nginx"), this.experiments.search, filter);
            (0, exports.log)(`  search_runs${filter ? ` (${filter})` : ""}: ${result.runs} runs in ${result.pageMs.length} pages, ${(0, stats_1.fmtMs)(result.totalMs)} ms, page p50 ${(0, stats_1.fmtMs)((0, stats_1.percentile)(result.pageMs, 50))} ms`);
            results.push({ ...result, round, filter });
        }
        return results;
    }
    /** The UI's first load of the search experiment's page and of a run's page, each in a fresh browser profile. */
    async browser(nginx, round) {
        await this.useNginx(nginx);
        const origin = `https://${this.sandbox.publicIp}`;
        const [username, password] = this.credentials.split(/:(.*)/s);
        const run = this.seededRun;
        const pages = [
            { page: "experiment", url: `${origin}/#/experiments/${this.experiments.search}/runs`, shows: /^seed-\d{5}$/ },
            { page: "run", url: `${origin}/#/experiments/${this.experiments.search}/runs/${run.id}`, shows: new RegExp(`^${run.name}$`) },
        ];
        const results = [];
        for (const { page, url, shows } of pages) {
            const load = await (0, reads_1.loadInBrowser)({ caCertPem: this.sandbox.caCert, origin, username, password, url, shows });
            (0, exports.log)(`  UI ${page} page (${nginx?.id ?? "rendered"}): shown after ${(0, stats_1.fmtMs)(load.shownMs)} ms, ${load.requests} requests, ${(load.bytes / stats_1.MiB).toFixed(2)} MiB ` +
                `(static ${(load.staticBytes / stats_1.MiB).toFixed(2)}), ${load.ajax.length} ajax calls${load.failed.length ? `, FAILED: ${load.failed.join("; ")}` : ""}`);
            results.push({ ...load, page, nginx: nginx?.id ?? "rendered", round });
        }
        return results;
    }
    /** nginx's own path under load: a small artifact file nginx serves itself (auth checked, MLflow not involved), by wrk. */
    async nginxOwn(variant, seconds, round) {
        await this.useNginx(variant.nginx, variant.scheme);
        this.smallFile ??= await this.storeArtifact("small.json", 1024);
        const url = `https://${this.sandbox.publicIp}${this.smallFile}`;
        const headers = { Authorization: this.authorization };
        await (0, wrk_1.runWrk)({ url, headers, ...plan_1.WRK, seconds: 1 });
        await (0, nginxProcesses_1.waitForNginxIdle)(this.sandbox);
        const cpuBefore = (0, nginxProcesses_1.nginxCpuSeconds)(this.sandbox);
        const wrk = await (0, wrk_1.runWrk)({ url, headers, ...plan_1.WRK, seconds: Math.max(seconds, variant.minSeconds ?? 0) });
        const nginxCpuUs = (1e6 * ((0, nginxProcesses_1.nginxCpuSeconds)(this.sandbox) - cpuBefore)) / wrk.requests;
        if (wrk.non2xx > 0 || wrk.socketErrors > 0 || wrk.requests === 0)
            throw new Error(`nginx own path (${variant.id}): ${wrk.non2xx} non-2xx, ${wrk.socketErrors} socket errors in ${wrk.requests}:\n${wrk.raw}`);
        (0, exports.log)(`  nginx's own path (${variant.id}): ${Math.round(wrk.requestsPerSecond)} requests/s, p50 ${(0, stats_1.fmtMs)(wrk.p50)} ms, p99 ${(0, stats_1.fmtMs)(wrk.p99)} ms, ${nginxCpuUs.toFixed(0)} µs CPU/request`);
        return { variant: variant.id, round, requestsPerSecond: wrk.requestsPerSecond, p50: wrk.p50, p99: wrk.p99, nginxCpuUs };
    }
    smallFile;
    /** A run of the training experiment for the bench's own artifacts, and its artifact URI. */
    artifactRun;
    async benchRun() {
        if (!this.artifactRun) {
            const run = (await this.api("/api/2.0/mlflow/runs/create", { experiment_id: this.experiments.training, run_name: "bench-artifacts" })).run;
            this.artifactRun = { runId: run.info.run_id, artifactUri: run.info.artifact_uri };
        }
        return this.artifactRun;
    }
    /** Uploads `bytes` of random data as an artifact of the bench's run, straight to MLflow; returns its path under the artifact API. */
    async storeArtifact(name, bytes) {
        const run = await this.benchRun();
        const apiPath = (0, tracking_1.artifactApiPath)(run.artifactUri, name);
        const response = await (0, httpClient_1.request)({
            address: nginxSandbox_1.MLFLOW_ADDRESS, port: layout_1.MLFLOW.port, tls: false, host: this.sandbox.publicIp, method: "PUT", path: apiPath,
            body: Buffer.alloc(bytes, "x"), headers: { "Content-Type": "application/octet-stream" }, auth: this.credentials,
        });
        if (response.status !== 200)
            throw new Error(`PUT ${apiPath}: ${response.status} ${response.text}`);
        return apiPath;
    }
    /** The measured artifact, once written. */
    artifact;
    /** The artifact transfers of one round: up and down, straight to MLflow and through nginx as rendered, and MLflow's own download through nginx. */
    async artifacts(artifactBytes, round) {
        await this.useNginx(undefined);
        const ip = this.sandbox.publicIp;
        const run = await this.benchRun();
        const nginx = { baseUrl: `https://${ip}`, curlArgs: ["--cacert", path.join(this.renderDir, this.sandbox.values.caCertFile)] };
        const targets = [
            { kind: "mlflow", baseUrl: `http://${nginxSandbox_1.MLFLOW_ADDRESS}:${layout_1.MLFLOW.port}`, curlArgs: ["-H", `Host: ${ip}`] },
            { kind: "nginx", ...nginx },
        ];
        const artifactRoot = this.sandbox.dirs.artifacts;
        const prefix = "/api/2.0/mlflow-artifacts/artifacts/";
        const options = async (name, bytes) => {
            const sourceFile = path.join(this.work, `${name}.bin`);
            const sha256 = await (0, httpClient_1.writeRandomFile)(sourceFile, bytes);
            const artifactPath = (0, tracking_1.artifactApiPath)(run.artifactUri, `${name}.bin`).slice(prefix.length);
            return {
                sandbox: this.sandbox, mlflowPids: () => this.sandbox.mlflow.processes().map(p => p.pid), authorization: this.authorization, artifactPath,
                artifactRoot, storedFile: path.join(artifactRoot, artifactPath), sourceFile, sourceSha256: sha256, bytes,
            };
        };
        if (!this.artifact) {
            // Unmeasured: the first transfers of fresh processes are slower (first buffers, imports).
            const warmup = await options("warmup", Math.min(128 * stats_1.MiB, artifactBytes));
            for (const direction of ["upload", "download"])
                for (const target of targets)
                    await (0, artifacts_1.transfer)(direction, { ...warmup, target });
            this.artifact = await options("model", artifactBytes);
            await (0, artifacts_1.transfer)("upload", { ...this.artifact, target: targets[0] });
        }
        const common = this.artifact;
        const inRun = path.posix.relative(run.artifactUri.replace(/^mlflow-artifacts:\/*/, ""), common.artifactPath);
        const proxied = { kind: "nginx-proxied", ...nginx, downloadPath: `/get-artifact?path=${inRun}&run_uuid=${run.runId}` };
        const results = [];
        for (const direction of ["upload", "download"]) {
            for (const target of (0, exports.rotate)(direction === "download" ? [...targets, proxied] : targets, round)) {
                const logBefore = this.sandbox.errorLog().length;
                const result = { ...await (0, artifacts_1.transfer)(direction, { ...common, target }), round };
                // nginx also says so when it spools a response to disk (as the proxy end-to-end test checks).
                const spooled = this.sandbox.errorLog().slice(logBefore).split("\n").filter(line => /temporary file/.test(line));
                result.tempFiles.push(...spooled.map(line => `error.log: ${line}`));
                const memory = result.nginxRssGrowthBytes === undefined ? "" : `, nginx +${(result.nginxRssGrowthBytes / stats_1.MiB).toFixed(1)} MiB, ${result.tempFiles.length} temp files`;
                const cpu = Object.entries(result.cpuSeconds).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ");
                (0, exports.log)(`  ${direction} via ${target.kind}: ${result.mbPerSecond.toFixed(0)} MB/s${memory}, CPU s: ${cpu}, sha256 ${result.sha256Ok ? "equal" : "DIFFERENT"}`);
                results.push(result);
            }
        }
        return results;
    }
}
exports.Bench = Bench;
//# sourceMappingURL=bench.js.map