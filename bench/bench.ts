// The benchmark's machinery: real nginx 1.30 with the rendered dev configuration in front of the
// real MLflow server run as the rendered compose file runs it (harness/nginxSandbox.ts,
// harness/realMlflow.ts), both in this namespace; MLflow restarted with a variant's settings on
// the same data directory, nginx's configuration and htpasswd switched by rewriting their
// bind-mounted files and reloading; and the measurements. bench/run.ts drives it.
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { HOST, MLFLOW, NGINX } from "../lib/render/layout";
import { readSampleValues, render } from "../scripts/render";
import { freshSourceAddress, request, writeRandomFile } from "../harness/httpClient";
import { run, scratchDir } from "../harness/namespace";
import { pythonEnvBin } from "../harness/pythonEnv";
import { projectRoot } from "../lib/projectRoot";
import { MLFLOW_ADDRESS, MLFLOW_ADDRESSES, NginxSandbox } from "../harness/nginxSandbox";
import { Postgres } from "../harness/postgres";
import { mlflowService, processMemory, processTree } from "../harness/realMlflow";
import { issueCertificate } from "../lib/sampleTls";
import { transfer, TransferOptions, TransferRound, TransferTarget } from "./artifacts";
import { cpuSeconds, nginxCpuSeconds, nginxMemory, waitForNginxIdle } from "./nginxProcesses";
import { SATURATING_CLIENTS, WARMUP_SECONDS, WRK } from "./plan";
import { countThreads, ThreadCounts } from "./threadStates";
import { BrowserLoad, loadInBrowser, searchAllRuns, SearchResult, seededRunName, seedRuns } from "./reads";
import { fmtMs, MiB, percentile, sleep } from "./stats";
import { artifactApiPath, CallSample, runTrainingLoad, TrackingTarget } from "./tracking";
import { apr1Htpasswd, BENCH_POSTGRES, BENCH_POSTGRES_URI, bcryptHtpasswd, composeForVariant, HashScheme, MlflowVariant, NginxVariant, RENDERED_MLFLOW, workersOf } from "./variants";
import { runWrk } from "./wrk";

/** Rotates the list by `round`, so that no variant always runs first or last. */
export const rotate = <T>(list: readonly T[], round: number): T[] => list.map((_, i) => list[(i + round) % list.length]);

const started = performance.now();
/** A line of progress, with the seconds since the benchmark started. */
export const log = (line: string) => console.log(line && !line.includes("\n") ? `[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}` : line);

/** Memory of MLflow's processes and of nginx's, in bytes. */
export interface Memory { mlflowPss: number; mlflowRss: number; mlflowProcesses: number; nginxPss: number; nginxRss: number }

/** One load level of training clients, one round. */
export interface LevelRound {
    variant: string; target: TrackingTarget["kind"]; clients: number; round: number;
    /** Every tracking call started in the measured seconds. */
    p50: number; p99: number;
    metricsP50: number; metricsP99: number; artifactP99: number;
    calls: number; failed: number; firstError?: string;
    stepsPerSecond: number;
    /** The highest PSS of MLflow's processes sampled during the level, with nginx's and the RSS at that moment. */
    memory: Memory;
    /**
     * CPU-seconds per second (of 2 cores) during the level: MLflow's (with its store's, when that
     * runs on the same host), nginx's, and the load generator's (this process).
     */
    mlflowCpu: number; nginxCpu: number; clientCpu: number;
    /** The busiest MLflow process's share of MLflow's CPU during the level: how evenly MLflow's servers share the load. */
    busiestWorkerShare: number;
    /** MLflow's threads on a CPU and asleep in SQLite's busy wait, averaged over samples 5 times a second in the measured seconds (threadStates.ts). */
    threads: ThreadCounts;
}

export interface SaturatingRound { target: TrackingTarget["kind"]; nginx: string; round: number; callsPerSecond: number; p50: number; p99: number; failed: number }
export interface RestRound { variant: string; round: number; memory: Memory; startSeconds: number }
export interface SearchRound extends SearchResult { round: number; filter: string }
export interface BrowserRound extends BrowserLoad { page: "experiment" | "run"; nginx: string; round: number }
export interface NginxOwnRound { variant: string; round: number; requestsPerSecond: number; p50: number; p99: number; nginxCpuUs: number }

