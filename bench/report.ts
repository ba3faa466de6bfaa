// The benchmark's results: medians, targets, the console table and docs/benchmarks.md. The doc
// is this program's output: fixed explanations from here, every number from the run.
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as os from "os";
import { pythonEnvBin } from "../harness/pythonEnv";
import { CHROMIUM } from "../harness/browser";
import type { TransferResult, TransferRound } from "./artifacts";
import type { BrowserRound, LevelRound, Memory, NginxOwnRound, RestRound, SaturatingRound, SearchRound } from "./bench";
import { CLIENT_LEVELS, P99_LIMIT_MS, SATURATING_CLIENTS, SEARCH_PAGE, TRAINING, WARMUP_SECONDS, WRK } from "./plan";
import type { BenchOptions, Part } from "./run";
import { fmtInt, fmtMs, fmtRatio, GiB, median, MiB, percentile } from "./stats";
import { HashScheme, NGINX_VARIANTS, NginxVariant, RENDERED_MLFLOW } from "./variants";

/** nginx's own path is measured with these. */
export const NGINX_OWN: { id: string; name: string; nginx?: NginxVariant; scheme: HashScheme; minSeconds?: number }[] = [
    { id: "no-auth", name: "no auth (TLS only)", nginx: NGINX_VARIANTS.noAuth, scheme: "ssha" },
    { id: "ssha", name: "as rendered ({SSHA})", scheme: "ssha" },
    { id: "apr1", name: "the seed's $apr1$", scheme: "apr1" },
    // bcrypt: ~20 answers a second; a shorter measurement would end before the first ones.
    { id: "bcrypt10", name: "bcrypt cost 10", scheme: "bcrypt10", minSeconds: 5 },
];

export interface Environment {
    cores: number; cpuModel: string; memory: string; kernel: string;
    nginx: string; nginxOpenssl: string; mlflow: string; python: string; sqlite: string;
    node: string; chromium: string; wrk: string; curl: string;
}

export interface BenchResults {
    options: BenchOptions;
    rendered: { nginxWorkers: string; mlflowServers: number; mlflowWorkers: number };
    startedAt: Date;
    durationSeconds: number;
    environment: Environment;
    seedSeconds: number;
    rest: RestRound[];
    levels: LevelRound[];
    saturating: SaturatingRound[];
    search: SearchRound[];
    browser: BrowserRound[];
    transfers: TransferRound[];
    nginxOwn: NginxOwnRound[];
}

export interface Target {
    name: string;
    measured: string;
    pass: boolean;
    /** A correctness check (checked in --smoke too), not a performance target. */
    correctness: boolean;
    /** The part of the benchmark it belongs to (with --only, targets of parts not measured are left out). */
    part?: Part;
}

const firstLine = (text: string) => text.split("\n").map(l => l.trim()).find(Boolean) ?? "";

function command(file: string, args: string[]): string {
    const result = spawnSync(file, args, { encoding: "utf8", timeout: 20_000 });
    return `${result.stdout ?? ""}${result.stderr ?? ""}`;
}

export function collectEnvironment(nginxRoot: string): Environment {
    const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
    const memKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
    const nginxV = command("chroot", [nginxRoot, "nginx", "-V"]);
    const [mlflow, python, sqlite] = command(pythonEnvBin("mlflow"), ["-c", "import mlflow, sqlite3, sys; print(mlflow.__version__); print(sys.version.split()[0]); print(sqlite3.sqlite_version)"]).trim().split("\n");
    return {
        cores: os.cpus().length,
        cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? "unknown",
        memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
        kernel: `Linux ${os.release()}`,
        nginx: /nginx version: (\S+)/.exec(nginxV)?.[1] ?? "unknown",
        nginxOpenssl: /built with (OpenSSL \S+)/.exec(nginxV)?.[1] ?? "unknown",
        mlflow: `MLflow ${mlflow}`, python: `Python ${python}`, sqlite: `SQLite ${sqlite}`,
        node: `Node ${process.version}`,
        chromium: firstLine(command(CHROMIUM, ["--version"])),
        wrk: firstLine(command("wrk", ["-v"])).replace(/ Copyright.*/, ""),
        curl: firstLine(command("curl", ["--version"])).split(" ").slice(0, 2).join(" "),
    };
}

// ---- medians ---------------------------------------------------------------------------------


export function levelMedians(results: BenchResults, variant: string, target: LevelRound["target"], clients: number) {
    const rounds = results.levels.filter(l => l.variant === variant && l.target === target && l.clients === clients);
    const m = (f: (l: LevelRound) => number) => median(rounds.map(f));
    return {
        rounds, clients,
        p50: m(l => l.p50), p99: m(l => l.p99), metricsP50: m(l => l.metricsP50), metricsP99: m(l => l.metricsP99), artifactP99: m(l => l.artifactP99),
        failed: rounds.reduce((sum, l) => sum + l.failed, 0), calls: rounds.reduce((sum, l) => sum + l.calls, 0),
        stepsPerSecond: m(l => l.stepsPerSecond), mlflowCpu: m(l => l.mlflowCpu), nginxCpu: m(l => l.nginxCpu), clientCpu: m(l => l.clientCpu),
        threadsRunning: m(l => l.threads.running), threadsInBusyWait: m(l => l.threads.inBusyWait), busiestWorkerShare: m(l => l.busiestWorkerShare),
        mlflowPss: m(l => l.memory.mlflowPss), mlflowRss: m(l => l.memory.mlflowRss), nginxPss: m(l => l.memory.nginxPss), nginxRss: m(l => l.memory.nginxRss),
        firstError: rounds.find(l => l.firstError)?.firstError,
    };
}
type LevelMedians = ReturnType<typeof levelMedians>;

