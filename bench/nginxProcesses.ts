// nginx's processes as /proc shows them: memory (RSS, PSS) and CPU time of the master and its workers.
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { NginxSandbox } from "../harness/nginxSandbox";
import { sleep } from "./stats";

const pidsOf = (sandbox: NginxSandbox) =>
    [sandbox.masterPid, ...sandbox.workerPids()].filter((pid): pid is number => pid !== undefined);

/** Resident set size of a process in bytes (0 once it is gone). */
export function rssBytes(pid: number): number {
    try {
        const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : 0;
    } catch {
        return 0;
    }
}

/** The sum of RSS of nginx's master and workers, in bytes. */
export function nginxRss(sandbox: NginxSandbox): number {
    return pidsOf(sandbox).reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/** RSS and PSS (shared pages split between the processes that map them) of nginx's master and workers together, in bytes. */
export function nginxMemory(sandbox: NginxSandbox): { rss: number; pss: number } {
    const total = { rss: 0, pss: 0 };
    for (const pid of pidsOf(sandbox)) {
        let rollup = "";
        try { rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"); } catch { continue; }
        total.rss += 1024 * Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
        total.pss += 1024 * Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    }
    return total;
}

/** User + system CPU time of a process, in clock ticks (0 once it is gone). */
function cpuTicks(pid: number): number {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
        return 0;
    }
}

let clockTicks: number | undefined;
/** Clock ticks per second (USER_HZ), as /proc/<pid>/stat counts CPU time. */
function ticksPerSecond(): number {
    clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    return clockTicks;
}

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
    return cpuTicks(pid) / ticksPerSecond();
}

/** CPU time nginx's master and workers have used so far, in seconds. */
export function nginxCpuSeconds(sandbox: NginxSandbox): number {
    return pidsOf(sandbox).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/**
 * Waits until nginx's processes are idle (at most one clock tick of CPU in 200 ms), e.g. while
 * workers still work off requests a load generator left behind (bcrypt: seconds), so that the
 * next measurement starts from rest. Bounded by timeoutMs; returns whether it settled.
 */
export async function waitForNginxIdle(sandbox: NginxSandbox, timeoutMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let before = pidsOf(sandbox).reduce((sum, pid) => sum + cpuTicks(pid), 0);
    while (Date.now() < deadline) {
        await sleep(200);
        const now = pidsOf(sandbox).reduce((sum, pid) => sum + cpuTicks(pid), 0);
        if (now - before <= 1) return true;
        before = now;
    }
    return false;
}
