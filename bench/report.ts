// The benchmark's results: medians, targets, the console table and docs/benchmarks.md. The doc
// is this program's output: fixed explanations from here, every number from the run.
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as os from "os";
import type { BenchOptions, Part } from "./run";
import type { TransferResult } from "./artifacts";
import { PAGE, PAGE_CLIENTS, PAGE_VARIANTS, WARMUP_SECONDS, WRK } from "./plan";
import { fmtInt, fmtMs, fmtRatio, GiB, median, MiB, roughly } from "./stats";
import { VariantId, VARIANTS } from "./variants";

export interface SmallRound {
    variant: VariantId; round: number; requestsPerSecond: number; p50: number; p99: number; requests: number;
    /** nginx's CPU time per answered request (ms), measured while wrk ran; undefined for the stand-in alone. */
    nginxCpuMs?: number;
}
export interface PageRound {
    variant: VariantId; round: number; pages: number; requests: number;
    requestP50: number; requestP99: number; pageP50: number; pageP99: number; handshakeP50: number;
}
export type TransferRound = TransferResult & { round: number };

export interface Environment {
    cores: number;
    cpuModel: string;
    memory: string;
    kernel: string;
    nginx: string;
    nginxOpenssl: string;
    node: string;
    wrk: string;
    openssl: string;
    curl: string;
}

export interface BenchResults {
    options: BenchOptions;
    /** The rendered configuration's worker_processes, for the text. */
    workerProcesses: string;
    startedAt: Date;
    durationSeconds: number;
    environment: Environment;
    small: SmallRound[];
    pages: PageRound[];
    transfers: TransferRound[];
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
    const result = spawnSync(file, args, { encoding: "utf8", timeout: 10_000 });
    return `${result.stdout ?? ""}${result.stderr ?? ""}`;
}

export function collectEnvironment(nginxRoot: string): Environment {
    const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
    const memKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
    const nginxV = command("chroot", [nginxRoot, "nginx", "-V"]);
    return {
        cores: os.cpus().length,
        cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? "unknown",
        memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
        kernel: `Linux ${os.release()}`,
        nginx: /nginx version: (\S+)/.exec(nginxV)?.[1] ?? "unknown",
        nginxOpenssl: /built with (OpenSSL \S+)/.exec(nginxV)?.[1] ?? "unknown",
        node: `Node ${process.version}`,
        wrk: firstLine(command("wrk", ["-v"])).replace(/ Copyright.*/, ""),
        openssl: firstLine(command("openssl", ["version"])).replace(/ \(Library: .*\)$/, ""),
        curl: firstLine(command("curl", ["--version"])).split(" ").slice(0, 2).join(" "),
    };
}

// ---- medians ---------------------------------------------------------------------------------

export function smallMedians(results: BenchResults, id: VariantId) {
    const rounds = results.small.filter(r => r.variant === id);
    return {
        rounds,
        requestsPerSecond: median(rounds.map(r => r.requestsPerSecond)),
        p50: median(rounds.map(r => r.p50)),
        p99: median(rounds.map(r => r.p99)),
        nginxCpuMs: median(rounds.map(r => r.nginxCpuMs ?? NaN)),
    };
}

export function pageMedians(results: BenchResults, id: VariantId) {
    const rounds = results.pages.filter(r => r.variant === id);
    const m = (key: keyof PageRound) => median(rounds.map(r => r[key] as number));
    return {
        rounds,
        pages: rounds.reduce((sum, r) => sum + r.pages, 0),
        requestP50: m("requestP50"), requestP99: m("requestP99"),
        pageP50: m("pageP50"), pageP99: m("pageP99"), handshakeP50: m("handshakeP50"),
    };
}