/** A level is carried when its median p99 stays within the limit and no call of any round failed. */
const carried = (m: LevelMedians) => m.rounds.length > 0 && m.p99 <= P99_LIMIT_MS && m.failed === 0;

/** The levels a variant ran, its highest carried one, and the first one it did not carry (its knee; undefined if it carried all). */
export function capacity(results: BenchResults, variant: string) {
    const planned = results.options.mlflowVariants.find(v => v.id === variant);
    const levels = (planned ? results.options.levels(planned) : []).map(clients => levelMedians(results, variant, "nginx", clients)).filter(m => m.rounds.length > 0 || results.levels.some(l => l.variant === variant));
    const ran = levels.filter(m => m.rounds.length > 0);
    const knee = levels.find(m => !carried(m) && (m.rounds.length > 0 || ran.some(r => r.clients < m.clients)));
    const carriedLevels = ran.filter(m => carried(m) && (!knee || m.clients < knee.clients));
    return { levels: ran, knee, carries: carriedLevels.at(-1)?.clients ?? 0, smallestRun: ran[0]?.clients };
}

/** The knee's medians, or the highest level's when every level was carried. */
const kneeOrLast = (c: ReturnType<typeof capacity>) => (c.knee && c.knee.rounds.length ? c.knee : c.levels.at(-1));
/** MLflow's and nginx's PSS at the knee (bytes). */
const peakAtKnee = (c: ReturnType<typeof capacity>) => { const at = kneeOrLast(c); return at ? at.mlflowPss + at.nginxPss : NaN; };

export function restMedians(results: BenchResults, variant: string) {
    const rounds = results.rest.filter(r => r.variant === variant);
    const m = (f: (memory: Memory) => number) => median(rounds.map(r => f(r.memory)));
    return { rounds, mlflowPss: m(x => x.mlflowPss), mlflowRss: m(x => x.mlflowRss), processes: m(x => x.mlflowProcesses), nginxPss: m(x => x.nginxPss), nginxRss: m(x => x.nginxRss), startSeconds: median(rounds.map(r => r.startSeconds)) };
}

export function saturatingMedians(results: BenchResults, target: SaturatingRound["target"], nginx: string) {
    const rounds = results.saturating.filter(r => r.target === target && r.nginx === nginx);
    return { rounds, callsPerSecond: median(rounds.map(r => r.callsPerSecond)), p50: median(rounds.map(r => r.p50)), p99: median(rounds.map(r => r.p99)), failed: rounds.reduce((s, r) => s + r.failed, 0) };
}

export function transferMedians(results: BenchResults, direction: TransferResult["direction"], target: TransferResult["target"]) {
    const rounds = results.transfers.filter(t => t.direction === direction && t.target === target);
    const growth = rounds.map(t => t.nginxRssGrowthBytes).filter((g): g is number => g !== undefined);
    return {
        rounds,
        mbPerSecond: median(rounds.map(t => t.mbPerSecond)),
        maxGrowthBytes: growth.length ? Math.max(...growth) : undefined,
        tempFiles: [...new Set(rounds.flatMap(t => t.tempFiles))],
        sha256Ok: rounds.length > 0 && rounds.every(t => t.sha256Ok),
        cpu: { nginx: median(rounds.map(t => t.cpuSeconds.nginx ?? NaN)), mlflow: median(rounds.map(t => t.cpuSeconds.mlflow)), client: median(rounds.map(t => t.cpuSeconds.client)) },
    };
}

export function browserMedians(results: BenchResults, page: BrowserRound["page"], nginx: string) {
    const rounds = results.browser.filter(b => b.page === page && b.nginx === nginx);
    const ajax = rounds.flatMap(r => r.ajax.map(a => a.ms));
    return {
        rounds, shownMs: median(rounds.map(r => r.shownMs)), bytes: median(rounds.map(r => r.bytes)), staticBytes: median(rounds.map(r => r.staticBytes)),
        requests: median(rounds.map(r => r.requests)), ajaxCalls: median(rounds.map(r => r.ajax.length)), ajaxP50: percentile(ajax, 50), ajaxMax: Math.max(...ajax),
        failed: rounds.flatMap(r => r.failed),
    };
}

export function nginxOwnMedians(results: BenchResults, id: string) {
    const rounds = results.nginxOwn.filter(r => r.variant === id);
    return { rounds, requestsPerSecond: median(rounds.map(r => r.requestsPerSecond)), p50: median(rounds.map(r => r.p50)), p99: median(rounds.map(r => r.p99)), nginxCpuUs: median(rounds.map(r => r.nginxCpuUs)) };
}

