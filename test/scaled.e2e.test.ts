// The scaled tier for real where this machine allows: the program (under mocks) declares the
// service's task definition of 2 vCPU; its containers run here exactly as defined
// (harness/scaledStack.ts): two real MLflow servers on real PostgreSQL (TLS verified, verify-full)
// and a local S3, behind real nginx with the task's configuration, behind a stand-in for the load
// balancer. MLflow's own client runs the whole flow of the host's end-to-end test with the
// stack's trackingEnv, then every call again without credentials and with a wrong password.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readFileSync } from "fs";
import * as path from "path";
import { S3_ARTIFACT_PREFIX } from "../lib/render/stores";
import { request } from "../harness/httpClient";
import { inNamespace, reexecInNamespace, RunResult, scratchDir } from "../harness/namespace";
import { ScaledStack } from "../harness/scaledStack";
import { schemaHead } from "../harness/realMlflow";
import { runProgram } from "./support/pulumiProgram";
import { checkCollected, gcRows, makeGcWorld } from "./support/gcWorld";
import { DeclaredTask, declaredTask, SCALED } from "./support/scaledTask";
import { clientEnvFromTrackingEnv, runClient } from "./support/tracking";

const MiB = 1024 ** 2;

interface FlowIds { experiment_id: string; run_id: string; model_id: string; trace_id: string; artifacts: string[] }

