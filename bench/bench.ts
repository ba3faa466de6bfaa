// The benchmark's machinery: one nginx sandbox (real nginx 1.30, the rendered dev stack) in front
// of the MLflow stand-in in its own process, configurations switched by rewriting the bind-mounted
// nginx.conf / htpasswd and reloading, and the three measurements. bench/run.ts drives it for
// `npm run bench`, bench/compare.ts for A/B comparisons of two nginx.conf files.
import { execFileSync } from "child_process";
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { DATA, HOST, MLFLOW, NGINX } from "../lib/render/layout";
import { readSampleValues, render } from "../scripts/render";
import { freshSourceAddress, request, writeRandomFile } from "../harness/httpClient";
import { artifactStorePath, spawnStandinProcess, StandinProcess, standinArtifactsDir } from "../harness/mlflowStandin";
import { addLoopbackAddress, scratchDir } from "../harness/namespace";
import { MLFLOW_ADDRESS, NginxSandbox } from "../harness/nginxSandbox";
import { transfer, TransferOptions, TransferTarget } from "./artifacts";
import { nginxCpuSeconds, waitForNginxIdle } from "./nginxProcesses";
import { runPageLoad } from "./pageLoad";
import { PAGE, PAGE_CLIENTS, SMALL_REQUEST, WARMUP_SECONDS, WRK } from "./plan";
import type { PageRound, SmallRound, TransferRound } from "./report";
import { fmtMs, GiB, MiB, percentile } from "./stats";
import { apr1Htpasswd, bcryptHtpasswd, Variant, VARIANTS, withoutBasicAuth } from "./variants";
import { runWrk } from "./wrk";

export interface BenchSetup {
    artifactBytes: number;
    /** Seconds per measurement. */
    seconds: number;
    /** Whether artifacts will be measured (the tmpfs then needs room for them). */
    artifacts: boolean;
    /** More nginx.conf texts by name, for Variant.config (besides "rendered" and "no-auth"). */
    extraConfigs?: Record<string, string>;
}

/** Rotates the list by `round`, so that no variant always runs first or last. */
export const rotate = <T>(list: readonly T[], round: number): T[] => list.map((_, i) => list[(i + round) % list.length]);

export const log = (line: string) => console.log(line);

export class Bench {
    private sandbox!: NginxSandbox;
    private standin?: StandinProcess;
    private tmpfs?: string;
    /** Where the stand-in stores artifacts, in the tmpfs; nginx serves downloads from it, as from MLflow's store. */
    private standinArtifacts?: string;
    private readonly work = scratchDir("bench");
    private readonly renderDir = path.join(this.work, "render");
    private readonly confFile = path.join(this.work, "nginx.conf");
    private readonly htpasswdFile = path.join(this.work, "htpasswd");
    private current = { config: "", htpasswd: "" };
    private texts!: { config: Record<string, string>; htpasswd: Record<Variant["htpasswd"], string> };
    /** user:password of the first rendered user, and the Authorization header value made of it. */
    private credentials!: string;
    private authorization!: string;

    constructor(private readonly options: BenchSetup) {}

    /** The nginx.conf `npm run render -- --stack dev` wrote (after setUp). */
    get renderedConf(): string {
        return this.texts.config.rendered;
    }