// ---- targets ---------------------------------------------------------------------------------

export const TARGETS = {
    /** Training clients MLflow as rendered carries (p99 within P99_LIMIT_MS, no failed call). */
    carriedClients: 100,
    /** p50 through nginx against straight to MLflow, at this many training clients. */
    p50VsStraight: { clients: 25, ratio: 1.2 },
    /** MLflow's and nginx's memory at the knee, as a share of the default instance's 2 GiB (the rest is the OS's, Docker's and the page cache's). */
    memoryShareAtKnee: 0.5,
    trackingVsDirect: 0.95,
    uploadVsDirect: 0.90,
    memoryGrowthBytes: 64 * MiB,
};

const finite = (...values: (number | undefined)[]) => values.every(v => v !== undefined && Number.isFinite(v) && v > 0);

export function evaluateTargets(results: BenchResults): Target[] {
    const measured = (part: Part) => results.options.parts.includes(part);
    const rendered = capacity(results, RENDERED_MLFLOW.id);
    const defaults = capacity(results, "defaults");
    const renderedPeak = peakAtKnee(rendered);
    const closedDirect = saturatingMedians(results, "direct", "—");
    const closedNginx = saturatingMedians(results, "nginx", "rendered");
    const up = { nginx: transferMedians(results, "upload", "nginx"), direct: transferMedians(results, "upload", "mlflow") };
    const down = { nginx: transferMedians(results, "download", "nginx"), direct: transferMedians(results, "download", "mlflow"), proxied: transferMedians(results, "download", "nginx-proxied") };
    const transfers = [up.nginx, up.direct, down.nginx, down.direct, down.proxied];
    const growth = Math.max(...transfers.map(t => t.maxGrowthBytes ?? 0));
    const temp = transfers.flatMap(t => t.tempFiles);
    const browserFailures = results.browser.flatMap(b => b.failed);
    const missing = [
        ...results.options.mlflowVariants.filter(v => !finite(levelMedians(results, v.id, "nginx", results.options.levels(v)[0]).p99)).map(v => `tracking (${v.id})`).filter(() => measured("tracking")),
        ...(finite(closedDirect.callsPerSecond, closedNginx.callsPerSecond) ? [] : ["closed loop"]).filter(() => measured("proxy")),
        ...(results.search.length > 0 && results.search.every(s => s.runs === results.options.searchRuns || s.filter) && finite(...results.browser.map(b => b.shownMs), ...results.browser.map(b => b.bytes)) && results.browser.length > 0 ? [] : ["reads"]).filter(() => measured("reads")),
        ...(transfers.every(t => finite(t.mbPerSecond)) ? [] : ["artifacts"]).filter(() => measured("artifacts")),
        ...NGINX_OWN.filter(v => !finite(nginxOwnMedians(results, v.id).requestsPerSecond)).map(v => `nginx (${v.id})`).filter(() => measured("nginx")),
    ];
    const paired = (xs: { round: number; value: number }[], ys: { round: number; value: number }[]) =>
        `; per round ${xs.map(x => fmtRatio(x.value / (ys.find(y => y.round === x.round)?.value ?? NaN))).join(" / ")}`;
    const closedRatio = closedNginx.callsPerSecond / closedDirect.callsPerSecond;
    const upRatio = up.nginx.mbPerSecond / up.direct.mbPerSecond;
    const lowFailures = results.levels.filter(l => l.clients <= 10 && l.failed > 0);
    const p50At = { nginx: levelMedians(results, RENDERED_MLFLOW.id, "nginx", TARGETS.p50VsStraight.clients), direct: levelMedians(results, RENDERED_MLFLOW.id, "direct", TARGETS.p50VsStraight.clients) };
    const p50Ratio = p50At.nginx.p50 / p50At.direct.p50;
    return [
        { name: "every part ran and produced numbers", measured: missing.length ? `missing: ${missing.join(", ")}` : "all rows filled", pass: missing.length === 0, correctness: true },
        { name: "no failed tracking call at 10 clients or fewer", measured: lowFailures.length ? lowFailures.map(l => `${l.variant} ${l.target} ${l.clients}: ${l.firstError}`).join("; ") : "none", pass: lowFailures.length === 0, correctness: true, part: "tracking" as Part },
        { name: "the UI loads without a failed request", measured: browserFailures.length ? browserFailures.slice(0, 3).join("; ") : "none", pass: browserFailures.length === 0, correctness: true, part: "reads" as Part },
        { name: "artifacts arrive intact (sha256 equal, every transfer)", measured: transfers.every(t => t.sha256Ok) ? "equal" : "DIFFERENT", pass: transfers.every(t => t.sha256Ok), correctness: true, part: "artifacts" as Part },
        { name: "as rendered: carries at least the training clients MLflow's defaults carry", measured: `${rendered.carries} against ${defaults.carries} clients`, pass: rendered.carries >= defaults.carries && rendered.carries > 0, correctness: false, part: "tracking" as Part },
        { name: `as rendered: carries ${TARGETS.carriedClients} training clients or more`, measured: `${rendered.carries} clients`, pass: rendered.carries >= TARGETS.carriedClients, correctness: false, part: "tracking" as Part },
        { name: `as rendered: p50 through nginx ≤ ${TARGETS.p50VsStraight.ratio} × straight to MLflow at ${TARGETS.p50VsStraight.clients} clients`, measured: `${fmtRatio(p50Ratio)} × (${fmtMs(p50At.nginx.p50)} / ${fmtMs(p50At.direct.p50)} ms)${paired(p50At.nginx.rounds.map(r => ({ round: r.round, value: r.p50 })), p50At.direct.rounds.map(r => ({ round: r.round, value: r.p50 })))}`, pass: p50Ratio <= TARGETS.p50VsStraight.ratio, correctness: false, part: "tracking" as Part },
        { name: `as rendered: MLflow and nginx at the knee within ${fmtInt(100 * TARGETS.memoryShareAtKnee)} % of a t4g.small's 2 GiB`, measured: `${mib(renderedPeak)} MiB (${fmtInt(100 * renderedPeak / (2 * GiB))} %)`, pass: renderedPeak <= TARGETS.memoryShareAtKnee * 2 * GiB, correctness: false, part: "tracking" as Part },
        { name: `tracking calls through nginx ≥ ${TARGETS.trackingVsDirect} × direct (closed loop)`, measured: `${fmtRatio(closedRatio)} × (${fmtInt(closedNginx.callsPerSecond)} / ${fmtInt(closedDirect.callsPerSecond)} log-batch/s)${paired(closedNginx.rounds.map(r => ({ round: r.round, value: r.callsPerSecond })), closedDirect.rounds.map(r => ({ round: r.round, value: r.callsPerSecond })))}`, pass: closedRatio >= TARGETS.trackingVsDirect, correctness: false, part: "proxy" as Part },
        { name: `upload through nginx ≥ ${TARGETS.uploadVsDirect} × direct`, measured: `${fmtRatio(upRatio)} × (${fmtInt(up.nginx.mbPerSecond)} / ${fmtInt(up.direct.mbPerSecond)} MB/s)${paired(up.nginx.rounds.map(r => ({ round: r.round, value: r.mbPerSecond })), up.direct.rounds.map(r => ({ round: r.round, value: r.mbPerSecond })))}`, pass: upRatio >= TARGETS.uploadVsDirect, correctness: false, part: "artifacts" as Part },
        { name: `nginx memory growth < ${TARGETS.memoryGrowthBytes / MiB} MiB during a transfer`, measured: `${(growth / MiB).toFixed(1)} MiB at most`, pass: growth < TARGETS.memoryGrowthBytes, correctness: false, part: "artifacts" as Part },
        { name: "no nginx temporary files", measured: temp.length ? temp.slice(0, 3).join(", ") : "none", pass: temp.length === 0, correctness: false, part: "artifacts" as Part },
    ].filter(target => !target.part || measured(target.part));
}