function defineTests(): void {
    let stack: ScaledStack;
    let declared: DeclaredTask;
    let clientEnv: Record<string, string>;
    let flowRun: RunResult;
    let ids: FlowIds | undefined;
    let workDir: string;

    before(async () => {
        // Two vCPU: two MLflow servers (mlflowServersPerTask), the task's nginx in front of both.
        declared = declaredTask(await runProgram({ ...SCALED, taskCpu: 2048, taskMemory: 4096 }));
        stack = await ScaledStack.start(declared);
        workDir = scratchDir("scaled-client");
        clientEnv = clientEnvFromTrackingEnv(declared.trackingEnv, stack.loadBalancerCaPem);
        flowRun = await runClient("mlflow", "flow.py", ["good", workDir], { ...clientEnv, FLOW_BIG_BYTES: String(256 * MiB) }, 600_000);
        if (flowRun.code === 0) ids = JSON.parse(readFileSync(path.join(workDir, "flow.json"), "utf8"));
    });
    after(async () => { await stack?.stop(); });

    describe("the scaled tier's task: real MLflow on PostgreSQL and S3 behind the task's nginx", () => {
        it("runs the client's whole flow through the load balancer: experiment, metrics, artifacts up and down with checksums, models by runs:/ and alias, a trace, search", () => {
            assert.equal(flowRun.code, 0, `flow.py failed:\n${flowRun.stdout}\n${flowRun.stderr}\nMLflow:\n${stack.mlflow.log.slice(-5000)}`);
        });

        it("runs one MLflow server per vCPU, each in its own container on its own port, and nginx gives each a share of the flow's requests", () => {
            assert.deepEqual(declared.containers.map(container => container.name), ["mlflow", "mlflow-2", "nginx"]);
            const answered = stack.mlflow.servers.map(server => server.requests().length);
            assert.ok(answered.every(count => count > 0), `requests answered per server: ${answered.join(", ")}`);
        });

        it("the schema upgrade's container created the pinned release's schema in the empty database before the service started", async () => {
            const upgrade = stack.schemaUpgrade!;
            assert.equal(upgrade.code, 0, `${upgrade.stdout}\n${upgrade.stderr}`);
            assert.match(upgrade.stderr, /Creating initial MLflow database tables|Updating database tables/);
        });

        it("keeps runs in PostgreSQL over TLS with the schema of the pinned release, and the password nowhere in the task definition", async () => {
            assert.ok(ids, "the flow ran");
            assert.equal(await stack.postgres.sql(`SELECT count(*) FROM runs WHERE run_uuid = '${ids.run_id}'`), "1");
            // A request through the load balancer, so that a worker holds a pooled connection now.
            const search = await request({
                address: new URL(clientEnv.MLFLOW_TRACKING_URI).hostname, port: 443, tls: true, ca: stack.loadBalancerCaPem, servername: declared.serverName,
                host: declared.serverName, auth: `${clientEnv.MLFLOW_TRACKING_USERNAME}:${clientEnv.MLFLOW_TRACKING_PASSWORD}`,
                method: "POST", path: "/api/2.0/mlflow/experiments/search", headers: { "content-type": "application/json" }, body: JSON.stringify({ max_results: 1 }),
            });
            assert.equal(search.status, 200);
            const connections = await stack.postgres.sql("SELECT string_agg(DISTINCT ssl::text, ',') FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE usename = 'mlflow' AND client_addr IS NOT NULL");
            assert.equal(connections, "true", "MLflow holds connections, and every one is TLS");
            const revision = await stack.postgres.sql("SELECT version_num FROM alembic_version");
            assert.equal(revision, await schemaHead());
            assert.ok(!JSON.stringify(declared.containers).includes(stack.postgres.options.password));
        });

        it("the daily garbage collection's container removes for good what was deleted more than gcRetentionDays ago, rows and S3 objects, and nothing else", { timeout: 600_000 }, async () => {
            const world = await makeGcWorld(clientEnv, scratchDir("gc-world"), stack.databaseUri);
            const before = await gcRows(stack.databaseUri);
            const collected = await stack.runOneOff(declared.gc);
            const prefix = `${S3_ARTIFACT_PREFIX}/`;
            const objects = [...(await stack.s3.objects(declared.bucket, prefix)).keys()].map(key => key.slice(prefix.length));
            checkCollected(world, { ...collected, status: collected.code }, before, await gcRows(stack.databaseUri), objects);
        });

        it("stores artifacts in the bucket under artifacts/ with the host's layout: <experiment>/<run>/artifacts/<path>", async () => {
            assert.ok(ids, "the flow ran");
            const objects = await stack.s3.objects(declared.bucket, `${S3_ARTIFACT_PREFIX}/`);
            for (const artifact of ids.artifacts) {
                const key = `${S3_ARTIFACT_PREFIX}/${ids.experiment_id}/${ids.run_id}/artifacts/${artifact}`;
                assert.ok(objects.has(key), `no object ${key}; have ${[...objects.keys()].slice(0, 20).join(", ")}`);
            }
            assert.ok([...objects.keys()].some(key => key.startsWith(`${S3_ARTIFACT_PREFIX}/${ids!.experiment_id}/models/${ids!.model_id}/artifacts/`)), "the logged model");
        });

        it("passes artifacts through the task both ways: the client is handed no presigned URL of the bucket, MLflow streams the downloads", () => {
            assert.ok(ids, "the flow ran");
            const requests = stack.mlflow.requests();
            assert.deepEqual(requests.filter(r => /presigned|\/mpu\//.test(r.path)), [], "no presigned URL was asked of MLflow");
            const downloads = requests.filter(r => r.method === "GET" && r.path.includes(`/mlflow-artifacts/artifacts/${ids!.experiment_id}/${ids!.run_id}/`) && r.status === 200);
            assert.ok(downloads.length >= ids.artifacts.length, "MLflow streamed the run's files");
        });

        for (const [label, unset, source] of [
            ["without credentials", true, "127.31.0.1"],
            ["with a wrong password", false, "127.31.0.2"],
        ] as const) {
            it(`refuses every call of the flow ${label} with 401, and nothing of it reaches MLflow`, async () => {
                assert.ok(ids, "the flow ran");
                const before = stack.mlflow.servers.map(server => server.requests().length);
                const env: Record<string, string> = { ...clientEnv, FLOW_BIG_BYTES: String(MiB), FLOW_LABEL: label.replace(/\W+/g, "-"), FLOW_SOURCE_ADDRESS: source, MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0" };
                if (unset) { delete env.MLFLOW_TRACKING_USERNAME; delete env.MLFLOW_TRACKING_PASSWORD; }
                else env.MLFLOW_TRACKING_PASSWORD += "x";
                const refused = await runClient("mlflow", "flow.py", ["refused", workDir], env, 300_000);
                assert.equal(refused.code, 0, `${refused.stdout}\n${refused.stderr}`);
                assert.deepEqual(stack.mlflow.servers.flatMap((server, i) => server.requests().slice(before[i])), [], "a refused call reached MLflow");
            });
        }
    });
}

if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 900_000 });
else defineTests();