export function transferMedians(results: BenchResults, direction: TransferResult["direction"], target: TransferResult["target"]) {
    const rounds = results.transfers.filter(t => t.direction === direction && t.target === target);
    const growth = rounds.map(t => t.nginxRssGrowthBytes).filter((g): g is number => g !== undefined);
    return {
        rounds,
        mbPerSecond: median(rounds.map(t => t.mbPerSecond)),
        /** Worst round. */
        maxGrowthBytes: growth.length ? Math.max(...growth) : undefined,
        tempFiles: [...new Set(rounds.flatMap(t => t.tempFiles))],
        sha256Ok: rounds.length > 0 && rounds.every(t => t.sha256Ok),
        seconds: median(rounds.map(t => t.seconds)),
        cpu: {
            nginx: median(rounds.map(t => t.cpuSeconds.nginx ?? NaN)),
            standin: median(rounds.map(t => t.cpuSeconds.standin)),
            client: median(rounds.map(t => t.cpuSeconds.client)),
        },
    };
}

// ---- targets ---------------------------------------------------------------------------------

export const TARGETS = {
    authVsNoAuth: 0.90,
    authVsApr1: 3,
    artifactVsDirect: 0.80,
    memoryGrowthBytes: 64 * MiB,
};

export function evaluateTargets(results: BenchResults): Target[] {
    const measured = (part: Part) => results.options.parts.includes(part);
    const rps = (id: VariantId) => smallMedians(results, id).requestsPerSecond;
    const up = { nginx: transferMedians(results, "upload", "nginx"), direct: transferMedians(results, "upload", "standin") };
    const down = { nginx: transferMedians(results, "download", "nginx"), direct: transferMedians(results, "download", "standin") };
    const proxiedDown = transferMedians(results, "download", "nginx-proxied");
    const growth = Math.max(up.nginx.maxGrowthBytes ?? NaN, down.nginx.maxGrowthBytes ?? NaN, proxiedDown.maxGrowthBytes ?? NaN);
    const temp = [...up.nginx.tempFiles, ...down.nginx.tempFiles, ...proxiedDown.tempFiles];
    const ratio = (a: number, b: number) => a / b;
    const intact = [up.direct, up.nginx, down.direct, down.nginx, proxiedDown].every(t => t.sha256Ok);
    const finite = (...values: (number | undefined)[]) => values.every(v => v !== undefined && Number.isFinite(v) && v > 0);
    const missing = [
        ...VARIANTS.filter(v => !finite(rps(v.id), smallMedians(results, v.id).p50, smallMedians(results, v.id).p99)).map(v => `small (${v.id})`)
            .filter(() => measured("small")),
        ...PAGE_VARIANTS.filter(id => !finite(pageMedians(results, id).requestP50, pageMedians(results, id).pageP99)).map(id => `page (${id})`)
            .filter(() => measured("pages")),
        ...([["upload", up], ["download", down], ["download from MLflow", { direct: down.direct, nginx: proxiedDown }]] as const).flatMap(([name, pair]) => [
            ...(finite(pair.direct.mbPerSecond) ? [] : [`${name} direct`]),
            ...(finite(pair.nginx.mbPerSecond) && pair.nginx.maxGrowthBytes !== undefined ? [] : [`${name} via nginx`]),
        ]).filter(() => measured("artifacts")),
    ];
    /** The ratio within each round (the two were measured minutes apart at most), for judging how close a verdict is. */
    const paired = (xs: { round: number; value: number }[], ys: { round: number; value: number }[]) =>
        `; per round ${xs.map(x => fmtRatio(x.value / (ys.find(y => y.round === x.round)?.value ?? NaN))).join(" / ")}`;
    const smallOf = (id: VariantId) => smallMedians(results, id).rounds.map(r => ({ round: r.round, value: r.requestsPerSecond }));
    const transferOf = (t: typeof up.nginx) => t.rounds.map(r => ({ round: r.round, value: r.mbPerSecond }));
    const authVsNoAuth = ratio(rps("c"), rps("b"));
    const authVsApr1 = ratio(rps("c"), rps("d"));
    const upRatio = ratio(up.nginx.mbPerSecond, up.direct.mbPerSecond);
    const downRatio = ratio(down.nginx.mbPerSecond, down.direct.mbPerSecond);
    return [
        { name: "every variant ran and produced numbers", measured: missing.length ? `missing: ${missing.join(", ")}` : "all rows filled", pass: missing.length === 0, correctness: true },
        { name: "artifacts arrive intact (sha256 equal, every transfer)", measured: intact ? "equal" : "DIFFERENT", pass: intact, correctness: true, part: "artifacts" as Part },
        { name: `(c) ≥ ${TARGETS.authVsNoAuth} × (b) requests/s`, measured: `${fmtRatio(authVsNoAuth)} × (${fmtInt(rps("c"))} / ${fmtInt(rps("b"))})${paired(smallOf("c"), smallOf("b"))}`, pass: authVsNoAuth >= TARGETS.authVsNoAuth, correctness: false, part: "small" as Part },
        { name: `(c) ≥ ${TARGETS.authVsApr1} × (d) requests/s`, measured: `${fmtRatio(authVsApr1)} × (${fmtInt(rps("c"))} / ${fmtInt(rps("d"))})${paired(smallOf("c"), smallOf("d"))}`, pass: authVsApr1 >= TARGETS.authVsApr1, correctness: false, part: "small" as Part },
        { name: `upload through nginx ≥ ${TARGETS.artifactVsDirect} × direct`, measured: `${fmtRatio(upRatio)} × (${fmtInt(up.nginx.mbPerSecond)} / ${fmtInt(up.direct.mbPerSecond)} MB/s)${paired(transferOf(up.nginx), transferOf(up.direct))}`, pass: upRatio >= TARGETS.artifactVsDirect, correctness: false, part: "artifacts" as Part },
        { name: `download through nginx ≥ ${TARGETS.artifactVsDirect} × direct`, measured: `${fmtRatio(downRatio)} × (${fmtInt(down.nginx.mbPerSecond)} / ${fmtInt(down.direct.mbPerSecond)} MB/s)${paired(transferOf(down.nginx), transferOf(down.direct))}`, pass: downRatio >= TARGETS.artifactVsDirect, correctness: false, part: "artifacts" as Part },
        { name: `nginx memory growth < ${TARGETS.memoryGrowthBytes / MiB} MiB during a transfer`, measured: `${(growth / MiB).toFixed(1)} MiB at most`, pass: growth < TARGETS.memoryGrowthBytes, correctness: false, part: "artifacts" as Part },
        { name: "no nginx temporary files", measured: temp.length ? temp.slice(0, 3).join(", ") : "none", pass: temp.length === 0, correctness: false, part: "artifacts" as Part },
    ].filter(target => !target.part || measured(target.part));
}

