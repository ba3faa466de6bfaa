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
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const layout_1 = require("../lib/render/layout");
const stores_1 = require("../lib/render/stores");
const sampleTls_1 = require("../lib/sampleTls");
const render_1 = require("../scripts/render");
const namespace_1 = require("../harness/namespace");
const httpClient_1 = require("../harness/httpClient");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const postgres_1 = require("../harness/postgres");
const realMlflow_1 = require("../harness/realMlflow");
const s3Endpoint_1 = require("../harness/s3Endpoint");
const hostScripts_1 = require("./support/hostScripts");
const renderOnce_1 = require("./support/renderOnce");
const tracking_1 = require("./support/tracking");
const MiB = 1024 ** 2;
const ADDRESSES = { database: "127.0.4.1", s3: "127.0.4.2" };
function defineTests() {
    let sandbox;
    let host;
    let hostEnv;
    let postgres;
    let s3;
    let bucket;
    let mlflow;
    let upgrade;
    let flowRun;
    let ids;
    let client;
    let workDir;
    /** A request to nginx as the flow's user. */
    const authenticated = () => ({
        address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, host: sandbox.publicIp,
        auth: `${client.MLFLOW_TRACKING_USERNAME}:${client.MLFLOW_TRACKING_PASSWORD}`,
    });
    (0, node_test_1.before)(async () => {
        const renderDir = path.join((0, namespace_1.scratchDir)("render"), "stateless");
        (0, render_1.render)({ stack: "dev", out: renderDir, overrides: renderOnce_1.STATELESS_HOST });
        sandbox = await nginxSandbox_1.NginxSandbox.start({ renderDir, mlflow: false });
        const hostEnvText = (0, fs_1.readFileSync)(sandbox.hostFile(layout_1.HOST.hostEnv), "utf8");
        hostEnv = (0, renderOnce_1.readEnvFileWithBash)(sandbox.hostFile(layout_1.HOST.hostEnv));
        const work = (0, namespace_1.scratchDir)("stateless");
        // The database at the name the host was told, with a certificate for that name.
        const hosts = path.join(work, "hosts");
        (0, fs_1.writeFileSync)(hosts, `127.0.0.1 localhost\n${ADDRESSES.database} ${hostEnv.DATABASE_HOST}\n`);
        const bound = await (0, namespace_1.run)("mount", ["--bind", hosts, "/etc/hosts"]);
        strict_1.default.equal(bound.code, 0, bound.stderr);
        const tlsDir = path.join(work, "db-tls");
        (0, fs_1.mkdirSync)(tlsDir);
        const dbTls = (0, sampleTls_1.issueCertificate)(tlsDir, "RDS stand-in CA", [hostEnv.DATABASE_HOST]);
        postgres = await postgres_1.Postgres.start({
            address: ADDRESSES.database, certPem: dbTls.certPem, keyPem: dbTls.keyPem,
            database: hostEnv.DATABASE_NAME, user: hostEnv.DATABASE_USER, password: sandbox.values.databasePassword,
        });
        const command = (0, realMlflow_1.mlflowService)(sandbox.composeFile).command;
        bucket = new URL(command[command.indexOf("--artifacts-destination") + 1]).hostname;
        (0, namespace_1.addLoopbackAddress)(ADDRESSES.s3);
        s3 = await s3Endpoint_1.S3Endpoint.start(ADDRESSES.s3, bucket);
        const caBundle = path.join(work, "rds-ca.pem");
        (0, fs_1.writeFileSync)(caBundle, dbTls.caPem);
        // The password file as rendered (mlflow-fetch-secrets' format and mode, the sample password).
        const hostPaths = { [layout_1.HOST.rdsCaBundle]: caBundle, [layout_1.HOST.pgpassFile]: sandbox.hostFile(layout_1.HOST.pgpassFile) };
        const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = s3Endpoint_1.S3_CLIENT_ENV;
        const outside = { MLFLOW_S3_ENDPOINT_URL: s3.url, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY };
        host = new hostScripts_1.Sandbox("stateless-host");
        host.fake("docker", (0, realMlflow_1.composeRunStandIn)({
            composeFile: sandbox.composeFile, hostComposeFile: hostEnv.COMPOSE_FILE, hostPaths,
            tmpDir: sandbox.dirs.mlflowTmp, homeDir: sandbox.dirs.mlflowHome, env: outside,
        }));
        upgrade = await (0, hostScripts_1.runCommandAsync)(path.join(hostScripts_1.HOST_DIR, "mlflow-db-upgrade"), [], host.env(host.envFile(hostEnvText, { MLFLOW_DATA_DIR: sandbox.dirs.mlflowData, BACKUP_DIR: host.mkdir("backups") })), 240_000);
        mlflow = await realMlflow_1.RealMlflow.start({
            composeFile: sandbox.composeFile, hostPaths, tmpDir: sandbox.dirs.mlflowTmp, homeDir: sandbox.dirs.mlflowHome,
            address: nginxSandbox_1.MLFLOW_ADDRESS, env: outside,
        });
        workDir = (0, namespace_1.scratchDir)("stateless-client");
        client = (0, tracking_1.trackingEnv)(sandbox, Object.keys(sandbox.users)[0]);
        flowRun = await (0, tracking_1.runClient)("mlflow", "flow.py", ["good", workDir], { ...client, FLOW_BIG_BYTES: String(256 * MiB) }, 600_000);
        if (flowRun.code === 0)
            ids = JSON.parse((0, fs_1.readFileSync)(path.join(workDir, "flow.json"), "utf8"));
    });
    (0, node_test_1.after)(async () => {
        await mlflow?.stop();
        await sandbox?.stop();
        s3?.stop();
        await postgres?.stop();
        host?.remove();
    });
    (0, node_test_1.describe)("a stateless host: the rendered MLflow on PostgreSQL and S3 behind the rendered nginx", () => {
        (0, node_test_1.it)("the host's mlflow-db-upgrade created the pinned release's schema in the empty database", async () => {
            strict_1.default.equal(upgrade.status, 0, (0, hostScripts_1.describeRun)(upgrade));
            strict_1.default.match(upgrade.stderr, /no MLflow version recorded on this volume/);
            strict_1.default.equal(await postgres.sql("SELECT version_num FROM alembic_version"), await (0, realMlflow_1.schemaHead)());
            strict_1.default.equal((0, fs_1.readFileSync)(path.join(sandbox.dirs.mlflowData, ".schema-version"), "utf8"), `${hostEnv.MLFLOW_VERSION}\n`);
        });
        (0, node_test_1.it)("runs the client's whole flow through nginx: experiment, metrics, artifacts up and down with checksums, models by runs:/ and alias, a trace, search", () => {
            strict_1.default.equal(flowRun.code, 0, `flow.py failed:\n${flowRun.stdout}\n${flowRun.stderr}\nMLflow:\n${mlflow.log.slice(-5000)}`);
        });
        (0, node_test_1.it)("keeps the runs in PostgreSQL over TLS, and the password in no process's environment", async () => {
            strict_1.default.ok(ids, "the flow ran");
            strict_1.default.equal(await postgres.sql(`SELECT count(*) FROM runs WHERE run_uuid = '${ids.run_id}'`), "1");
            const ssl = await postgres.sql("SELECT string_agg(DISTINCT ssl::text, ',') FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE usename = 'mlflow' AND client_addr IS NOT NULL");
            strict_1.default.equal(ssl, "true", "MLflow holds pooled connections, and every one is TLS");
            for (const { pid } of mlflow.processes()) {
                let environ = "";
                try {
                    environ = (0, fs_1.readFileSync)(`/proc/${pid}/environ`, "utf8");
                }
                catch {
                    continue;
                }
                strict_1.default.ok(!environ.includes(postgres.options.password), `process ${pid} holds the password in its environment`);
            }
        });
        (0, node_test_1.it)("stores artifacts in the bucket with the host's layout, and nothing on the data volume but the version marker", async () => {
            strict_1.default.ok(ids, "the flow ran");
            const objects = await s3.objects(bucket, `${stores_1.S3_ARTIFACT_PREFIX}/`);
            for (const artifact of ids.artifacts) {
                const key = `${stores_1.S3_ARTIFACT_PREFIX}/${ids.experiment_id}/${ids.run_id}/artifacts/${artifact}`;
                strict_1.default.ok(objects.has(key), `no object ${key}; have ${[...objects.keys()].slice(0, 20).join(", ")}`);
            }
            // The store's directory exists on every host (mlflow-prepare-data makes it); here it stays empty.
            strict_1.default.deepEqual((0, fs_1.readdirSync)(sandbox.dirs.mlflowData).sort(), [".schema-version", path.basename(sandbox.dirs.artifacts)]);
            strict_1.default.deepEqual((0, fs_1.readdirSync)(sandbox.dirs.artifacts), []);
        });
        (0, node_test_1.it)("artifacts pass through the server both ways: MLflow streams every download, and no client is handed a presigned URL of the bucket", async () => {
            strict_1.default.ok(ids, "the flow ran");
            const requests = mlflow.requests();
            const downloads = requests.filter(r => r.method === "GET" && r.path.includes(`/mlflow-artifacts/artifacts/${ids.experiment_id}/${ids.run_id}/`) && r.status === 200);
            strict_1.default.ok(downloads.length >= ids.artifacts.length, `MLflow streamed the run's files; it answered ${JSON.stringify(requests.filter(r => r.method === "GET").slice(0, 40))}`);
            strict_1.default.deepEqual(requests.filter(r => /presigned|\/mpu\//.test(r.path)), [], "no presigned URL was asked of MLflow");
            // What the client asked first: the server's capabilities, through nginx.
            const info = await (0, httpClient_1.request)({ ...authenticated(), path: "/api/3.0/mlflow/server-info" });
            strict_1.default.equal(info.status, 200);
            const capabilities = JSON.parse(info.body.toString("utf8"));
            strict_1.default.deepEqual([capabilities.multipart_downloads_enabled, capabilities.multipart_uploads_enabled], [false, false]);
            strict_1.default.equal(capabilities.store_type, "SqlStore", "the rest of the answer is MLflow's");
            const direct = await (0, httpClient_1.request)({ address: nginxSandbox_1.MLFLOW_ADDRESS, port: 5000, tls: false, host: sandbox.publicIp, path: "/api/3.0/mlflow/server-info" });
            strict_1.default.equal(JSON.parse(direct.body.toString("utf8")).multipart_downloads_enabled, true, "MLflow itself offers them on S3");
        });
        (0, node_test_1.it)("refuses, with the password, every endpoint that would sign a URL of the bucket; none reaches MLflow", async () => {
            const before = mlflow.requests().length;
            const paths = ["/api/2.0/mlflow-artifacts/presigned/1/x/artifacts/small.txt", "/ajax-api/2.0/mlflow-artifacts/presigned/1/x/artifacts/small.txt",
                "/api/2.0/mlflow-artifacts/mpu/create/1/x/artifacts/big.bin", "/api/2.0/mlflow/artifacts/presigned-download-url", "/ajax-api/2.0/mlflow/artifacts/presigned-upload-url"];
            for (const path of paths) {
                const answer = await (0, httpClient_1.request)({ ...authenticated(), method: path.includes("mpu") || path.includes("presigned-") ? "POST" : "GET", path, headers: { "content-type": "application/json" }, body: "{}" });
                strict_1.default.equal(answer.status, 403, path);
                strict_1.default.match(answer.body.toString("utf8"), /PERMISSION_DENIED/);
            }
            // uvicorn's access log arrives a moment late: wait for any line of these, and look only
            // at these paths (the previous test's requests may be arriving too).
            await (0, namespace_1.sleep)(1000);
            const reached = mlflow.requests().slice(before).filter(r => paths.some(path => r.path.startsWith(path)));
            strict_1.default.deepEqual(reached, []);
        });
        (0, node_test_1.it)("refuses the flow without credentials with 401, and nothing of it reaches MLflow", async () => {
            strict_1.default.ok(ids, "the flow ran");
            const before = mlflow.requests().length;
            const env = { ...client, FLOW_BIG_BYTES: String(MiB), FLOW_LABEL: "no-credentials", MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0" };
            delete env.MLFLOW_TRACKING_USERNAME;
            delete env.MLFLOW_TRACKING_PASSWORD;
            const refused = await (0, tracking_1.runClient)("mlflow", "flow.py", ["refused", workDir], env, 300_000);
            strict_1.default.equal(refused.code, 0, `${refused.stdout}\n${refused.stderr}`);
            strict_1.default.deepEqual(mlflow.requests().slice(before), [], "a refused call reached MLflow");
        });
    });
}
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 900_000 });
else
    defineTests();
//# sourceMappingURL=stateless-host.e2e.test.js.map