/** Runs of the search experiment made through the REST API; the rest are copies of them. */
const SEEDED_THROUGH_API = 100;

const percentileOf = (samples: CallSample[], p: number, calls?: CallSample["call"][]) =>
    percentile(samples.filter(s => !calls || calls.includes(s.call)).map(s => s.ms), p);

export class Bench {
    sandbox!: NginxSandbox;
    private readonly work = scratchDir("bench");
    private readonly renderDir = path.join(this.work, "render");
    private readonly confFile = path.join(this.work, "nginx.conf");
    private readonly htpasswdFile = path.join(this.work, "htpasswd");
    private renderedConf = "";
    private htpasswd!: Record<HashScheme, string>;
    private current = { nginx: "rendered", htpasswd: "ssha" as HashScheme };
    private currentMlflow = RENDERED_MLFLOW.id;
    private currentDatabase: MlflowVariant["database"] = RENDERED_MLFLOW.database;
    private postgres?: Postgres;
    /** The training clients' experiment in the store MLflow runs on now (PostgreSQL gets its own). */
    private trainingExperiment = "";
    private postgresExperiment?: string;
    /** Each MLflow server's address, for clients that go straight to MLflow. */
    private mlflowAddresses: readonly string[] = [];
    private credentials!: string;
    private authorization!: string;
    private experiments!: { training: string; search: string };
    /** A seeded run of the search experiment: its id and name, for the run page. */
    private seededRun?: { id: string; name: string };

    /** The rendered nginx.conf's worker_processes, and the rendered MLflow's servers and --workers of each, for the text. */
    readonly rendered = { nginxWorkers: "", mlflowServers: 0, mlflowWorkers: 0 };

    async setUp(): Promise<void> {
        render({ stack: "dev", out: this.renderDir });
        const renderedFile = (hostPath: string) => path.join(this.renderDir, "files", hostPath);
        this.renderedConf = readFileSync(renderedFile(HOST.nginxConf), "utf8");
        this.rendered.nginxWorkers = /^\s*worker_processes\s+([^;]+);/m.exec(this.renderedConf)?.[1] ?? "unknown";
        const service = mlflowService(renderedFile(HOST.composeFile));
        this.rendered.mlflowServers = service.replicas;
        this.rendered.mlflowWorkers = workersOf(service);
        const users = readSampleValues(this.renderDir).users;
        const [user] = Object.keys(users);
        this.credentials = `${user}:${users[user]}`;
        this.authorization = `Basic ${Buffer.from(this.credentials).toString("base64")}`;
        this.htpasswd = { ssha: readFileSync(renderedFile(HOST.htpasswd), "utf8"), apr1: apr1Htpasswd(users), bcrypt10: bcryptHtpasswd(users) };
        // nginx reads these two through bind mounts; a variant rewrites them in place (same inode) and reloads.
        writeFileSync(this.confFile, this.renderedConf);
        chmodSync(this.confFile, 0o644);
        copyFileSync(renderedFile(HOST.htpasswd), this.htpasswdFile);
        chownSync(this.htpasswdFile, 0, NGINX.gid);
        chmodSync(this.htpasswdFile, 0o640);
        this.sandbox = await NginxSandbox.start({ renderDir: this.renderDir, hostPaths: { [HOST.nginxConf]: this.confFile, [HOST.htpasswd]: this.htpasswdFile } });
        this.mlflowAddresses = MLFLOW_ADDRESSES.slice(0, service.replicas);
        const create = async (name: string) => String((await this.api("/api/2.0/mlflow/experiments/create", { name })).experiment_id);
        this.experiments = { training: await create("training"), search: await create("search") };
        this.trainingExperiment = this.experiments.training;
    }

    /**
     * PostgreSQL beside MLflow (BENCH_POSTGRES), for the variant that stores in it, with MLflow's
     * schema created once before the servers start, as mlflow-db-upgrade does on a stateless host.
     */
    private async startPostgres(): Promise<Postgres> {
        const tlsDir = path.join(this.work, "postgres-tls");
        mkdirSync(tlsDir);
        const tls = issueCertificate(tlsDir, "bench PostgreSQL CA", [BENCH_POSTGRES.address]);
        const postgres = await Postgres.start({ ...BENCH_POSTGRES, certPem: tls.certPem, keyPem: tls.keyPem });
        const schema = await run(pythonEnvBin("mlflow", "mlflow"), ["db", "upgrade", BENCH_POSTGRES_URI],
            { env: { ...process.env, PGPASSWORD: BENCH_POSTGRES.password }, timeoutMs: 300_000 });
        if (schema.code !== 0) throw new Error(`mlflow db upgrade on the bench's PostgreSQL failed:\n${schema.stderr.slice(-4000)}`);
        return postgres;
    }