// ---- text ------------------------------------------------------------------------------------

const variantName = (id: VariantId) => VARIANTS.find(v => v.id === id)!.name;
const perRound = (values: number[], fmt: (v: number) => string) => values.map(fmt).join(" / ");
const size = (bytes: number) => (bytes >= GiB ? `${(bytes / GiB).toFixed(bytes % GiB ? 2 : 0)} GiB` : `${Math.round(bytes / MiB)} MiB`);
const mib = (bytes: number | undefined) => (bytes === undefined ? "—" : `${(bytes / MiB).toFixed(1)}`);

function table(header: string[], rows: string[][]): string {
    return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map(r => `| ${r.join(" | ")} |`)].join("\n");
}

function smallTable(results: BenchResults): { table: string; notes: string[] } {
    const m = (id: VariantId) => smallMedians(results, id);
    const [a, b, c, d, e] = [m("a"), m("b"), m("c"), m("d"), m("e")];
    const micros = (ms: number) => (Number.isFinite(ms) ? fmtInt(1000 * ms) : "—");
    const rows = VARIANTS.map(v => {
        const x = m(v.id);
        return [`(${v.id}) ${v.name}`, fmtInt(x.requestsPerSecond), fmtMs(x.p50), fmtMs(x.p99), fmtRatio(x.requestsPerSecond / b.requestsPerSecond),
            micros(x.nginxCpuMs), perRound(x.rounds.map(r => r.requestsPerSecond), fmtInt)];
    });
    const cores = results.environment.cores;
    const authCost = 100 * (1 - c.requestsPerSecond / b.requestsPerSecond);
    const notes = [
        `**(a)** The stand-in alone, over plain HTTP, answers ${fmtInt(a.requestsPerSecond)} requests/s with wrk on the same ${cores} cores: ` +
            "the reference, not a target: every nginx row adds TLS, a second hop and nginx's own work on the same cores.",
        `**(b)** TLS termination and proxying without a password check: ${fmtInt(b.requestsPerSecond)} requests/s, ${fmtRatio(b.requestsPerSecond / a.requestsPerSecond)} × (a); ` +
            `nginx spends ${micros(b.nginxCpuMs)} µs of CPU per request (a core of its own would serve about ${fmtInt(roughly(1000 / b.nginxCpuMs))} requests/s): what any HTTPS proxy in front of MLflow costs here.`,
        `**(c)** As deployed: ${fmtInt(c.requestsPerSecond)} requests/s, ${fmtRatio(c.requestsPerSecond / b.requestsPerSecond)} × (b), p99 ${fmtMs(c.p99)} ms; ` +
            `nginx spends ${micros(c.nginxCpuMs)} µs per request, ${micros(c.nginxCpuMs - b.nginxCpuMs)} µs more than (b), for decoding the header, reading the htpasswd file and one salted SHA-1` +
            (authCost > 0 ? `: the password check costs ${fmtInt(authCost)} % of the proxy's throughput.` : `: the password check is lost in the noise between rounds.`),
        `**(d)** The seed's \`$apr1$\` hashes: ${fmtInt(d.requestsPerSecond)} requests/s; (c) serves ${fmtRatio(c.requestsPerSecond / d.requestsPerSecond)} × as many. ` +
            `nginx spends ${micros(d.nginxCpuMs)} µs per request (${fmtRatio(d.nginxCpuMs / c.nginxCpuMs)} × (c)): 1,000 rounds of MD5 on every request, nothing cached.`,
        `**(e)** bcrypt cost 10 (what \`bcryptHash\` gives): ${fmtInt(e.requestsPerSecond)} requests/s, median latency ${fmtMs(e.p50)} ms: ` +
            `nginx spends ${fmtMs(e.nginxCpuMs)} ms of CPU per request, during which its worker serves nobody else, so one UI page of ${PAGE.length} requests ` +
            `costs ${(PAGE.length * e.nginxCpuMs / 1000).toFixed(1)} s of CPU. A slow hash protects guessable passwords; these are 40 random characters.`,
    ];
    return {
        table: table(["variant", "requests/s (median)", "p50 ms", "p99 ms", "× (b)", "nginx CPU µs/request", "requests/s per round"], rows),
        notes,
    };
}