// ---- text ------------------------------------------------------------------------------------

const perRound = (values: number[], fmt: (v: number) => string) => values.map(fmt).join(" / ");
const mib = (bytes: number | undefined) => (bytes === undefined || !Number.isFinite(bytes) ? "—" : fmtInt(bytes / MiB));
const size = (bytes: number) => (bytes >= GiB ? `${(bytes / GiB).toFixed(bytes % GiB ? 2 : 0)} GiB` : `${Math.round(bytes / MiB)} MiB`);

function table(header: string[], rows: string[][]): string {
    return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map(r => `| ${r.join(" | ")} |`)].join("\n");
}

function trackingSection(results: BenchResults): string {
    const variants = results.options.mlflowVariants;
    const rows: string[][] = [];
    for (const v of variants) {
        for (const clients of CLIENT_LEVELS) {
            const m = levelMedians(results, v.id, "nginx", clients);
            if (m.rounds.length === 0) continue;
            rows.push([v.name, String(clients), fmtMs(m.p50), fmtMs(m.p99), fmtMs(m.metricsP99), fmtMs(m.artifactP99), `${m.failed} / ${fmtInt(m.calls)}`,
                m.stepsPerSecond.toFixed(1), m.mlflowCpu.toFixed(2), m.nginxCpu.toFixed(2), m.clientCpu.toFixed(2),
                `${m.threadsRunning.toFixed(1)} / ${v.database === "postgres" ? "— (no SQLite)" : m.threadsInBusyWait.toFixed(1)}`, mib(m.mlflowPss), perRound(m.rounds.map(r => r.p99), fmtMs)]);
        }
    }
    const summary = variants.map(v => {
        const c = capacity(results, v.id);
        const rest = restMedians(results, v.id);
        const at = kneeOrLast(c);
        return [v.name, String(c.carries), c.knee ? String(c.knee.clients) + (c.knee.rounds.length ? "" : " (not run: the level below saturated)") : "beyond the last level",
            `${mib(rest.mlflowPss)} / ${mib(rest.mlflowRss)} (${fmtInt(rest.processes)} processes)`, at ? `${mib(at.mlflowPss)} / ${mib(at.mlflowRss)} at ${at.clients}` : "—",
            `${mib(rest.nginxPss)} / ${mib(at?.nginxPss)}`, rest.startSeconds.toFixed(1)];
    });
    return `Each client is one training job (bench/tracking.ts): \`runs/create\`, a \`log-batch\` of ${TRAINING.params} parameters and one of ${TRAINING.tags} tags,
then one \`log-batch\` of ${TRAINING.metricsPerStep} metrics every ${TRAINING.stepMs / 1000} s (the step's due time; a late answer delays only that client's next step)
and an artifact of ${TRAINING.artifactBytes / 1024} KiB (\`PUT /api/2.0/mlflow-artifacts/artifacts/…\`, as \`log_artifact\` sends it) every ${TRAINING.artifactEverySteps} steps,
each over its own keep-alive HTTPS connection through nginx as rendered, with basic auth. The clients start spread over the first
second; ${WARMUP_SECONDS} s of warm-up are not measured, then ${results.options.seconds} s are. p50/p99 are over every call started in the measured seconds;
"failed" counts every call of the level (warm-up and the final \`runs/update\` included) that got no 200. A level is carried when its
median p99 is at most ${P99_LIMIT_MS} ms and no call of any round failed; the knee is the first level that is not. CPU is MLflow's (with PostgreSQL's
when it runs beside it), nginx's and the training clients' (the load generator, one Node process) CPU-seconds per second (of ${results.environment.cores} cores); memory is the highest PSS
of all of MLflow's processes (and PostgreSQL's) sampled each second.
Before each variant's ladder MLflow is started afresh with the variant's settings on the same data directory. MLflow as rendered runs every
level; any other variant whose p99 passes ${4 * P99_LIMIT_MS} ms or which fails more than a tenth of its calls stops its ladder for that round.
"MLflow threads on a CPU / in SQLite's busy wait": how many of MLflow's threads were running and how many asleep in
\`(clock_)nanosleep\`, averaged over samples of \`/proc\` 5 times a second (bench/threadStates.ts). In MLflow's request path only
SQLite's busy handler sleeps: a connection that finds the database's write lock taken retries after 1, 2, 5, ... up to 100 ms.

${bound(results)}

${table(["MLflow", "carries (clients)", "knee (clients)", "at rest: MLflow PSS / RSS MiB", "at the knee: MLflow PSS / RSS MiB", "nginx PSS MiB at rest / at the knee", "start s"], summary)}

${table(["MLflow", "clients", "p50 ms", "p99 ms", "log-batch p99 ms", "artifact p99 ms", "failed / calls", "steps/s", "MLflow CPU", "nginx CPU", "clients CPU", "MLflow threads on a CPU / in SQLite's busy wait", "MLflow PSS MiB", "p99 per round"], rows)}

Variants: ${variants.map(v => `**${v.name}**: ${v.description}`).join(" ")}`;
}

