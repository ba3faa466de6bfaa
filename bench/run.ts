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
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../lib/projectRoot";
import { inNamespace, reexecInNamespace } from "../harness/namespace";
import { resolveNginxRoot } from "../harness/nginxSandbox";
import { Bench, LevelRound, log, rotate } from "./bench";
import { CLIENT_LEVELS, P99_LIMIT_MS, SEARCH_RUNS, WARMUP_SECONDS } from "./plan";
import { BenchResults, collectEnvironment, evaluateTargets, NGINX_OWN, renderConsole, renderMarkdown } from "./report";
import { GiB, MiB } from "./stats";
import { MLFLOW_VARIANTS, MlflowVariant, NGINX_VARIANTS, RENDERED_MLFLOW } from "./variants";

export const PARTS = ["tracking", "proxy", "reads", "artifacts", "nginx"] as const;
export type Part = typeof PARTS[number];

export interface BenchOptions {
    rounds: number;
    /** Seconds per measurement. */
    seconds: number;
    artifactBytes: number;
    searchRuns: number;
    smoke: boolean;
    /** The parts to measure (all by default). */
    parts: Part[];
    out: string;
    /** The MLflow variants of the tracking ladder, and the load levels each runs. */
    mlflowVariants: MlflowVariant[];
    levels: (variant: MlflowVariant) => number[];
}

/** The full ladder for the rendered server and MLflow's defaults; the candidates from where it starts to matter. */
const fullLevels = (variant: MlflowVariant) =>
    variant.id === RENDERED_MLFLOW.id || variant.id === "defaults" ? [...CLIENT_LEVELS] : CLIENT_LEVELS.filter(level => level >= 25);

function parseOptions(argv: string[]): BenchOptions {
    const smoke = argv.includes("--smoke");
    const options: BenchOptions = smoke
        ? {
            rounds: 1, seconds: 2, artifactBytes: 32 * MiB, searchRuns: 200, smoke, parts: [...PARTS], out: "",
            mlflowVariants: [RENDERED_MLFLOW], levels: () => [1, 10],
        }
        : {
            rounds: 3, seconds: 4, artifactBytes: GiB, searchRuns: SEARCH_RUNS, smoke, parts: [...PARTS], out: path.join(projectRoot(), "docs", "benchmarks.md"),
            mlflowVariants: MLFLOW_VARIANTS, levels: fullLevels,
        };
    let outGiven = false;
    const positive = (flag: string, value: string | undefined, integer: boolean) => {
        const number = Number(value);
        if (value === undefined || !Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
            throw new Error(`${flag} needs a positive ${integer ? "whole " : ""}number, got ${value}`);
        }
        return number;
    };
    for (let i = 0; i < argv.length; i++) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (flag === "--smoke") continue;
        if (flag === "--rounds") options.rounds = positive(flag, value, true);
        else if (flag === "--seconds") options.seconds = positive(flag, value, true);
        else if (flag === "--artifact-gib") options.artifactBytes = Math.max(MiB, Math.round(positive(flag, value, false) * GiB / MiB) * MiB);
        else if (flag === "--variants") {
            const ids = (value ?? "").split(",");
            options.mlflowVariants = MLFLOW_VARIANTS.filter(v => ids.includes(v.id));
            if (options.mlflowVariants.length !== ids.length) throw new Error(`--variants takes some of ${MLFLOW_VARIANTS.map(v => v.id).join(",")}, got ${value}`);
        }
        else if (flag === "--levels") {
            const levels = (value ?? "").split(",").map(Number);
            if (!levels.every(l => Number.isInteger(l) && l > 0)) throw new Error(`--levels takes client counts, got ${value}`);
            options.levels = () => levels;
        }
        else if (flag === "--search-runs") options.searchRuns = positive(flag, value, true);
        else if (flag === "--out") { options.out = path.resolve(value ?? ""); outGiven = true; }
        else if (flag === "--only") {
            const parts = (value ?? "").split(",");
            const unknown = parts.filter(part => !(PARTS as readonly string[]).includes(part));
            if (unknown.length || !value) throw new Error(`--only takes some of ${PARTS.join(",")}, got ${value}`);
            options.parts = PARTS.filter(part => parts.includes(part));
        }
        else throw new Error(`unknown option ${flag}; usage: npm run bench -- [--rounds N] [--seconds S] [--artifact-gib G] [--search-runs R] [--variants a,b] [--levels n,m] [--out FILE] [--smoke] [--only ${PARTS.join(",")}]`);
        i++;
    }
    if (options.parts.length < PARTS.length && !outGiven) options.out = "";
    return options;
}