function pageTable(results: BenchResults): { table: string; notes: string[] } {
    const ids = [...new Set(results.pages.map(p => p.variant))];
    const rows = ids.map(id => {
        const m = pageMedians(results, id);
        return [`(${id}) ${variantName(id)}`, fmtInt(m.pages), fmtMs(m.handshakeP50), fmtMs(m.requestP50), fmtMs(m.requestP99), fmtMs(m.pageP50), fmtMs(m.pageP99),
            perRound(m.rounds.map(r => r.pageP50), fmtMs), perRound(m.rounds.map(r => r.pageP99), fmtMs)];
    });
    const notes: string[] = [];
    const b = pageMedians(results, "b");
    for (const id of ids) {
        const m = pageMedians(results, id);
        if (id === "b") {
            notes.push(`**(b)** Without auth a page of ${PAGE.length} requests over a new connection takes ${fmtMs(m.pageP50)} ms at the median and ${fmtMs(m.pageP99)} ms at p99 ` +
                `with ${PAGE_CLIENTS} clients loading pages at once; the handshake alone takes ${fmtMs(m.handshakeP50)} ms.`);
        } else {
            notes.push(`**(${id})** ${variantName(id)}: page p50 ${fmtMs(m.pageP50)} ms (${fmtRatio(m.pageP50 / b.pageP50)} × (b)), p99 ${fmtMs(m.pageP99)} ms ` +
                `(${fmtRatio(m.pageP99 / b.pageP99)} × (b)); per request p50 ${fmtMs(m.requestP50)} ms` +
                (id === "c" ? ": the password check is not visible in a page load." : id === "d" ? ": what a user of the seed's setup waits for on every page." : "."));
        }
    }
    return {
        table: table(["variant", "pages", "handshake p50 ms", "request p50 ms", "request p99 ms", "page p50 ms", "page p99 ms", "page p50 per round", "page p99 per round"], rows),
        notes,
    };
}