/** What the rendered server's knee is bound by, from its own numbers: the cores in use, and the threads running and waiting. */
function bound(results: BenchResults): string {
    const c = capacity(results, RENDERED_MLFLOW.id);
    const knee = c.knee && c.knee.rounds.length ? c.knee : undefined;
    if (!knee) return "MLflow as rendered carried every level.";
    const carried = c.levels.filter(m => m.clients < knee.clients && m.rounds.length > 0).at(-1);
    const used = (m: LevelMedians) => m.mlflowCpu + m.nginxCpu + m.clientCpu;
    const describe = (m: LevelMedians) => `${m.clients} clients: MLflow, nginx and the clients used ${used(m).toFixed(2)} of ` +
        `${results.environment.cores} cores; MLflow had ${m.threadsRunning.toFixed(1)} threads on a CPU and ${m.threadsInBusyWait.toFixed(1)} asleep in SQLite's busy wait`;
    return `What bounds MLflow as rendered: at ${describe(knee)} (p99 ${fmtMs(knee.p99)} ms)` +
        (carried ? `; at ${describe(carried)} (p99 ${fmtMs(carried.p99)} ms)` : "") + ".";
}

function proxySection(results: BenchResults): string {
    const direct = saturatingMedians(results, "direct", "—");
    const rows = [["MLflow directly (HTTP)", direct], ["through nginx as rendered (HTTPS)", saturatingMedians(results, "nginx", "rendered")],
        [`through nginx, ${NGINX_VARIANTS.noUpstreamKeepalive.name}`, saturatingMedians(results, "nginx", NGINX_VARIANTS.noUpstreamKeepalive.id)]] as const;
    const closed = table(["path", "log-batch/s (median)", "× direct", "p50 ms", "p99 ms", "failed", "log-batch/s per round"],
        rows.map(([label, m]) => [label, fmtInt(m.callsPerSecond), fmtRatio(m.callsPerSecond / direct.callsPerSecond), fmtMs(m.p50), fmtMs(m.p99), String(m.failed), perRound(m.rounds.map(r => r.callsPerSecond), fmtInt)]));
    const levels = CLIENT_LEVELS.filter(clients => levelMedians(results, RENDERED_MLFLOW.id, "direct", clients).rounds.length > 0);
    const share = (value: number) => `${fmtInt(100 * value)} %`;
    const pacedTable = table(["clients", "p50 ms: straight / through nginx", "p99 ms: straight / through nginx", "steps/s: straight / through nginx", "× straight (steps/s)",
        "busiest MLflow process's share of its CPU: straight / through nginx", "failed: straight / through nginx"],
        levels.map(clients => {
            const [d, n] = [levelMedians(results, RENDERED_MLFLOW.id, "direct", clients), levelMedians(results, RENDERED_MLFLOW.id, "nginx", clients)];
            return [String(clients), `${fmtMs(d.p50)} / ${fmtMs(n.p50)}`, `${fmtMs(d.p99)} / ${fmtMs(n.p99)}`, `${d.stepsPerSecond.toFixed(1)} / ${n.stepsPerSecond.toFixed(1)}`,
                fmtRatio(n.stepsPerSecond / d.stepsPerSecond), `${share(d.busiestWorkerShare)} / ${share(n.busiestWorkerShare)}`, `${d.failed} / ${n.failed}`];
        }));
    return `${SATURATING_CLIENTS} clients, each sending one ${TRAINING.metricsPerStep}-metric \`log-batch\` after another on its keep-alive connection (no pause, no
artifacts), straight to MLflow as rendered (plain HTTP, the \`Host\` header nginx would send) or through nginx; ${results.options.seconds} s measured after ${WARMUP_SECONDS} s.
"${NGINX_VARIANTS.noUpstreamKeepalive.name}": ${NGINX_VARIANTS.noUpstreamKeepalive.description}

${closed}

The training clients of section 1 at every level, MLflow as rendered (${results.rendered.mlflowServers} server(s) of ${results.rendered.mlflowWorkers} uvicorn worker(s)),
straight to it (plain HTTP; client i connects to server i modulo ${results.rendered.mlflowServers}) and through nginx (HTTPS, basic auth), in the same round
one after the other (medians over rounds). The "busiest share" column shows how the work split between MLflow's processes
(${fmtInt(100 / Math.max(1, results.rendered.mlflowServers * results.rendered.mlflowWorkers))} % is an even split; each \`mlflow server\` process itself takes almost none).

${pacedTable}

Why MLflow now runs as servers of one worker each (measured with strace, \`ss\` and uvicorn's access log, 25 paced clients, before the change):

- **The uneven split.** nginx keeps only 2 or 3 connections to MLflow busy at 25 clients and reuses the one freed last. uvicorn's
  workers share one listening socket, and a connection stays with the worker that accepted it, so one worker took 90–100 % of the
  requests (straight, 25 client connections split 12 / 13). Without nginx's keep-alive the split was even (51 / 49) but the latency stayed.
- **The 40 ms.** With more than one worker, uvicorn binds the listening socket itself (\`socket.socket(family)\`, protocol 0), and
  asyncio sets TCP_NODELAY only on sockets whose protocol is TCP: accepted connections keep Nagle's algorithm (strace: no
  \`setsockopt(TCP_NODELAY)\` after \`accept4\` with two workers, one after every \`accept4\` with one). uvicorn sends each answer's
  headers and body in two \`send\` calls, so the body waits until nginx acknowledges the headers; on a busy kept-alive connection
  nginx's kernel delays that ACK by 40 ms. nginx saw the 300-byte headers at once and the 2-byte body 40–44 ms later; p50 through
  nginx was 51 ms against 11 ms straight. Straight clients did not see it: each of their connections idles a second between calls,
  and Linux acknowledges at once after an idle spell.
- **The fix.** One uvicorn worker per \`mlflow server\` (uvicorn then opens the socket through asyncio, which sets TCP_NODELAY), each
  server its own container (compose replicas, one address each behind the service's name), and nginx's \`least_conn\` over them: in the
  same measurement p50 through nginx fell to 11.0 ms (straight 10.0 ms) and the work split 50 / 50. Each server costs its own
  \`mlflow server\` process (about 190 MiB PSS, idle) besides its worker.`;
}

