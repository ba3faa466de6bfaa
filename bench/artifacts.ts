// Artifact transfers: one big PUT and one big GET of /api/2.0/mlflow-artifacts/artifacts/...,
// through nginx (HTTPS, as rendered: the PUT goes on to MLflow, the GET is read by nginx from
// MLflow's store, mounted read-only) or straight to MLflow (plain HTTP), made by curl over
// HTTP/1.1 (what MLflow's Python client, `requests`, speaks). While a transfer runs, nginx's
// memory (RSS of master and workers, from /proc) is sampled every 50 ms and its temporary files
// are looked for the way the proxy end-to-end test does (NginxSandbox.tempFiles(): files in the
// temp dirs and temp files a worker holds open).
import { rmSync } from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { sha256File } from "../harness/httpClient";
import { run } from "../harness/namespace";
import { NginxSandbox } from "../harness/nginxSandbox";
import { cpuSeconds, nginxCpuSeconds, nginxRss } from "./nginxProcesses";
import { median, sleep } from "./stats";

export interface TransferTarget {
    /** MLflow directly, nginx as rendered, or nginx passing a download on from MLflow (the UI's file viewer). */
    kind: "mlflow" | "nginx" | "nginx-proxied";
    /** Base URL, e.g. https://203.0.113.10 or http://127.0.0.5:5000. */
    baseUrl: string;
    /** Extra curl arguments: --cacert for nginx, a Host header for MLflow (its Host check). */
    curlArgs: string[];
    /** Path and query of the download, when it is not the artifact API's (/get-artifact?path=...&run_uuid=...). */
    downloadPath?: string;
}

export interface TransferResult {
    direction: "upload" | "download";
    target: TransferTarget["kind"];
    bytes: number;
    seconds: number;
    /** 10^6 bytes per second. */
    mbPerSecond: number;
    /** Peak of (sum of RSS of nginx's master and workers) minus its idle median before the transfer; only through nginx. */
    nginxRssGrowthBytes?: number;
    /** Temporary files seen while it ran (only through nginx). */
    tempFiles: string[];
    sha256Ok: boolean;
    /** CPU time used during the transfer by nginx (master + workers; only through nginx), MLflow (all its processes) and the client (curl, plus openssl hashing a download). */
    cpuSeconds: { nginx?: number; mlflow: number; client: number };
}

/** Samples nginx's RSS every `intervalMs` and collects temporary files every other sample, until stopped. */
class NginxWatch {
    private readonly samples: number[] = [];
    private readonly temp = new Set<string>();
    private timer?: NodeJS.Timeout;
    private ticks = 0;

    constructor(private readonly sandbox: NginxSandbox, private readonly intervalMs = 50) {}

    start(): void {
        this.timer = setInterval(() => {
            this.samples.push(nginxRss(this.sandbox));
            if (this.ticks++ % 2 === 0) this.sandbox.tempFiles().forEach(file => this.temp.add(file));
        }, this.intervalMs);
    }

    stop(): { peak: number; tempFiles: string[] } {
        clearInterval(this.timer);
        this.samples.push(nginxRss(this.sandbox));
        this.sandbox.tempFiles().forEach(file => this.temp.add(file));
        return { peak: Math.max(...this.samples), tempFiles: [...this.temp] };
    }
}

/** nginx's RSS at rest: the median of samples over `ms`. */
async function idleRss(sandbox: NginxSandbox, ms = 300): Promise<number> {
    const samples: number[] = [];
    for (const end = performance.now() + ms; performance.now() < end;) {
        samples.push(nginxRss(sandbox));
        await sleep(50);
    }
    return median(samples);
}

interface CurlOutcome { http_code: number; time_total: number; size_upload: number; size_download: number; errormsg?: string | null }

interface CurlRun {
    outcome: CurlOutcome;
    /** sha256 of the response body, when it was piped into `openssl dgst`. */
    sha256?: string;
    /** CPU time of curl and, for a download, of openssl hashing it; user + system. */
    clientCpuSeconds: number;
}

const JSON_MARK = "BENCH-CURL-JSON ";

/**
 * curl in bash, its -w report on stderr; a response body goes either to /dev/null or, for a
 * download, through a pipe into `openssl dgst -sha256`: the integrity of exactly the bytes that
 * were measured, without writing a file (filling GiBs of fresh memory pages costs more here than
 * the proxy does), by the cheapest hasher at hand (C, SHA extensions: about 1.6 CPU-seconds for
 * 2 GiB here, against 2.5 for hashing in this Node process). bash's `times` gives the CPU time of
 * both.
 */
