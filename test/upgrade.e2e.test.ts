// End to end: an upgrade from the oldest MLflow the settings accept to the pinned release, the
// way a host does it. A 3.0.0 server, run as the rendered compose file runs MLflow, behind real
// nginx 1.30 (the dev render), creates the database on a directory laid out like the data volume,
// and the 3.0.0 client writes runs, metrics, artifacts, a trace and a registered model with an
// alias through nginx. Then the host's own host/mlflow-db-upgrade migrates it, its
// `docker compose run ... mlflow db upgrade` carried out by the pinned release (a stand-in
// `docker` with the container's paths mapped onto the directory), and the pinned server serves
// the migrated database behind the same nginx, where the pinned client reads every item back.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { DATA, HOST } from "../lib/render/layout";
import { render } from "../scripts/render";
import { inNamespace, reexecInNamespace, scratchDir } from "../harness/namespace";
import { NginxSandbox } from "../harness/nginxSandbox";
import { composeRunStandIn } from "../harness/realMlflow";
import { describeRun, HOST_DIR, runCommandAsync, Sandbox, sqlite } from "./support/hostScripts";
import { readEnvFileWithBash } from "../harness/envFile";
import { runClient, trackingEnv } from "./support/tracking";

/** The oldest release lib/settings.ts accepts; requirements/mlflow-oldest.txt pins it. */
const OLDEST = "3.0.0";

function defineTests(): void {
    let sandbox: NginxSandbox;
    let host: Sandbox;
    let hostEnvText: string;
    let hostEnv: Record<string, string>;
    let backupDir: string;
    let manifest: string;
    let client: Record<string, string>;
    let revisionBefore: string;
    const db = () => path.join(sandbox.dirs.mlflowData, "mlflow.db");
    const revision = (file: string) => sqlite(file, "SELECT version_num FROM alembic_version")[0];
    const upgradeScript = (overrides: Record<string, string>, name: string) => runCommandAsync(path.join(HOST_DIR, "mlflow-db-upgrade"), [],
        host.env(host.envFile(hostEnvText, { MLFLOW_DATA_DIR: sandbox.dirs.mlflowData, BACKUP_DIR: backupDir, ...overrides }, name)), 240_000);

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "dev");
        render({ stack: "dev", out: renderDir });
        sandbox = await NginxSandbox.start({ renderDir, mlflow: false });
        hostEnvText = readFileSync(sandbox.hostFile(HOST.hostEnv), "utf8");
        hostEnv = readEnvFileWithBash(sandbox.hostFile(HOST.hostEnv));
        assert.notEqual(hostEnv.MLFLOW_VERSION, OLDEST, "the render must deploy a newer MLflow than the oldest accepted");
        host = new Sandbox("upgrade");
        backupDir = host.mkdir("backups");
        manifest = path.join(scratchDir("manifest"), "manifest.json");
        client = trackingEnv(sandbox, Object.keys(sandbox.users)[0]);

    });

    /** `docker compose run` as the host does it, with the release standing in for the compose file's image. */
    const composeRunWith = (pythonEnv: "mlflow" | "mlflow-oldest") => host.fake("docker", composeRunStandIn({
        composeFile: sandbox.composeFile,
        hostComposeFile: hostEnv.COMPOSE_FILE,
        hostPaths: { [DATA.mlflow]: sandbox.dirs.mlflowData },
        tmpDir: sandbox.dirs.mlflowTmp,
        homeDir: sandbox.dirs.mlflowHome,
        pythonEnv,
    }));

    after(async () => {
        await sandbox?.stop();
        host?.remove();
    });

    describe(`upgrade from MLflow ${OLDEST} to the pinned release, through host/mlflow-db-upgrade (dev render)`, () => {
        it(`MLflow ${OLDEST} creates the database and its client writes runs, metrics, artifacts, a trace and a model`, async () => {
            composeRunWith("mlflow-oldest");
            const first = await upgradeScript({ MLFLOW_VERSION: OLDEST }, "oldest.env");
            assert.equal(first.status, 0, describeRun(first));
            assert.equal(readFileSync(path.join(sandbox.dirs.mlflowData, ".schema-version"), "utf8"), `${OLDEST}\n`, "a first start records its version");
            // Created as a server's first start creates it, in the journal mode host.env names.
            assert.deepEqual(sqlite(db(), "SELECT artifact_location FROM experiments WHERE experiment_id = 0"), ["mlflow-artifacts:/0"]);
            assert.deepEqual(sqlite(db(), "PRAGMA journal_mode"), [hostEnv.SQLITE_JOURNAL_MODE]);
            const oldest = await sandbox.startMlflow({ pythonEnv: "mlflow-oldest" });
            try {
                const written = await runClient("mlflow-oldest", "upgrade_data.py", ["write", manifest, scratchDir("written")], client, 240_000);
                assert.equal(written.code, 0, `writing with MLflow ${OLDEST} failed:\n${written.stderr.slice(-6000)}`);
                assert.equal(JSON.parse(written.stdout.trim().split("\n").at(-1)!).version, OLDEST);
            } finally {
                await oldest.stop();
            }
            revisionBefore = revision(db());
        });

        it("the host's upgrade script copies the database aside and migrates it with the pinned release", async (t) => {
            composeRunWith("mlflow");
            host.clearCalls("docker");
            const upgrade = await upgradeScript({}, "pinned.env");
            assert.equal(upgrade.status, 0, describeRun(upgrade));
            assert.equal(host.callsOf("docker").length, 1, "one `docker compose run`");
            assert.equal(readFileSync(path.join(sandbox.dirs.mlflowData, ".schema-version"), "utf8"), `${hostEnv.MLFLOW_VERSION}\n`);
            const copies = existsSync(backupDir) ? readdirSync(backupDir).filter(name => name.startsWith(`mlflow.db.before-${hostEnv.MLFLOW_VERSION}.`)) : [];
            assert.equal(copies.length, 1, `one copy of the ${OLDEST} database: ${copies.join(", ")}`);
            const copy = path.join(backupDir, copies[0]);
            assert.deepEqual(sqlite(copy, "PRAGMA integrity_check"), ["ok"]);
            assert.equal(revision(copy), revisionBefore, "the copy holds the database as it was before the migration");
            assert.notEqual(revision(db()), revisionBefore, "the migration changed the schema");
            assert.deepEqual(sqlite(db(), "PRAGMA integrity_check"), ["ok"]);
            t.diagnostic(`schema (alembic) ${revisionBefore} -> ${revision(db())}, the script took ${upgrade.ms} ms`);
        });

        it("the pinned release serves the migrated database, and its client reads every item back through nginx", async () => {
            sandbox.mlflow = await sandbox.startMlflow();
            const read = await runClient("mlflow", "upgrade_data.py", ["verify", manifest, scratchDir("read")], client, 240_000);
            assert.equal(read.code, 0, `reading back with the pinned release failed:\n${read.stderr.slice(-6000)}`);
            const summary = JSON.parse(read.stdout.trim().split("\n").at(-1)!) as { version: string; runs: number; metric_points: number; artifacts: number };
            assert.equal(summary.version, hostEnv.MLFLOW_VERSION);
            assert.ok(summary.runs === 3 && summary.metric_points > 500 && summary.artifacts >= 3, `read back: ${JSON.stringify(summary)}`);
            assert.deepEqual(sandbox.mlflow.requests().filter(r => r.status >= 500), [], "MLflow failed requests on the migrated database");
        });
    });
}

// Outside: run this file again inside private namespaces. Inside: the tests.
if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 600_000 });
else defineTests();
