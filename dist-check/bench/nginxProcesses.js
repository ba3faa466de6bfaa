"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.rssBytes = rssBytes;
exports.nginxRss = nginxRss;
exports.nginxMemory = nginxMemory;
exports.cpuSeconds = cpuSeconds;
exports.nginxCpuSeconds = nginxCpuSeconds;
exports.waitForNginxIdle = waitForNginxIdle;
// nginx's processes as /proc shows them: memory (RSS, PSS) and CPU time of the master and its workers.
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const stats_1 = require("./stats");
const pidsOf = (sandbox) => [sandbox.masterPid, ...sandbox.workerPids()].filter((pid) => pid !== undefined);
/** Resident set size of a process in bytes (0 once it is gone). */
function rssBytes(pid) {
    try {
        const match = /^VmRSS:\s+(\d+) kB/m.exec((0, fs_1.readFileSync)(`/proc/${pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : 0;
    }
    catch {
        return 0;
    }
}
/** The sum of RSS of nginx's master and workers, in bytes. */
function nginxRss(sandbox) {
    return pidsOf(sandbox).reduce((sum, pid) => sum + rssBytes(pid), 0);
}
/** RSS and PSS (shared pages split between the processes that map them) of nginx's master and workers together, in bytes. */
function nginxMemory(sandbox) {
    const total = { rss: 0, pss: 0 };
    for (const pid of pidsOf(sandbox)) {
        let rollup = "";
        try {
            rollup = (0, fs_1.readFileSync)(`/proc/${pid}/smaps_rollup`, "utf8");
        }
        catch {
            continue;
        }
        total.rss += 1024 * Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
        total.pss += 1024 * Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    }
    return total;
}
/** User + system CPU time of a process, in clock ticks (0 once it is gone). */
function cpuTicks(pid) {
    try {
        const stat = (0, fs_1.readFileSync)(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(fields[11]) + Number(fields[12]); // utime, stime
    }
    catch {
        return 0;
    }
}
let clockTicks;
/** Clock ticks per second (USER_HZ), as /proc/<pid>/stat counts CPU time. */
function ticksPerSecond() {
    clockTicks ??= Number((0, child_process_1.execFileSync)("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    return clockTicks;
}
/** CPU time (user + system) a process has used so far, in seconds. */
function cpuSeconds(pid) {
    return cpuTicks(pid) / ticksPerSecond();
}
/** CPU time nginx's master and workers have used so far, in seconds. */
function nginxCpuSeconds(sandbox) {
    return pidsOf(sandbox).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}
/**
 * Waits until nginx's processes are idle (at most one clock tick of CPU in 200 ms), e.g. while
 * workers still work off requests a load generator left behind (bcrypt: seconds), so that the
 * next measurement starts from rest. Bounded by timeoutMs; returns whether it settled.
 */
async function waitForNginxIdle(sandbox, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let before = pidsOf(sandbox).reduce((sum, pid) => sum + cpuTicks(pid), 0);
    while (Date.now() < deadline) {
        await (0, stats_1.sleep)(200);
        const now = pidsOf(sandbox).reduce((sum, pid) => sum + cpuTicks(pid), 0);
        if (now - before <= 1)
            return true;
        before = now;
    }
    return false;
}
//# sourceMappingURL=nginxProcesses.js.map