function readsSection(results: BenchResults): string {
    const searchRows = [...new Set(results.search.map(s => s.filter))].map(filter => {
        const rounds = results.search.filter(s => s.filter === filter);
        const pages = rounds.flatMap(r => r.pageMs);
        return [filter ? `\`${filter}\`` : "all runs", fmtInt(median(rounds.map(r => r.runs))), fmtInt(median(rounds.map(r => r.pageMs.length))), fmtMs(median(rounds.map(r => r.totalMs))),
            fmtMs(percentile(pages, 50)), fmtMs(Math.max(...pages)), perRound(rounds.map(r => r.totalMs), fmtMs)];
    });
    const nginxIds = [...new Set(results.browser.map(b => b.nginx))];
    const browserRows = nginxIds.flatMap(nginx => (["experiment", "run"] as const).map(page => {
        const m = browserMedians(results, page, nginx);
        return [page === "experiment" ? `the experiment's page (${fmtInt(results.options.searchRuns)} runs)` : "a run's page", nginx === "rendered" ? "as rendered (gzip)" : NGINX_VARIANTS.noGzipStatic.name,
            fmtMs(m.shownMs), fmtInt(m.requests), (m.bytes / MiB).toFixed(2), (m.staticBytes / MiB).toFixed(2), fmtInt(m.ajaxCalls), fmtMs(m.ajaxP50), fmtMs(m.ajaxMax), perRound(m.rounds.map(r => r.shownMs), fmtMs)];
    }));
    const ajax = results.browser.find(b => b.page === "run")?.ajax.map(a => a.path) ?? [];
    return `The experiment \`search\` holds ${fmtInt(results.options.searchRuns)} runs, each with 3 parameters, 3 metrics and 2 tags, seeded through MLflow's REST API
(\`runs/create\`, \`runs/log-batch\`; ${fmtInt(results.seedSeconds)} s here). \`search_runs\` pages through it as \`MlflowClient.search_runs\` does
(\`POST /api/2.0/mlflow/runs/search\`, \`max_results\` ${SEARCH_PAGE}, \`page_token\`), through nginx:

${table(["search", "runs found", "pages", "total ms (median)", "page p50 ms", "slowest page ms", "total ms per round"], searchRows)}

The UI in headless Chromium (${results.environment.chromium}) through nginx, each page in a fresh profile (nothing cached, signed in by the
basic-auth prompt): time from navigation until the page shows a run's name (JavaScript parsing and rendering on the same ${results.environment.cores}
cores included), every request until then and until the network is idle, bytes as they came over the wire (headers and encoded bodies),
and the UI's API calls (\`/ajax-api/\`) with the time of each. "${NGINX_VARIANTS.noGzipStatic.name}": ${NGINX_VARIANTS.noGzipStatic.description}

${table(["page", "nginx", "shown after ms", "requests", "MiB", "of it /static-files/ MiB", "ajax calls", "ajax p50 ms", "slowest ajax ms", "shown after ms per round"], browserRows)}

A run page's API calls: ${[...new Set(ajax)].map(a => `\`${a}\``).join(", ") || "—"}.`;
}

function artifactSection(results: BenchResults): string {
    const rows: string[][] = [];
    const cpuCell = (m: ReturnType<typeof transferMedians>) => [m.cpu.nginx, m.cpu.mlflow, m.cpu.client].map(v => (Number.isFinite(v) ? v.toFixed(2) : "—")).join(" / ");
    for (const direction of ["upload", "download"] as const) {
        const direct = transferMedians(results, direction, "mlflow");
        const entries: [string, ReturnType<typeof transferMedians>][] = [[`${direction} straight to MLflow (HTTP)`, direct], [`${direction} through nginx (HTTPS, as rendered)`, transferMedians(results, direction, "nginx")]];
        if (direction === "download") entries.push(["download from MLflow through nginx (`/get-artifact`, proxied)", transferMedians(results, "download", "nginx-proxied")]);
        for (const [label, m] of entries) {
            rows.push([label, fmtInt(m.mbPerSecond), fmtRatio(m.mbPerSecond / direct.mbPerSecond), perRound(m.rounds.map(r => r.mbPerSecond), fmtInt), cpuCell(m),
                m === direct ? "—" : (m.maxGrowthBytes === undefined ? "—" : (m.maxGrowthBytes / MiB).toFixed(1)), m === direct ? "—" : String(m.tempFiles.length), m.sha256Ok ? "equal" : "DIFFERENT"]);
        }
    }
    return `One ${size(results.options.artifactBytes)} file of random bytes, \`PUT\` and then \`GET\` on \`/api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/model.bin\`
with curl (HTTP/1.1, like MLflow's Python client): straight to MLflow (plain HTTP), through nginx as rendered (the upload streams on to MLflow;
the download is a file nginx reads itself from MLflow's store, \`artifactDownloads()\` in lib/render/nginx.ts), and MLflow's own download
(\`/get-artifact\`, the UI's file viewer) passed on by nginx. MLflow's store is on this machine's disk (ext4), as on the data volume.
A download is piped from curl into \`openssl dgst -sha256\`; an upload is checked against the file MLflow stored. CPU-seconds of nginx,
MLflow (all its processes) and the client (curl, openssl) during the transfer; nginx's memory growth is the peak of its RSS over its
median at rest; temporary files are looked for as the proxy end-to-end test does. Unmeasured 128 MiB transfers and one full upload warm up first.

${table(["transfer", "MB/s (median)", "× straight", "MB/s per round", "CPU s: nginx / MLflow / client", "nginx RSS growth MiB (max)", "temp files", "sha256"], rows)}`;
}