function transferTable(results: BenchResults): { table: string; notes: string[] } {
    const rows: string[][] = [];
    const notes: string[] = [];
    const cores = results.environment.cores;
    const gib = results.options.artifactBytes / GiB;
    const cpuCell = (m: ReturnType<typeof transferMedians>) =>
        [m.cpu.nginx, m.cpu.standin, m.cpu.client].map(v => (Number.isFinite(v) ? v.toFixed(2) : "—")).join(" / ");
    const row = (label: string, m: ReturnType<typeof transferMedians>, direct: ReturnType<typeof transferMedians>) =>
        rows.push([label, fmtInt(m.mbPerSecond), fmtRatio(m.mbPerSecond / direct.mbPerSecond), perRound(m.rounds.map(r => r.mbPerSecond), fmtInt),
            cpuCell(m), mib(m.maxGrowthBytes), m === direct ? "—" : String(m.tempFiles.length), m.sha256Ok ? "equal" : "DIFFERENT"]);
    for (const direction of ["upload", "download"] as const) {
        const direct = transferMedians(results, direction, "standin");
        const nginx = transferMedians(results, direction, "nginx");
        row(`${direction} directly to the stand-in (HTTP)`, direct, direct);
        row(`${direction} through nginx (HTTPS, as rendered)`, nginx, direct);
        const verb = direction === "upload" ? "An upload (PUT)" : "A download (GET)";
        const total = (m: typeof nginx) => (Number.isFinite(m.cpu.nginx) ? m.cpu.nginx : 0) + m.cpu.standin + m.cpu.client;
        notes.push(`**${direction}** ${verb} of ${size(results.options.artifactBytes)} runs at ${fmtInt(nginx.mbPerSecond)} MB/s through nginx against ` +
            `${fmtInt(direct.mbPerSecond)} MB/s straight to the stand-in (${fmtRatio(nginx.mbPerSecond / direct.mbPerSecond)} ×), ` +
            `while nginx's memory grew by ${mib(nginx.maxGrowthBytes)} MiB at most and it wrote ${nginx.tempFiles.length ? nginx.tempFiles.length + " temporary files" : "no temporary file"} ` +
            (direction === "upload" ? "(the body streams on to the stand-in through a fixed buffer: no request buffering). " : "(nginx reads the file from MLflow's store itself, through a fixed pair of buffers; the stand-in is not involved). ") +
            `nginx used ${(nginx.cpu.nginx / gib).toFixed(2)} CPU-seconds per GiB, i.e. one core moves about ${fmtInt(roughly(results.options.artifactBytes / nginx.cpu.nginx / 1e6))} MB/s through it; ` +
            `the whole path used ${total(nginx).toFixed(1)} CPU-seconds in ${nginx.seconds.toFixed(1)} s through nginx against ${total(direct).toFixed(1)} in ${direct.seconds.toFixed(1)} s directly, ` +
            `on ${cores} cores shared by client, proxy and stand-in.`);
        if (direction === "download") {
            const proxied = transferMedians(results, "download", "nginx-proxied");
            row("download from MLflow through nginx (HTTPS, `/get-artifact`, proxied)", proxied, direct);
            notes.push(`**download from MLflow** The UI's file viewer (\`/get-artifact\`) is answered by MLflow, so there nginx passes the stand-in's stream on: ` +
                `${fmtInt(proxied.mbPerSecond)} MB/s (${fmtRatio(proxied.mbPerSecond / direct.mbPerSecond)} × direct), nginx memory +${mib(proxied.maxGrowthBytes)} MiB at most, ` +
                `${proxied.tempFiles.length ? proxied.tempFiles.length + " temporary files" : "no temporary file"} (the answer streams through the proxy buffers, never to disk), ` +
                `nginx ${(proxied.cpu.nginx / gib).toFixed(2)} CPU-seconds per GiB. This is what every download cost before nginx served the artifact API's files itself; ` +
                "no target applies to it (the clients' downloads are the row above).");
        }
    }
    return {
        table: table(["transfer", "MB/s (median)", "× direct", "MB/s per round", "CPU s: nginx / stand-in / client", "nginx RSS growth MiB (max)", "temp files", "sha256"], rows),
        notes,
    };
}

