// A stateless host (backendStore rds, artifactStore s3) for real where this machine allows: the
// files the host receives (the dev stack rendered with those settings), its own mlflow-db-upgrade
// creating the schema, then its MLflow as the rendered compose file runs it, on real PostgreSQL
// 17 (Debian 13's server, TLS only, verified with verify-full against the bundle file the host
// holds, the password read from the password file mlflow-fetch-secrets writes) and moto's S3,
// behind real nginx with the rendered configuration. The real client runs the whole flow through
// nginx with the stack's trackingEnv.
// What differs from AWS, and only that: the CA bundle holds the PostgreSQL stand-in's test CA in
// place of Amazon's, the database answers at the rendered RDS name through /etc/hosts, Docker's
// `compose run` is carried out with the pinned release in place of the image, and boto3 gets the
// stand-in's endpoint and dummy keys where EC2 gives it the instance role's credentials.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { HOST } from "../lib/render/layout";
import { S3_ARTIFACT_PREFIX } from "../lib/render/stores";
import { render } from "../scripts/render";
import { addLoopbackAddress, inNamespace, reexecInNamespace, RunResult, scratchDir, sleep } from "../harness/namespace";
import { request } from "../harness/httpClient";
import { MLFLOW_ADDRESS, NginxSandbox } from "../harness/nginxSandbox";
import { Postgres } from "../harness/postgres";
import { composeRunStandIn, mlflowService, RealMlflow, schemaHead } from "../harness/realMlflow";
import { S3_CLIENT_ENV, S3Endpoint } from "../harness/s3Endpoint";
import { describeRun, HOST_DIR, RunResult as ScriptResult, runCommandAsync, Sandbox } from "./support/hostScripts";
import { checkCollected, gcRows, makeGcWorld, runHostGc } from "./support/gcWorld";
import { startRdsStandIn } from "./support/rdsStandIn";
import { readEnvFileWithBash } from "../harness/envFile";
import { STATELESS_HOST } from "./support/renderOnce";
import { runClient, trackingEnv } from "./support/tracking";

const MiB = 1024 ** 2;
const ADDRESSES = { database: "127.0.4.1", s3: "127.0.4.2" } as const;

interface FlowIds { experiment_id: string; run_id: string; model_id: string; artifacts: string[] }