    async tearDown(): Promise<void> {
        await this.postgres?.stop().catch(() => undefined);
        await this.sandbox?.stop().catch(() => undefined);
    }

    /** A call straight to MLflow (as the bench's own setup, not measured). */
    private async api(apiPath: string, body: object): Promise<Record<string, unknown>> {
        const response = await request({
            address: MLFLOW_ADDRESS, port: MLFLOW.port, tls: false, host: this.sandbox.publicIp, method: "POST", path: apiPath,
            body: JSON.stringify(body), headers: { "Content-Type": "application/json" }, auth: this.credentials, timeoutMs: 60_000,
        });
        if (response.status !== 200) throw new Error(`${apiPath}: ${response.status} ${response.text}`);
        return JSON.parse(response.text) as Record<string, unknown>;
    }

    target(kind: TrackingTarget["kind"]): TrackingTarget {
        const ip = this.sandbox.publicIp;
        return kind === "nginx"
            ? { kind, addresses: [ip], port: 443, ca: this.sandbox.caCert, host: ip, authorization: this.authorization }
            : { kind, addresses: this.mlflowAddresses, port: MLFLOW.port, host: ip, authorization: this.authorization };
    }

    memory(): Memory {
        // A store on the same host is part of what MLflow costs there.
        const database = this.currentDatabase === "postgres" && this.postgres
            ? processMemory(processTree([this.postgres.pid]).map(p => p.pid)) : { rss: 0, pss: 0, processes: 0 };
        const server = this.sandbox.mlflow!.memory();
        const mlflow = { pss: server.pss + database.pss, rss: server.rss + database.rss, processes: server.processes + database.processes };
        const nginx = nginxMemory(this.sandbox);
        return { mlflowPss: mlflow.pss, mlflowRss: mlflow.rss, mlflowProcesses: mlflow.processes, nginxPss: nginx.pss, nginxRss: nginx.rss };
    }

    /** CPU-seconds of the store's processes when it runs beside MLflow (PostgreSQL), else 0. */
    private databaseCpuSeconds(): number {
        return this.currentDatabase === "postgres" && this.postgres
            ? processTree([this.postgres.pid]).reduce((sum, p) => sum + cpuSeconds(p.pid), 0) : 0;
    }

    /** CPU-seconds of each of MLflow's processes, by pid. */
    private mlflowCpuSeconds(): Map<number, number> {
        return new Map(this.sandbox.mlflow!.processes().map(p => [p.pid, cpuSeconds(p.pid)]));
    }

    /**
     * MLflow with the variant's settings, as a fresh process: stopped, the store's journal mode
     * set (as rendered unless the variant says otherwise), started again on the same data
     * directory; returns its memory at rest after a few calls.
     */
    async restartMlflow(variant: MlflowVariant, round: number): Promise<RestRound> {
        await this.sandbox.mlflow?.stop();
        if (variant.database === "postgres") this.postgres ??= await this.startPostgres();
        this.currentDatabase = variant.database;
        const composeFile = path.join(this.work, `compose-${variant.id}.yaml`);
        writeFileSync(composeFile, composeForVariant(readFileSync(this.sandbox.composeFile, "utf8"), variant));
        const started = performance.now();
        this.sandbox.mlflow = await this.sandbox.startMlflow({ composeFile, ...(variant.database === "rollback-journal" ? { sqliteJournalMode: "delete" } : {}) });
        this.mlflowAddresses = MLFLOW_ADDRESSES.slice(0, mlflowService(composeFile).replicas);
        const startSeconds = (performance.now() - started) / 1000;
        this.currentMlflow = variant.id;
        this.trainingExperiment = variant.database === "postgres"
            ? (this.postgresExperiment ??= String((await this.api("/api/2.0/mlflow/experiments/create", { name: "training" })).experiment_id))
            : this.experiments.training;
        // Every worker imports lazily on its first requests; let them, then let it settle.
        for (let i = 0; i < 20; i++) await this.api("/api/2.0/mlflow/experiments/search", { max_results: 10 });
        await sleep(3000);
        const rest: RestRound = { variant: variant.id, round, memory: this.memory(), startSeconds };
        log(`  MLflow ${variant.id} up in ${startSeconds.toFixed(1)} s; at rest ${rest.memory.mlflowProcesses} processes, ${(rest.memory.mlflowPss / MiB).toFixed(0)} MiB PSS`);
        return rest;
    }