async function curl(args: string[], options: { hashBody: boolean; timeoutMs: number }): Promise<CurlRun> {
    const script = options.hashBody
        ? `set -o pipefail; curl "$@" -o - | openssl dgst -sha256 -r; status=$?; times >&2; exit $status`
        : `curl "$@" -o /dev/null; status=$?; times >&2; exit $status`;
    const curlArgs = ["-sS", "--http1.1", "-w", `%{stderr}${JSON_MARK}%{json}\n`, ...args];
    const result = await run("bash", ["-c", script, "bash", ...curlArgs], { timeoutMs: options.timeoutMs });
    const line = result.stderr.split("\n").find(l => l.startsWith(JSON_MARK));
    if (!line) throw new Error(`curl ${args.join(" ")}: no result (${result.code ?? result.signal}): ${result.stderr}`);
    const outcome = JSON.parse(line.slice(JSON_MARK.length)) as CurlOutcome;
    if (result.code !== 0 || outcome.http_code !== 200) {
        throw new Error(`curl ${args.join(" ")}: exit ${result.code}, HTTP ${outcome.http_code}: ${result.stderr}${outcome.errormsg ?? ""}`);
    }
    // `times`: the shell's own user/system time, then its children's ("0m1.234s 0m0.567s").
    const children = result.stderr.trim().split("\n").at(-1) ?? "";
    const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
    return { outcome, sha256: options.hashBody ? /^([0-9a-f]{64})/.exec(result.stdout)?.[1] : undefined, clientCpuSeconds: seconds };
}

export interface TransferOptions {
    sandbox: NginxSandbox;
    target: TransferTarget;
    /** MLflow's processes, for their CPU time. */
    mlflowPids: () => number[];
    /** Basic auth header value for the artifact requests. */
    authorization: string;
    /** Path under /api/2.0/mlflow-artifacts/artifacts/. */
    artifactPath: string;
    /** MLflow's artifact store ... */
    artifactRoot: string;
    /** ... and the file in it where MLflow stores this artifact (to check what arrived, and to free the space before the next upload). */
    storedFile: string;
    sourceFile: string;
    sourceSha256: string;
    bytes: number;
}

export type TransferRound = TransferResult & { round: number };

export async function transfer(direction: TransferResult["direction"], options: TransferOptions): Promise<TransferResult> {
    const { sandbox, target } = options;
    const url = direction === "download" && target.downloadPath
        ? `${target.baseUrl}${target.downloadPath}`
        : `${target.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${options.artifactPath}`;
    // Generous: a transfer slower than 5 MB/s is broken, not slow.
    const timeoutMs = 60_000 + (options.bytes / 5e6) * 1000;
    const common = [...target.curlArgs, "-H", `Authorization: ${options.authorization}`];
    const args = direction === "upload"
        // No "Expect: 100-continue" round trip: MLflow's client (requests) does not send it.
        ? [...common, "-T", options.sourceFile, "-H", "Expect:", "-H", "Content-Type: application/octet-stream", url]
        : [...common, url];
    if (path.relative(options.artifactRoot, options.storedFile).startsWith("..")) throw new Error(`${options.storedFile} is not in ${options.artifactRoot}`);
    if (direction === "upload") rmSync(options.storedFile, { force: true });

    const throughNginx = target.kind !== "mlflow";
    const mlflowCpu = () => options.mlflowPids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const baseline = throughNginx ? await idleRss(sandbox) : 0;
    const watch = throughNginx ? new NginxWatch(sandbox) : undefined;
    const cpuBefore = { nginx: nginxCpuSeconds(sandbox), mlflow: mlflowCpu() };
    watch?.start();
    let result: CurlRun;
    let watched: ReturnType<NginxWatch["stop"]> | undefined;
    try {
        result = await curl(args, { hashBody: direction === "download", timeoutMs });
    } finally {
        watched = watch?.stop();
    }
    const cpu = {
        nginx: throughNginx ? nginxCpuSeconds(sandbox) - cpuBefore.nginx : undefined,
        mlflow: mlflowCpu() - cpuBefore.mlflow,
        client: result.clientCpuSeconds,
    };
    const { outcome } = result;
    const moved = direction === "upload" ? outcome.size_upload : outcome.size_download;
    if (moved !== options.bytes) throw new Error(`${direction} via ${target.kind}: moved ${moved} bytes, expected ${options.bytes}`);
    const arrived = direction === "upload" ? await sha256File(options.storedFile) : result.sha256;
    return {
        direction,
        target: target.kind,
        bytes: options.bytes,
        seconds: outcome.time_total,
        mbPerSecond: options.bytes / outcome.time_total / 1e6,
        nginxRssGrowthBytes: watched ? Math.max(0, watched.peak - baseline) : undefined,
        tempFiles: watched?.tempFiles ?? [],
        sha256Ok: arrived === options.sourceSha256,
        cpuSeconds: cpu,
    };
}
