// npm run bench:team-access [-- --rounds N --seconds S --artifact-mib M --out FILE] [--smoke]
// What MLflow's auth app (auth mlflow) and the sign-in through an OpenID Provider (auth oidc) cost
// against nginx's basic auth, on the dev render: real nginx 1.30 in front of the real MLflow
// servers as rendered (harness/nginxSandbox.ts), once with each `auth`, in turn by round; with
// oidc, oauth2-proxy and the OpenID Provider of the tests (harness/oidcSignIn.ts), measured for a
// person signed in (the session cookie) and for a machine (Basic). Per request: a closed loop of
// clients reading a run (runs/get) as fast as MLflow answers. Per download: a small artifact
// fetched one after another (the permission check is most of its time), and a big one's
// throughput, through nginx and, with auth mlflow, from MLflow itself. The user is not an admin:
// MLflow's admin skips the permission check. Writes docs/benchmarks-team-access.md.
import { copyFileSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { HOST, MLFLOW } from "../lib/render/layout";
import { projectRoot } from "../lib/projectRoot";
import { Auth } from "../lib/settings";
import { readSampleValues, render } from "../scripts/render";
import { request, sha256File, writeRandomFile } from "../harness/httpClient";
import { addLoopbackAddress, inNamespace, reexecInNamespace, scratchDir } from "../harness/namespace";
import { MLFLOW_ADDRESS, NginxSandbox } from "../harness/nginxSandbox";
import { composeOauth2Proxy, Oauth2Proxy } from "../harness/oauth2Proxy";
import { OIDC_SANDBOX, OIDC_SANDBOX_SERVICES, oidcSandboxSettings, SESSION_COOKIE, signIn } from "../harness/oidcSignIn";
import { OpenIdProvider } from "../harness/openIdProvider";
import { transfer } from "./artifacts";
import { cpuSeconds } from "./nginxProcesses";
import { fmtMs, median, percentile } from "./stats";

interface Options { rounds: number; seconds: number; clients: number; sequentialCalls: number; smallDownloads: number; artifactBytes: number; out: string }

/** Who is measured: a user of each `auth`; with oidc, a person signed in and a machine. */
type Mode = "basic" | "mlflow" | "oidc person" | "oidc machine";
const MODES: readonly Mode[] = ["basic", "mlflow", "oidc person", "oidc machine"];

interface Round {
    mode: Mode;
    round: number;
    /** runs/get, closed loop. */
    callsPerSecond: number; p50: number; p99: number; failed: number;
    /** runs/get, one client, one call after another: what a request costs when nothing queues. */
    sequentialP50: number;
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
const BENCH_PERSON = "person@example.com";

function parseOptions(argv: string[]): Options {
    const options: Options = {
        rounds: 3, seconds: 20, clients: 10, sequentialCalls: 300, smallDownloads: 300, artifactBytes: 1024 * 1024 * 1024,
        out: path.join(projectRoot(), "docs", "benchmarks-team-access.md"),
    };
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        // One short round with a small artifact: that the benchmark still runs (test/bench-smoke.test.ts), not what it measures.
        if (flag === "--smoke") {
            Object.assign(options, { rounds: 1, seconds: 2, sequentialCalls: 20, smallDownloads: 20, artifactBytes: 8 * 1024 * 1024 });
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

/** The requests of one identity: Basic credentials, or a person's session cookie. */
interface Identity { mode: Mode; auth?: string; cookie?: string }

/** One sandbox with `auth`, its run and artifacts, measured for each identity (two with oidc). */
async function measure(auth: Auth, round: number, options: Options, bigFile: { path: string; sha256: string }): Promise<Round[]> {
    const renderDir = path.join(scratchDir("bench-team-access"), `render-${auth}`);
    render({ stack: "dev", out: renderDir, overrides: auth === "oidc" ? oidcSandboxSettings() : auth === "mlflow" ? { auth: "mlflow" } : {} });
    const { users, publicIp } = readSampleValues(renderDir);
    const [admin] = Object.keys(users);
    const provider = auth === "oidc" ? await OpenIdProvider.start({
        ...OIDC_SANDBOX.provider, accounts: { [BENCH_PERSON]: [] }, client: { ...OIDC_SANDBOX.client, redirectUri: `https://${publicIp}/oauth2/callback` },
    }) : undefined;
    let proxy: Oauth2Proxy | undefined;
    const sandbox = await NginxSandbox.start({ renderDir, mlflow: false, services: OIDC_SANDBOX_SERVICES });
    try {
        // With the auth app the first server creates its tables and its admin, as mlflow-auth-setup does on a host.
        sandbox.mlflow = await sandbox.startMlflow(auth !== "basic" ? { env: { MLFLOW_AUTH_ADMIN_PASSWORD: users[admin] } } : {});
        const base = { address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, timeoutMs: 60_000 };
        const call = async (credentials: string, method: string, apiPath: string, body?: unknown) => {
            const response = await request({ ...base, method, path: apiPath, auth: credentials, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
            if (response.status !== 200) throw new Error(`${method} ${apiPath}: ${response.status} ${response.text.slice(0, 300)}`);
            return JSON.parse(response.text) as Record<string, unknown>;
        };
        let credentials = `${admin}:${users[admin]}`;
        if (auth !== "basic") {
            await call(credentials, "POST", "/api/2.0/mlflow/users/create", { username: BENCH_USER, password: BENCH_PASSWORD });
            credentials = `${BENCH_USER}:${BENCH_PASSWORD}`;
        }
        const identities: Identity[] = [{ mode: auth === "oidc" ? "oidc machine" : auth as Mode, auth: credentials }];
        if (provider) {
            addLoopbackAddress(OIDC_SANDBOX.oauth2ProxyAddress);
            proxy = await Oauth2Proxy.start({ container: composeOauth2Proxy(sandbox.composeFile, hostPath => sandbox.hostFile(hostPath)), caFile: provider.tls.caFile });
            const person = await signIn({ origin: `https://${sandbox.publicIp}`, caCertPem: sandbox.caCert, provider, email: BENCH_PERSON });
            await person.context.close();
            if (!person.cookie) throw new Error(`${BENCH_PERSON} got no session: ${person.finalUrl}`);
            identities.unshift({ mode: "oidc person", cookie: person.cookie });
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

        const rounds: Round[] = [];
        for (const identity of identities) {
            const as = { ...(identity.auth ? { auth: identity.auth } : {}), ...(identity.cookie ? { headers: { cookie: `${SESSION_COOKIE}=${identity.cookie}` } } : {}) };
            // Per request: runs/get in a closed loop.
            const samples: number[] = [];
            let failed = 0;
            const cpuBefore = mlflowCpu();
            const end = performance.now() + options.seconds * 1000;
            await Promise.all(Array.from({ length: options.clients }, async () => {
                while (performance.now() < end) {
                    const started = performance.now();
                    const response = await request({ ...base, ...as, path: `/api/2.0/mlflow/runs/get?run_id=${runId}` }).catch(() => undefined);
                    if (response?.status === 200) samples.push(performance.now() - started);
                    else failed++;
                }
            }));
            const loopCpu = mlflowCpu() - cpuBefore;

            // The same call, one after another: the path's own latency, without queueing.
            const sequential: number[] = [];
            for (let i = 0; i < options.sequentialCalls; i++) {
                const started = performance.now();
                const response = await request({ ...base, ...as, path: `/api/2.0/mlflow/runs/get?run_id=${runId}` });
                if (response.status !== 200) throw new Error(`runs/get one after another: ${response.status} ${response.text.slice(0, 300)}`);
                sequential.push(performance.now() - started);
            }

            // Per download: the small artifact, one after another, through nginx.
            const small: number[] = [];
            const smallCpuBefore = mlflowCpu();
            for (let i = 0; i < options.smallDownloads; i++) {
                const started = performance.now();
                const response = await request({ ...base, ...as, path: `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/small.bin` });
                if (response.status !== 200 || response.body.length !== SMALL_BYTES) throw new Error(`small download: ${response.status}, ${response.body.length} bytes`);
                small.push(performance.now() - started);
            }
            const smallCpu = mlflowCpu() - smallCpuBefore;

            const transferOptions = {
                sandbox, mlflowPids: () => sandbox.mlflow!.pids,
                // An empty header is none to curl: a person sends only the cookie.
                authorization: identity.auth ? `Basic ${Buffer.from(identity.auth).toString("base64")}` : "",
                artifactPath: `${experimentId}/${runId}/artifacts/big.bin`,
                artifactRoot: sandbox.dirs.artifacts, storedFile: bigStored, sourceFile: bigFile.path, sourceSha256: bigFile.sha256, bytes: options.artifactBytes,
            };
            const cookieArgs = identity.cookie ? ["-H", `Cookie: ${SESSION_COOKIE}=${identity.cookie}`] : [];
            const nginxDownload = await transfer("download", { ...transferOptions, target: { kind: "nginx", baseUrl: `https://${sandbox.publicIp}`, curlArgs: ["--cacert", sandbox.hostFile(HOST.caCert), ...cookieArgs] } });
            if (!nginxDownload.sha256Ok) throw new Error("the download through nginx arrived with other bytes");
            const mlflowDownload = identity.mode === "mlflow"
                ? await transfer("download", { ...transferOptions, target: { kind: "mlflow", baseUrl: `http://${MLFLOW_ADDRESS}:${MLFLOW.port}`, curlArgs: ["-H", `Host: ${sandbox.publicIp}`] } })
                : undefined;
            if (mlflowDownload && !mlflowDownload.sha256Ok) throw new Error("the download from MLflow arrived with other bytes");
            rounds.push({
                mode: identity.mode, round,
                callsPerSecond: samples.length / options.seconds, p50: percentile(samples, 50), p99: percentile(samples, 99), failed,
                sequentialP50: percentile(sequential, 50),
                mlflowCpuMsPerCall: (loopCpu * 1000) / Math.max(1, samples.length),
                smallP50: percentile(small, 50), smallP99: percentile(small, 99), smallMlflowCpuMs: (smallCpu * 1000) / options.smallDownloads,
                bigNginxMBs: nginxDownload.mbPerSecond, bigMlflowMBs: mlflowDownload?.mbPerSecond,
            });
        }
        return rounds;
    } finally {
        await proxy?.stop();
        await sandbox.stop();
        await provider?.stop();
    }
}

function renderMarkdown(rounds: Round[], options: Options, seconds: number): string {
    const of = (mode: Mode) => rounds.filter(r => r.mode === mode);
    const med = (mode: Mode, pick: (r: Round) => number | undefined) => median(of(mode).map(pick).filter((v): v is number => v !== undefined));
    const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "-");
    const each = (mode: Mode, pick: (r: Round) => number | undefined, digits = 1) => of(mode).map(pick).map(v => (v === undefined ? "-" : v.toFixed(digits))).join(" / ");
    const row = (what: string, pick: (r: Round) => number | undefined, unit: string, digits = 1) =>
        `| ${what} | ${MODES.map(mode => `${fixed(med(mode, pick), digits)} ${unit} (${each(mode, pick, digits)})`).join(" | ")} |`;
    const cpuOver = (mode: Mode, than: Mode) => med(mode, r => r.mlflowCpuMsPerCall) - med(than, r => r.mlflowCpuMsPerCall);
    const share = (mode: Mode) => (med(mode, r => r.callsPerSecond) / med("basic", r => r.callsPerSecond)) * 100;
    const downloadCost = med("mlflow", r => r.smallP50) - med("basic", r => r.smallP50);
    const downloadCpu = med("mlflow", r => r.smallMlflowCpuMs);
    const overMlflow = med("mlflow", r => r.bigNginxMBs) / med("mlflow", r => r.bigMlflowMBs);
    const personLatency = med("oidc person", r => r.sequentialP50) - med("mlflow", r => r.sequentialP50);
    /** A difference of milliseconds in words: "1.2 ms more" or "0.4 ms less". */
    const moreOrLess = (ms: number) => `${Math.abs(ms).toFixed(1)} ms ${ms >= 0 ? "more" : "less"}`;
    return [
        "# Benchmark: what MLflow's auth app and the sign-in cost",
        "",
        "Generated by `npm run bench:team-access` (bench/teamAccess.ts); do not edit by hand. Back to [operations](operations.md#team-access) and [sign-in with an OpenID Provider](oidc.md).",
        "",
        "The dev render with `auth: basic`, `auth: mlflow` and `auth: oidc`, real nginx 1.30 in front of the real MLflow servers as rendered, on this machine's 2 cores, " +
        `the clients on the same cores; ${options.rounds} rounds, each stack in turn, ${(seconds / 60).toFixed(0)} minutes in all. With oidc, oauth2-proxy (the pinned release, built from source) ` +
        "and the tests' OpenID Provider, measured for a person signed in (the session cookie) and for a machine (Basic). The user is not MLflow's admin (the admin skips " +
        "the permission check). Per round in brackets; the first figure is the median of the rounds.",
        "",
        `| measured | ${MODES.map(mode => `auth ${mode}`).join(" | ")} |`,
        `|---|${MODES.map(() => "---").join("|")}|`,
        row(`runs/get, ${options.clients} clients in a closed loop: calls/s`, r => r.callsPerSecond, "/s", 0),
        row("the same: p50", r => r.p50, "ms"),
        row("the same: p99", r => r.p99, "ms"),
        row("the same: MLflow's CPU per call", r => r.mlflowCpuMsPerCall, "ms"),
        row("runs/get, one client, one call after another: p50", r => r.sequentialP50, "ms"),
        row(`a ${SMALL_BYTES / 1024} KiB artifact through nginx, one after another: p50`, r => r.smallP50, "ms"),
        row("the same: p99", r => r.smallP99, "ms"),
        row("the same: MLflow's CPU per download", r => r.smallMlflowCpuMs, "ms"),
        row(`a ${options.artifactBytes >= 1024 ** 3 ? `${options.artifactBytes / 1024 ** 3} GiB` : `${options.artifactBytes / 1024 ** 2} MiB`} artifact through nginx`, r => r.bigNginxMBs, "MB/s", 0),
        row("the same straight from MLflow (plain HTTP, no nginx)", r => r.bigMlflowMBs, "MB/s", 0),
        "",
        `- **Per request, auth mlflow**: the auth app adds ${cpuOver("mlflow", "basic").toFixed(1)} ms of MLflow's CPU to each call: it looks the user up and checks the ` +
        "permission in the database on every call (the password itself is scrypt, about 100 ms, checked once per server and then trusted for " +
        `\`AUTH_CACHE_SECONDS\`). Flat out, MLflow answers ${share("mlflow").toFixed(0)} % of the calls it answers with basic auth.`,
        `- **Per request, auth oidc**: a person's call, one after another, takes ${moreOrLess(personLatency)} at p50 than auth mlflow's (nginx asks oauth2-proxy, which decrypts the ` +
        `session cookie; no call to the provider) and ${moreOrLess(cpuOver("oidc person", "mlflow"))} of MLflow's CPU (the identity module reads the person from nginx's headers ` +
        `instead of checking a password). A machine's call takes ${moreOrLess(cpuOver("oidc machine", "mlflow"))} of MLflow's CPU than auth mlflow's: its password is compared with ` +
        `the users table on every call, so that a change counts at once. Flat out, MLflow answers ${share("oidc person").toFixed(0)} % (people) and ${share("oidc machine").toFixed(0)} % ` +
        "(machines) of basic auth's calls; the people's loop shares the 2 cores with oauth2-proxy too.",
        `- **Per download**: the permission check (nginx's auth_request to MLflow) adds ${downloadCost.toFixed(1)} ms at p50 and ${downloadCpu.toFixed(1)} ms of ` +
        `MLflow's CPU before nginx sends the file; the file itself still goes out from nginx's disk path, at ${overMlflow.toFixed(1)} × MLflow's own speed. ` +
        "With auth oidc, machines download from nginx's disk path the same way; a person's downloads go through MLflow (nginx checks one request once, and a person's is oauth2-proxy's to check).",
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
    const stacks: Auth[] = ["basic", "mlflow", "oidc"];
    for (let round = 0; round < options.rounds; round++) {
        // Each round starts with another stack, so that none is always measured first.
        for (const auth of [...stacks.slice(round % stacks.length), ...stacks.slice(0, round % stacks.length)]) {
            log(`round ${round + 1}/${options.rounds}: auth ${auth}`);
            for (const result of await measure(auth, round, options, bigFile)) {
                log(`  ${result.mode}: runs/get ${result.callsPerSecond.toFixed(0)}/s p50 ${fmtMs(result.p50)}; small download p50 ${fmtMs(result.smallP50)}; big ${result.bigNginxMBs.toFixed(0)} MB/s` +
                    (result.bigMlflowMBs ? `, from MLflow ${result.bigMlflowMBs.toFixed(0)} MB/s` : ""));
                rounds.push(result);
            }
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