    /** MLflow as rendered, restarted only if another variant runs. */
    async useRenderedMlflow(round: number): Promise<void> {
        if (this.currentMlflow !== RENDERED_MLFLOW.id) await this.restartMlflow(RENDERED_MLFLOW, round);
    }

    /** nginx with the variant's configuration (or as rendered) and the htpasswd file hashed by `scheme`; reloaded if either changed. */
    async useNginx(variant: NginxVariant | undefined, scheme: HashScheme = "ssha"): Promise<void> {
        const id = variant?.id ?? "rendered";
        if (id === this.current.nginx && scheme === this.current.htpasswd) return;
        writeFileSync(this.confFile, variant ? variant.edit(this.renderedConf) : this.renderedConf);
        writeFileSync(this.htpasswdFile, this.htpasswd[scheme]);
        const before = this.sandbox.workerPids();
        await this.sandbox.reload();
        // Old workers finish their connections and exit; wait for that, so that they take no CPU from the measurement.
        for (const deadline = Date.now() + 10_000; Date.now() < deadline && this.sandbox.workerPids().some(pid => before.includes(pid));) await sleep(50);
        this.current = { ...this.current, nginx: id, htpasswd: scheme };
        const check = await request({ address: this.sandbox.publicIp, port: 443, tls: true, ca: this.sandbox.caCert, path: "/api/2.0/mlflow/experiments/search?max_results=1", localAddress: freshSourceAddress() });
        if (check.status !== (variant?.id === "no-auth" ? 200 : 401)) throw new Error(`nginx (${id}) answered ${check.status} without credentials`);
    }

    /** `clients` training clients against the target for `seconds`, with memory and CPU sampled meanwhile. */
    async trackingLevel(variant: MlflowVariant, kind: TrackingTarget["kind"], clients: number, seconds: number, round: number, nginx?: NginxVariant): Promise<LevelRound> {
        // nginx as rendered unless a variant is asked for: the round before may have left another configuration or password hash in place.
        await this.useNginx(nginx);
        await waitForNginxIdle(this.sandbox);
        let peak: Memory | undefined;
        let sampling = true;
        const sampler = (async () => {
            await sleep(WARMUP_SECONDS * 1000);
            while (sampling) {
                const now = this.memory();
                if (!peak || now.mlflowPss > peak.mlflowPss) peak = now;
                await sleep(1000);
            }
        })();
        const threadSamples: ThreadCounts[] = [];
        const threadSampler = (async () => {
            await sleep(WARMUP_SECONDS * 1000);
            for (const end = performance.now() + seconds * 1000; sampling && performance.now() < end; await sleep(200)) {
                threadSamples.push(countThreads(this.sandbox.mlflow!.processes().map(p => p.pid)));
            }
        })();
        const cpuAt = () => ({
            mlflow: this.mlflowCpuSeconds(), database: this.databaseCpuSeconds(), nginx: nginxCpuSeconds(this.sandbox),
            client: process.cpuUsage(), t: performance.now(),
        });
        const warmupEnd = sleep(WARMUP_SECONDS * 1000).then(cpuAt);
        const load = await runTrainingLoad({ target: this.target(kind), experimentId: this.trainingExperiment, clients, warmupSeconds: WARMUP_SECONDS, seconds, mode: "paced" });
        const [before, after] = [await warmupEnd, cpuAt()];
        sampling = false;
        await Promise.all([sampler, threadSampler]);
        const averageOf = (f: (counts: ThreadCounts) => number) => (threadSamples.length ? threadSamples.reduce((sum, c) => sum + f(c), 0) / threadSamples.length : NaN);
        const elapsed = (after.t - before.t) / 1000;
        const perProcess = [...after.mlflow].map(([pid, seconds]) => seconds - (before.mlflow.get(pid) ?? 0));
        const mlflowCpuSeconds = perProcess.reduce((sum, seconds) => sum + seconds, 0);
        const m = load.measured;
        const result: LevelRound = {
            variant: variant.id, target: kind, clients, round,
            p50: percentileOf(m, 50), p99: percentileOf(m, 99),
            metricsP50: percentileOf(m, 50, ["log-batch metrics"]), metricsP99: percentileOf(m, 99, ["log-batch metrics"]),
            artifactP99: percentileOf(m, 99, ["artifact upload"]),
            calls: load.calls, failed: load.failed, firstError: load.firstError, stepsPerSecond: load.stepsPerSecond,
            memory: peak ?? this.memory(),
            mlflowCpu: (mlflowCpuSeconds + after.database - before.database) / elapsed, nginxCpu: (after.nginx - before.nginx) / elapsed,
            clientCpu: (after.client.user + after.client.system - before.client.user - before.client.system) / 1e6 / elapsed,
            busiestWorkerShare: Math.max(...perProcess) / mlflowCpuSeconds,
            threads: { running: averageOf(c => c.running), inBusyWait: averageOf(c => c.inBusyWait) },
        };
        log(`  ${variant.id} ${kind} ${clients} clients: ${m.length} calls, p50 ${fmtMs(result.p50)} ms, p99 ${fmtMs(result.p99)} ms ` +
            `(metrics ${fmtMs(result.metricsP99)}, artifacts ${fmtMs(result.artifactP99)}), ${load.failed} failed of ${load.calls}, ` +
            `${result.stepsPerSecond.toFixed(1)} steps/s; MLflow ${(result.memory.mlflowPss / MiB).toFixed(0)} MiB PSS, CPU ${result.mlflowCpu.toFixed(2)}, nginx ${result.nginxCpu.toFixed(2)}, clients ${result.clientCpu.toFixed(2)}; ` +
            `MLflow threads on a CPU ${result.threads.running.toFixed(1)}, in SQLite's busy wait ${result.threads.inBusyWait.toFixed(1)}` +
            (load.firstError ? `; first error: ${load.firstError}` : ""));
        return result;
    }