    async setUp(): Promise<void> {
        render({ stack: "dev", out: this.renderDir });
        const rendered = (hostPath: string) => readFileSync(path.join(this.renderDir, "files", hostPath), "utf8");
        const renderedConf = rendered(HOST.nginxConf);
        const users = readSampleValues(this.renderDir).users;
        const [user] = Object.keys(users);
        this.credentials = `${user}:${users[user]}`;
        this.authorization = `Basic ${Buffer.from(this.credentials).toString("base64")}`;
        this.texts = {
            config: { ...this.options.extraConfigs, "rendered": renderedConf, "no-auth": withoutBasicAuth(renderedConf) },
            htpasswd: { ssha: rendered(HOST.htpasswd), apr1: apr1Htpasswd(users), bcrypt10: bcryptHtpasswd(users) },
        };
        // nginx reads these two through bind mounts; a variant rewrites them in place (same inode) and reloads.
        writeFileSync(this.confFile, renderedConf);
        chmodSync(this.confFile, 0o644);
        copyFileSync(path.join(this.renderDir, "files", HOST.htpasswd), this.htpasswdFile);
        chownSync(this.htpasswdFile, 0, NGINX.gid);
        chmodSync(this.htpasswdFile, 0o640);
        this.current = { config: "rendered", htpasswd: "ssha" };

        // Artifacts live in memory (a tmpfs private to this namespace): the disk is not what is measured.
        // The source and the stored copy (the stand-in's previous copy is removed before each upload), plus the warm-up pair.
        const needed = 2 * this.options.artifactBytes + 512 * MiB;
        const available = Number(/^MemAvailable:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0) * 1024;
        if (this.options.artifacts && available < needed + GiB) throw new Error(`the artifact benchmark needs ${(needed / GiB).toFixed(1)} GiB of memory (plus 1 GiB to spare); ${(available / GiB).toFixed(1)} GiB available`);
        this.tmpfs = path.join(this.work, "tmpfs");
        mkdirSync(this.tmpfs);
        execFileSync("mount", ["-t", "tmpfs", "-o", `size=${needed},mode=0700`, "tmpfs", this.tmpfs]);
        const standinData = path.join(this.tmpfs, "standin");
        mkdirSync(standinData);
        this.standinArtifacts = standinArtifactsDir(standinData);

        // The stand-in in its own process, so that it shares no event loop with the load generators.
        addLoopbackAddress(MLFLOW_ADDRESS);
        this.standin = await spawnStandinProcess({
            host: MLFLOW_ADDRESS, port: MLFLOW.port,
            composeFile: path.join(this.renderDir, "files", HOST.composeFile),
            dataDir: standinData,
        });
        this.sandbox = await NginxSandbox.start({
            renderDir: this.renderDir, mlflow: false,
            hostPaths: { [HOST.nginxConf]: this.confFile, [HOST.htpasswd]: this.htpasswdFile, [DATA.artifacts]: this.standinArtifacts },
        });
    }

    async tearDown(): Promise<void> {
        await this.sandbox?.stop().catch(() => undefined);
        await this.standin?.stop().catch(() => undefined);
        if (this.tmpfs) {
            try { execFileSync("umount", [this.tmpfs]); } catch { /* the namespace ends anyway */ }
        }
    }

    /** Puts the variant's nginx.conf and htpasswd in place and reloads nginx if either changed; then checks it answers as it should. */
    private async apply(variant: Variant): Promise<void> {
        if (variant.target === "nginx" && (variant.config !== this.current.config || variant.htpasswd !== this.current.htpasswd)) {
            writeFileSync(this.confFile, this.texts.config[variant.config]);
            writeFileSync(this.htpasswdFile, this.texts.htpasswd[variant.htpasswd]);
            this.current = { config: variant.config, htpasswd: variant.htpasswd };
            const before = this.sandbox.workerPids();
            await this.sandbox.reload();
            // Old workers finish their connections and exit; wait for that, so that they take no CPU from the measurement.
            for (const deadline = Date.now() + 10_000; Date.now() < deadline && this.sandbox.workerPids().some(pid => before.includes(pid));) {
                await new Promise(resolve => setTimeout(resolve, 50));
            }
        }
        await this.check(variant);
    }

    /** The variant answers 200 with credentials, and without them 200 only when auth is off (401 otherwise). */
    private async check(variant: Variant): Promise<void> {
        const ip = this.sandbox.publicIp;
        const call = (auth: boolean) => variant.target === "standin"
            ? request({ address: MLFLOW_ADDRESS, port: MLFLOW.port, tls: false, host: ip, path: SMALL_REQUEST, auth: auth ? this.credentials : undefined })
            : request({ address: ip, port: 443, tls: true, ca: this.sandbox.caCert, path: SMALL_REQUEST, auth: auth ? this.credentials : undefined, localAddress: freshSourceAddress(), timeoutMs: 30_000 });
        const ok = await call(true);
        if (ok.status !== 200) throw new Error(`(${variant.id}) ${variant.name}: an authenticated request got ${ok.status} ${ok.text}`);
        if (variant.target === "nginx") {
            const anonymous = await call(false);
            const expected = variant.config === "no-auth" ? 200 : 401;
            if (anonymous.status !== expected) throw new Error(`(${variant.id}) ${variant.name}: a request without credentials got ${anonymous.status}, expected ${expected}`);
        }
    }

