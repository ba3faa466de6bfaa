// Where MLflow's threads are during a load level, sampled from /proc: on a CPU, or asleep in
// (clock_)nanosleep, which in MLflow's request path is SQLite's busy handler backing off while
// another connection holds the database's write lock (Python's sqlite3 gives every connection a
// busy timeout, and SQLite then sleeps 1, 2, 5, ... up to 100 ms between tries). This is how the
// benchmark shows what bounds a level that is not carried while cores are left idle.
import { readdirSync, readFileSync } from "fs";

/** nanosleep and clock_nanosleep, by the kernel's syscall numbers of this machine's architecture. */
const SLEEP_SYSCALLS: Partial<Record<NodeJS.Architecture, number[]>> = { x64: [35, 230], arm64: [101, 115] };

export interface ThreadCounts { running: number; inBusyWait: number }

/** The threads of `pids` on a CPU (state R) and asleep in a sleep syscall, now. */
export function countThreads(pids: number[]): ThreadCounts {
    const sleeps = SLEEP_SYSCALLS[process.arch];
    if (!sleeps) throw new Error(`no syscall numbers of nanosleep for ${process.arch}`);
    const counts: ThreadCounts = { running: 0, inBusyWait: 0 };
    for (const pid of pids) {
        let tids: string[];
        try { tids = readdirSync(`/proc/${pid}/task`); } catch { continue; /* gone meanwhile */ }
        for (const tid of tids) {
            try {
                const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
                if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "R") {
                    counts.running++;
                } else if (sleeps.includes(Number(readFileSync(`/proc/${pid}/task/${tid}/syscall`, "utf8").split(" ")[0]))) {
                    counts.inBusyWait++;
                }
            } catch { /* the thread ended meanwhile */ }
        }
    }
    return counts;
}
