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
exports.PARTS = void 0;
// npm run bench [-- --rounds N --seconds S --artifact-gib G --search-runs R --out FILE | --smoke] [--only tracking,proxy,reads,artifacts,nginx]
//     [--variants rendered,defaults,... --levels 10,50,...] (for tuning: some MLflow variants, other load levels)
//
// The real MLflow server (the pinned release, started with the rendered compose file's command
// and environment, SQLite on a directory laid out like the data volume) behind real nginx 1.30
// with the rendered configuration (dev stack), on loopback inside private namespaces
// (harness/nginxSandbox.ts); every variant measured in the same run, in an order rotated from
// round to round, medians reported with the value of each round (default 3 rounds, 4 s per
// measurement, a 1 GiB artifact, 10,000 runs to search: about 20 minutes here).
//   tracking:  training clients (bench/tracking.ts) at each load level, for MLflow as rendered
//              (through nginx and straight to MLflow), with MLflow's defaults and with each tuning
//              candidate (bench/variants.ts);
//   proxy:     the same clients in a closed loop, straight to MLflow and through nginx (with and
//              without keep-alive to MLflow);
//   reads:     search_runs over the seeded experiment, the UI's first load and a run page in Chromium;
//   artifacts: a big artifact up and down, straight to MLflow and through nginx (bench/artifacts.ts);
//   nginx:     nginx's own path (a small file it serves itself) with {SSHA}, $apr1$, bcrypt and no auth.
// Prints a results table and a PASS/FAIL line per target, writes docs/benchmarks.md (or --out),
// and exits non-zero when a target fails. --smoke (1 round of 2 s, MLflow as rendered at 1 and 10
// clients, a 32 MiB artifact, 200 runs) checks only that every part ran, answered correctly and produced
// numbers, and writes to a temporary file unless --out is given. --only measures some parts (for
// tuning), checks only their targets and, like --smoke, writes to a temporary file unless --out.
const fs_1 = require("fs");
const os = __importStar(require("os"));
const path = __importStar(require("path"));
const projectRoot_1 = require("../lib/projectRoot");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const bench_1 = require("./bench");
const plan_1 = require("./plan");
const report_1 = require("./report");
const stats_1 = require("./stats");
const variants_1 = require("./variants");
exports.PARTS = ["tracking", "proxy", "reads", "artifacts", "nginx"];
/** The full ladder for the rendered server and MLflow's defaults; the candidates from where it starts to matter. */
const fullLevels = (variant) => variant.id === variants_1.RENDERED_MLFLOW.id || variant.id === "defaults" ? [...plan_1.CLIENT_LEVELS] : plan_1.CLIENT_LEVELS.filter(level => level >= 25);
function parseOptions(argv) {
    const smoke = argv.includes("--smoke");
    const options = smoke
        ? {
            rounds: 1, seconds: 2, artifactBytes: 32 * stats_1.MiB, searchRuns: 200, smoke, parts: [...exports.PARTS], out: "",
            mlflowVariants: [variants_1.RENDERED_MLFLOW], levels: () => [1, 10],
        }
        : {
            rounds: 3, seconds: 4, artifactBytes: stats_1.GiB, searchRuns: plan_1.SEARCH_RUNS, smoke, parts: [...exports.PARTS], out: path.join((0, projectRoot_1.projectRoot)(), "docs", "benchmarks.md"),
            mlflowVariants: variants_1.MLFLOW_VARIANTS, levels: fullLevels,
        };
    let outGiven = false;
    const positive = (flag, value, integer) => {
        const number = Number(value);
        if (value === undefined || !Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
            throw new Error(`${flag} needs a positive ${integer ? "whole " : ""}number, got ${value}`);
        }
        return number;
    };
    for (let i = 0; i < argv.length; i++) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (flag === "--smoke")
            continue;
        if (flag === "--rounds")
            options.rounds = positive(flag, value, true);
        else if (flag === "--seconds")
            options.seconds = positive(flag, value, true);
        else if (flag === "--artifact-gib")
            options.artifactBytes = Math.max(stats_1.MiB, Math.round(positive(flag, value, false) * stats_1.GiB / stats_1.MiB) * stats_1.MiB);
        else if (flag === "--variants") {
            const ids = (value ?? "").split(",");
            options.mlflowVariants = variants_1.MLFLOW_VARIANTS.filter(v => ids.includes(v.id));
            if (options.mlflowVariants.length !== ids.length)
                throw new Error(`--variants takes some of ${variants_1.MLFLOW_VARIANTS.map(v => v.id).join(",")}, got ${value}`);
        }
        else if (flag === "--levels") {
            const levels = (value ?? "").split(",").map(Number);
            if (!levels.every(l => Number.isInteger(l) && l > 0))
                throw new Error(`--levels takes client counts, got ${value}`);
            options.levels = () => levels;
        }
        else if (flag === "--search-runs")
            options.searchRuns = positive(flag, value, true);
        else if (flag === "--out") {
            options.out = path.resolve(value ?? "");
            outGiven = true;
        }
        else if (flag === "--only") {
            const parts = (value ?? "").split(",");
            const unknown = parts.filter(part => !exports.PARTS.includes(part));
            if (unknown.length || !value)
                throw new Error(`--only takes some of ${exports.PARTS.join(",")}, got ${value}`);
            options.parts = exports.PARTS.filter(part => parts.includes(part));
        }
        else
            throw new Error(`unknown option ${flag}; usage: npm run bench -- [--rounds N] [--seconds S] [--artifact-gib G] [--search-runs R] [--variants a,b] [--levels n,m] [--out FILE] [--smoke] [--only ${exports.PARTS.join(",")}]`);
        i++;
    }
    if (options.parts.length < exports.PARTS.length && !outGiven)
        options.out = "";
    return options;
}
/** A generous bound for the whole run inside the namespace. */
function timeLimitMs(options) {
    // MLflow as rendered runs each level twice (through nginx and straight).
    const levels = options.mlflowVariants.reduce((sum, v) => sum + options.levels(v).length * (v.id === variants_1.RENDERED_MLFLOW.id ? 2 : 1), 0);
    const perRound = levels * (options.seconds + plan_1.WARMUP_SECONDS + 30) + options.mlflowVariants.length * 60 + 4 * (options.seconds + 5) + 240 + 5 * (options.artifactBytes / 50e6 + 10);
    return 2 * 1000 * (300 + options.searchRuns / 50 + options.rounds * perRound);
}
/** A level so far past the limit that higher ones would only measure timeouts. */
const saturated = (level) => level.p99 > 4 * plan_1.P99_LIMIT_MS || level.failed > 0.1 * level.calls;
async function runAll(options) {
    const started = Date.now();
    const results = {
        options, rendered: { nginxWorkers: "", mlflowWorkers: 0 }, startedAt: new Date(), durationSeconds: 0, environment: (0, report_1.collectEnvironment)((0, nginxSandbox_1.resolveNginxRoot)()),
        rest: [], levels: [], saturating: [], search: [], browser: [], transfers: [], nginxOwn: [], seedSeconds: 0,
    };
    const bench = new bench_1.Bench();
    const parts = options.parts;
    try {
        await bench.setUp();
        results.rendered = bench.rendered;
        if (parts.includes("reads")) {
            results.seedSeconds = await bench.seed(options.searchRuns);
            (0, bench_1.log)(`seeded ${options.searchRuns} runs in ${results.seedSeconds.toFixed(0)} s`);
        }
        for (let round = 0; round < options.rounds; round++) {
            (0, bench_1.log)(`round ${round + 1}/${options.rounds}`);
            if (parts.includes("tracking")) {
                for (const variant of (0, bench_1.rotate)(options.mlflowVariants, round)) {
                    results.rest.push(await bench.restartMlflow(variant, round));
                    // MLflow as rendered runs every level, through nginx and straight, in an order
                    // rotated by round (the proxy's cost under the training load); a candidate stops
                    // where it saturates.
                    const rendered = variant.id === variants_1.RENDERED_MLFLOW.id;
                    for (const clients of options.levels(variant)) {
                        for (const kind of rendered ? (0, bench_1.rotate)(["nginx", "direct"], round + clients) : ["nginx"]) {
                            results.levels.push(await bench.trackingLevel(variant, kind, clients, options.seconds, round));
                        }
                        if (!rendered && saturated(results.levels.at(-1)))
                            break;
                    }
                }
            }
            await bench.useRenderedMlflow(round);
            if (parts.includes("proxy")) {
                for (const [kind, nginx] of (0, bench_1.rotate)([["direct", undefined], ["nginx", undefined], ["nginx", variants_1.NGINX_VARIANTS.noUpstreamKeepalive]], round)) {
                    results.saturating.push(await bench.saturating(kind, nginx, options.seconds, round));
                }
            }
            if (parts.includes("reads")) {
                results.search.push(...await bench.search(round));
                const nginxVariants = options.smoke ? [undefined] : [undefined, variants_1.NGINX_VARIANTS.noGzipStatic];
                for (const nginx of (0, bench_1.rotate)(nginxVariants, round))
                    results.browser.push(...await bench.browser(nginx, round));
            }
            if (parts.includes("artifacts"))
                results.transfers.push(...await bench.artifacts(options.artifactBytes, round));
            if (parts.includes("nginx")) {
                for (const variant of (0, bench_1.rotate)(report_1.NGINX_OWN, round))
                    results.nginxOwn.push(await bench.nginxOwn(variant, options.seconds, round));
            }
        }
    }
    finally {
        await bench.tearDown();
    }
    results.durationSeconds = (Date.now() - started) / 1000;
    return results;
}
async function main() {
    const options = parseOptions(process.argv.slice(2));
    if (!options.out)
        options.out = path.join((0, fs_1.mkdtempSync)(path.join(os.tmpdir(), "mlflow-bench-")), "benchmarks.md");
    const results = await runAll(options);
    const targets = (0, report_1.evaluateTargets)(results);
    (0, fs_1.mkdirSync)(path.dirname(options.out), { recursive: true });
    (0, fs_1.writeFileSync)(options.out, (0, report_1.renderMarkdown)(results, targets));
    (0, bench_1.log)("");
    (0, bench_1.log)((0, report_1.renderConsole)(results, targets));
    (0, bench_1.log)(`\nwrote ${options.out} (${results.durationSeconds.toFixed(0)} s)`);
    const failed = options.smoke ? targets.filter(t => t.correctness && !t.pass) : targets.filter(t => !t.pass);
    if (failed.length > 0) {
        console.error(`${failed.length} target(s) failed${options.smoke ? " (smoke: correctness only)" : ""}`);
        process.exitCode = 1;
    }
}
if (require.main === module) {
    if (!(0, namespace_1.inNamespace)()) {
        try {
            (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: timeLimitMs(parseOptions(process.argv.slice(2))) });
        }
        catch (error) {
            console.error(`bench: ${error.message}`);
            process.exitCode = 2;
        }
    }
    else {
        main().catch(error => {
            console.error(`bench: ${error.stack ?? error}`);
            process.exitCode = 1;
        });
    }
}
//# sourceMappingURL=run.js.map