    private errorLogSeen = 0;

    /** nginx's error.log lines at warn level and above since the last call: a measurement with such lines measured something else. */
    private reportErrorLog(variant: Variant): void {
        const text = this.sandbox.errorLog();
        const fresh = text.slice(this.errorLogSeen).split("\n").filter(line => /\[(warn|error|crit|alert|emerg)\]/.test(line));
        this.errorLogSeen = text.length;
        if (fresh.length > 0) log(`  nginx error.log during (${variant.id}) ${variant.name}: ${fresh.length} lines, e.g. ${fresh[0]}`);
    }

    async smallRequests(variant: Variant, round: number): Promise<SmallRound> {
        await this.apply(variant);
        const ip = this.sandbox.publicIp;
        const direct = variant.target === "standin";
        const url = direct ? `http://${MLFLOW_ADDRESS}:${MLFLOW.port}${SMALL_REQUEST}` : `https://${ip}${SMALL_REQUEST}`;
        // wrk sets Host from the URL; the stand-in must see the public name, as behind nginx.
        const headers: Record<string, string> = { Authorization: this.authorization, ...(direct ? { Host: ip } : {}) };
        await runWrk({ url, headers, ...WRK, seconds: WARMUP_SECONDS });
        await waitForNginxIdle(this.sandbox);
        const cpuBefore = nginxCpuSeconds(this.sandbox);
        const wrk = await runWrk({ url, headers, ...WRK, seconds: Math.max(this.options.seconds, variant.minSeconds ?? 0) });
        // nginx's CPU time per answered request, while wrk ran (for (a) nginx is idle and this is ~0).
        const nginxCpuMs = direct ? undefined : (1000 * (nginxCpuSeconds(this.sandbox) - cpuBefore)) / wrk.requests;
        if (wrk.non2xx > 0 || wrk.socketErrors > 0 || wrk.requests === 0) {
            throw new Error(`(${variant.id}) ${variant.name}: ${wrk.non2xx} non-2xx answers, ${wrk.socketErrors} socket errors in ${wrk.requests} requests:\n${wrk.raw}`);
        }
        const cpu = nginxCpuMs === undefined ? "" : `, nginx ${(1000 * nginxCpuMs).toFixed(0)} µs CPU/request`;
        log(`  small (${variant.id}) ${variant.name}: ${Math.round(wrk.requestsPerSecond)} requests/s, p50 ${fmtMs(wrk.p50)} ms, p99 ${fmtMs(wrk.p99)} ms${cpu}`);
        this.reportErrorLog(variant);
        return { variant: variant.id, round, requestsPerSecond: wrk.requestsPerSecond, p50: wrk.p50, p99: wrk.p99, requests: wrk.requests, nginxCpuMs };
    }

    async pageLoad(variant: Variant, round: number): Promise<PageRound> {
        await this.apply(variant);
        const base = {
            address: this.sandbox.publicIp, port: 443, ca: this.sandbox.caCert, host: this.sandbox.publicIp,
            authorization: this.authorization, paths: PAGE, clients: PAGE_CLIENTS,
            sourceAddress: (client: number) => `127.30.${Math.floor(client / 250)}.${(client % 250) + 1}`,
        };
        await runPageLoad({ ...base, seconds: WARMUP_SECONDS });
        await waitForNginxIdle(this.sandbox);
        const load = await runPageLoad({ ...base, seconds: this.options.seconds });
        if (load.errors > 0 || load.pages === 0) throw new Error(`(${variant.id}) page load: ${load.errors} failed pages (${load.firstError}), ${load.pages} loaded`);
        const summary: PageRound = {
            variant: variant.id, round, pages: load.pages, requests: load.requestMs.length,
            requestP50: percentile(load.requestMs, 50), requestP99: percentile(load.requestMs, 99),
            pageP50: percentile(load.pageMs, 50), pageP99: percentile(load.pageMs, 99),
            handshakeP50: percentile(load.handshakeMs, 50),
        };
        log(`  page (${variant.id}) ${variant.name}: ${summary.pages} pages, request p50 ${summary.requestP50.toFixed(2)} ms p99 ${summary.requestP99.toFixed(2)} ms, page p50 ${summary.pageP50.toFixed(1)} ms p99 ${summary.pageP99.toFixed(1)} ms`);
        this.reportErrorLog(variant);
        return summary;
    }

