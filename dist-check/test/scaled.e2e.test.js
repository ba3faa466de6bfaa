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
// The scaled tier for real where this machine allows: the program (under mocks) declares the
// service's task definition; its two containers run here exactly as defined (harness/scaledStack.ts):
// the real MLflow on real PostgreSQL (TLS verified, verify-full) and a local S3, behind real
// nginx with the task's configuration, behind a stand-in for the load balancer. MLflow's own
// client runs the whole flow of the host's end-to-end test with the stack's trackingEnv, then
// every call again without credentials and with a wrong password.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const stores_1 = require("../lib/render/stores");
const httpClient_1 = require("../harness/httpClient");
const namespace_1 = require("../harness/namespace");
const scaledStack_1 = require("../harness/scaledStack");
const realMlflow_1 = require("../harness/realMlflow");
const pulumiProgram_1 = require("./support/pulumiProgram");
const scaledTask_1 = require("./support/scaledTask");
const tracking_1 = require("./support/tracking");
const MiB = 1024 ** 2;
function defineTests() {
    let stack;
    let declared;
    let clientEnv;
    let flowRun;
    let ids;
    let workDir;
    (0, node_test_1.before)(async () => {
        declared = (0, scaledTask_1.declaredTask)(await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED }));
        stack = await scaledStack_1.ScaledStack.start(declared);
        workDir = (0, namespace_1.scratchDir)("scaled-client");
        clientEnv = (0, tracking_1.clientEnvFromTrackingEnv)(declared.trackingEnv, stack.loadBalancerCaPem);
        flowRun = await (0, tracking_1.runClient)("mlflow", "flow.py", ["good", workDir], { ...clientEnv, FLOW_BIG_BYTES: String(256 * MiB) }, 600_000);
        if (flowRun.code === 0)
            ids = JSON.parse((0, fs_1.readFileSync)(path.join(workDir, "flow.json"), "utf8"));
    });
    (0, node_test_1.after)(async () => { await stack?.stop(); });
    (0, node_test_1.describe)("the scaled tier's task: real MLflow on PostgreSQL and S3 behind the task's nginx", () => {
        (0, node_test_1.it)("runs the client's whole flow through the load balancer: experiment, metrics, artifacts up and down with checksums, models by runs:/ and alias, a trace, search", () => {
            strict_1.default.equal(flowRun.code, 0, `flow.py failed:\n${flowRun.stdout}\n${flowRun.stderr}\nMLflow:\n${stack.mlflow.log.slice(-5000)}`);
        });
        (0, node_test_1.it)("the schema upgrade's container created the pinned release's schema in the empty database before the service started", async () => {
            const upgrade = stack.schemaUpgrade;
            strict_1.default.equal(upgrade.code, 0, `${upgrade.stdout}\n${upgrade.stderr}`);
            strict_1.default.match(upgrade.stderr, /Creating initial MLflow database tables|Updating database tables/);
        });
        (0, node_test_1.it)("keeps runs in PostgreSQL over TLS with the schema of the pinned release, and the password nowhere in the task definition", async () => {
            strict_1.default.ok(ids, "the flow ran");
            strict_1.default.equal(await stack.postgres.sql(`SELECT count(*) FROM runs WHERE run_uuid = '${ids.run_id}'`), "1");
            // A request through the load balancer, so that a worker holds a pooled connection now.
            const search = await (0, httpClient_1.request)({
                address: new URL(clientEnv.MLFLOW_TRACKING_URI).hostname, port: 443, tls: true, ca: stack.loadBalancerCaPem, servername: declared.serverName,
                host: declared.serverName, auth: `${clientEnv.MLFLOW_TRACKING_USERNAME}:${clientEnv.MLFLOW_TRACKING_PASSWORD}`,
                method: "POST", path: "/api/2.0/mlflow/experiments/search", headers: { "content-type": "application/json" }, body: JSON.stringify({ max_results: 1 }),
            });
            strict_1.default.equal(search.status, 200);
            const connections = await stack.postgres.sql("SELECT string_agg(DISTINCT ssl::text, ',') FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE usename = 'mlflow' AND client_addr IS NOT NULL");
            strict_1.default.equal(connections, "true", "MLflow holds connections, and every one is TLS");
            const revision = await stack.postgres.sql("SELECT version_num FROM alembic_version");
            strict_1.default.equal(revision, await (0, realMlflow_1.schemaHead)());
            strict_1.default.ok(!JSON.stringify(declared.containers).includes(stack.postgres.options.password));
        });
        (0, node_test_1.it)("stores artifacts in the bucket under artifacts/ with the host's layout: <experiment>/<run>/artifacts/<path>", async () => {
            strict_1.default.ok(ids, "the flow ran");
            const objects = await stack.s3.objects(declared.bucket, `${stores_1.S3_ARTIFACT_PREFIX}/`);
            for (const artifact of ids.artifacts) {
                const key = `${stores_1.S3_ARTIFACT_PREFIX}/${ids.experiment_id}/${ids.run_id}/artifacts/${artifact}`;
                strict_1.default.ok(objects.has(key), `no object ${key}; have ${[...objects.keys()].slice(0, 20).join(", ")}`);
            }
            strict_1.default.ok([...objects.keys()].some(key => key.startsWith(`${stores_1.S3_ARTIFACT_PREFIX}/${ids.experiment_id}/models/${ids.model_id}/artifacts/`)), "the logged model");
        });
        (0, node_test_1.it)("passes artifacts through the task both ways: the client is handed no presigned URL of the bucket, MLflow streams the downloads", () => {
            strict_1.default.ok(ids, "the flow ran");
            const requests = stack.mlflow.requests();
            strict_1.default.deepEqual(requests.filter(r => /presigned|\/mpu\//.test(r.path)), [], "no presigned URL was asked of MLflow");
            const downloads = requests.filter(r => r.method === "GET" && r.path.includes(`/mlflow-artifacts/artifacts/${ids.experiment_id}/${ids.run_id}/`) && r.status === 200);
            strict_1.default.ok(downloads.length >= ids.artifacts.length, "MLflow streamed the run's files");
        });
        for (const [label, unset, source] of [
            ["without credentials", true, "127.31.0.1"],
            ["with a wrong password", false, "127.31.0.2"],
        ]) {
            (0, node_test_1.it)(`refuses every call of the flow ${label} with 401, and nothing of it reaches MLflow`, async () => {
                strict_1.default.ok(ids, "the flow ran");
                const before = stack.mlflow.requests().length;
                const env = { ...clientEnv, FLOW_BIG_BYTES: String(MiB), FLOW_LABEL: label.replace(/\W+/g, "-"), FLOW_SOURCE_ADDRESS: source, MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0" };
                if (unset) {
                    delete env.MLFLOW_TRACKING_USERNAME;
                    delete env.MLFLOW_TRACKING_PASSWORD;
                }
                else
                    env.MLFLOW_TRACKING_PASSWORD += "x";
                const refused = await (0, tracking_1.runClient)("mlflow", "flow.py", ["refused", workDir], env, 300_000);
                strict_1.default.equal(refused.code, 0, `${refused.stdout}\n${refused.stderr}`);
                strict_1.default.deepEqual(stack.mlflow.requests().slice(before), [], "a refused call reached MLflow");
            });
        }
    });
}
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 900_000 });
else
    defineTests();
//# sourceMappingURL=scaled.e2e.test.js.map