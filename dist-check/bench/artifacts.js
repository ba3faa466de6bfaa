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
exports.transfer = transfer;
// Artifact transfers: one big PUT and one big GET of /api/2.0/mlflow-artifacts/artifacts/...,
// through nginx (HTTPS, as rendered: the PUT goes on to MLflow, the GET is read by nginx from
// MLflow's store, mounted read-only) or straight to MLflow (plain HTTP), made by curl over
// HTTP/1.1 (what MLflow's Python client, `requests`, speaks). While a transfer runs, nginx's
// memory (RSS of master and workers, from /proc) is sampled every 50 ms and its temporary files
// are looked for the way the proxy end-to-end test does (NginxSandbox.tempFiles(): files in the
// temp dirs and temp files a worker holds open).
const fs_1 = require("fs");
const path = __importStar(require("path"));
const perf_hooks_1 = require("perf_hooks");
const httpClient_1 = require("../harness/httpClient");
const namespace_1 = require("../harness/namespace");
const nginxProcesses_1 = require("./nginxProcesses");
const stats_1 = require("./stats");
/** Samples nginx's RSS every `intervalMs` and collects temporary files every other sample, until stopped. */
class NginxWatch {
    sandbox;
    intervalMs;
    samples = [];
    temp = new Set();
    timer;
    ticks = 0;
    constructor(sandbox, intervalMs = 50) {
        this.sandbox = sandbox;
        this.intervalMs = intervalMs;
    }
    start() {
        this.timer = setInterval(() => {
            this.samples.push((0, nginxProcesses_1.nginxRss)(this.sandbox));
            if (this.ticks++ % 2 === 0)
                this.sandbox.tempFiles().forEach(file => this.temp.add(file));
        }, this.intervalMs);
    }
    stop() {
        clearInterval(this.timer);
        this.samples.push((0, nginxProcesses_1.nginxRss)(this.sandbox));
        this.sandbox.tempFiles().forEach(file => this.temp.add(file));
        return { peak: Math.max(...this.samples), tempFiles: [...this.temp] };
    }
}
/** nginx's RSS at rest: the median of samples over `ms`. */
async function idleRss(sandbox, ms = 300) {
    const samples = [];
    for (const end = perf_hooks_1.performance.now() + ms; perf_hooks_1.performance.now() < end;) {
        samples.push((0, nginxProcesses_1.nginxRss)(sandbox));
        await (0, stats_1.sleep)(50);
    }
    return (0, stats_1.median)(samples);
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
async function curl(args, options) {
    const script = options.hashBody
        ? `set -o pipefail; curl "$@" -o - | openssl dgst -sha256 -r; status=$?; times >&2; exit $status`
        : `curl "$@" -o /dev/null; status=$?; times >&2; exit $status`;
    const curlArgs = ["-sS", "--http1.1", "-w", `%{stderr}${JSON_MARK}%{json}\n`, ...args];
    const result = await (0, namespace_1.run)("bash", ["-c", script, "bash", ...curlArgs], { timeoutMs: options.timeoutMs });
    const line = result.stderr.split("\n").find(l => l.startsWith(JSON_MARK));
    if (!line)
        throw new Error(`curl ${args.join(" ")}: no result (${result.code ?? result.signal}): ${result.stderr}`);
    const outcome = JSON.parse(line.slice(JSON_MARK.length));
    if (result.code !== 0 || outcome.http_code !== 200) {
        throw new Error(`curl ${args.join(" ")}: exit ${result.code}, HTTP ${outcome.http_code}: ${result.stderr}${outcome.errormsg ?? ""}`);
    }
    // `times`: the shell's own user/system time, then its children's ("0m1.234s 0m0.567s").
    const children = result.stderr.trim().split("\n").at(-1) ?? "";
    const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
    return { outcome, sha256: options.hashBody ? /^([0-9a-f]{64})/.exec(result.stdout)?.[1] : undefined, clientCpuSeconds: seconds };
}
async function transfer(direction, options) {
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
    if (path.relative(options.artifactRoot, options.storedFile).startsWith(".."))
        throw new Error(`${options.storedFile} is not in ${options.artifactRoot}`);
    if (direction === "upload")
        (0, fs_1.rmSync)(options.storedFile, { force: true });
    const throughNginx = target.kind !== "mlflow";
    const mlflowCpu = () => options.mlflowPids().reduce((sum, pid) => sum + (0, nginxProcesses_1.cpuSeconds)(pid), 0);
    const baseline = throughNginx ? await idleRss(sandbox) : 0;
    const watch = throughNginx ? new NginxWatch(sandbox) : undefined;
    const cpuBefore = { nginx: (0, nginxProcesses_1.nginxCpuSeconds)(sandbox), mlflow: mlflowCpu() };
    watch?.start();
    let result;
    let watched;
    try {
        result = await curl(args, { hashBody: direction === "download", timeoutMs });
    }
    finally {
        watched = watch?.stop();
    }
    const cpu = {
        nginx: throughNginx ? (0, nginxProcesses_1.nginxCpuSeconds)(sandbox) - cpuBefore.nginx : undefined,
        mlflow: mlflowCpu() - cpuBefore.mlflow,
        client: result.clientCpuSeconds,
    };
    const { outcome } = result;
    const moved = direction === "upload" ? outcome.size_upload : outcome.size_download;
    if (moved !== options.bytes)
        throw new Error(`${direction} via ${target.kind}: moved ${moved} bytes, expected ${options.bytes}`);
    const arrived = direction === "upload" ? await (0, httpClient_1.sha256File)(options.storedFile) : result.sha256;
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
//# sourceMappingURL=artifacts.js.map