// The move from one host to the scaled tier, for real: the pinned MLflow, run as the host's
// rendered compose file runs it behind the host's nginx (SQLite and the artifact directory on a
// directory laid out like the data volume), takes experiments, runs, metrics, artifacts, a trace
// and registered models with an alias from its own client. The host's MLflow stops; the
// migration's one-off container, as the program declares it with migrateFromSnapshot (it runs
// scripts/migrate-store.py against the data volume at the host's mount point), moves the
// database into PostgreSQL and the artifacts into S3 and verifies both; the scaled tier's task
// (harness/scaledStack.ts) then serves every item back to the client identically, and new items
// get keys after the copied ones.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { execFileSync } from "child_process";
import { cpSync, readdirSync, statSync } from "fs";
import * as path from "path";
import { DATA, HOST, SQLITE_FILE } from "../lib/render/layout";
import { HOST_DATA_VOLUME } from "../lib/render/taskContainers";
import { render } from "../scripts/render";
import { inNamespace, reexecInNamespace, RunResult, scratchDir } from "../harness/namespace";
import { NginxSandbox } from "../harness/nginxSandbox";
import { Postgres } from "../harness/postgres";
import { schemaHead } from "../harness/realMlflow";
import { OneOffTask, ScaledStack } from "../harness/scaledStack";
import { runProgram } from "./support/pulumiProgram";
import { DeclaredTask, declaredTask, SCALED } from "./support/scaledTask";
import { clientEnvFromTrackingEnv, runClient, trackingEnv } from "./support/tracking";

function filesUnder(dir: string, prefix = ""): Map<string, number> {
    const found = new Map<string, number>();
    for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) for (const [key, size] of filesUnder(full, `${prefix}${name}/`)) found.set(key, size);
        else found.set(`${prefix}${name}`, statSync(full).size);
    }
    return found;
}

/** Rows of the tables that matter most. */
const rowCounts = (postgres: Postgres) =>
    postgres.sql(`SELECT ${["experiments", "runs", "metrics", "model_versions"].map(table => `(SELECT count(*) FROM ${table})`).join(" || ',' || ")}`);

