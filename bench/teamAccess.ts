// npm run bench:team-access [-- --rounds N --seconds S --artifact-mib M --out FILE] [--smoke]
// What MLflow's auth app (auth mlflow) costs against nginx's basic auth, on the dev render: real
// nginx 1.30 in front of the real MLflow servers as rendered (harness/nginxSandbox.ts), once with
// each `auth`, alternating by round. Per request: a closed loop of clients reading a run
// (runs/get) as fast as MLflow answers. Per download: a small artifact fetched one after another
// (the permission check is most of its time), and a big one's throughput, from nginx's disk path
// and, with auth mlflow, from MLflow itself. The user is not an admin: MLflow's admin skips the
// permission check. Writes docs/benchmarks-team-access.md.
import { copyFileSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { HOST, MLFLOW } from "../lib/render/layout";
import { projectRoot } from "../lib/projectRoot";
import { Auth } from "../lib/settings";
import { readSampleValues, render } from "../scripts/render";
import { request, sha256File, writeRandomFile } from "../harness/httpClient";
import { inNamespace, reexecInNamespace, scratchDir } from "../harness/namespace";
import { MLFLOW_ADDRESS, NginxSandbox } from "../harness/nginxSandbox";
import { transfer } from "./artifacts";
import { cpuSeconds } from "./nginxProcesses";
import { fmtMs, median, percentile } from "./stats";

interface Options { rounds: number; seconds: number; clients: number; smallDownloads: number; artifactBytes: number; out: string }

interface Round {
    auth: Auth;
    round: number;
    /** runs/get, closed loop. */
    callsPerSecond: number; p50: number; p99: number; failed: number;
    /** CPU-seconds of MLflow per call in the closed loop. */
    mlflowCpuMsPerCall: number;
    /** A 64 KiB artifact through nginx, one download after another. */
    smallP50: number; smallP99: number;
    /** CPU-milliseconds of MLflow per small download (the permission check, with auth mlflow). */
    smallMlflowCpuMs: number;
    bigNginxMBs: number;
    /** Straight from MLflow's artifact endpoint (auth mlflow only: the path downloads would take without nginx's). */
    bigMlflowMBs?: number;
}

const SMALL_BYTES = 64 * 1024;
const BENCH_USER = "bench-user";
const BENCH_PASSWORD = "bench-user-password-0123456789";

function parseOptions(argv: string[]): Options {
    const options: Options = {
        rounds: 3, seconds: 20, clients: 10, smallDownloads: 300, artifactBytes: 1024 * 1024 * 1024,
        out: path.join(projectRoot(), "docs", "benchmarks-team-access.md"),
    };
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        // One short round with a small artifact: that the benchmark still runs (test/bench-smoke.test.ts), not what it measures.
        if (flag === "--smoke") {
            Object.assign(options, { rounds: 1, seconds: 2, smallDownloads: 20, artifactBytes: 8 * 1024 * 1024 });
            i--;
        } else if (flag === "--rounds") options.rounds = Number(value);
        else if (flag === "--seconds") options.seconds = Number(value);
        else if (flag === "--artifact-mib") options.artifactBytes = Number(value) * 1024 * 1024;
        else if (flag === "--out") options.out = path.resolve(value);
        else throw new Error(`unknown option ${flag}; usage: npm run bench:team-access -- [--rounds N] [--seconds S] [--artifact-mib M] [--out FILE] [--smoke]`);
    }
    return options;
}

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** One sandbox with `auth`, its run and artifacts, measured. */
async function measure(auth: Auth, round: number, options: Options, bigFile: { path: string; sha256: string }): Promise<Round> {
    const renderDir = path.join(scratchDir("bench-team-access"), `render-${auth}`);
    render({ stack: "dev", out: renderDir, overrides: auth === "mlflow" ? { auth: "mlflow" } : {} });
    const users = readSampleValues(renderDir).users;
    const [admin] = Object.keys(users);
    const sandbox = await NginxSandbox.start({ renderDir, mlflow: false });
    try {
        // With auth mlflow the first server creates the auth app's tables and its admin, as mlflow-auth-setup does on a host.
        sandbox.mlflow = await sandbox.startMlflow(auth === "mlflow" ? { env: { MLFLOW_AUTH_ADMIN_PASSWORD: users[admin] } } : {});
        const base = { address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, timeoutMs: 60_000 };
        const call = async (credentials: string, method: string, apiPath: string, body?: unknown) => {
            const response = await request({ ...base, method, path: apiPath, auth: credentials, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
            if (response.status !== 200) throw new Error(`${method} ${apiPath}: ${response.status} ${response.text.slice(0, 300)}`);
            return JSON.parse(response.text) as Record<string, unknown>;
        };
        let credentials = `${admin}:${users[admin]}`;
        if (auth === "mlflow") {
            await call(credentials, "POST", "/api/2.0/mlflow/users/create", { username: BENCH_USER, password: BENCH_PASSWORD });
            credentials = `${BENCH_USER}:${BENCH_PASSWORD}`;
        }
        const experimentId = String((await call(credentials, "POST", "/api/2.0/mlflow/experiments/create", { name: "bench" })).experiment_id);
        const created = await call(credentials, "POST", "/api/2.0/mlflow/runs/create", { experiment_id: experimentId }) as { run: { info: { run_id: string } } };
        const runId = created.run.info.run_id;
        // The artifacts as MLflow's store holds them, put there directly (an upload is not what is measured).
        const runDir = path.join(sandbox.dirs.artifacts, experimentId, runId, "artifacts");
        mkdirSync(runDir, { recursive: true });
        await writeRandomFile(path.join(runDir, "small.bin"), SMALL_BYTES);
        const bigStored = path.join(runDir, "big.bin");
        copyFileSync(bigFile.path, bigStored);
        const mlflowCpu = () => sandbox.mlflow!.processes().reduce((sum, p) => sum + cpuSeconds(p.pid), 0);

        // Per request: runs/get in a closed loop.
        const samples: number[] = [];
        let failed = 0;
        const cpuBefore = mlflowCpu();
        const end = performance.now() + options.seconds * 1000;
        await Promise.all(Array.from({ length: options.clients }, async () => {
            while (performance.now() < end) {
                const started = performance.now();
                const response = await request({ ...base, path: `/api/2.0/mlflow/runs/get?run_id=${runId}`, auth: credentials }).catch(() => undefined);
                if (response?.status === 200) samples.push(performance.now() - started);
                else failed++;
            }
        }));
        const loopCpu = mlflowCpu() - cpuBefore;

        // Per download: the small artifact, one after another, through nginx's download path.
        const small: number[] = [];
        const smallCpuBefore = mlflowCpu();
        for (let i = 0; i < options.smallDownloads; i++) {
            const started = performance.now();
            const response = await request({ ...base, path: `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/small.bin`, auth: credentials });
            if (response.status !== 200 || response.body.length !== SMALL_BYTES) throw new Error(`small download: ${response.status}, ${response.body.length} bytes`);
            small.push(performance.now() - started);
        }
        const smallCpu = mlflowCpu() - smallCpuBefore;

        const authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
        const transferOptions = {
            sandbox, mlflowPids: () => sandbox.mlflow!.pids, authorization, artifactPath: `${experimentId}/${runId}/artifacts/big.bin`,
            artifactRoot: sandbox.dirs.artifacts, storedFile: bigStored, sourceFile: bigFile.path, sourceSha256: bigFile.sha256, bytes: options.artifactBytes,
        };
        const nginxDownload = await transfer("download", { ...transferOptions, target: { kind: "nginx", baseUrl: `https://${sandbox.publicIp}`, curlArgs: ["--cacert", sandbox.hostFile(HOST.caCert)] } });
        if (!nginxDownload.sha256Ok) throw new Error("the download through nginx arrived with other bytes");
        const mlflowDownload = auth === "mlflow"
            ? await transfer("download", { ...transferOptions, target: { kind: "mlflow", baseUrl: `http://${MLFLOW_ADDRESS}:${MLFLOW.port}`, curlArgs: ["-H", `Host: ${sandbox.publicIp}`] } })
            : undefined;
        if (mlflowDownload && !mlflowDownload.sha256Ok) throw new Error("the download from MLflow arrived with other bytes");
        return {
            auth, round,
            callsPerSecond: samples.length / options.seconds, p50: percentile(samples, 50), p99: percentile(samples, 99), failed,
            mlflowCpuMsPerCall: (loopCpu * 1000) / Math.max(1, samples.length),
            smallP50: percentile(small, 50), smallP99: percentile(small, 99), smallMlflowCpuMs: (smallCpu * 1000) / options.smallDownloads,
            bigNginxMBs: nginxDownload.mbPerSecond, bigMlflowMBs: mlflowDownload?.mbPerSecond,
        };
    } finally {
        await sandbox.stop();
    }
}

function renderMarkdown(rounds: Round[], options: Options, seconds: number): string {
    const of = (auth: Auth) => rounds.filter(r => r.auth === auth);
    const med = (auth: Auth, pick: (r: Round) => number | undefined) => median(of(auth).map(pick).filter((v): v is number => v !== undefined));
    const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "-");
    const each = (auth: Auth, pick: (r: Round) => number | undefined, digits = 1) => of(auth).map(pick).map(v => (v === undefined ? "-" : v.toFixed(digits))).join(" / ");
    const row = (what: string, pick: (r: Round) => number | undefined, unit: string, digits = 1) =>
        `| ${what} | ${fixed(med("basic", pick), digits)} ${unit} (${each("basic", pick, digits)}) | ${fixed(med("mlflow", pick), digits)} ${unit} (${each("mlflow", pick, digits)}) |`;
    const callCpu = med("mlflow", r => r.mlflowCpuMsPerCall) - med("basic", r => r.mlflowCpuMsPerCall);
    const throughput = med("mlflow", r => r.callsPerSecond) / med("basic", r => r.callsPerSecond);
    const downloadCost = med("mlflow", r => r.smallP50) - med("basic", r => r.smallP50);
    const downloadCpu = med("mlflow", r => r.smallMlflowCpuMs);
    const overMlflow = med("mlflow", r => r.bigNginxMBs) / med("mlflow", r => r.bigMlflowMBs);
    return [
        "# Benchmark: what MLflow's auth app costs",
        "",
        "Generated by `npm run bench:team-access` (bench/teamAccess.ts); do not edit by hand. Back to [operations](operations.md#team-access).",
        "",
        "The dev render with `auth: basic` and with `auth: mlflow`, real nginx 1.30 in front of the real MLflow servers as rendered, on this machine's 2 cores, " +
        `the clients on the same cores; ${options.rounds} rounds alternating the two, ${(seconds / 60).toFixed(0)} minutes in all. The user is not MLflow's admin (the admin skips ` +
        "the permission check). Per round in brackets; the first column is the median of the rounds.",
        "",
        "| measured | auth basic | auth mlflow |",
        "|---|---|---|",
        row(`runs/get, ${options.clients} clients in a closed loop: calls/s`, r => r.callsPerSecond, "/s", 0),
        row("the same: p50", r => r.p50, "ms"),
        row("the same: p99", r => r.p99, "ms"),
        row("the same: MLflow's CPU per call", r => r.mlflowCpuMsPerCall, "ms"),
        row(`a ${SMALL_BYTES / 1024} KiB artifact from nginx's download path, one after another: p50`, r => r.smallP50, "ms"),
        row("the same: p99", r => r.smallP99, "ms"),
        row("the same: MLflow's CPU per download", r => r.smallMlflowCpuMs, "ms"),
        row(`a ${options.artifactBytes >= 1024 ** 3 ? `${options.artifactBytes / 1024 ** 3} GiB` : `${options.artifactBytes / 1024 ** 2} MiB`} artifact from nginx's download path`, r => r.bigNginxMBs, "MB/s", 0),
        row("the same straight from MLflow (plain HTTP, no nginx)", r => r.bigMlflowMBs, "MB/s", 0),
        "",
        `- **Per request**: the auth app adds ${callCpu.toFixed(1)} ms of MLflow's CPU to each call: it looks the user up and checks the ` +
        "permission in the database on every call (the password itself is scrypt, about 100 ms, checked once per server and then trusted for " +
        `\`AUTH_CACHE_SECONDS\`). Flat out, MLflow answers ${(throughput * 100).toFixed(0)} % of the calls it answers with basic auth.`,
        `- **Per download**: the permission check (nginx's auth_request to MLflow) adds ${downloadCost.toFixed(1)} ms at p50 and ${downloadCpu.toFixed(1)} ms of ` +
        `MLflow's CPU before nginx sends the file; the file itself still goes out from nginx's disk path, at ${overMlflow.toFixed(1)} × MLflow's own speed.`,
        `- Errors: ${rounds.reduce((sum, r) => sum + r.failed, 0)} failed calls in all rounds.`,
        "",
    ].join("\n");
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv.slice(2));
    const started = performance.now();
    const bigPath = path.join(scratchDir("bench-team-access"), "big.bin");
    await writeRandomFile(bigPath, options.artifactBytes);
    const bigFile = { path: bigPath, sha256: await sha256File(bigPath) };
    const rounds: Round[] = [];
    for (let round = 0; round < options.rounds; round++) {
        for (const auth of (round % 2 === 0 ? ["basic", "mlflow"] : ["mlflow", "basic"]) as Auth[]) {
            log(`round ${round + 1}/${options.rounds}: auth ${auth}`);
            const result = await measure(auth, round, options, bigFile);
            log(`  runs/get ${result.callsPerSecond.toFixed(0)}/s p50 ${fmtMs(result.p50)}; small download p50 ${fmtMs(result.smallP50)}; big ${result.bigNginxMBs.toFixed(0)} MB/s` +
                (result.bigMlflowMBs ? `, from MLflow ${result.bigMlflowMBs.toFixed(0)} MB/s` : ""));
            rounds.push(result);
        }
    }
    const markdown = renderMarkdown(rounds, options, (performance.now() - started) / 1000);
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, markdown);
    console.log(markdown);
    log(`wrote ${options.out}`);
}

if (require.main === module) {
    if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 3_600_000 });
    else main().catch(error => {
        console.error(`bench:team-access: ${(error as Error).stack ?? error}`);
        process.exitCode = 1;
    });
}