function nginxOwnSection(results: BenchResults): string {
    const base = nginxOwnMedians(results, "no-auth");
    const rows = NGINX_OWN.map(v => {
        const m = nginxOwnMedians(results, v.id);
        return [v.name, fmtInt(m.requestsPerSecond), fmtMs(m.p50), fmtMs(m.p99), fmtRatio(m.requestsPerSecond / base.requestsPerSecond), fmtInt(m.nginxCpuUs), perRound(m.rounds.map(r => r.requestsPerSecond), fmtInt)];
    });
    return `\`wrk -t${WRK.threads} -c${WRK.connections} -d${results.options.seconds}s --latency\` (keep-alive, HTTPS) on a 1 KiB artifact file, which nginx reads itself from MLflow's
store: TLS, the password check and a file, MLflow not involved, so the hash schemes differ only in nginx's work. nginx runs the rendered
\`worker_processes ${results.rendered.nginxWorkers}\`; the htpasswd file holds the same users and passwords hashed each way.

${table(["htpasswd", "requests/s (median)", "p50 ms", "p99 ms", "× no auth", "nginx CPU µs/request", "requests/s per round"], rows)}`;
}

function memorySection(results: BenchResults): string {
    const rows = results.options.mlflowVariants.map(v => {
        const rest = restMedians(results, v.id);
        const c = capacity(results, v.id);
        const at = kneeOrLast(c);
        const peak = peakAtKnee(c);
        return [v.name, mib(rest.mlflowPss), mib(rest.nginxPss), at ? String(at.clients) : "—", mib(at?.mlflowPss), mib(at?.nginxPss), `${mib(peak)} (${Number.isFinite(peak) ? fmtInt(100 * peak / (2 * GiB)) : "—"} %)`];
    });
    return `PSS (shared pages split between the processes that map them) of all of MLflow's processes and of nginx's master and workers,
at rest (after MLflow's start and 20 calls) and at the knee (the highest sample of the first level not carried, or of the highest level run),
against the 2 GiB of a t4g.small, which also holds the OS, Docker and the page cache.

${table(["MLflow", "MLflow PSS MiB at rest", "nginx PSS MiB at rest", "knee (clients)", "MLflow PSS MiB there", "nginx PSS MiB there", "both, of 2 GiB"], rows)}`;
}

