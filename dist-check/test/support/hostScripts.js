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
exports.quote = exports.Sandbox = exports.HOST_DIR = void 0;
exports.runHostScript = runHostScript;
exports.runCommand = runCommand;
exports.runCommandAsync = runCommandAsync;
exports.sqlite = sqlite;
exports.describeRun = describeRun;
// Runs the real host scripts (host/*) against temporary directories, with stand-ins for the
// commands that need AWS or Docker (aws, docker, certbot) that record how they were called.
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const os = __importStar(require("os"));
const path = __importStar(require("path"));
const projectRoot_1 = require("../../lib/projectRoot");
const namespace_1 = require("../../harness/namespace");
/** The scripts under test; MLFLOW_TEST_HOST_DIR points elsewhere, e.g. at an older version to see a test fail. */
exports.HOST_DIR = process.env.MLFLOW_TEST_HOST_DIR ?? path.join((0, projectRoot_1.projectRoot)(), "host");
/** Keys a test may set in the env file although host.env does not define them: the scripts' test hooks. */
const TEST_HOOKS = new Set(["DATA_DEVICE", "FSTAB", "FETCH_ATTEMPTS", "FETCH_RETRY_SECONDS"]);
const FIELD = "\x1f";
/** A temporary directory with a bin/ for stand-in commands; remove() cleans it up. */
class Sandbox {
    dir;
    bin;
    calls;
    constructor(prefix) {
        this.dir = (0, fs_1.mkdtempSync)(path.join(os.tmpdir(), `mlflow-${prefix}-`));
        this.bin = path.join(this.dir, "bin");
        this.calls = path.join(this.dir, "calls");
        (0, fs_1.mkdirSync)(this.bin);
        (0, fs_1.mkdirSync)(this.calls);
    }
    path(...parts) {
        return path.join(this.dir, ...parts);
    }
    /** Makes a directory inside the sandbox and returns its path. */
    mkdir(...parts) {
        const dir = this.path(...parts);
        (0, fs_1.mkdirSync)(dir, { recursive: true });
        return dir;
    }
    /**
     * A stand-in for `name` on PATH: records its arguments, then runs `body` (bash). Unless the
     * body exits, it exits with the number in <sandbox>/calls/<name>.exit (0 when absent).
     */
    fake(name, body = "") {
        const log = path.join(this.calls, `${name}.log`);
        const exitFile = path.join(this.calls, `${name}.exit`);
        (0, fs_1.writeFileSync)(path.join(this.bin, name), [
            "#!/bin/bash",
            `{ printf '%s${FIELD}' "$@"; printf '\\n'; } >>${(0, exports.quote)(log)}`,
            body,
            `exit "$(cat ${(0, exports.quote)(exitFile)} 2>/dev/null || echo 0)"`,
            "",
        ].join("\n"));
        (0, fs_1.chmodSync)(path.join(this.bin, name), 0o755);
    }
    /** Makes the stand-in `name` exit with `code` from now on. */
    fakeExit(name, code) {
        (0, fs_1.writeFileSync)(path.join(this.calls, `${name}.exit`), `${code}\n`);
    }
    /** The argument lists of every call of the stand-in `name` so far. */
    callsOf(name) {
        const log = path.join(this.calls, `${name}.log`);
        if (!(0, fs_1.existsSync)(log))
            return [];
        return (0, fs_1.readFileSync)(log, "utf8").split("\n").filter(line => line !== "")
            .map(line => line.split(FIELD).slice(0, -1));
    }
    clearCalls(name) {
        (0, fs_1.rmSync)(path.join(this.calls, `${name}.log`), { force: true });
    }
    /**
     * Writes an env file for the scripts: the rendered host.env followed by overrides (the later
     * assignment wins when bash sources it). Overrides must name keys host.env defines, so that a
     * renamed setting cannot pass unnoticed; test hooks are the exception.
     */
    envFile(hostEnvText, overrides, name = "host.env") {
        for (const key of Object.keys(overrides)) {
            if (!TEST_HOOKS.has(key) && !new RegExp(`^${key}=`, "m").test(hostEnvText)) {
                throw new Error(`host.env defines no ${key}; the scripts would not get it on a real host`);
            }
        }
        const file = this.path(name);
        (0, fs_1.writeFileSync)(file, hostEnvText + Object.entries(overrides).map(([key, value]) => `${key}=${(0, exports.quote)(value)}\n`).join(""));
        return file;
    }
    /** Environment for a script run: the stand-ins first on PATH, the env file as MLFLOW_HOST_ENV. */
    env(envFile, extra = {}) {
        return {
            PATH: `${this.bin}:${process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin"}`,
            HOME: this.dir,
            LANG: "C.UTF-8",
            MLFLOW_HOST_ENV: envFile,
            ...extra,
        };
    }
    remove() {
        (0, fs_1.rmSync)(this.dir, { recursive: true, force: true });
    }
}
exports.Sandbox = Sandbox;
exports.quote = namespace_1.shellQuote;
/** Runs host/<script> with the given environment and arguments. */
function runHostScript(script, env, args = [], timeoutMs = 20_000) {
    return runCommand(path.join(exports.HOST_DIR, script), args, env, timeoutMs);
}
function runCommand(command, args, env, timeoutMs = 20_000) {
    const start = Date.now();
    const result = (0, child_process_1.spawnSync)(command, args, { env, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
    if (result.error && result.error.code !== "ETIMEDOUT")
        throw result.error;
    return { status: result.status, signal: result.signal, stdout: result.stdout ?? "", stderr: result.stderr ?? "", ms: Date.now() - start };
}
/** The same, without blocking the event loop (for tests that run another process meanwhile). */
function runCommandAsync(command, args, env, timeoutMs = 20_000) {
    const start = Date.now();
    return new Promise((resolve, reject) => {
        const child = (0, child_process_1.spawn)(command, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, killSignal: "SIGKILL" });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", chunk => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", chunk => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - start }));
    });
}
/** Runs sqlite3 on a database file and returns its output lines. */
function sqlite(db, ...statements) {
    const result = (0, child_process_1.spawnSync)("sqlite3", ["-bail", db, ...statements], { encoding: "utf8" });
    if (result.status !== 0)
        throw new Error(`sqlite3 ${db} ${statements.join(" ")}: ${result.stderr}`);
    return result.stdout.split("\n").filter(line => line !== "");
}
/** Describes a failed run for assertion messages. */
function describeRun(result) {
    return `exit ${result.status}${result.signal ? ` (signal ${result.signal})` : ""} after ${result.ms} ms\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}
//# sourceMappingURL=hostScripts.js.map