    /** The measured artifact, once written. */
    private artifact?: Omit<TransferOptions, "target">;
    /** The stand-in's run the artifacts belong to. */
    private run?: { runId: string; artifactRoot: string };

    /** An experiment and a run in the stand-in, made through its API the way a client makes them. */
    private async createRun(): Promise<{ runId: string; artifactRoot: string }> {
        const call = async (apiPath: string, body: object) => {
            const response = await request({
                address: MLFLOW_ADDRESS, port: MLFLOW.port, tls: false, host: this.sandbox.publicIp, method: "POST", path: apiPath,
                body: JSON.stringify(body), headers: { "Content-Type": "application/json" }, auth: this.credentials,
            });
            if (response.status !== 200) throw new Error(`${apiPath}: ${response.status} ${response.text}`);
            return JSON.parse(response.text);
        };
        const experimentId = (await call("/api/2.0/mlflow/experiments/create", { name: "bench" })).experiment_id;
        const run = (await call("/api/2.0/mlflow/runs/create", { experiment_id: experimentId })).run;
        return { runId: run.info.run_id, artifactRoot: artifactStorePath(String(run.info.artifact_uri)) };
    }

    /** The artifact transfers of one round, through nginx as `variant` configures it (as rendered by default). */
    async artifacts(round: number, variant: Variant = VARIANTS.find(v => v.id === "c")!): Promise<TransferRound[]> {
        await this.apply(variant);
        const tmpfs = this.tmpfs!;
        const ip = this.sandbox.publicIp;
        // The artifacts belong to a run, so that MLflow's own download of them (the UI's file viewer) can be measured too.
        this.run ??= await this.createRun();
        const nginx = { baseUrl: `https://${ip}`, curlArgs: ["--cacert", path.join(this.renderDir, this.sandbox.values.caCertFile)] };
        const targets: TransferTarget[] = [
            { kind: "standin", baseUrl: `http://${MLFLOW_ADDRESS}:${MLFLOW.port}`, curlArgs: ["-H", `Host: ${ip}`] },
            { kind: "nginx", ...nginx },
        ];
        const artifactRoot = this.standinArtifacts!;
        const options = async (name: string, bytes: number): Promise<Omit<TransferOptions, "target">> => {
            const sourceFile = path.join(tmpfs, `${name}.bin`);
            const sha256 = await writeRandomFile(sourceFile, bytes);
            const artifactPath = `${this.run!.artifactRoot}/${name}.bin`;
            return {
                sandbox: this.sandbox, standinPid: this.standin!.child.pid!, authorization: this.authorization, artifactPath,
                artifactRoot, storedFile: path.join(artifactRoot, artifactPath), sourceFile, sourceSha256: sha256, bytes,
            };
        };
        if (!this.artifact) {
            // Unmeasured: the first transfers of a fresh stand-in and nginx are slower (JIT, first buffers),
            // and so is the first time the stand-in fills as much fresh memory as it stores.
            const warmup = await options("warmup", Math.min(128 * MiB, this.options.artifactBytes));
            for (const direction of ["upload", "download"] as const) for (const target of targets) await transfer(direction, { ...warmup, target });
            this.artifact = await options("model", this.options.artifactBytes);
            await transfer("upload", { ...this.artifact, target: targets[0] });
        }
        const common = this.artifact;
        const inRun = path.posix.relative(this.run.artifactRoot, common.artifactPath);
        const proxied: TransferTarget = { kind: "nginx-proxied", ...nginx, downloadPath: `/get-artifact?path=${inRun}&run_uuid=${this.run.runId}` };
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
