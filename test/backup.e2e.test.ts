// End to end: the nightly backup (host/mlflow-backup) of a real MLflow database while the real
// client writes to it. The pinned server runs as the rendered compose file runs it, behind real
// nginx 1.30 (the dev render); the client logs metrics through nginx, one call after another as
// a training loop does, and the backup runs in the middle of that. The copy must be intact,
// taken while the writes went on (not after them), consistent across MLflow's tables, and
// readable by MLflow itself; and no call of the client may fail because of the backup.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { existsSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { HOST } from "../lib/render/layout";
import { render } from "../scripts/render";
import { inNamespace, reexecInNamespace, scratchDir, sleep } from "../harness/namespace";
import { NginxSandbox } from "../harness/nginxSandbox";
import { describeRun, HOST_DIR, runCommandAsync, Sandbox, sqlite } from "./support/hostScripts";
import { runClient, trackingEnv } from "./support/tracking";

/** How long the client keeps logging after its first batches: well past the backup. */
const WRITE_SECONDS = 12;

function defineTests(): void {
    let sandbox: NginxSandbox;
    let host: Sandbox;
    let env: NodeJS.ProcessEnv;
    let backupDir: string;

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "dev");
        render({ stack: "dev", out: renderDir });
        sandbox = await NginxSandbox.start({ renderDir });
        host = new Sandbox("backup-e2e");
        backupDir = host.mkdir("backups");
        env = host.env(host.envFile(readFileSync(sandbox.hostFile(HOST.hostEnv), "utf8"), { MLFLOW_DATA_DIR: sandbox.dirs.mlflowData, BACKUP_DIR: backupDir }));
    });

    after(async () => {
        await sandbox?.stop();
        host?.remove();
    });

    describe("host/mlflow-backup on the real MLflow database while the real client writes (dev render)", () => {
        it("writes an intact, consistent copy taken during the writes, which MLflow opens, and no write fails", async (t) => {
            const db = path.join(sandbox.dirs.mlflowData, "mlflow.db");
            const lossRows = (file: string) => Number(sqlite(file, ".timeout 20000", "SELECT count(*) FROM metrics WHERE key = 'loss'")[0]);
            const ready = path.join(scratchDir("writer"), "ready");
            const writer = runClient("mlflow", "backup_data.py", ["write", ready, String(WRITE_SECONDS)], trackingEnv(sandbox, Object.keys(sandbox.users)[0]), 240_000);
            const deadline = Date.now() + 180_000;
            while (!existsSync(ready)) {
                assert.ok(Date.now() < deadline, "the client did not finish its first batches");
                await sleep(200);
            }
            const runId = readFileSync(ready, "utf8");
            while (lossRows(db) < 20) {
                assert.ok(Date.now() < deadline, "the client does not log one metric after another");
                await sleep(100);
            }
            const before = lossRows(db);
            const backup = await runCommandAsync(path.join(HOST_DIR, "mlflow-backup"), [], env, 120_000);
            const written = await writer;
            assert.equal(backup.status, 0, describeRun(backup));
            assert.equal(written.code, 0, `a call of the client failed during the backup:\n${written.stderr.slice(-4000)}`);
            const summary = JSON.parse(written.stdout.trim().split("\n").at(-1)!) as { loss_steps: number; prefill: number; slowest_call_s: number };

            const copy = path.join(backupDir, "mlflow.db");
            assert.deepEqual(sqlite(copy, "PRAGMA integrity_check"), ["ok"]);
            const copied = lossRows(copy);
            assert.ok(copied >= before && copied < summary.loss_steps,
                `the copy (${copied} loss steps) should be taken while the client went from ${before} to ${summary.loss_steps} steps`);
            // MLflow updates a metric's history and its latest value in one transaction.
            assert.deepEqual(sqlite(copy, "SELECT max(step) FROM metrics WHERE key = 'loss'"), sqlite(copy, "SELECT step FROM latest_metrics WHERE key = 'loss'"),
                "the copy holds a transaction half-applied");

            const read = await runClient("mlflow", "backup_data.py", ["read", copy, runId], {});
            assert.equal(read.code, 0, `MLflow cannot open the copy:\n${read.stderr.slice(-4000)}`);
            const { runs, prefill, loss_steps } = JSON.parse(read.stdout.trim().split("\n").at(-1)!) as { runs: number; prefill: number; loss_steps: number };
            assert.deepEqual({ runs, prefill, loss_steps }, { runs: 1, prefill: summary.prefill, loss_steps: copied }, "what MLflow sees in the copy");
            t.diagnostic(`database ${statSync(db).size} bytes; backup took ${backup.ms} ms; slowest client call ${summary.slowest_call_s} s; ` +
                `${before} -> ${copied} (copy) -> ${summary.loss_steps} loss steps`);
        });
    });
}

// Outside: run this file again inside private namespaces. Inside: the tests.
if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 400_000 });
else defineTests();
