// node dist/bench/compare.js BEFORE.conf AFTER.conf [--rounds N] [--seconds S] [--only small,pages,artifacts] [--artifact-gib G]
//
// A/B comparison of two nginx.conf files (e.g. `npm run render` before and after a change to
// lib/render/nginx.ts), measured the way `npm run bench` measures variant (c) (basic auth with the
// rendered {SSHA} htpasswd), in one run, alternating, so that the machine's drift between runs does
// not pass for an effect. Prints medians and per-round values, and AFTER / BEFORE.
import { readFileSync } from "fs";
import * as path from "path";
import { inNamespace, reexecInNamespace } from "../harness/namespace";
import { Bench, log, rotate } from "./bench";
import type { PageRound, SmallRound, TransferRound } from "./report";
import { fmtInt, fmtMs, GiB, median, MiB } from "./stats";
import { Variant } from "./variants";

const PARTS = ["small", "pages", "artifacts"] as const;

interface CompareOptions { files: [string, string]; rounds: number; seconds: number; parts: string[]; artifactBytes: number }

function parse(argv: string[]): CompareOptions {
    const files: string[] = [];
    const options = { rounds: 3, seconds: 5, parts: ["small", "pages"], artifactBytes: 2 * GiB };
    for (let i = 0; i < argv.length; i++) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (!flag.startsWith("--")) { files.push(path.resolve(flag)); continue; }
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === "--rounds") options.rounds = Number(value);
        else if (flag === "--seconds") options.seconds = Number(value);
        else if (flag === "--only") options.parts = value.split(",").filter(p => (PARTS as readonly string[]).includes(p));
        else if (flag === "--artifact-gib") options.artifactBytes = Math.max(MiB, Math.round(Number(value) * GiB / MiB) * MiB);
        else throw new Error(`unknown option ${flag}`);
        i++;
    }
    if (files.length !== 2) throw new Error("usage: compare.js BEFORE.conf AFTER.conf [--rounds N] [--seconds S] [--only small,pages,artifacts] [--artifact-gib G]");
    return { ...options, files: [files[0], files[1]] };
}

async function main(): Promise<void> {
    const options = parse(process.argv.slice(2));
    const names = ["before", "after"] as const;
    const variants: Variant[] = names.map((name, i) => ({
        id: "c", name: `${name} (${path.basename(options.files[i])})`, target: "nginx", config: name, htpasswd: "ssha",
        description: `nginx.conf from ${options.files[i]}`,
    }));
    const bench = new Bench({
        artifactBytes: options.artifactBytes, seconds: options.seconds, artifacts: options.parts.includes("artifacts"),
        extraConfigs: Object.fromEntries(names.map((name, i) => [name, readFileSync(options.files[i], "utf8")])),
    });
    const small = new Map<string, SmallRound[]>(names.map(n => [n, []]));
    const pages = new Map<string, PageRound[]>(names.map(n => [n, []]));
    const transfers = new Map<string, TransferRound[]>(names.map(n => [n, []]));
    try {
        await bench.setUp();
        for (let round = 0; round < options.rounds; round++) {
            log(`round ${round + 1}/${options.rounds}`);
            for (const variant of rotate(variants, round)) {
                if (options.parts.includes("small")) small.get(variant.config)!.push(await bench.smallRequests(variant, round));
                if (options.parts.includes("pages")) pages.get(variant.config)!.push(await bench.pageLoad(variant, round));
                if (options.parts.includes("artifacts")) transfers.get(variant.config)!.push(...(await bench.artifacts(round, variant)).filter(t => t.target === "nginx"));
            }
        }
    } finally {
        await bench.tearDown();
    }
    const rows: [string, (n: string) => number[], (v: number) => string][] = [
        ["requests/s", n => small.get(n)!.map(r => r.requestsPerSecond), fmtInt],
        ["p50 ms", n => small.get(n)!.map(r => r.p50), fmtMs],
        ["p99 ms", n => small.get(n)!.map(r => r.p99), fmtMs],
        ["page p50 ms", n => pages.get(n)!.map(r => r.pageP50), fmtMs],
        ["page p99 ms", n => pages.get(n)!.map(r => r.pageP99), fmtMs],
        ["request p99 ms (pages)", n => pages.get(n)!.map(r => r.requestP99), fmtMs],
        ["upload MB/s", n => transfers.get(n)!.filter(t => t.direction === "upload").map(t => t.mbPerSecond), fmtInt],
        ["download MB/s", n => transfers.get(n)!.filter(t => t.direction === "download").map(t => t.mbPerSecond), fmtInt],
        ["nginx CPU s per GiB up", n => transfers.get(n)!.filter(t => t.direction === "upload").map(t => (t.cpuSeconds.nginx ?? NaN) / (t.bytes / GiB)), v => v.toFixed(2)],
        ["nginx CPU s per GiB down", n => transfers.get(n)!.filter(t => t.direction === "download").map(t => (t.cpuSeconds.nginx ?? NaN) / (t.bytes / GiB)), v => v.toFixed(2)],
    ];
    log("\n| measure | before (median) | after (median) | after / before | before per round | after per round |\n|---|---|---|---|---|---|");
    for (const [label, values, fmt] of rows) {
        const [a, b] = names.map(values);
        if (a.length === 0) continue;
        log(`| ${label} | ${fmt(median(a))} | ${fmt(median(b))} | ${(median(b) / median(a)).toFixed(2)} | ${a.map(fmt).join(" / ")} | ${b.map(fmt).join(" / ")} |`);
    }
}

if (require.main === module) {
    if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 3_600_000 });
    else main().catch(error => { console.error(`compare: ${(error as Error).stack ?? error}`); process.exitCode = 1; });
}
