// npm run bench [-- --rounds N --seconds S --artifact-gib G --out FILE | --smoke] [--only small,pages,artifacts]
//
// Real nginx 1.30 with the rendered configuration (dev stack) in front of the MLflow stand-in, on
// loopback inside private namespaces (harness/nginxSandbox.ts), every variant measured in
// the same run, alternating, for several rounds (default 5 rounds of 5 s per measurement, a 2 GiB
// artifact: about 6 minutes here); medians are reported, per-round values kept.
//   1. small authenticated requests with keep-alive (wrk): variants (a)-(e) of bench/variants.ts;
//   2. UI page loads: 50 clients, each a new TLS connection with 20 requests (bench/pageLoad.ts);
//   3. a big artifact up and down, through nginx and directly (bench/artifacts.ts).
// Prints a results table and a PASS/FAIL line per target, writes docs/benchmarks.md (or --out),
// and exits non-zero when a target fails. --smoke (1 round, 1 s, 64 MiB) checks only that every
// variant ran, answered correctly and produced numbers, and writes to a temporary file unless
// --out is given. --only measures some parts (for tuning), checks only their targets and, like
// --smoke, writes to a temporary file unless --out is given.
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../lib/projectRoot";
import { inNamespace, reexecInNamespace } from "../harness/namespace";
import { resolveNginxRoot } from "../harness/nginxSandbox";
import { Bench, log, rotate } from "./bench";
import { PAGE_VARIANTS, WARMUP_SECONDS } from "./plan";
import { BenchResults, collectEnvironment, evaluateTargets, renderConsole, renderMarkdown } from "./report";
import { GiB, MiB } from "./stats";
import { VARIANTS } from "./variants";

export interface BenchOptions {
    rounds: number;
    /** Seconds per measurement. */
    seconds: number;
    artifactBytes: number;
    smoke: boolean;
    /** The parts to measure (all by default). */
    parts: Part[];
    out: string;
}

export const PARTS = ["small", "pages", "artifacts"] as const;
export type Part = typeof PARTS[number];

function parseOptions(argv: string[]): BenchOptions {
    const smoke = argv.includes("--smoke");
    const options: BenchOptions = smoke
        ? { rounds: 1, seconds: 1, artifactBytes: 64 * MiB, smoke, parts: [...PARTS], out: "" }
        : { rounds: 5, seconds: 5, artifactBytes: 2 * GiB, smoke, parts: [...PARTS], out: path.join(projectRoot(), "docs", "benchmarks.md") };
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
        else if (flag === "--out") { options.out = path.resolve(value ?? ""); outGiven = true; }
        else if (flag === "--only") {
            const parts = (value ?? "").split(",");
            const unknown = parts.filter(part => !(PARTS as readonly string[]).includes(part));
            if (unknown.length || !value) throw new Error(`--only takes some of ${PARTS.join(",")}, got ${value}`);
            options.parts = PARTS.filter(part => parts.includes(part));
        }
        else throw new Error(`unknown option ${flag}; usage: npm run bench -- [--rounds N] [--seconds S] [--artifact-gib G] [--out FILE] [--smoke] [--only ${PARTS.join(",")}]`);
        i++;
    }
    if (options.parts.length < PARTS.length && !outGiven) options.out = "";
    return options;
}

/** A generous bound for the whole run inside the namespace. */
function timeLimitMs(options: BenchOptions): number {
    const perRound = (VARIANTS.length + PAGE_VARIANTS.length) * (options.seconds + WARMUP_SECONDS + 5) + 4 * (options.artifactBytes / 100e6 + 10);
    return Math.max(180_000, 2 * 1000 * (60 + options.rounds * perRound));
}

async function runAll(options: BenchOptions): Promise<BenchResults> {
    const started = Date.now();
    const results: BenchResults = { options, workerProcesses: "", small: [], pages: [], transfers: [], startedAt: new Date(), durationSeconds: 0, environment: collectEnvironment(resolveNginxRoot()) };
    const bench = new Bench({ artifactBytes: options.artifactBytes, seconds: options.seconds, artifacts: options.parts.includes("artifacts") });
    try {
        await bench.setUp();
        results.workerProcesses = /^\s*worker_processes\s+([^;]+);/m.exec(bench.renderedConf)?.[1] ?? "unknown";
        for (let round = 0; round < options.rounds; round++) {
            log(`round ${round + 1}/${options.rounds}`);
            const parts = options.parts;
            if (parts.includes("small")) for (const variant of rotate(VARIANTS, round)) results.small.push(await bench.smallRequests(variant, round));
            if (parts.includes("pages")) for (const id of rotate(PAGE_VARIANTS, round)) results.pages.push(await bench.pageLoad(VARIANTS.find(v => v.id === id)!, round));
            if (parts.includes("artifacts")) results.transfers.push(...await bench.artifacts(round));
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
    const errorLines = targets.filter(t => t.correctness && !t.pass);
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, renderMarkdown(results, targets));
    log("");
    log(renderConsole(results, targets));
    log(`\nwrote ${options.out} (${results.durationSeconds.toFixed(0)} s)`);
    const failed = options.smoke ? errorLines : targets.filter(t => !t.pass);
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
