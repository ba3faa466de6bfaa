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
// End to end: an upgrade from the oldest MLflow the settings accept to the pinned release, the
// way a host does it. A 3.0.0 server, run as the rendered compose file runs MLflow, behind real
// nginx 1.30 (the dev render), creates the database on a directory laid out like the data volume,
// and the 3.0.0 client writes runs, metrics, artifacts, a trace and a registered model with an
// alias through nginx. Then the host's own host/mlflow-db-upgrade migrates it, its
// `docker compose run ... mlflow db upgrade` carried out by the pinned release (a stand-in
// `docker` with the container's paths mapped onto the directory), and the pinned server serves
// the migrated database behind the same nginx, where the pinned client reads every item back.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const layout_1 = require("../lib/render/layout");
const render_1 = require("../scripts/render");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const realMlflow_1 = require("../harness/realMlflow");
const hostScripts_1 = require("./support/hostScripts");
const renderOnce_1 = require("./support/renderOnce");
const tracking_1 = require("./support/tracking");
/** The oldest release lib/settings.ts accepts; requirements/mlflow-oldest.txt pins it. */
const OLDEST = "3.0.0";
function defineTests() {
    let sandbox;
    let host;
    let hostEnvText;
    let hostEnv;
    let backupDir;
    let manifest;
    let client;
    let revisionBefore;
    const db = () => path.join(sandbox.dirs.mlflowData, "mlflow.db");
    const revision = (file) => (0, hostScripts_1.sqlite)(file, "SELECT version_num FROM alembic_version")[0];
    const upgradeScript = (overrides, name) => (0, hostScripts_1.runCommandAsync)(path.join(hostScripts_1.HOST_DIR, "mlflow-db-upgrade"), [], host.env(host.envFile(hostEnvText, { MLFLOW_DATA_DIR: sandbox.dirs.mlflowData, BACKUP_DIR: backupDir, ...overrides }, name)), 240_000);
    (0, node_test_1.before)(async () => {
        const renderDir = path.join((0, namespace_1.scratchDir)("render"), "dev");
        (0, render_1.render)({ stack: "dev", out: renderDir });
        sandbox = await nginxSandbox_1.NginxSandbox.start({ renderDir, mlflow: false });
        hostEnvText = (0, fs_1.readFileSync)(sandbox.hostFile(layout_1.HOST.hostEnv), "utf8");
        hostEnv = (0, renderOnce_1.readEnvFileWithBash)(sandbox.hostFile(layout_1.HOST.hostEnv));
        strict_1.default.notEqual(hostEnv.MLFLOW_VERSION, OLDEST, "the render must deploy a newer MLflow than the oldest accepted");
        host = new hostScripts_1.Sandbox("upgrade");
        backupDir = host.mkdir("backups");
        manifest = path.join((0, namespace_1.scratchDir)("manifest"), "manifest.json");
        client = (0, tracking_1.trackingEnv)(sandbox, Object.keys(sandbox.users)[0]);
        host.fake("docker", (0, realMlflow_1.composeRunStandIn)({
            composeFile: sandbox.composeFile,
            hostComposeFile: hostEnv.COMPOSE_FILE,
            hostPaths: { [layout_1.DATA.mlflow]: sandbox.dirs.mlflowData },
            tmpDir: sandbox.dirs.mlflowTmp,
            homeDir: sandbox.dirs.mlflowHome,
        }));
    });
    (0, node_test_1.after)(async () => {
        await sandbox?.stop();
        host?.remove();
    });
    (0, node_test_1.describe)(`upgrade from MLflow ${OLDEST} to the pinned release, through host/mlflow-db-upgrade (dev render)`, () => {
        (0, node_test_1.it)(`MLflow ${OLDEST} creates the database and its client writes runs, metrics, artifacts, a trace and a model`, async () => {
            const first = await upgradeScript({ MLFLOW_VERSION: OLDEST }, "oldest.env");
            strict_1.default.equal(first.status, 0, (0, hostScripts_1.describeRun)(first));
            strict_1.default.equal((0, fs_1.readFileSync)(path.join(sandbox.dirs.mlflowData, ".schema-version"), "utf8"), `${OLDEST}\n`, "a first start records its version");
            const oldest = await realMlflow_1.RealMlflow.start({
                composeFile: sandbox.composeFile,
                hostPaths: { [layout_1.DATA.mlflow]: sandbox.dirs.mlflowData },
                tmpDir: sandbox.dirs.mlflowTmp,
                homeDir: sandbox.dirs.mlflowHome,
                address: nginxSandbox_1.MLFLOW_ADDRESS,
                pythonEnv: "mlflow-oldest",
            });
            try {
                const written = await (0, tracking_1.runClient)("mlflow-oldest", "upgrade_data.py", ["write", manifest, (0, namespace_1.scratchDir)("written")], client, 240_000);
                strict_1.default.equal(written.code, 0, `writing with MLflow ${OLDEST} failed:\n${written.stderr.slice(-6000)}`);
                strict_1.default.equal(JSON.parse(written.stdout.trim().split("\n").at(-1)).version, OLDEST);
            }
            finally {
                await oldest.stop();
            }
            revisionBefore = revision(db());
        });
        (0, node_test_1.it)("the host's upgrade script copies the database aside and migrates it with the pinned release", async (t) => {
            const upgrade = await upgradeScript({}, "pinned.env");
            strict_1.default.equal(upgrade.status, 0, (0, hostScripts_1.describeRun)(upgrade));
            strict_1.default.equal(host.callsOf("docker").length, 1, "one `docker compose run`");
            strict_1.default.equal((0, fs_1.readFileSync)(path.join(sandbox.dirs.mlflowData, ".schema-version"), "utf8"), `${hostEnv.MLFLOW_VERSION}\n`);
            const copies = (0, fs_1.existsSync)(backupDir) ? (0, fs_1.readdirSync)(backupDir).filter(name => name.startsWith(`mlflow.db.before-${hostEnv.MLFLOW_VERSION}.`)) : [];
            strict_1.default.equal(copies.length, 1, `one copy of the ${OLDEST} database: ${copies.join(", ")}`);
            const copy = path.join(backupDir, copies[0]);
            strict_1.default.deepEqual((0, hostScripts_1.sqlite)(copy, "PRAGMA integrity_check"), ["ok"]);
            strict_1.default.equal(revision(copy), revisionBefore, "the copy holds the database as it was before the migration");
            strict_1.default.notEqual(revision(db()), revisionBefore, "the migration changed the schema");
            strict_1.default.deepEqual((0, hostScripts_1.sqlite)(db(), "PRAGMA integrity_check"), ["ok"]);
            t.diagnostic(`schema (alembic) ${revisionBefore} -> ${revision(db())}, the script took ${upgrade.ms} ms`);
        });
        (0, node_test_1.it)("the pinned release serves the migrated database, and its client reads every item back through nginx", async () => {
            sandbox.mlflow = await sandbox.startMlflow(nginxSandbox_1.MLFLOW_ADDRESS);
            const read = await (0, tracking_1.runClient)("mlflow", "upgrade_data.py", ["verify", manifest, (0, namespace_1.scratchDir)("read")], client, 240_000);
            strict_1.default.equal(read.code, 0, `reading back with the pinned release failed:\n${read.stderr.slice(-6000)}`);
            const summary = JSON.parse(read.stdout.trim().split("\n").at(-1));
            strict_1.default.equal(summary.version, hostEnv.MLFLOW_VERSION);
            strict_1.default.ok(summary.runs === 3 && summary.metric_points > 500 && summary.artifacts >= 3, `read back: ${JSON.stringify(summary)}`);
            strict_1.default.deepEqual(sandbox.mlflow.requests().filter(r => r.status >= 500), [], "MLflow failed requests on the migrated database");
        });
    });
}
// Outside: run this file again inside private namespaces. Inside: the tests.
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 600_000 });
else
    defineTests();
//# sourceMappingURL=upgrade.e2e.test.js.map