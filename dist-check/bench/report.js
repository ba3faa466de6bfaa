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
exports.TARGETS = exports.NGINX_OWN = void 0;
exports.collectEnvironment = collectEnvironment;
exports.levelMedians = levelMedians;
exports.capacity = capacity;
exports.restMedians = restMedians;
exports.saturatingMedians = saturatingMedians;
exports.transferMedians = transferMedians;
exports.browserMedians = browserMedians;
exports.nginxOwnMedians = nginxOwnMedians;
exports.evaluateTargets = evaluateTargets;
exports.renderConsole = renderConsole;
exports.renderMarkdown = renderMarkdown;
// The benchmark's results: medians, targets, the console table and docs/benchmarks.md. The doc
// is this program's output: fixed explanations from here, every number from the run.
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const os = __importStar(require("os"));
const pythonEnv_1 = require("../harness/pythonEnv");
const browser_1 = require("../harness/browser");
const plan_1 = require("./plan");
const stats_1 = require("./stats");
const variants_1 = require("./variants");
/** nginx's own path is measured with these. */
exports.NGINX_OWN = [
    { id: "no-auth", name: "no auth (TLS only)", nginx: variants_1.NGINX_VARIANTS.noAuth, scheme: "ssha" },
    { id: "ssha", name: "as rendered ({SSHA})", scheme: "ssha" },
    { id: "apr1", name: "the seed's $apr1$", scheme: "apr1" },
    // bcrypt: ~20 answers a second; a shorter measurement would end before the first ones.
    { id: "bcrypt10", name: "bcrypt cost 10", scheme: "bcrypt10", minSeconds: 5 },
];
const firstLine = (text) => text.split("\n").map(l => l.trim()).find(Boolean) ?? "";
function command(file, args) {
    const result = (0, child_process_1.spawnSync)(file, args, { encoding: "utf8", timeout: 20_000 });
    return `${result.stdout ?? ""}${result.stderr ?? ""}`;
}
function collectEnvironment(nginxRoot) {
    const cpuinfo = (0, fs_1.readFileSync)("/proc/cpuinfo", "utf8");
    const memKb = Number(/^MemTotal:\s+(\d+) kB/m.exec((0, fs_1.readFileSync)("/proc/meminfo", "utf8"))?.[1] ?? 0);
    const nginxV = command("chroot", [nginxRoot, "nginx", "-V"]);
    const [mlflow, python, sqlite] = command((0, pythonEnv_1.pythonEnvBin)("mlflow"), ["-c", "import mlflow, sqlite3, sys; print(mlflow.__version__); print(sys.version.split()[0]); print(sqlite3.sqlite_version)"]).trim().split("\n");
    return {
        cores: os.cpus().length,
        cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? "unknown",
        memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
        kernel: `Linux ${os.release()}`,
        nginx: /nginx version: (\S+)/.exec(nginxV)?.[1] ?? "unknown",
        nginxOpenssl: /built with (OpenSSL \S+)/.exec(nginxV)?.[1] ?? "unknown",
        mlflow: `MLflow ${mlflow}`, python: `Python ${python}`, sqlite: `SQLite ${sqlite}`,
        node: `Node ${process.version}`,
        chromium: firstLine(command(browser_1.CHROMIUM, ["--version"])),
        wrk: firstLine(command("wrk", ["-v"])).replace(/ Copyright.*/, ""),
        curl: firstLine(command("curl", ["--version"])).split(" ").slice(0, 2).join(" "),
    };
}
// ---- medians ---------------------------------------------------------------------------------
function levelMedians(results, variant, target, clients) {
    const rounds = results.levels.filter(l => l.variant === variant && l.target === target && l.clients === clients);
    const m = (f) => (0, stats_1.median)(rounds.map(f));
    return {
        rounds, clients,
        p50: m(l => l.p50), p99: m(l => l.p99), metricsP50: m(l => l.metricsP50), metricsP99: m(l => l.metricsP99), artifactP99: m(l => l.artifactP99),
        failed: rounds.reduce((sum, l) => sum + l.failed, 0), calls: rounds.reduce((sum, l) => sum + l.calls, 0),
        stepsPerSecond: m(l => l.stepsPerSecond), mlflowCpu: m(l => l.mlflowCpu), nginxCpu: m(l => l.nginxCpu), busiestWorkerShare: m(l => l.busiestWorkerShare),
        mlflowPss: m(l => l.memory.mlflowPss), mlflowRss: m(l => l.memory.mlflowRss), nginxPss: m(l => l.memory.nginxPss), nginxRss: m(l => l.memory.nginxRss),
        firstError: rounds.find(l => l.firstError)?.firstError,
    };
}
/** A level is carried when its median p99 stays within the limit and no call of any round failed. */
const carried = (m) => m.rounds.length > 0 && m.p99 <= plan_1.P99_LIMIT_MS && m.failed === 0;
/** The levels a variant ran, its highest carried one, and the first one it did not carry (its knee; undefined if it carried all). */
function capacity(results, variant) {
    const planned = results.options.mlflowVariants.find(v => v.id === variant);
    const levels = (planned ? results.options.levels(planned) : []).map(clients => levelMedians(results, variant, "nginx", clients)).filter(m => m.rounds.length > 0 || results.levels.some(l => l.variant === variant));
    const ran = levels.filter(m => m.rounds.length > 0);
    const knee = levels.find(m => !carried(m) && (m.rounds.length > 0 || ran.some(r => r.clients < m.clients)));
    const carriedLevels = ran.filter(m => carried(m) && (!knee || m.clients < knee.clients));
    return { levels: ran, knee, carries: carriedLevels.at(-1)?.clients ?? 0, smallestRun: ran[0]?.clients };
}
/** The knee's medians, or the highest level's when every level was carried. */
const kneeOrLast = (c) => (c.knee && c.knee.rounds.length ? c.knee : c.levels.at(-1));
/** MLflow's and nginx's PSS at the knee (bytes). */
const peakAtKnee = (c) => { const at = kneeOrLast(c); return at ? at.mlflowPss + at.nginxPss : NaN; };
function restMedians(results, variant) {
    const rounds = results.rest.filter(r => r.variant === variant);
    const m = (f) => (0, stats_1.median)(rounds.map(r => f(r.memory)));
    return { rounds, mlflowPss: m(x => x.mlflowPss), mlflowRss: m(x => x.mlflowRss), processes: m(x => x.mlflowProcesses), nginxPss: m(x => x.nginxPss), nginxRss: m(x => x.nginxRss), startSeconds: (0, stats_1.median)(rounds.map(r => r.startSeconds)) };
}
function saturatingMedians(results, target, nginx) {
    const rounds = results.saturating.filter(r => r.target === target && r.nginx === nginx);
    return { rounds, callsPerSecond: (0, stats_1.median)(rounds.map(r => r.callsPerSecond)), p50: (0, stats_1.median)(rounds.map(r => r.p50)), p99: (0, stats_1.median)(rounds.map(r => r.p99)), failed: rounds.reduce((s, r) => s + r.failed, 0) };
}
function transferMedians(results, direction, target) {
    const rounds = results.transfers.filter(t => t.direction === direction && t.target === target);
    const growth = rounds.map(t => t.nginxRssGrowthBytes).filter((g) => g !== undefined);
    return {
        rounds,
        mbPerSecond: (0, stats_1.median)(rounds.map(t => t.mbPerSecond)),
        maxGrowthBytes: growth.length ? Math.max(...growth) : undefined,
        tempFiles: [...new Set(rounds.flatMap(t => t.tempFiles))],
        sha256Ok: rounds.length > 0 && rounds.every(t => t.sha256Ok),
        cpu: { nginx: (0, stats_1.median)(rounds.map(t => t.cpuSeconds.nginx ?? NaN)), mlflow: (0, stats_1.median)(rounds.map(t => t.cpuSeconds.mlflow)), client: (0, stats_1.median)(rounds.map(t => t.cpuSeconds.client)) },
    };
}
function browserMedians(results, page, nginx) {
    const rounds = results.browser.filter(b => b.page === page && b.nginx === nginx);
    const ajax = rounds.flatMap(r => r.ajax.map(a => a.ms));
    return {
        rounds, shownMs: (0, stats_1.median)(rounds.map(r => r.shownMs)), bytes: (0, stats_1.median)(rounds.map(r => r.bytes)), staticBytes: (0, stats_1.median)(rounds.map(r => r.staticBytes)),
        requests: (0, stats_1.median)(rounds.map(r => r.requests)), ajaxCalls: (0, stats_1.median)(rounds.map(r => r.ajax.length)), ajaxP50: (0, stats_1.percentile)(ajax, 50), ajaxMax: Math.max(...ajax),
        failed: rounds.flatMap(r => r.failed),
    };
}
function nginxOwnMedians(results, id) {
    const rounds = results.nginxOwn.filter(r => r.variant === id);
    return { rounds, requestsPerSecond: (0, stats_1.median)(rounds.map(r => r.requestsPerSecond)), p50: (0, stats_1.median)(rounds.map(r => r.p50)), p99: (0, stats_1.median)(rounds.map(r => r.p99)), nginxCpuUs: (0, stats_1.median)(rounds.map(r => r.nginxCpuUs)) };
}
// ---- targets ---------------------------------------------------------------------------------
exports.TARGETS = {
    /** MLflow's and nginx's memory at the knee, as a share of the default instance's 2 GiB (the rest is the OS's, Docker's and the page cache's). */
    memoryShareAtKnee: 0.5,
    trackingVsDirect: 0.95,
    uploadVsDirect: 0.90,
    memoryGrowthBytes: 64 * stats_1.MiB,
};
const finite = (...values) => values.every(v => v !== undefined && Number.isFinite(v) && v > 0);
function evaluateTargets(results) {
    const measured = (part) => results.options.parts.includes(part);
    const rendered = capacity(results, variants_1.RENDERED_MLFLOW.id);
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
        ...exports.NGINX_OWN.filter(v => !finite(nginxOwnMedians(results, v.id).requestsPerSecond)).map(v => `nginx (${v.id})`).filter(() => measured("nginx")),
    ];
    const paired = (xs, ys) => `; per round ${xs.map(x => (0, stats_1.fmtRatio)(x.value / (ys.find(y => y.round === x.round)?.value ?? NaN))).join(" / ")}`;
    const closedRatio = closedNginx.callsPerSecond / closedDirect.callsPerSecond;
    const upRatio = up.nginx.mbPerSecond / up.direct.mbPerSecond;
    const lowFailures = results.levels.filter(l => l.clients <= 10 && l.failed > 0);
    return [
        { name: "every part ran and produced numbers", measured: missing.length ? `missing: ${missing.join(", ")}` : "all rows filled", pass: missing.length === 0, correctness: true },
        { name: "no failed tracking call at 10 clients or fewer", measured: lowFailures.length ? lowFailures.map(l => `${l.variant} ${l.target} ${l.clients}: ${l.firstError}`).join("; ") : "none", pass: lowFailures.length === 0, correctness: true, part: "tracking" },
        { name: "the UI loads without a failed request", measured: browserFailures.length ? browserFailures.slice(0, 3).join("; ") : "none", pass: browserFailures.length === 0, correctness: true, part: "reads" },
        { name: "artifacts arrive intact (sha256 equal, every transfer)", measured: transfers.every(t => t.sha256Ok) ? "equal" : "DIFFERENT", pass: transfers.every(t => t.sha256Ok), correctness: true, part: "artifacts" },
        { name: "as rendered: carries at least the training clients MLflow's defaults carry", measured: `${rendered.carries} against ${defaults.carries} clients`, pass: rendered.carries >= defaults.carries && rendered.carries > 0, correctness: false, part: "tracking" },
        { name: `as rendered: MLflow and nginx at the knee within ${(0, stats_1.fmtInt)(100 * exports.TARGETS.memoryShareAtKnee)} % of a t4g.small's 2 GiB`, measured: `${mib(renderedPeak)} MiB (${(0, stats_1.fmtInt)(100 * renderedPeak / (2 * stats_1.GiB))} %)`, pass: renderedPeak <= exports.TARGETS.memoryShareAtKnee * 2 * stats_1.GiB, correctness: false, part: "tracking" },
        { name: `tracking calls through nginx ≥ ${exports.TARGETS.trackingVsDirect} × direct (closed loop)`, measured: `${(0, stats_1.fmtRatio)(closedRatio)} × (${(0, stats_1.fmtInt)(closedNginx.callsPerSecond)} / ${(0, stats_1.fmtInt)(closedDirect.callsPerSecond)} log-batch/s)${paired(closedNginx.rounds.map(r => ({ round: r.round, value: r.callsPerSecond })), closedDirect.rounds.map(r => ({ round: r.round, value: r.callsPerSecond })))}`, pass: closedRatio >= exports.TARGETS.trackingVsDirect, correctness: false, part: "proxy" },
        { name: `upload through nginx ≥ ${exports.TARGETS.uploadVsDirect} × direct`, measured: `${(0, stats_1.fmtRatio)(upRatio)} × (${(0, stats_1.fmtInt)(up.nginx.mbPerSecond)} / ${(0, stats_1.fmtInt)(up.direct.mbPerSecond)} MB/s)${paired(up.nginx.rounds.map(r => ({ round: r.round, value: r.mbPerSecond })), up.direct.rounds.map(r => ({ round: r.round, value: r.mbPerSecond })))}`, pass: upRatio >= exports.TARGETS.uploadVsDirect, correctness: false, part: "artifacts" },
        { name: `nginx memory growth < ${exports.TARGETS.memoryGrowthBytes / stats_1.MiB} MiB during a transfer`, measured: `${(growth / stats_1.MiB).toFixed(1)} MiB at most`, pass: growth < exports.TARGETS.memoryGrowthBytes, correctness: false, part: "artifacts" },
        { name: "no nginx temporary files", measured: temp.length ? temp.slice(0, 3).join(", ") : "none", pass: temp.length === 0, correctness: false, part: "artifacts" },
    ].filter(target => !target.part || measured(target.part));
}
// ---- text ------------------------------------------------------------------------------------
const perRound = (values, fmt) => values.map(fmt).join(" / ");
const mib = (bytes) => (bytes === undefined || !Number.isFinite(bytes) ? "—" : (0, stats_1.fmtInt)(bytes / stats_1.MiB));
const size = (bytes) => (bytes >= stats_1.GiB ? `${(bytes / stats_1.GiB).toFixed(bytes % stats_1.GiB ? 2 : 0)} GiB` : `${Math.round(bytes / stats_1.MiB)} MiB`);
function table(header, rows) {
    return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map(r => `| ${r.join(" | ")} |`)].join("\n");
}
function trackingSection(results) {
    const variants = results.options.mlflowVariants;
    const rows = [];
    for (const v of variants) {
        for (const clients of plan_1.CLIENT_LEVELS) {
            const m = levelMedians(results, v.id, "nginx", clients);
            if (m.rounds.length === 0)
                continue;
            rows.push([v.name, String(clients), (0, stats_1.fmtMs)(m.p50), (0, stats_1.fmtMs)(m.p99), (0, stats_1.fmtMs)(m.metricsP99), (0, stats_1.fmtMs)(m.artifactP99), `${m.failed} / ${(0, stats_1.fmtInt)(m.calls)}`,
                m.stepsPerSecond.toFixed(1), m.mlflowCpu.toFixed(2), m.nginxCpu.toFixed(2), mib(m.mlflowPss), perRound(m.rounds.map(r => r.p99), stats_1.fmtMs)]);
        }
    }
    const summary = variants.map(v => {
        const c = capacity(results, v.id);
        const rest = restMedians(results, v.id);
        const at = kneeOrLast(c);
        return [v.name, String(c.carries), c.knee ? String(c.knee.clients) + (c.knee.rounds.length ? "" : " (not run: the level below saturated)") : "beyond the last level",
            `${mib(rest.mlflowPss)} / ${mib(rest.mlflowRss)} (${(0, stats_1.fmtInt)(rest.processes)} processes)`, at ? `${mib(at.mlflowPss)} / ${mib(at.mlflowRss)} at ${at.clients}` : "—",
            `${mib(rest.nginxPss)} / ${mib(at?.nginxPss)}`, rest.startSeconds.toFixed(1)];
    });
    return `Each client is one training job (bench/tracking.ts): \`runs/create\`, a \`log-batch\` of ${plan_1.TRAINING.params} parameters and one of ${plan_1.TRAINING.tags} tags,
then one \`log-batch\` of ${plan_1.TRAINING.metricsPerStep} metrics every ${plan_1.TRAINING.stepMs / 1000} s (the step's due time; a late answer delays only that client's next step)
and an artifact of ${plan_1.TRAINING.artifactBytes / 1024} KiB (\`PUT /api/2.0/mlflow-artifacts/artifacts/…\`, as \`log_artifact\` sends it) every ${plan_1.TRAINING.artifactEverySteps} steps,
each over its own keep-alive HTTPS connection through nginx as rendered, with basic auth. The clients start spread over the first
second; ${plan_1.WARMUP_SECONDS} s of warm-up are not measured, then ${results.options.seconds} s are. p50/p99 are over every call started in the measured seconds;
"failed" counts every call of the level (warm-up and the final \`runs/update\` included) that got no 200. A level is carried when its
median p99 is at most ${plan_1.P99_LIMIT_MS} ms and no call of any round failed; the knee is the first level that is not. CPU is MLflow's and
nginx's CPU-seconds per second (of ${results.environment.cores} cores); memory is the highest PSS of all of MLflow's processes sampled each second.
Before each variant's ladder MLflow is started afresh with the variant's settings on the same data directory. MLflow as rendered runs every
level; any other variant whose p99 passes ${4 * plan_1.P99_LIMIT_MS} ms or which fails more than a tenth of its calls stops its ladder for that round.

${table(["MLflow", "carries (clients)", "knee (clients)", "at rest: MLflow PSS / RSS MiB", "at the knee: MLflow PSS / RSS MiB", "nginx PSS MiB at rest / at the knee", "start s"], summary)}

${table(["MLflow", "clients", "p50 ms", "p99 ms", "log-batch p99 ms", "artifact p99 ms", "failed / calls", "steps/s", "MLflow CPU", "nginx CPU", "MLflow PSS MiB", "p99 per round"], rows)}

Variants: ${variants.map(v => `**${v.name}**: ${v.description}`).join(" ")}`;
}
function proxySection(results) {
    const direct = saturatingMedians(results, "direct", "—");
    const rows = [["MLflow directly (HTTP)", direct], ["through nginx as rendered (HTTPS)", saturatingMedians(results, "nginx", "rendered")],
        [`through nginx, ${variants_1.NGINX_VARIANTS.noUpstreamKeepalive.name}`, saturatingMedians(results, "nginx", variants_1.NGINX_VARIANTS.noUpstreamKeepalive.id)]];
    const closed = table(["path", "log-batch/s (median)", "× direct", "p50 ms", "p99 ms", "failed", "log-batch/s per round"], rows.map(([label, m]) => [label, (0, stats_1.fmtInt)(m.callsPerSecond), (0, stats_1.fmtRatio)(m.callsPerSecond / direct.callsPerSecond), (0, stats_1.fmtMs)(m.p50), (0, stats_1.fmtMs)(m.p99), String(m.failed), perRound(m.rounds.map(r => r.callsPerSecond), stats_1.fmtInt)]));
    const levels = plan_1.CLIENT_LEVELS.filter(clients => levelMedians(results, variants_1.RENDERED_MLFLOW.id, "direct", clients).rounds.length > 0);
    const share = (value) => `${(0, stats_1.fmtInt)(100 * value)} %`;
    const pacedTable = table(["clients", "p50 ms: straight / through nginx", "p99 ms: straight / through nginx", "steps/s: straight / through nginx", "× straight (steps/s)",
        "busiest MLflow process's share of its CPU: straight / through nginx", "failed: straight / through nginx"], levels.map(clients => {
        const [d, n] = [levelMedians(results, variants_1.RENDERED_MLFLOW.id, "direct", clients), levelMedians(results, variants_1.RENDERED_MLFLOW.id, "nginx", clients)];
        return [String(clients), `${(0, stats_1.fmtMs)(d.p50)} / ${(0, stats_1.fmtMs)(n.p50)}`, `${(0, stats_1.fmtMs)(d.p99)} / ${(0, stats_1.fmtMs)(n.p99)}`, `${d.stepsPerSecond.toFixed(1)} / ${n.stepsPerSecond.toFixed(1)}`,
            (0, stats_1.fmtRatio)(n.stepsPerSecond / d.stepsPerSecond), `${share(d.busiestWorkerShare)} / ${share(n.busiestWorkerShare)}`, `${d.failed} / ${n.failed}`];
    }));
    return `${plan_1.SATURATING_CLIENTS} clients, each sending one ${plan_1.TRAINING.metricsPerStep}-metric \`log-batch\` after another on its keep-alive connection (no pause, no
artifacts), straight to MLflow as rendered (plain HTTP, the \`Host\` header nginx would send) or through nginx; ${results.options.seconds} s measured after ${plan_1.WARMUP_SECONDS} s.
"${variants_1.NGINX_VARIANTS.noUpstreamKeepalive.name}": ${variants_1.NGINX_VARIANTS.noUpstreamKeepalive.description}

${closed}

The training clients of section 1 at every level, MLflow as rendered, straight to it (plain HTTP) and through nginx (HTTPS, basic auth), in the same round
one after the other (medians over rounds). Each client holds its own connection to MLflow when it goes straight, and the kernel hands those
connections to the ${results.rendered.mlflowWorkers} uvicorn workers about evenly; through nginx, MLflow sees only nginx's few upstream connections
(with keep-alive or without it, the same), and one worker takes most of the requests: the "busiest share" column shows how the
work split (${(0, stats_1.fmtInt)(100 / Math.max(1, results.rendered.mlflowWorkers))} % is an even split; the \`mlflow server\` process itself and uvicorn's supervisor take almost none).

${pacedTable}`;
}
function readsSection(results) {
    const searchRows = [...new Set(results.search.map(s => s.filter))].map(filter => {
        const rounds = results.search.filter(s => s.filter === filter);
        const pages = rounds.flatMap(r => r.pageMs);
        return [filter ? `\`${filter}\`` : "all runs", (0, stats_1.fmtInt)((0, stats_1.median)(rounds.map(r => r.runs))), (0, stats_1.fmtInt)((0, stats_1.median)(rounds.map(r => r.pageMs.length))), (0, stats_1.fmtMs)((0, stats_1.median)(rounds.map(r => r.totalMs))),
            (0, stats_1.fmtMs)((0, stats_1.percentile)(pages, 50)), (0, stats_1.fmtMs)(Math.max(...pages)), perRound(rounds.map(r => r.totalMs), stats_1.fmtMs)];
    });
    const nginxIds = [...new Set(results.browser.map(b => b.nginx))];
    const browserRows = nginxIds.flatMap(nginx => ["experiment", "run"].map(page => {
        const m = browserMedians(results, page, nginx);
        return [page === "experiment" ? `the experiment's page (${(0, stats_1.fmtInt)(results.options.searchRuns)} runs)` : "a run's page", nginx === "rendered" ? "as rendered (gzip)" : variants_1.NGINX_VARIANTS.noGzipStatic.name,
            (0, stats_1.fmtMs)(m.shownMs), (0, stats_1.fmtInt)(m.requests), (m.bytes / stats_1.MiB).toFixed(2), (m.staticBytes / stats_1.MiB).toFixed(2), (0, stats_1.fmtInt)(m.ajaxCalls), (0, stats_1.fmtMs)(m.ajaxP50), (0, stats_1.fmtMs)(m.ajaxMax), perRound(m.rounds.map(r => r.shownMs), stats_1.fmtMs)];
    }));
    const ajax = results.browser.find(b => b.page === "run")?.ajax.map(a => a.path) ?? [];
    return `The experiment \`search\` holds ${(0, stats_1.fmtInt)(results.options.searchRuns)} runs, each with 3 parameters, 3 metrics and 2 tags, seeded through MLflow's REST API
(\`runs/create\`, \`runs/log-batch\`; ${(0, stats_1.fmtInt)(results.seedSeconds)} s here). \`search_runs\` pages through it as \`MlflowClient.search_runs\` does
(\`POST /api/2.0/mlflow/runs/search\`, \`max_results\` ${plan_1.SEARCH_PAGE}, \`page_token\`), through nginx:

${table(["search", "runs found", "pages", "total ms (median)", "page p50 ms", "slowest page ms", "total ms per round"], searchRows)}

The UI in headless Chromium (${results.environment.chromium}) through nginx, each page in a fresh profile (nothing cached, signed in by the
basic-auth prompt): time from navigation until the page shows a run's name (JavaScript parsing and rendering on the same ${results.environment.cores}
cores included), every request until then and until the network is idle, bytes as they came over the wire (headers and encoded bodies),
and the UI's API calls (\`/ajax-api/\`) with the time of each. "${variants_1.NGINX_VARIANTS.noGzipStatic.name}": ${variants_1.NGINX_VARIANTS.noGzipStatic.description}

${table(["page", "nginx", "shown after ms", "requests", "MiB", "of it /static-files/ MiB", "ajax calls", "ajax p50 ms", "slowest ajax ms", "shown after ms per round"], browserRows)}

A run page's API calls: ${[...new Set(ajax)].map(a => `\`${a}\``).join(", ") || "—"}.`;
}
function artifactSection(results) {
    const rows = [];
    const cpuCell = (m) => [m.cpu.nginx, m.cpu.mlflow, m.cpu.client].map(v => (Number.isFinite(v) ? v.toFixed(2) : "—")).join(" / ");
    for (const direction of ["upload", "download"]) {
        const direct = transferMedians(results, direction, "mlflow");
        const entries = [[`${direction} straight to MLflow (HTTP)`, direct], [`${direction} through nginx (HTTPS, as rendered)`, transferMedians(results, direction, "nginx")]];
        if (direction === "download")
            entries.push(["download from MLflow through nginx (`/get-artifact`, proxied)", transferMedians(results, "download", "nginx-proxied")]);
        for (const [label, m] of entries) {
            rows.push([label, (0, stats_1.fmtInt)(m.mbPerSecond), (0, stats_1.fmtRatio)(m.mbPerSecond / direct.mbPerSecond), perRound(m.rounds.map(r => r.mbPerSecond), stats_1.fmtInt), cpuCell(m),
                m === direct ? "—" : (m.maxGrowthBytes === undefined ? "—" : (m.maxGrowthBytes / stats_1.MiB).toFixed(1)), m === direct ? "—" : String(m.tempFiles.length), m.sha256Ok ? "equal" : "DIFFERENT"]);
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
function nginxOwnSection(results) {
    const base = nginxOwnMedians(results, "no-auth");
    const rows = exports.NGINX_OWN.map(v => {
        const m = nginxOwnMedians(results, v.id);
        return [v.name, (0, stats_1.fmtInt)(m.requestsPerSecond), (0, stats_1.fmtMs)(m.p50), (0, stats_1.fmtMs)(m.p99), (0, stats_1.fmtRatio)(m.requestsPerSecond / base.requestsPerSecond), (0, stats_1.fmtInt)(m.nginxCpuUs), perRound(m.rounds.map(r => r.requestsPerSecond), stats_1.fmtInt)];
    });
    return `\`wrk -t${plan_1.WRK.threads} -c${plan_1.WRK.connections} -d${results.options.seconds}s --latency\` (keep-alive, HTTPS) on a 1 KiB artifact file, which nginx reads itself from MLflow's
store: TLS, the password check and a file, MLflow not involved, so the hash schemes differ only in nginx's work. nginx runs the rendered
\`worker_processes ${results.rendered.nginxWorkers}\`; the htpasswd file holds the same users and passwords hashed each way.

${table(["htpasswd", "requests/s (median)", "p50 ms", "p99 ms", "× no auth", "nginx CPU µs/request", "requests/s per round"], rows)}`;
}
function memorySection(results) {
    const rows = results.options.mlflowVariants.map(v => {
        const rest = restMedians(results, v.id);
        const c = capacity(results, v.id);
        const at = kneeOrLast(c);
        const peak = peakAtKnee(c);
        return [v.name, mib(rest.mlflowPss), mib(rest.nginxPss), at ? String(at.clients) : "—", mib(at?.mlflowPss), mib(at?.nginxPss), `${mib(peak)} (${Number.isFinite(peak) ? (0, stats_1.fmtInt)(100 * peak / (2 * stats_1.GiB)) : "—"} %)`];
    });
    return `PSS (shared pages split between the processes that map them) of all of MLflow's processes and of nginx's master and workers,
at rest (after MLflow's start and 20 calls) and at the knee (the highest sample of the first level not carried, or of the highest level run),
against the 2 GiB of a t4g.small, which also holds the OS, Docker and the page cache.

${table(["MLflow", "MLflow PSS MiB at rest", "nginx PSS MiB at rest", "knee (clients)", "MLflow PSS MiB there", "nginx PSS MiB there", "both, of 2 GiB"], rows)}`;
}
function renderConsole(results, targets) {
    const plain = (md) => md.replace(/\*\*/g, "");
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
function renderMarkdown(results, targets) {
    const { environment: env, options } = results;
    const section = (part, render) => options.parts.includes(part) ? render(results) : `Not measured in this run (\`--only ${options.parts.join(",")}\`).`;
    const date = results.startedAt.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
    return `# Benchmarks: what one small host carries

Generated by \`npm run bench\`${options.smoke ? " --smoke (tiny: numbers are not meaningful)" : ""} (bench/run.ts) on ${date}, in ${(0, stats_1.fmtInt)(results.durationSeconds)} s.
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
//# sourceMappingURL=report.js.map