    /** The closed loop: SATURATING_CLIENTS clients logging one metrics batch after another, as fast as the target answers. */
    async saturating(kind: TrackingTarget["kind"], nginx: NginxVariant | undefined, seconds: number, round: number): Promise<SaturatingRound> {
        await this.useNginx(nginx);
        await waitForNginxIdle(this.sandbox);
        const load = await runTrainingLoad({ target: this.target(kind), experimentId: this.trainingExperiment, clients: SATURATING_CLIENTS, warmupSeconds: WARMUP_SECONDS, seconds, mode: "saturating" });
        const calls = load.measured.filter(s => s.call === "log-batch metrics");
        const result: SaturatingRound = {
            target: kind, nginx: kind === "direct" ? "—" : nginx?.id ?? "rendered", round,
            callsPerSecond: calls.length / seconds, p50: percentileOf(calls, 50), p99: percentileOf(calls, 99), failed: load.failed,
        };
        log(`  closed loop ${kind} (${result.nginx}): ${result.callsPerSecond.toFixed(0)} log-batch/s, p50 ${fmtMs(result.p50)} ms, p99 ${fmtMs(result.p99)} ms, ${load.failed} failed`);
        return result;
    }

    /**
     * Fills the search experiment with `count` runs: the first ones through MLflow's REST API
     * (straight to MLflow: seeding is not what is measured), the rest copied from them inside
     * the database (bench/clone_runs.py).
     */
    async seed(count: number): Promise<number> {
        const started = performance.now();
        const throughApi = Math.min(count, SEEDED_THROUGH_API);
        const last = await seedRuns(this.target("direct"), this.experiments.search, throughApi);
        this.seededRun = { id: last, name: seededRunName(throughApi - 1) };
        const db = path.join(this.sandbox.dirs.mlflowData, "mlflow.db");
        const clone = await run(pythonEnvBin("mlflow"), [path.join(projectRoot(), "bench", "clone_runs.py"), db, this.experiments.search, String(count)], { timeoutMs: 600_000 });
        if (clone.code !== 0 || Number(clone.stdout.trim()) !== count) throw new Error(`clone_runs.py: ${clone.code} ${clone.stdout}${clone.stderr}`);
        return (performance.now() - started) / 1000;
    }