/** A generous bound for the whole run inside the namespace. */
function timeLimitMs(options: BenchOptions): number {
    // MLflow as rendered runs each level twice (through nginx and straight).
    const levels = options.mlflowVariants.reduce((sum, v) => sum + options.levels(v).length * (v.id === RENDERED_MLFLOW.id ? 2 : 1), 0);
    const perRound = levels * (options.seconds + WARMUP_SECONDS + 30) + options.mlflowVariants.length * 60 + 4 * (options.seconds + 5) + 240 + 5 * (options.artifactBytes / 50e6 + 10);
    return 2 * 1000 * (300 + options.searchRuns / 50 + options.rounds * perRound);
}

/** A level so far past the limit that higher ones would only measure timeouts. */
const saturated = (level: LevelRound) => level.p99 > 4 * P99_LIMIT_MS || level.failed > 0.1 * level.calls;

async function runAll(options: BenchOptions): Promise<BenchResults> {
    const started = Date.now();
    const results: BenchResults = {
        options, rendered: { nginxWorkers: "", mlflowServers: 0, mlflowWorkers: 0 }, startedAt: new Date(), durationSeconds: 0, environment: collectEnvironment(resolveNginxRoot()),
        rest: [], levels: [], saturating: [], search: [], browser: [], transfers: [], nginxOwn: [], seedSeconds: 0,
    };
    const bench = new Bench();
    const parts = options.parts;
    try {
        await bench.setUp();
        results.rendered = bench.rendered;
        if (parts.includes("reads")) {
            results.seedSeconds = await bench.seed(options.searchRuns);
            log(`seeded ${options.searchRuns} runs in ${results.seedSeconds.toFixed(0)} s`);
        }
        for (let round = 0; round < options.rounds; round++) {
            log(`round ${round + 1}/${options.rounds}`);
            if (parts.includes("tracking")) {
                for (const variant of rotate(options.mlflowVariants, round)) {
                    results.rest.push(await bench.restartMlflow(variant, round));
                    // MLflow as rendered runs every level, through nginx and straight, in an order
                    // rotated by round (the proxy's cost under the training load); a candidate stops
                    // where it saturates.
                    const rendered = variant.id === RENDERED_MLFLOW.id;
                    for (const clients of options.levels(variant)) {
                        for (const kind of rendered ? rotate(["nginx", "direct"] as const, round + clients) : ["nginx" as const]) {
                            results.levels.push(await bench.trackingLevel(variant, kind, clients, options.seconds, round));
                        }
                        if (!rendered && saturated(results.levels.at(-1)!)) break;
                    }
                }
            }
            await bench.useRenderedMlflow(round);
            if (parts.includes("proxy")) {
                for (const [kind, nginx] of rotate([["direct", undefined], ["nginx", undefined], ["nginx", NGINX_VARIANTS.noUpstreamKeepalive]] as const, round)) {
                    results.saturating.push(await bench.saturating(kind, nginx, options.seconds, round));
                }
            }
            if (parts.includes("reads")) {
                results.search.push(...await bench.search(round));
                const nginxVariants = options.smoke ? [undefined] : [undefined, NGINX_VARIANTS.noGzipStatic];
                for (const nginx of rotate(nginxVariants, round)) results.browser.push(...await bench.browser(nginx, round));
            }
            if (parts.includes("artifacts")) results.transfers.push(...await bench.artifacts(options.artifactBytes, round));
            if (parts.includes("nginx")) {
                for (const variant of rotate(NGINX_OWN, round)) results.nginxOwn.push(await bench.nginxOwn(variant, options.seconds, round));
            }
        }
    } finally {
        await bench.tearDown();
    }
    results.durationSeconds = (Date.now() - started) / 1000;
    return results;
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv.slice(2));
    if (!options.out) options.out = path.join(mkdtempSync(path.join(os.tmpdir(), "mlflow-bench-")), "benchmarks.md");
    const results = await runAll(options);
    const targets = evaluateTargets(results);
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, renderMarkdown(results, targets));
    log("");
    log(renderConsole(results, targets));
    log(`\nwrote ${options.out} (${results.durationSeconds.toFixed(0)} s)`);
    const failed = options.smoke ? targets.filter(t => t.correctness && !t.pass) : targets.filter(t => !t.pass);
    if (failed.length > 0) {
        console.error(`${failed.length} target(s) failed${options.smoke ? " (smoke: correctness only)" : ""}`);
        process.exitCode = 1;
    }
}

if (require.main === module) {
    if (!inNamespace()) {
        try {
            reexecInNamespace(__filename, { timeoutMs: timeLimitMs(parseOptions(process.argv.slice(2))) });
        } catch (error) {
            console.error(`bench: ${(error as Error).message}`);
            process.exitCode = 2;
        }
    } else {
        main().catch(error => {
            console.error(`bench: ${(error as Error).stack ?? error}`);
            process.exitCode = 1;
        });
    }
}
