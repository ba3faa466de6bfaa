"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseDuration = parseDuration;
exports.parseWrk = parseWrk;
exports.runWrk = runWrk;
// Small authenticated requests with keep-alive, measured by wrk (C, epoll, one OpenSSL context
// per thread): its own numbers for requests/s and the latency distribution (`--latency`).
const namespace_1 = require("../harness/namespace");
const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
/** "512.00us" / "1.20ms" / "2.00s" -> milliseconds. */
function parseDuration(text) {
    const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
    if (!match)
        throw new Error(`wrk: cannot read the duration ${JSON.stringify(text)}`);
    return Number(match[1]) * UNIT_MS[match[2]];
}
/** Reads wrk's text report (wrk 4.1 with --latency). */
function parseWrk(output) {
    const number = (re, what) => {
        const match = re.exec(output);
        if (!match)
            throw new Error(`wrk: no ${what} in its output:\n${output}`);
        return match[1];
    };
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
    return {
        requestsPerSecond: Number(number(/Requests\/sec:\s+([\d.]+)/, "Requests/sec")),
        p50: parseDuration(number(/^\s+50%\s+(\S+)/m, "50% latency")),
        p99: parseDuration(number(/^\s+99%\s+(\S+)/m, "99% latency")),
        requests: Number(number(/(\d+) requests in /, "request count")),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
        socketErrors: socket ? socket.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0,
        raw: output,
    };
}
async function runWrk(options) {
    const args = [
        `-t${options.threads}`, `-c${options.connections}`, `-d${options.seconds}s`,
        "--latency", "--timeout", `${options.timeoutSeconds ?? 10}s`,
        ...Object.entries(options.headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
        options.url,
    ];
    const result = await (0, namespace_1.run)("wrk", args, { timeoutMs: (options.seconds + (options.timeoutSeconds ?? 10) + 30) * 1000 });
    if (result.code !== 0)
        throw new Error(`wrk ${args.join(" ")} failed (${result.code ?? result.signal}): ${result.stderr}${result.stdout}`);
    return parseWrk(result.stdout);
}
//# sourceMappingURL=wrk.js.map