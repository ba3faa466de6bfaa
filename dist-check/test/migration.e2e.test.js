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
// The move from one host to the scaled tier, for real: the pinned MLflow, run as the host's
// rendered compose file runs it behind the host's nginx (SQLite and the artifact directory on a
// directory laid out like the data volume), takes experiments, runs, metrics, artifacts, a trace
// and registered models with an alias from its own client. The host's MLflow stops; the
// migration's one-off container, as the program declares it with migrateFromSnapshot (it runs
// scripts/migrate-store.py against the data volume at the host's mount point), moves the
// database into PostgreSQL and the artifacts into S3 and verifies both; the scaled tier's task
// (harness/scaledStack.ts) then serves every item back to the client identically, and new items
// get keys after the copied ones.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const layout_1 = require("../lib/render/layout");
const taskContainers_1 = require("../lib/render/taskContainers");
const render_1 = require("../scripts/render");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const realMlflow_1 = require("../harness/realMlflow");
const scaledStack_1 = require("../harness/scaledStack");
const pulumiProgram_1 = require("./support/pulumiProgram");
const scaledTask_1 = require("./support/scaledTask");
const tracking_1 = require("./support/tracking");
function filesUnder(dir, prefix = "") {
    const found = new Map();
    for (const name of (0, fs_1.readdirSync)(dir)) {
        const full = path.join(dir, name);
        if ((0, fs_1.statSync)(full).isDirectory())
            for (const [key, size] of filesUnder(full, `${prefix}${name}/`))
                found.set(key, size);
        else
            found.set(`${prefix}${name}`, (0, fs_1.statSync)(full).size);
    }
    return found;
}
/** Rows of the tables that matter most. */
const rowCounts = (postgres) => postgres.sql(`SELECT ${["experiments", "runs", "metrics", "model_versions"].map(table => `(SELECT count(*) FROM ${table})`).join(" || ',' || ")}`);
function defineTests() {
    let declared;
    let stack;
    let manifest;
    let written;
    let hostData;
    let migration;
    let failed;
    let beforeFailure = "";
    let afterFailure = { rows: "", objects: -1 };
    let again;
    let other;
    let sameCounts;
    let rowsAfterOther = "";
    let rowsBeforeAgain = "";
    let rowsAfterAgain = "";
    let scaledClient;
    (0, node_test_1.before)(async () => {
        const renderDir = path.join((0, namespace_1.scratchDir)("render"), "dev");
        (0, render_1.render)({ stack: "dev", out: renderDir });
        const host = await nginxSandbox_1.NginxSandbox.start({ renderDir });
        manifest = path.join((0, namespace_1.scratchDir)("manifest"), "manifest.json");
        written = await (0, tracking_1.runClient)("mlflow", "upgrade_data.py", ["write", manifest, (0, namespace_1.scratchDir)("written")], (0, tracking_1.trackingEnv)(host, Object.keys(host.users)[0]), 300_000);
        // What ECS makes of the host's data snapshot: a volume laid out as the host's, mounted at
        // the migration task's mount point. (The sandbox takes its own directories along when it stops.)
        const volume = (0, namespace_1.scratchDir)("host-data-volume");
        (0, fs_1.cpSync)(host.dirs.mlflowData, path.join(volume, path.relative(layout_1.HOST.dataMount, layout_1.DATA.mlflow)), { recursive: true });
        hostData = { volume, artifacts: path.join(volume, path.relative(layout_1.HOST.dataMount, layout_1.DATA.artifacts)) };
        await host.stop();
        declared = (0, scaledTask_1.declaredTask)(await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED, migrateFromSnapshot: "snap-0123456789abcdef0" }));
        const migrate = (task) => task.runContainer(declared.migration, { [taskContainers_1.HOST_DATA_VOLUME]: hostData.volume });
        stack = await scaledStack_1.ScaledStack.start({
            ...declared,
            beforeService: async (task) => {
                // First a copy that breaks half-way: a tag key longer than PostgreSQL's column
                // (SQLite never enforced it) fails the insert after every artifact was uploaded.
                const broken = (0, namespace_1.scratchDir)("broken-host-data-volume");
                (0, fs_1.cpSync)(hostData.volume, broken, { recursive: true });
                const database = path.join(broken, path.relative(layout_1.HOST.dataMount, layout_1.DATA.mlflow), layout_1.SQLITE_FILE);
                (0, child_process_1.execFileSync)("sqlite3", [database, `INSERT INTO experiment_tags (key, value, experiment_id) VALUES ('${"k".repeat(300)}', 'v', 0)`]);
                beforeFailure = await rowCounts(task.postgres);
                failed = await task.runContainer(declared.migration, { [taskContainers_1.HOST_DATA_VOLUME]: broken });
                afterFailure = { rows: await rowCounts(task.postgres), objects: (await task.s3.objects(declared.bucket, "artifacts/")).size };
                migration = await migrate(task);
                if (migration.code !== 0)
                    return;
                rowsBeforeAgain = await rowCounts(task.postgres);
                // The same move again (its task outlived the pulumi up that started it, and a later one started another).
                again = await migrate(task);
                rowsAfterAgain = await rowCounts(task.postgres);
                // Another source into the filled database: one with a row more, and one with as many rows, one of them edited.
                other = await task.runContainer(declared.migration, { [taskContainers_1.HOST_DATA_VOLUME]: broken });
                const edited = (0, namespace_1.scratchDir)("edited-host-data-volume");
                (0, fs_1.cpSync)(hostData.volume, edited, { recursive: true });
                (0, child_process_1.execFileSync)("sqlite3", [path.join(edited, path.relative(layout_1.HOST.dataMount, layout_1.DATA.mlflow), layout_1.SQLITE_FILE), "UPDATE metrics SET value = value + 1 WHERE rowid = (SELECT min(rowid) FROM metrics)"]);
                sameCounts = await task.runContainer(declared.migration, { [taskContainers_1.HOST_DATA_VOLUME]: edited });
                rowsAfterOther = await rowCounts(task.postgres);
            },
        });
        scaledClient = (0, tracking_1.clientEnvFromTrackingEnv)(declared.trackingEnv, stack.loadBalancerCaPem);
    });
    (0, node_test_1.after)(async () => { await stack?.stop(); });
    (0, node_test_1.describe)("migration from one host (SQLite, artifact directory) to the scaled tier (PostgreSQL, S3)", () => {
        (0, node_test_1.it)("the host's MLflow took the data from its client", () => {
            strict_1.default.equal(written.code, 0, `${written.stdout}\n${written.stderr}`);
        });
        (0, node_test_1.it)("migrate-store.py copies every table and every artifact, and verifies row counts and the schema revision", async () => {
            strict_1.default.equal(migration.code, 0, `${migration.stdout}\n${migration.stderr}`);
            const summary = JSON.parse(migration.stdout.trim().split("\n").pop());
            strict_1.default.equal(summary.database.revision, await (0, realMlflow_1.schemaHead)());
            for (const table of ["experiments", "runs", "metrics", "params", "tags", "registered_models", "model_versions", "registered_model_aliases", "trace_info", "logged_models"]) {
                strict_1.default.ok(summary.database.rows_per_table[table] > 0, `${table}: ${JSON.stringify(summary.database.rows_per_table)}`);
            }
            const local = filesUnder(hostData.artifacts);
            strict_1.default.equal(summary.artifacts.files, local.size);
            const stored = await stack.s3.objects(declared.bucket, "artifacts/");
            const mark = "artifacts/.moved-from.json";
            strict_1.default.ok(stored.has(mark), "the mark of the finished move, beside the artifacts");
            stored.delete(mark);
            strict_1.default.deepEqual(new Map([...stored].map(([key, size]) => [key.slice("artifacts/".length), size])), local, "the same tree, key for key and size for size");
        });
        (0, node_test_1.it)("a copy that fails half-way leaves the target as empty as it found it, and says why", () => {
            strict_1.default.equal(failed.code, 1, `${failed.stdout}\n${failed.stderr}`);
            strict_1.default.match(failed.stderr, /StringDataRightTruncation|value too long/, "the cause, from PostgreSQL");
            strict_1.default.match(failed.stderr, /the database was rolled back and the [1-9]\d* object\(s\) this move writes were deleted, so the target is empty again/);
            strict_1.default.match(afterFailure.rows, /^\d+,0,0,0$/, "no run, metric or model version");
            strict_1.default.equal(afterFailure.rows, beforeFailure, "the database as the schema upgrade left it");
            strict_1.default.equal(afterFailure.objects, 0, "no artifact left in the bucket");
        });
        (0, node_test_1.it)("the same move run again finds its data already there, verifies it and changes nothing", () => {
            strict_1.default.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
            strict_1.default.equal(JSON.parse(again.stdout.trim().split("\n").pop()).already_moved, true);
            strict_1.default.match(rowsBeforeAgain, /^\d+,3,[1-9]\d*,2$/, "experiments, the 3 runs, metrics, the 2 model versions");
            strict_1.default.equal(rowsAfterAgain, rowsBeforeAgain);
        });
        (0, node_test_1.it)("another source into the filled database is refused and changes nothing, even one with as many rows", () => {
            for (const refused of [other, sameCounts]) {
                strict_1.default.equal(refused.code, 1, `${refused.stdout}\n${refused.stderr}`);
                strict_1.default.match(refused.stderr, /the target database already holds data \(\{.*'runs': 3.*\}\); migrate only into a new, empty one/);
                strict_1.default.doesNotMatch(refused.stderr, /deleted/, "nothing of the target is touched");
            }
            strict_1.default.equal(rowsAfterOther, rowsBeforeAgain);
        });
        (0, node_test_1.it)("the scaled tier's MLflow serves every item back to the client identically: runs, params, tags, metric histories, artifacts by checksum, the model by alias, the trace", async () => {
            const read = await (0, tracking_1.runClient)("mlflow", "upgrade_data.py", ["verify", manifest, (0, namespace_1.scratchDir)("read")], scaledClient, 300_000);
            strict_1.default.equal(read.code, 0, `${read.stdout}\n${read.stderr}\nMLflow:\n${stack.mlflow.log.slice(-4000)}`);
        });
        (0, node_test_1.it)("new experiments and runs get keys after the copied ones", async () => {
            const extended = await (0, tracking_1.runClient)("mlflow", "upgrade_data.py", ["extend", manifest, (0, namespace_1.scratchDir)("extend")], scaledClient, 120_000);
            strict_1.default.equal(extended.code, 0, `${extended.stdout}\n${extended.stderr}\nMLflow:\n${stack.mlflow.log.slice(-4000)}`);
        });
    });
}
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 900_000 });
else
    defineTests();
//# sourceMappingURL=migration.e2e.test.js.map