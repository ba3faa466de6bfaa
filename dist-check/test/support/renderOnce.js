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
exports.STATELESS_HOST = void 0;
exports.readEnvFileWithBash = readEnvFileWithBash;
exports.renderedStack = renderedStack;
// Renders a stack with the real `npm run render` code into a private temporary directory, once
// per test process, and reads back what it wrote: the files as the host holds them.
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const os = __importStar(require("os"));
const path = __importStar(require("path"));
const render_1 = require("../../scripts/render");
const cache = new Map();
const dirs = [];
process.on("exit", () => {
    for (const dir of dirs)
        (0, fs_1.rmSync)(dir, { recursive: true, force: true });
});
function walk(root, dir = root) {
    return (0, fs_1.readdirSync)(dir, { withFileTypes: true }).flatMap(entry => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? walk(root, full) : [full];
    });
}
/** Reads a KEY=value file with bash itself, the way the host scripts do (`source`). */
function readEnvFileWithBash(file) {
    const text = (0, fs_1.readFileSync)(file, "utf8");
    const keys = [...text.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map(match => match[1]);
    const result = (0, child_process_1.spawnSync)("/bin/bash", ["-c", 'set -eu; source "$1"; shift; for key; do printf "%s\\0%s\\0" "$key" "${!key}"; done', "_", file, ...keys], { encoding: "utf8", env: {} });
    if (result.status !== 0)
        throw new Error(`bash could not read ${file}: ${result.stderr}`);
    const parts = result.stdout.split("\0");
    const values = {};
    for (let i = 0; i + 1 < parts.length; i += 2)
        values[parts[i]] = parts[i + 1];
    return values;
}
/** The settings that make a stack's host stateless (its stores RDS and S3), for renderedStack's `overrides`. */
exports.STATELESS_HOST = { backendStore: "rds", artifactStore: "s3" };
/** A shipped stack file rendered, with `overrides` on top of its settings. */
function renderedStack(stack, overrides = {}) {
    const key = `${stack} ${JSON.stringify(overrides)}`;
    const cached = cache.get(key);
    if (cached)
        return cached;
    const dir = (0, fs_1.mkdtempSync)(path.join(os.tmpdir(), `mlflow-rendered-${stack}-`));
    dirs.push(dir);
    (0, render_1.render)({ stack, out: dir, overrides });
    const filesDir = path.join(dir, "files");
    const files = new Map();
    for (const localPath of walk(filesDir)) {
        const hostPath = "/" + path.relative(filesDir, localPath).split(path.sep).join("/");
        files.set(hostPath, { hostPath, localPath, content: (0, fs_1.readFileSync)(localPath), mode: (0, fs_1.statSync)(localPath).mode & 0o7777 });
    }
    const local = (hostPath) => {
        const file = files.get(hostPath);
        if (!file)
            throw new Error(`render did not write ${hostPath} for stack ${stack}`);
        return file.localPath;
    };
    const rendered = {
        stack,
        dir,
        userData: (0, fs_1.readFileSync)(path.join(dir, "user-data"), "utf8"),
        files,
        sample: (0, render_1.readSampleValues)(dir),
        hostEnvText: (0, fs_1.readFileSync)(local("/etc/mlflow/host.env"), "utf8"),
        hostEnv: readEnvFileWithBash(local("/etc/mlflow/host.env")),
        local,
        text: (hostPath) => (0, fs_1.readFileSync)(local(hostPath), "utf8"),
    };
    cache.set(key, rendered);
    return rendered;
}
//# sourceMappingURL=renderOnce.js.map