function defineTests(): void {
    let declared: DeclaredTask;
    let stack: ScaledStack;
    let manifest: string;
    let written: RunResult;
    let hostData: { volume: string; artifacts: string };
    let migration: RunResult;
    let failed: RunResult;
    let beforeFailure = "";
    let afterFailure = { rows: "", objects: -1 };
    let again: RunResult;
    let other: RunResult;
    let sameCounts: RunResult;
    let rowsAfterOther = "";
    let rowsBeforeAgain = "";
    let rowsAfterAgain = "";
    let scaledClient: Record<string, string>;
    let walBytes = 0;

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "dev");
        render({ stack: "dev", out: renderDir });
        const host = await NginxSandbox.start({ renderDir });
        manifest = path.join(scratchDir("manifest"), "manifest.json");
        written = await runClient("mlflow", "upgrade_data.py", ["write", manifest, scratchDir("written")], trackingEnv(host, Object.keys(host.users)[0]), 300_000);
        // What ECS makes of the host's data snapshot: a volume laid out as the host's, mounted at
        // the migration task's mount point. (The sandbox takes its own directories along when it stops.)
        const volume = scratchDir("host-data-volume");
        cpSync(host.dirs.mlflowData, path.join(volume, path.relative(HOST.dataMount, DATA.mlflow)), { recursive: true });
        hostData = { volume, artifacts: path.join(volume, path.relative(HOST.dataMount, DATA.artifacts)) };
        walBytes = statSync(path.join(volume, path.relative(HOST.dataMount, DATA.mlflow), `${SQLITE_FILE}-wal`), { throwIfNoEntry: false })?.size ?? 0;
        await host.stop();

        declared = declaredTask(await runProgram({ ...SCALED, migrateFromSnapshot: "snap-0123456789abcdef0" }));
        const migrate = (task: OneOffTask) => task.runContainer(declared.migration!, { [HOST_DATA_VOLUME]: hostData.volume });
        stack = await ScaledStack.start({
            ...declared,
            beforeService: async task => {
                // First a copy that breaks half-way: a tag key longer than PostgreSQL's column
                // (SQLite never enforced it) fails the insert after every artifact was uploaded.
                const broken = scratchDir("broken-host-data-volume");
                cpSync(hostData.volume, broken, { recursive: true });
                const database = path.join(broken, path.relative(HOST.dataMount, DATA.mlflow), SQLITE_FILE);
                execFileSync("sqlite3", [database, `INSERT INTO experiment_tags (key, value, experiment_id) VALUES ('${"k".repeat(300)}', 'v', 0)`]);
                beforeFailure = await rowCounts(task.postgres);
                failed = await task.runContainer(declared.migration!, { [HOST_DATA_VOLUME]: broken });
                afterFailure = { rows: await rowCounts(task.postgres), objects: (await task.s3.objects(declared.bucket, "artifacts/")).size };
                migration = await migrate(task);
                if (migration.code !== 0) return;
                rowsBeforeAgain = await rowCounts(task.postgres);
                // The same move again (its task outlived the pulumi up that started it, and a later one started another).
                again = await migrate(task);
                rowsAfterAgain = await rowCounts(task.postgres);
                // Another source into the filled database: one with a row more, and one with as many rows, one of them edited.
                other = await task.runContainer(declared.migration!, { [HOST_DATA_VOLUME]: broken });
                const edited = scratchDir("edited-host-data-volume");
                cpSync(hostData.volume, edited, { recursive: true });
                execFileSync("sqlite3", [path.join(edited, path.relative(HOST.dataMount, DATA.mlflow), SQLITE_FILE), "UPDATE metrics SET value = value + 1 WHERE rowid = (SELECT min(rowid) FROM metrics)"]);
                sameCounts = await task.runContainer(declared.migration!, { [HOST_DATA_VOLUME]: edited });
                rowsAfterOther = await rowCounts(task.postgres);
            },
        });
        scaledClient = clientEnvFromTrackingEnv(declared.trackingEnv, stack.loadBalancerCaPem);
    });
    after(async () => { await stack?.stop(); });


    describe("migration from one host (SQLite, artifact directory) to the scaled tier (PostgreSQL, S3)", () => {
        it("the host's MLflow took the data from its client", () => {
            assert.equal(written.code, 0, `${written.stdout}\n${written.stderr}`);
        });

        it("the snapshot, taken while the host's servers ran, holds the database with its write-ahead log", () => {
            assert.ok(walBytes > 0, "mlflow.db-wal beside mlflow.db");
        });

        it("migrate-store.py copies every table and every artifact, and verifies row counts and the schema revision", async () => {
            assert.equal(migration.code, 0, `${migration.stdout}\n${migration.stderr}`);
            const summary = JSON.parse(migration.stdout.trim().split("\n").pop()!);
            assert.equal(summary.database.revision, await schemaHead());
            for (const table of ["experiments", "runs", "metrics", "params", "tags", "registered_models", "model_versions", "registered_model_aliases", "trace_info", "logged_models"]) {
                assert.ok(summary.database.rows_per_table[table] > 0, `${table}: ${JSON.stringify(summary.database.rows_per_table)}`);
            }
            const local = filesUnder(hostData.artifacts);
            assert.equal(summary.artifacts.files, local.size);
            const stored = await stack.s3.objects(declared.bucket, "artifacts/");
            const mark = "artifacts/.moved-from.json";
            assert.ok(stored.has(mark), "the mark of the finished move, beside the artifacts");
            stored.delete(mark);
            assert.deepEqual(new Map([...stored].map(([key, size]) => [key.slice("artifacts/".length), size])), local, "the same tree, key for key and size for size");
        });

        it("a copy that fails half-way leaves the target as empty as it found it, and says why", () => {
            assert.equal(failed.code, 1, `${failed.stdout}\n${failed.stderr}`);
            assert.match(failed.stderr, /StringDataRightTruncation|value too long/, "the cause, from PostgreSQL");
            assert.match(failed.stderr, /the database was rolled back and the [1-9]\d* object\(s\) this move writes were deleted, so the target is empty again/);
            assert.match(afterFailure.rows, /^\d+,0,0,0$/, "no run, metric or model version");
            assert.equal(afterFailure.rows, beforeFailure, "the database as the schema upgrade left it");
            assert.equal(afterFailure.objects, 0, "no artifact left in the bucket");
        });

        it("the same move run again finds its data already there, verifies it and changes nothing", () => {
            assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
            assert.equal(JSON.parse(again.stdout.trim().split("\n").pop()!).already_moved, true);
            assert.match(rowsBeforeAgain, /^\d+,3,[1-9]\d*,2$/, "experiments, the 3 runs, metrics, the 2 model versions");
            assert.equal(rowsAfterAgain, rowsBeforeAgain);
        });

        it("another source into the filled database is refused and changes nothing, even one with as many rows", () => {
            for (const refused of [other, sameCounts]) {
                assert.equal(refused.code, 1, `${refused.stdout}\n${refused.stderr}`);
                assert.match(refused.stderr, /the target database already holds data \(\{.*'runs': 3.*\}\); migrate only into a new, empty one/);
                assert.doesNotMatch(refused.stderr, /deleted/, "nothing of the target is touched");
            }
            assert.equal(rowsAfterOther, rowsBeforeAgain);
        });

        it("the scaled tier's MLflow serves every item back to the client identically: runs, params, tags, metric histories, artifacts by checksum, the model by alias, the trace", async () => {
            const read = await runClient("mlflow", "upgrade_data.py", ["verify", manifest, scratchDir("read")], scaledClient, 300_000);
            assert.equal(read.code, 0, `${read.stdout}\n${read.stderr}\nMLflow:\n${stack.mlflow.log.slice(-4000)}`);
        });

        it("new experiments and runs get keys after the copied ones", async () => {
            const extended = await runClient("mlflow", "upgrade_data.py", ["extend", manifest, scratchDir("extend")], scaledClient, 120_000);
            assert.equal(extended.code, 0, `${extended.stdout}\n${extended.stderr}\nMLflow:\n${stack.mlflow.log.slice(-4000)}`);
        });
    });
}

if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 900_000 });
else defineTests();