    async search(round: number): Promise<SearchRound[]> {
        const results: SearchRound[] = [];
        for (const filter of ["", "metrics.loss < 0.1 and params.optimizer = 'adam'"]) {
            const result = await searchAllRuns(this.target("nginx"), this.experiments.search, filter);
            log(`  search_runs${filter ? ` (${filter})` : ""}: ${result.runs} runs in ${result.pageMs.length} pages, ${fmtMs(result.totalMs)} ms, page p50 ${fmtMs(percentile(result.pageMs, 50))} ms`);
            results.push({ ...result, round, filter });
        }
        return results;
    }

    /** The UI's first load of the search experiment's page and of a run's page, each in a fresh browser profile. */
    async browser(nginx: NginxVariant | undefined, round: number): Promise<BrowserRound[]> {
        await this.useNginx(nginx);
        const origin = `https://${this.sandbox.publicIp}`;
        const [username, password] = this.credentials.split(/:(.*)/s);
        const run = this.seededRun!;
        const pages = [
            { page: "experiment" as const, url: `${origin}/#/experiments/${this.experiments.search}/runs`, shows: /^seed-\d{5}$/ },
            { page: "run" as const, url: `${origin}/#/experiments/${this.experiments.search}/runs/${run.id}`, shows: new RegExp(`^${run.name}$`) },
        ];
        const results: BrowserRound[] = [];
        for (const { page, url, shows } of pages) {
            const load = await loadInBrowser({ caCertPem: this.sandbox.caCert, origin, username, password, url, shows });
            log(`  UI ${page} page (${nginx?.id ?? "rendered"}): shown after ${fmtMs(load.shownMs)} ms, ${load.requests} requests, ${(load.bytes / MiB).toFixed(2)} MiB ` +
                `(static ${(load.staticBytes / MiB).toFixed(2)}), ${load.ajax.length} ajax calls${load.failed.length ? `, FAILED: ${load.failed.join("; ")}` : ""}`);
            results.push({ ...load, page, nginx: nginx?.id ?? "rendered", round });
        }
        return results;
    }

    /** nginx's own path under load: a small artifact file nginx serves itself (auth checked, MLflow not involved), by wrk. */
    async nginxOwn(variant: { id: string; nginx?: NginxVariant; scheme: HashScheme; minSeconds?: number }, seconds: number, round: number): Promise<NginxOwnRound> {
        await this.useNginx(variant.nginx, variant.scheme);
        this.smallFile ??= await this.storeArtifact("small.json", 1024);
        const url = `https://${this.sandbox.publicIp}${this.smallFile}`;
        const headers = { Authorization: this.authorization };
        await runWrk({ url, headers, ...WRK, seconds: 1 });
        await waitForNginxIdle(this.sandbox);
        const cpuBefore = nginxCpuSeconds(this.sandbox);
        const wrk = await runWrk({ url, headers, ...WRK, seconds: Math.max(seconds, variant.minSeconds ?? 0) });
        const nginxCpuUs = (1e6 * (nginxCpuSeconds(this.sandbox) - cpuBefore)) / wrk.requests;
        if (wrk.non2xx > 0 || wrk.socketErrors > 0 || wrk.requests === 0) throw new Error(`nginx own path (${variant.id}): ${wrk.non2xx} non-2xx, ${wrk.socketErrors} socket errors in ${wrk.requests}:\n${wrk.raw}`);
        log(`  nginx's own path (${variant.id}): ${Math.round(wrk.requestsPerSecond)} requests/s, p50 ${fmtMs(wrk.p50)} ms, p99 ${fmtMs(wrk.p99)} ms, ${nginxCpuUs.toFixed(0)} µs CPU/request`);
        return { variant: variant.id, round, requestsPerSecond: wrk.requestsPerSecond, p50: wrk.p50, p99: wrk.p99, nginxCpuUs };
    }

    private smallFile?: string;
    /** A run of the training experiment for the bench's own artifacts, and its artifact URI. */
    private artifactRun?: { runId: string; artifactUri: string };

    private async benchRun(): Promise<{ runId: string; artifactUri: string }> {
        if (!this.artifactRun) {
            const run = (await this.api("/api/2.0/mlflow/runs/create", { experiment_id: this.experiments.training, run_name: "bench-artifacts" })).run as { info: { run_id: string; artifact_uri: string } };
            this.artifactRun = { runId: run.info.run_id, artifactUri: run.info.artifact_uri };
        }
        return this.artifactRun;
    }

