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
// End to end: the nightly backup (host/mlflow-backup) of a real MLflow database while the real
// client writes to it. The pinned server runs as the rendered compose file runs it, behind real
// nginx 1.30 (the dev render); the client logs metrics through nginx, one call after another as
// a training loop does, and the backup runs in the middle of that. The copy must be intact,
// taken while the writes went on (not after them), consistent across MLflow's tables, and
// readable by MLflow itself; and no call of the client may fail because of the backup.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const layout_1 = require("../lib/render/layout");
const render_1 = require("../scripts/render");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const hostScripts_1 = require("./support/hostScripts");
const tracking_1 = require("./support/tracking");
/** How long the client keeps logging after its first batches: well past the backup. */
const WRITE_SECONDS = 12;
function defineTests() {
    let sandbox;
    let host;
    let env;
    let backupDir;
    (0, node_test_1.before)(async () => {
        const renderDir = path.join((0, namespace_1.scratchDir)("render"), "dev");
        (0, render_1.render)({ stack: "dev", out: renderDir });
        sandbox = await nginxSandbox_1.NginxSandbox.start({ renderDir });
        host = new hostScripts_1.Sandbox("backup-e2e");
        backupDir = host.mkdir("backups");
        env = host.env(host.envFile((0, fs_1.readFileSync)(sandbox.hostFile(layout_1.HOST.hostEnv), "utf8"), { MLFLOW_DATA_DIR: sandbox.dirs.mlflowData, BACKUP_DIR: backupDir }));
    });
    (0, node_test_1.after)(async () => {
        await sandbox?.stop();
        host?.remove();
    });
    (0, node_test_1.describe)("host/mlflow-backup on the real MLflow database while the real client writes (dev render)", () => {
        (0, node_test_1.it)("writes an intact, consistent copy taken during the writes, which MLflow opens, and no write fails", async (t) => {
            const db = path.join(sandbox.dirs.mlflowData, "mlflow.db");
            const lossRows = (file) => Number((0, hostScripts_1.sqlite)(file, ".timeout 20000", "SELECT count(*) FROM metrics WHERE key = 'loss'")[0]);
            const ready = path.join((0, namespace_1.scratchDir)("writer"), "ready");
            const writer = (0, tracking_1.runClient)("mlflow", "backup_data.py", ["write", ready, String(WRITE_SECONDS)], (0, tracking_1.trackingEnv)(sandbox, Object.keys(sandbox.users)[0]), 240_000);
            const deadline = Date.now() + 180_000;
            while (!(0, fs_1.existsSync)(ready)) {
                strict_1.default.ok(Date.now() < deadline, "the client did not finish its first batches");
                await (0, namespace_1.sleep)(200);
            }
            const runId = (0, fs_1.readFileSync)(ready, "utf8");
            while (lossRows(db) < 20) {
                strict_1.default.ok(Date.now() < deadline, "the client does not log one metric after another");
                await (0, namespace_1.sleep)(100);
            }
            const before = lossRows(db);
            const backup = await (0, hostScripts_1.runCommandAsync)(path.join(hostScripts_1.HOST_DIR, "mlflow-backup"), [], env, 120_000);
            const written = await writer;
            strict_1.default.equal(backup.status, 0, (0, hostScripts_1.describeRun)(backup));
            strict_1.default.equal(written.code, 0, `a call of the client failed during the backup:\n${written.stderr.slice(-4000)}`);
            const summary = JSON.parse(written.stdout.trim().split("\n").at(-1));
            const copy = path.join(backupDir, "mlflow.db");
            strict_1.default.deepEqual((0, hostScripts_1.sqlite)(copy, "PRAGMA integrity_check"), ["ok"]);
            const copied = lossRows(copy);
            strict_1.default.ok(copied >= before && copied < summary.loss_steps, `the copy (${copied} loss steps) should be taken while the client went from ${before} to ${summary.loss_steps} steps`);
            // MLflow updates a metric's history and its latest value in one transaction.
            strict_1.default.deepEqual((0, hostScripts_1.sqlite)(copy, "SELECT max(step) FROM metrics WHERE key = 'loss'"), (0, hostScripts_1.sqlite)(copy, "SELECT step FROM latest_metrics WHERE key = 'loss'"), "the copy holds a transaction half-applied");
            const read = await (0, tracking_1.runClient)("mlflow", "backup_data.py", ["read", copy, runId], {});
            strict_1.default.equal(read.code, 0, `MLflow cannot open the copy:\n${read.stderr.slice(-4000)}`);
            const { runs, prefill, loss_steps } = JSON.parse(read.stdout.trim().split("\n").at(-1));
            strict_1.default.deepEqual({ runs, prefill, loss_steps }, { runs: 1, prefill: summary.prefill, loss_steps: copied }, "what MLflow sees in the copy");
            t.diagnostic(`database ${(0, fs_1.statSync)(db).size} bytes; backup took ${backup.ms} ms; slowest client call ${summary.slowest_call_s} s; ` +
                `${before} -> ${copied} (copy) -> ${summary.loss_steps} loss steps`);
        });
    });
}
// Outside: run this file again inside private namespaces. Inside: the tests.
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 400_000 });
else
    defineTests();
//# sourceMappingURL=backup.e2e.test.js.map