function defineTests(): void {
    let sandbox: NginxSandbox;
    let host: Sandbox;
    let hostEnv: Record<string, string>;
    let hostEnvText: string;
    let hostPaths: Record<string, string>;
    let outside: Record<string, string>;
    let postgres: Postgres;
    let s3: S3Endpoint;
    let bucket: string;
    let mlflow: RealMlflow;
    let upgrade: ScriptResult;
    let flowRun: RunResult;
    let ids: FlowIds | undefined;
    let client: Record<string, string>;
    let workDir: string;
    /** A request to nginx as the flow's user. */
    const authenticated = () => ({
        address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, host: sandbox.publicIp,
        auth: `${client.MLFLOW_TRACKING_USERNAME}:${client.MLFLOW_TRACKING_PASSWORD}`,
    });

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "stateless");
        render({ stack: "dev", out: renderDir, overrides: STATELESS_HOST });
        sandbox = await NginxSandbox.start({ renderDir, mlflow: false });
        hostEnvText = readFileSync(sandbox.hostFile(HOST.hostEnv), "utf8");
        hostEnv = readEnvFileWithBash(sandbox.hostFile(HOST.hostEnv));
        const work = scratchDir("stateless");

        // The database at the name the host was told, with a certificate for that name.
        const rds = await startRdsStandIn(hostEnv, ADDRESSES.database, sandbox.values.databasePassword!, work);
        postgres = rds.postgres;
        const command = mlflowService(sandbox.composeFile).command;
        bucket = new URL(command[command.indexOf("--artifacts-destination") + 1]).hostname;
        addLoopbackAddress(ADDRESSES.s3);
        s3 = await S3Endpoint.start(ADDRESSES.s3, bucket);

        const caBundle = rds.caBundle;
        // The password file as rendered (mlflow-fetch-secrets' format and mode, the sample password).
        hostPaths = { [HOST.rdsCaBundle]: caBundle, [HOST.pgpassFile]: sandbox.hostFile(HOST.pgpassFile) };
        const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = S3_CLIENT_ENV;
        outside = { MLFLOW_S3_ENDPOINT_URL: s3.url, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY };

        host = new Sandbox("stateless-host");
        host.fake("docker", composeRunStandIn({
            composeFile: sandbox.composeFile, hostComposeFile: hostEnv.COMPOSE_FILE, hostPaths,
            tmpDir: sandbox.dirs.mlflowTmp, homeDir: sandbox.dirs.mlflowHome, env: outside,
        }));
        upgrade = await runCommandAsync(path.join(HOST_DIR, "mlflow-db-upgrade"), [],
            host.env(host.envFile(hostEnvText, { MLFLOW_DATA_DIR: sandbox.dirs.mlflowData, BACKUP_DIR: host.mkdir("backups") })), 240_000);
        mlflow = await sandbox.startMlflow({ hostPaths, env: outside });

        workDir = scratchDir("stateless-client");
        client = trackingEnv(sandbox, Object.keys(sandbox.users)[0]);
        flowRun = await runClient("mlflow", "flow.py", ["good", workDir], { ...client, FLOW_BIG_BYTES: String(256 * MiB) }, 600_000);
        if (flowRun.code === 0) ids = JSON.parse(readFileSync(path.join(workDir, "flow.json"), "utf8"));
    });
    after(async () => {
        await mlflow?.stop();
        await sandbox?.stop();
        s3?.stop();
        await postgres?.stop();
        host?.remove();
    });

    describe("a stateless host: the rendered MLflow on PostgreSQL and S3 behind the rendered nginx", () => {
        it("the host's mlflow-db-upgrade created the pinned release's schema in the empty database", async () => {
            assert.equal(upgrade.status, 0, describeRun(upgrade));
            assert.match(upgrade.stderr, /no MLflow version recorded on this volume/);
            assert.equal(await postgres.sql("SELECT version_num FROM alembic_version"), await schemaHead());
            assert.equal(readFileSync(path.join(sandbox.dirs.mlflowData, ".schema-version"), "utf8"), `${hostEnv.MLFLOW_VERSION}\n`);
        });

        it("runs the client's whole flow through nginx: experiment, metrics, artifacts up and down with checksums, models by runs:/ and alias, a trace, search", () => {
            assert.equal(flowRun.code, 0, `flow.py failed:\n${flowRun.stdout}\n${flowRun.stderr}\nMLflow:\n${mlflow.log.slice(-5000)}`);
        });

        it("keeps the runs in PostgreSQL over TLS, and the password in no process's environment", async () => {
            assert.ok(ids, "the flow ran");
            assert.equal(await postgres.sql(`SELECT count(*) FROM runs WHERE run_uuid = '${ids.run_id}'`), "1");
            const ssl = await postgres.sql("SELECT string_agg(DISTINCT ssl::text, ',') FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE usename = 'mlflow' AND client_addr IS NOT NULL");
            assert.equal(ssl, "true", "MLflow holds pooled connections, and every one is TLS");
            for (const { pid } of mlflow.processes()) {
                let environ = "";
                try { environ = readFileSync(`/proc/${pid}/environ`, "utf8"); } catch { continue; }
                assert.ok(!environ.includes(postgres.options.password), `process ${pid} holds the password in its environment`);
            }
        });

        it("stores artifacts in the bucket with the host's layout, and nothing on the data volume but the version marker", async () => {
            assert.ok(ids, "the flow ran");
            const objects = await s3.objects(bucket, `${S3_ARTIFACT_PREFIX}/`);
            for (const artifact of ids.artifacts) {
                const key = `${S3_ARTIFACT_PREFIX}/${ids.experiment_id}/${ids.run_id}/artifacts/${artifact}`;
                assert.ok(objects.has(key), `no object ${key}; have ${[...objects.keys()].slice(0, 20).join(", ")}`);
            }
            // The store's directory exists on every host (mlflow-prepare-data makes it); here it stays empty.
            assert.deepEqual(readdirSync(sandbox.dirs.mlflowData).sort(), [".schema-version", path.basename(sandbox.dirs.artifacts)]);
            assert.deepEqual(readdirSync(sandbox.dirs.artifacts), []);
        });

        it("artifacts pass through the server both ways: MLflow streams every download, and no client is handed a presigned URL of the bucket", async () => {
            assert.ok(ids, "the flow ran");
            const requests = mlflow.requests();
            const downloads = requests.filter(r => r.method === "GET" && r.path.includes(`/mlflow-artifacts/artifacts/${ids!.experiment_id}/${ids!.run_id}/`) && r.status === 200);
            assert.ok(downloads.length >= ids.artifacts.length, `MLflow streamed the run's files; it answered ${JSON.stringify(requests.filter(r => r.method === "GET").slice(0, 40))}`);
            assert.deepEqual(requests.filter(r => /presigned|\/mpu\//.test(r.path)), [], "no presigned URL was asked of MLflow");
            // What the client asked first: the server's capabilities, through nginx.
            const info = await request({ ...authenticated(), path: "/api/3.0/mlflow/server-info" });
            assert.equal(info.status, 200);
            const capabilities = JSON.parse(info.body.toString("utf8")) as Record<string, unknown>;
            assert.deepEqual([capabilities.multipart_downloads_enabled, capabilities.multipart_uploads_enabled], [false, false]);
            assert.equal(capabilities.store_type, "SqlStore", "the rest of the answer is MLflow's");
            const direct = await request({ address: MLFLOW_ADDRESS, port: 5000, tls: false, host: sandbox.publicIp, path: "/api/3.0/mlflow/server-info" });
            assert.equal((JSON.parse(direct.body.toString("utf8")) as Record<string, unknown>).multipart_downloads_enabled, true, "MLflow itself offers them on S3");
        });

        it("refuses, with the password, every endpoint that would sign a URL of the bucket; none reaches MLflow", async () => {
            const before = mlflow.requests().length;
            const paths = ["/api/2.0/mlflow-artifacts/presigned/1/x/artifacts/small.txt", "/ajax-api/2.0/mlflow-artifacts/presigned/1/x/artifacts/small.txt",
                "/api/2.0/mlflow-artifacts/mpu/create/1/x/artifacts/big.bin", "/api/2.0/mlflow/artifacts/presigned-download-url", "/ajax-api/2.0/mlflow/artifacts/presigned-upload-url"];
            for (const path of paths) {
                const answer = await request({ ...authenticated(), method: path.includes("mpu") || path.includes("presigned-") ? "POST" : "GET", path, headers: { "content-type": "application/json" }, body: "{}" });
                assert.equal(answer.status, 403, path);
                assert.match(answer.body.toString("utf8"), /PERMISSION_DENIED/);
            }
            // uvicorn's access log arrives a moment late: wait for any line of these, and look only
            // at these paths (the previous test's requests may be arriving too).
            await sleep(1000);
            const reached = mlflow.requests().slice(before).filter(r => paths.some(path => r.path.startsWith(path)));
            assert.deepEqual(reached, []);
        });

        it("refuses the flow without credentials with 401, and nothing of it reaches MLflow", async () => {
            assert.ok(ids, "the flow ran");
            const before = mlflow.requests().length;
            const env: Record<string, string> = { ...client, FLOW_BIG_BYTES: String(MiB), FLOW_LABEL: "no-credentials", MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0" };
            delete env.MLFLOW_TRACKING_USERNAME;
            delete env.MLFLOW_TRACKING_PASSWORD;
            const refused = await runClient("mlflow", "flow.py", ["refused", workDir], env, 300_000);
            assert.equal(refused.code, 0, `${refused.stdout}\n${refused.stderr}`);
            assert.deepEqual(mlflow.requests().slice(before), [], "a refused call reached MLflow");
        });

        it("mlflow-gc removes for good what was deleted more than gcRetentionDays ago, rows and S3 objects, and nothing else (PostgreSQL and S3)", { timeout: 600_000 }, async () => {
            const dbUri = `postgresql+psycopg2://${hostEnv.DATABASE_USER}:${sandbox.values.databasePassword}@${ADDRESSES.database}:5432/${hostEnv.DATABASE_NAME}?sslmode=require`;
            const world = await makeGcWorld(client, scratchDir("gc-world"), dbUri);
            const before = await gcRows(dbUri);
            const gc = () => runHostGc({ hostEnvText, composeFile: sandbox.composeFile, hostPaths, tmpDir: sandbox.dirs.mlflowTmp, homeDir: sandbox.dirs.mlflowHome, env: outside });
            const started = Date.now();
            const collected = await gc();
            console.log(`# mlflow-gc took ${((Date.now() - started) / 1000).toFixed(1)} s`);
            const prefix = `${S3_ARTIFACT_PREFIX}/`;
            const objects = [...(await s3.objects(bucket, prefix)).keys()].map(key => key.slice(prefix.length));
            checkCollected(world, collected, before, await gcRows(dbUri), objects);
            const again = await gc();
            assert.match(again.stdout, /: 0 runs, 0 logged models, 0 experiments to remove$/m, "a second collection finds nothing");
        });
    });
}

if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 900_000 });
else defineTests();