export function renderConsole(results: BenchResults, targets: Target[]): string {
    const plain = (md: string) => md.replace(/\*\*/g, "");
    const parts = results.options.parts;
    return [
        ...(parts.includes("small") ? ["Small authenticated requests (wrk, keep-alive, HTTPS except (a))", plain(smallTable(results).table), ""] : []),
        ...(parts.includes("pages") ? [`UI page load (${PAGE_CLIENTS} clients, new TLS connection + ${PAGE.length} requests each)`, plain(pageTable(results).table), ""] : []),
        ...(parts.includes("artifacts") ? [`Artifacts (${size(results.options.artifactBytes)})`, plain(transferTable(results).table), ""] : []),
        ...targets.map(t => `${t.pass ? "PASS" : "FAIL"}  ${t.name}: ${t.measured}${results.options.smoke && !t.correctness ? " (not checked in --smoke)" : ""}`),
    ].join("\n");
}

export function renderMarkdown(results: BenchResults, targets: Target[]): string {
    const { environment: env, options } = results;
    const skipped = { table: `Not measured in this run (\`--only ${options.parts.join(",")}\`).`, notes: [] as string[] };
    const small = options.parts.includes("small") ? smallTable(results) : skipped;
    const pages = options.parts.includes("pages") ? pageTable(results) : skipped;
    const transfers = options.parts.includes("artifacts") ? transferTable(results) : skipped;
    const bullets = (lines: string[]) => lines.map(l => `- ${l}`).join("\n");
    const date = results.startedAt.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
    return `# Benchmarks: what the proxy costs

Generated by \`npm run bench\`${options.smoke ? " --smoke (tiny: numbers are not meaningful)" : ""} (bench/run.ts) on ${date}, in ${fmtInt(results.durationSeconds)} s.
Do not edit by hand: run the benchmark again. ${options.rounds} round(s) of ${options.seconds} s per measurement; every
variant is measured in every round, in an order rotated from round to round; tables show medians
over rounds, then the value of each round.

Real nginx (Debian's build of the version the image pins) runs the exact bytes \`npm run render -- --stack dev\`
writes, in front of the MLflow stand-in (harness/mlflowStandin.ts, one Node process), inside
private network, mount and PID namespaces (harness/nginxSandbox.ts): everything on loopback,
load generator, nginx and stand-in sharing the same cores, nothing pinned. The stand-in answers in
microseconds where MLflow needs milliseconds, so these numbers show nginx's own cost at its most
visible; with the real server behind it the proxy's share is smaller still.

## Machine and versions

| | |
|---|---|
| CPU | ${env.cores} cores, ${env.cpuModel} |
| memory | ${env.memory} |
| kernel | ${env.kernel} |
| nginx | ${env.nginx} (built with ${env.nginxOpenssl}), Debian sid root |
| Node | ${env.node} (stand-in and page-load client) |
| wrk | ${env.wrk} |
| OpenSSL (wrk, curl) | ${env.openssl} |
| curl | ${env.curl} |

## What is compared

${bullets(VARIANTS.map(v => `**(${v.id}) ${v.name}**: ${v.description}`))}

Variants (b)-(e) are switched by rewriting the bind-mounted nginx.conf / htpasswd and \`nginx -s reload\`;
each is checked before it is measured (200 with credentials; without them 401, or 200 for (b)),
warmed up for ${WARMUP_SECONDS} s, and every measured answer must be a 200. (d) and (e) keep the rendered
configuration's \`worker_processes ${results.workerProcesses}\`${results.workerProcesses === "1"
        ? ", so their hashing gets one core; with `worker_processes auto` (the\nimage's default) it would get both, at most twice the rate"
        : ""}. nginx's CPU time comes from /proc
(master and workers, user + system) over the measured seconds.

The rendered configuration's choices, and what each bought in this benchmark, are in the comments of
lib/render/nginx.ts; \`node dist/bench/compare.js BEFORE.conf AFTER.conf\` measures a change to it side by
side, alternating, the way this file's numbers are measured.

## 1. Small authenticated requests

\`wrk -t${WRK.threads} -c${WRK.connections} -d${options.seconds}s --latency\` with keep-alive, \`GET /api/2.0/mlflow/experiments/search?max_results=10\`
with \`Authorization: Basic …\` and \`Host: <public IP>\`; HTTPS (TLS 1.3, HTTP/1.1) to nginx on the sample
public IP, except (a), which is plain HTTP to the stand-in's port.

${small.table}

${bullets(small.notes)}

## 2. UI page load

${PAGE_CLIENTS} clients at once, each opening a new TLS connection (full handshake, certificate verified,
no session resumption), sending ${PAGE.length} authenticated requests over it one after another (\`GET /\`, then
${PAGE.length - 1} × \`GET /ajax-api/2.0/mlflow/experiments/search\`), closing it and starting the next page,
for ${options.seconds} s (bench/pageLoad.ts, HTTP/1.1 on raw TLS sockets). A request's latency runs from writing
it to the last byte of its answer; the first one's includes TCP connect and handshake. A page runs from
connect to the last answer. (e) is left out: at bcrypt's rate one round would take minutes (see (e) above).

${pages.table}

${bullets(pages.notes)}

## 3. Artifacts

One ${size(options.artifactBytes)} file of random bytes, \`PUT\` and then \`GET\` on
\`/api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/model.bin\` (a run's artifact) with curl (HTTP/1.1, like MLflow's
Python client): through nginx as rendered (HTTPS, auth) or straight to the stand-in (plain HTTP).
Through nginx, as deployed, the upload streams on to the stand-in, and the download is a file nginx
reads itself from MLflow's artifact store (the stand-in's storage directory, mounted where the compose
file mounts MLflow's store; \`artifactDownloads()\` in lib/render/nginx.ts); directly, the stand-in
streams the same file. The source and the stand-in's storage live in a tmpfs, so the disk is not
what is measured; unmeasured
128 MiB transfers each way and one full-size upload warm both paths up first. MB/s = 10^6 bytes/s
over curl's total time.

- nginx's memory: the sum of VmRSS of master and workers from /proc every 50 ms during the transfer,
  minus its median at rest just before.
- Temporary files: nginx's temp directories and the files its workers hold open, every 100 ms, as the
  proxy end-to-end test checks them.
- Integrity: sha256 of what arrived against the source's: the stand-in's stored file after an upload;
  a download is piped from curl into \`openssl dgst -sha256\` as it arrives, in both paths alike (no file
  is written: filling GiBs of fresh memory pages costs more on this machine than the proxy does).
- CPU time (user + system, from /proc and the shell's \`times\`) of nginx, the stand-in and the client
  (curl, plus openssl for a download) during each transfer: where the cores went. The client runs on
  the same cores here; on a real deployment it does not.

${transfers.table}

${bullets(transfers.notes)}

## Targets

${table(["target", "measured", "result"], targets.map(t => [t.name, t.measured, options.smoke && !t.correctness ? `${t.pass ? "pass" : "fail"} (not checked in --smoke)` : t.pass ? "PASS" : "FAIL"]))}
`;
}