export function renderConsole(results: BenchResults, targets: Target[]): string {
    const plain = (md: string) => md.replace(/\*\*/g, "");
    const parts = results.options.parts;
    return [
        ...(parts.includes("tracking") ? [plain(trackingSection(results)), ""] : []),
        ...(parts.includes("proxy") ? [plain(proxySection(results)), ""] : []),
        ...(parts.includes("reads") ? [plain(readsSection(results)), ""] : []),
        ...(parts.includes("artifacts") ? [plain(artifactSection(results)), ""] : []),
        ...(parts.includes("nginx") ? [plain(nginxOwnSection(results)), ""] : []),
        ...targets.map(t => `${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.measured}${results.options.smoke && !t.correctness ? " (not checked in --smoke)" : ""}`),
    ].join("\n");
}

export function renderMarkdown(results: BenchResults, targets: Target[]): string {
    const { environment: env, options } = results;
    const section = (part: Part, render: (r: BenchResults) => string) => options.parts.includes(part) ? render(results) : `Not measured in this run (\`--only ${options.parts.join(",")}\`).`;
    const date = results.startedAt.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
    return `# Benchmarks: what one small host carries

Generated by \`npm run bench\`${options.smoke ? " --smoke (tiny: numbers are not meaningful)" : ""} (bench/run.ts) on ${date}, in ${fmtInt(results.durationSeconds)} s.
Do not edit by hand: run the benchmark again. ${options.rounds} round(s) of ${options.seconds} s per measurement; every variant is measured in
every round, in an order rotated from round to round; tables show medians over rounds, then the value of each round.

The real MLflow server (the pinned release from requirements/mlflow.txt, started with the command line and environment of the
compose file \`npm run render -- --stack dev\` writes, SQLite and the artifact store on a directory laid out like the data volume;
harness/realMlflow.ts) behind real nginx (Debian's build of the version the image pins) running the rendered nginx.conf, inside
private network, mount and PID namespaces (harness/nginxSandbox.ts): everything on loopback, load generators, nginx and MLflow
sharing the same ${env.cores} cores, nothing pinned. A t4g.small has 2 vCPUs too (Graviton2, arm64), and 2 GiB of memory.

## Machine and versions

| | |
|---|---|
| CPU | ${env.cores} cores, ${env.cpuModel} |
| memory | ${env.memory} |
| kernel | ${env.kernel} |
| MLflow | ${env.mlflow} (${env.python}, ${env.sqlite}) |
| nginx | ${env.nginx} (built with ${env.nginxOpenssl}), Debian sid root |
| load generators | ${env.node} (training clients, search), ${env.wrk}, ${env.curl}, ${env.chromium} |

## 1. Training clients: what the server carries

${section("tracking", trackingSection)}

## 2. The proxy's own cost

${section("proxy", proxySection)}

## 3. Reads: search and the UI

${section("reads", readsSection)}

## 4. Artifacts

${section("artifacts", artifactSection)}

## 5. nginx's own path and the password hash

${section("nginx", nginxOwnSection)}

## 6. Memory

${section("tracking", memorySection)}

## Targets

${table(["target", "measured", "result"], targets.map(t => [t.name, t.measured, options.smoke && !t.correctness ? `${t.pass ? "pass" : "fail"} (not checked in --smoke)` : t.pass ? "PASS" : "FAIL"]))}
`;
}
