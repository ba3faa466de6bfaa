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
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// `npm run bench` in smoke mode (1 round of 2 s, MLflow as rendered at 1 and 10 training clients,
// 200 runs to search, a 32 MiB artifact) as a child process, the way a developer runs it: it must
// exit 0 and write a results file with sane numbers in every row, so the benchmark cannot rot
// between full runs. No speed is checked. Needs what the real-MLflow end-to-end tests need (root,
// the nginx root, the Python environments, wrk, curl, Chromium).
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const os = __importStar(require("os"));
const path = __importStar(require("path"));
const projectRoot_1 = require("../lib/projectRoot");
/** The cells of the markdown table row whose first cells start with `label`, in `markdown` after `heading`. */
function row(markdown, heading, label) {
    const section = markdown.slice(markdown.indexOf(heading));
    const line = section.split("\n").find(l => l.startsWith(`| ${label}`));
    strict_1.default.ok(line, `no row "${label}" after "${heading}" in:\n${markdown}`);
    return line.split("|").slice(1, -1).map(cell => cell.trim());
}
const positive = (what, value) => {
    strict_1.default.match(value, /^[\d,]+(\.\d+)?$/, `${what}: ${value}`);
    strict_1.default.ok(Number(value.replace(/,/g, "")) > 0, `${what} is ${value}`);
};
(0, node_test_1.test)("npm run bench -- --smoke runs every part against the real MLflow and writes sane numbers", { timeout: 150_000 }, () => {
    const dir = (0, fs_1.mkdtempSync)(path.join(os.tmpdir(), "bench-smoke-test-"));
    try {
        const out = path.join(dir, "benchmarks.md");
        const result = (0, child_process_1.spawnSync)(process.execPath, [path.join((0, projectRoot_1.projectRoot)(), "dist", "bench", "run.js"), "--smoke", "--out", out], { encoding: "utf8", timeout: 145_000 });
        const output = `${result.stdout}\n${result.stderr}`;
        strict_1.default.equal(result.status, 0, `exit ${result.status ?? result.signal}:\n${output}`);
        const doc = (0, fs_1.readFileSync)(out, "utf8");
        // 1. Training clients through nginx to MLflow as rendered: latencies, no failed call, one step a second each.
        for (const clients of ["1", "10"]) {
            const [, , p50, p99, , , failed, steps] = row(doc, "| MLflow | clients |", `as rendered | ${clients} |`);
            positive(`${clients} clients p50`, p50);
            positive(`${clients} clients p99`, p99);
            strict_1.default.ok(Number(p50) <= Number(p99.replace(/,/g, "")), `${clients} clients: p50 ${p50} above p99 ${p99}`);
            strict_1.default.match(failed, /^0 \/ [\d,]+$/, `${clients} clients failed calls`);
            strict_1.default.ok(Math.abs(Number(steps) - Number(clients)) <= Number(clients) * 0.5 + 1, `${clients} clients logged ${steps} steps/s`);
        }
        const [, , restPss] = row(doc, "## 6.", "as rendered");
        positive("MLflow's PSS at rest (MiB)", restPss);
        // 2. The closed loop, straight and through nginx.
        for (const label of ["MLflow directly", "through nginx as rendered"])
            positive(`closed loop ${label}`, row(doc, "## 2.", label)[1]);
        // 3. search_runs found every seeded run; the UI's pages loaded, static files included.
        strict_1.default.equal(row(doc, "## 3.", "all runs")[1], "200");
        for (const page of ["the experiment's page", "a run's page"]) {
            const [, , shown, requests, mib, staticMib] = row(doc, "## 3.", page);
            for (const [what, value] of [["shown after", shown], ["requests", requests], ["MiB", mib], ["static MiB", staticMib]])
                positive(`${page} ${what}`, value);
        }
        // 4. Artifacts: both directions, straight and through nginx, and MLflow's own download through nginx, intact, no temporary files.
        for (const label of ["upload straight", "upload through nginx", "download straight", "download through nginx", "download from MLflow through nginx"]) {
            const cells = row(doc, "## 4.", label);
            positive(`${label} MB/s`, cells[1]);
            strict_1.default.equal(cells[7], "equal", `${label} sha256`);
            if (label.includes("nginx"))
                strict_1.default.equal(cells[6], "0", `${label}: nginx temporary files`);
        }
        // 5. nginx's own path with every hash scheme.
        for (const label of ["no auth", "as rendered ({SSHA})", "the seed's $apr1$", "bcrypt cost 10"])
            positive(`nginx ${label}`, row(doc, "## 5.", label)[1]);
        strict_1.default.match(doc, /\| every part ran and produced numbers \| all rows filled \| PASS \|/);
        strict_1.default.match(output, /PASS {2}artifacts arrive intact/);
    }
    finally {
        (0, fs_1.rmSync)(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=bench-smoke.test.js.map