    /** Uploads `bytes` of random data as an artifact of the bench's run, straight to MLflow; returns its path under the artifact API. */
    private async storeArtifact(name: string, bytes: number): Promise<string> {
        const run = await this.benchRun();
        const apiPath = artifactApiPath(run.artifactUri, name);
        const response = await request({
            address: MLFLOW_ADDRESS, port: MLFLOW.port, tls: false, host: this.sandbox.publicIp, method: "PUT", path: apiPath,
            body: Buffer.alloc(bytes, "x"), headers: { "Content-Type": "application/octet-stream" }, auth: this.credentials,
        });
        if (response.status !== 200) throw new Error(`PUT ${apiPath}: ${response.status} ${response.text}`);
        return apiPath;
    }

    /** The measured artifact, once written. */
    private artifact?: Omit<TransferOptions, "target">;

    /** The artifact transfers of one round: up and down, straight to MLflow and through nginx as rendered, and MLflow's own download through nginx. */
    async artifacts(artifactBytes: number, round: number): Promise<TransferRound[]> {
        await this.useNginx(undefined);
        const ip = this.sandbox.publicIp;
        const run = await this.benchRun();
        const nginx = { baseUrl: `https://${ip}`, curlArgs: ["--cacert", path.join(this.renderDir, this.sandbox.values.caCertFile)] };
        const targets: TransferTarget[] = [
            { kind: "mlflow", baseUrl: `http://${MLFLOW_ADDRESS}:${MLFLOW.port}`, curlArgs: ["-H", `Host: ${ip}`] },
            { kind: "nginx", ...nginx },
        ];
        const artifactRoot = this.sandbox.dirs.artifacts;
        const prefix = "/api/2.0/mlflow-artifacts/artifacts/";
        const options = async (name: string, bytes: number): Promise<Omit<TransferOptions, "target">> => {
            const sourceFile = path.join(this.work, `${name}.bin`);
            const sha256 = await writeRandomFile(sourceFile, bytes);
            const artifactPath = artifactApiPath(run.artifactUri, `${name}.bin`).slice(prefix.length);
            return {
                sandbox: this.sandbox, mlflowPids: () => this.sandbox.mlflow!.processes().map(p => p.pid), authorization: this.authorization, artifactPath,
                artifactRoot, storedFile: path.join(artifactRoot, artifactPath), sourceFile, sourceSha256: sha256, bytes,
            };
        };
        if (!this.artifact) {
            // Unmeasured: the first transfers of fresh processes are slower (first buffers, imports).
            const warmup = await options("warmup", Math.min(128 * MiB, artifactBytes));
            for (const direction of ["upload", "download"] as const) for (const target of targets) await transfer(direction, { ...warmup, target });
            this.artifact = await options("model", artifactBytes);
            await transfer("upload", { ...this.artifact, target: targets[0] });
        }
        const common = this.artifact;
        const inRun = path.posix.relative(run.artifactUri.replace(/^mlflow-artifacts:\/*/, ""), common.artifactPath);
        const proxied: TransferTarget = { kind: "nginx-proxied", ...nginx, downloadPath: `/get-artifact?path=${inRun}&run_uuid=${run.runId}` };
        const results: TransferRound[] = [];
        for (const direction of ["upload", "download"] as const) {
            for (const target of rotate(direction === "download" ? [...targets, proxied] : targets, round)) {
                const logBefore = this.sandbox.errorLog().length;
                const result: TransferRound = { ...await transfer(direction, { ...common, target }), round };
                // nginx also says so when it spools a response to disk (as the proxy end-to-end test checks).
                const spooled = this.sandbox.errorLog().slice(logBefore).split("\n").filter(line => /temporary file/.test(line));
                result.tempFiles.push(...spooled.map(line => `error.log: ${line}`));
                const memory = result.nginxRssGrowthBytes === undefined ? "" : `, nginx +${(result.nginxRssGrowthBytes / MiB).toFixed(1)} MiB, ${result.tempFiles.length} temp files`;
                const cpu = Object.entries(result.cpuSeconds).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v!.toFixed(2)}`).join(", ");
                log(`  ${direction} via ${target.kind}: ${result.mbPerSecond.toFixed(0)} MB/s${memory}, CPU s: ${cpu}, sha256 ${result.sha256Ok ? "equal" : "DIFFERENT"}`);
                results.push(result);
            }
        }
        return results;
    }
}
