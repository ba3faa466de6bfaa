// Runs the real host scripts (host/*) against temporary directories, with stand-ins for the
// commands that need AWS or Docker (aws, docker, certbot) that record how they were called.
import { spawn, spawnSync } from "child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../../lib/projectRoot";
import { shellQuote } from "../../harness/namespace";

/** The scripts under test; MLFLOW_TEST_HOST_DIR points elsewhere, e.g. at an older version to see a test fail. */
export const HOST_DIR = process.env.MLFLOW_TEST_HOST_DIR ?? path.join(projectRoot(), "host");

/** Keys a test may set in the env file although host.env does not define them: the scripts' test hooks. */
const TEST_HOOKS = new Set(["DATA_DEVICE", "FSTAB", "FETCH_ATTEMPTS", "FETCH_RETRY_SECONDS"]);

export interface RunResult {
    status: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    ms: number;
}

const FIELD = "\x1f";

/** A temporary directory with a bin/ for stand-in commands; remove() cleans it up. */
export class Sandbox {
    readonly dir: string;
    readonly bin: string;
    private readonly calls: string;

    constructor(prefix: string) {
        this.dir = mkdtempSync(path.join(os.tmpdir(), `mlflow-${prefix}-`));
        this.bin = path.join(this.dir, "bin");
        this.calls = path.join(this.dir, "calls");
        mkdirSync(this.bin);
        mkdirSync(this.calls);
    }

    path(...parts: string[]): string {
        return path.join(this.dir, ...parts);
    }

    /** Makes a directory inside the sandbox and returns its path. */
    mkdir(...parts: string[]): string {
        const dir = this.path(...parts);
        mkdirSync(dir, { recursive: true });
        return dir;
    }

    /**
     * A stand-in for `name` on PATH: records its arguments, then runs `body` (bash). Unless the
     * body exits, it exits with the number in <sandbox>/calls/<name>.exit (0 when absent).
     */
    fake(name: string, body = ""): void {
        const log = path.join(this.calls, `${name}.log`);
        const exitFile = path.join(this.calls, `${name}.exit`);
        writeFileSync(path.join(this.bin, name), [
            "#!/bin/bash",
            `{ printf '%s${FIELD}' "$@"; printf '\\n'; } >>${quote(log)}`,
            body,
            `exit "$(cat ${quote(exitFile)} 2>/dev/null || echo 0)"`,
            "",
        ].join("\n"));
        chmodSync(path.join(this.bin, name), 0o755);
    }

    /** Makes the stand-in `name` exit with `code` from now on. */
    fakeExit(name: string, code: number): void {
        writeFileSync(path.join(this.calls, `${name}.exit`), `${code}\n`);
    }

    /** The argument lists of every call of the stand-in `name` so far. */
    callsOf(name: string): string[][] {
        const log = path.join(this.calls, `${name}.log`);
        if (!existsSync(log)) return [];
        return readFileSync(log, "utf8").split("\n").filter(line => line !== "")
            .map(line => line.split(FIELD).slice(0, -1));
    }

    clearCalls(name: string): void {
        rmSync(path.join(this.calls, `${name}.log`), { force: true });
    }

    /**
     * Writes an env file for the scripts: the rendered host.env followed by overrides (the later
     * assignment wins when bash sources it). Overrides must name keys host.env defines, so that a
     * renamed setting cannot pass unnoticed; test hooks are the exception.
     */
    envFile(hostEnvText: string, overrides: Record<string, string>, name = "host.env"): string {
        for (const key of Object.keys(overrides)) {
            if (!TEST_HOOKS.has(key) && !new RegExp(`^${key}=`, "m").test(hostEnvText)) {
                throw new Error(`host.env defines no ${key}; the scripts would not get it on a real host`);
            }
        }
        const file = this.path(name);
        writeFileSync(file, hostEnvText + Object.entries(overrides).map(([key, value]) => `${key}=${quote(value)}\n`).join(""));
        return file;
    }

    /** Environment for a script run: the stand-ins first on PATH, the env file as MLFLOW_HOST_ENV. */
    env(envFile: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
        return {
            PATH: `${this.bin}:${process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin"}`,
            HOME: this.dir,
            LANG: "C.UTF-8",
            MLFLOW_HOST_ENV: envFile,
            ...extra,
        };
    }

    remove(): void {
        rmSync(this.dir, { recursive: true, force: true });
    }
}

export const quote = shellQuote;

/** Runs host/<script> with the given environment and arguments. */
export function runHostScript(script: string, env: NodeJS.ProcessEnv, args: string[] = [], timeoutMs = 20_000): RunResult {
    return runCommand(path.join(HOST_DIR, script), args, env, timeoutMs);
}

export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): RunResult {
    const start = Date.now();
    const result = spawnSync(command, args, { env, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
    if (result.error && (result.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") throw result.error;
    return { status: result.status, signal: result.signal, stdout: result.stdout ?? "", stderr: result.stderr ?? "", ms: Date.now() - start };
}

/** The same, without blocking the event loop (for tests that run another process meanwhile). */
export function runCommandAsync(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<RunResult> {
    const start = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, killSignal: "SIGKILL" });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", chunk => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", chunk => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - start }));
    });
}

/** Runs sqlite3 on a database file and returns its output lines. */
export function sqlite(db: string, ...statements: string[]): string[] {
    const result = spawnSync("sqlite3", ["-bail", db, ...statements], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`sqlite3 ${db} ${statements.join(" ")}: ${result.stderr}`);
    return result.stdout.split("\n").filter(line => line !== "");
}

/** Describes a failed run for assertion messages. */
export function describeRun(result: RunResult): string {
    return `exit ${result.status}${result.signal ? ` (signal ${result.signal})` : ""} after ${result.ms} ms\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}
