// Nothing MLflow acknowledged is lost: writers log metrics through the rendered nginx to the real
// MLflow on SQLite, as rendered, while all of MLflow's processes are killed with SIGKILL (a crash,
// the kernel's OOM killer, a host losing power with the volume intact) and started again.
// Afterwards every write that got HTTP 200 is in the database with its value, and SQLite's own
// integrity check passes. Any change that speeds up writes (journal mode, synchronous, pooling)
// must keep this test green.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { basicAuth, ClientResponse, request } from "../harness/httpClient";
import { inNamespace, reexecInNamespace, scratchDir, sleep } from "../harness/namespace";
import { NginxSandbox } from "../harness/nginxSandbox";
import { SQLITE_FILE } from "../lib/render/layout";
import { render } from "../scripts/render";

const WRITERS = 8;
/** Kills of every MLflow process, each followed by a start, while the writers write. */
const KILLS = 3;
/** Writes between kills (and before the first, after the last). */
const PHASE_MS = 3000;

interface Write { key: string; step: number; value: number }

function defineTests(): void {
    let sandbox: NginxSandbox;
    let auth: string;
    let runId: string;
    const acknowledged: Write[] = [];
    /** Acknowledged writes counted at the start of each phase. */
    const phaseStarts: number[] = [];
    let refused = 0;
    let killed = 0;

    const api = (method: string, apiPath: string, body?: object): Promise<ClientResponse> => request({
        address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, auth, method, path: apiPath, timeoutMs: 30_000,
        ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
    });

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "dev");
        render({ stack: "dev", out: renderDir });
        sandbox = await NginxSandbox.start({ renderDir });
        auth = basicAuth(...Object.entries(sandbox.users)[0]);
        const experiment = await api("POST", "/api/2.0/mlflow/experiments/create", { name: "durability" });
        assert.equal(experiment.status, 200, experiment.text);
        const run = await api("POST", "/api/2.0/mlflow/runs/create", { experiment_id: JSON.parse(experiment.text).experiment_id, start_time: Date.now() });
        assert.equal(run.status, 200, run.text);
        runId = JSON.parse(run.text).run.info.run_id;

        let writing = true;
        const writer = async (index: number) => {
            for (let step = 0; writing; step++) {
                const write = { key: `writer-${index}`, step, value: index * 1_000_000 + step + 0.25 };
                try {
                    const response = await api("POST", "/api/2.0/mlflow/runs/log-batch", {
                        run_id: runId, metrics: [{ ...write, timestamp: Date.now() }],
                    });
                    if (response.status === 200) {
                        acknowledged.push(write);
                        continue;
                    }
                    refused++;
                } catch {
                    refused++;
                }
                // While MLflow is down nginx answers 502 at once: do not spin while it starts.
                await sleep(50);
            }
        };
        const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));
        /**
         * A phase starts with the first write acknowledged after a start: nginx passes a server
         * that failed it over for fail_timeout, and on busy cores that can take much of a phase.
         */
        const startPhase = async () => {
            const before = acknowledged.length;
            for (const deadline = Date.now() + 60_000; acknowledged.length === before && Date.now() < deadline;) await sleep(50);
            phaseStarts.push(acknowledged.length);
            await sleep(PHASE_MS);
        };
        for (let kill = 0; kill < KILLS; kill++) {
            await startPhase();
            // All of MLflow's processes at once, mid-write, as a crash or the OOM killer would.
            for (const { pid } of sandbox.mlflow!.processes()) {
                try { process.kill(pid, "SIGKILL"); killed++; } catch { /* gone */ }
            }
            sandbox.mlflow = await sandbox.startMlflow();
        }
        await startPhase();
        writing = false;
        await Promise.all(writers);
    });
    after(async () => { await sandbox?.stop(); });

    describe("MLflow killed with SIGKILL while writers log metrics through nginx (SQLite as rendered)", () => {
        it("the writers wrote before and after every kill, and some calls failed while MLflow was down", () => {
            console.log(`# ${acknowledged.length} writes acknowledged, ${refused} refused or failed, ${killed} processes killed in ${KILLS} kills`);
            assert.ok(killed >= KILLS * 2, `killed ${killed} processes: the supervisor and its workers each time`);
            const phases = [...phaseStarts, acknowledged.length];
            for (let phase = 0; phase + 1 < phases.length; phase++) {
                assert.ok(phases[phase + 1] - phases[phase] >= 20, `phase ${phase}: only ${phases[phase + 1] - phases[phase]} writes acknowledged`);
            }
            assert.ok(refused > 0, "no call failed: MLflow was never down while a writer wrote");
        });

        it("every acknowledged write is in the database with its value, and SQLite's integrity check passes", () => {
            const db = path.join(sandbox.dirs.mlflowData, SQLITE_FILE);
            const sqlite = (query: string) => execFileSync("sqlite3", ["-readonly", db, query], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
            assert.equal(sqlite("PRAGMA integrity_check").trim(), "ok");
            const stored = new Map(sqlite(`SELECT key, step, value FROM metrics WHERE run_uuid = '${runId}'`).trim().split("\n")
                .map(row => row.split("|")).map(([key, step, value]) => [`${key}/${step}`, Number(value)]));
            const lost = acknowledged.filter(write => stored.get(`${write.key}/${write.step}`) !== write.value);
            assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${acknowledged.length} acknowledged writes are not in the database with their value`);
        });
    });
}

if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 600_000 });
else defineTests();
