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
// The real MLflow client as users run it (test/client/flow.py, `eval "$(... trackingEnv)"` and
// the CA file saved next to it), over HTTPS through real nginx with the rendered dev
// configuration, to the real MLflow server run as the rendered compose file runs it
// (harness/nginxSandbox.ts, harness/realMlflow.ts). Then every call again without credentials and
// with a wrong password: refused with 401 by nginx, and nothing of it reaches MLflow.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const fs_1 = require("fs");
const http = __importStar(require("http"));
const path = __importStar(require("path"));
const credentials_1 = require("../components/shared/credentials");
const clientEnv_1 = require("../lib/render/clientEnv");
const endpoint_1 = require("../lib/render/endpoint");
const settings_1 = require("../lib/settings");
const stackConfig_1 = require("../lib/stackConfig");
const projectRoot_1 = require("../lib/projectRoot");
const render_1 = require("../scripts/render");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const pythonEnv_1 = require("../harness/pythonEnv");
const realMlflow_1 = require("../harness/realMlflow");
const GiB = 1024 ** 3;
const CLIENT_DIR = path.join((0, projectRoot_1.projectRoot)(), "test", "client");
/** What the fake LLM streams: one server-sent event per EVENT_GAP_MS. */
const EVENTS = ["1 ", "2 ", "3 ", "4 ", "5 "];
const EVENT_GAP_MS = 1000;
const STACK = "dev";
function nginxLog(text) {
    return text.split("\n").flatMap(line => {
        const match = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) .* upstream=(\S+)/.exec(line);
        return match ? [{ method: match[1], uri: match[2], status: Number(match[3]), upstream: match[4] }] : [];
    });
}
function defineTests() {
    let sandbox;
    let clientDir;
    let trackingEnvFile;
    let ids;
    let flowRun;
    let peakMemory = { rss: 0, pss: 0, processes: 0 };
    /** A client script as a user runs it: the trackingEnv lines evaluated by the shell, in the directory holding the CA file. */
    const client = (script, args, extraEnv = {}, envEdit = "") => (0, namespace_1.run)("bash", ["-c",
        `set -e; eval "$(cat "$1")"; shift; ${envEdit} exec "$@"`, "_", trackingEnvFile, (0, pythonEnv_1.pythonEnvBin)("mlflow"), path.join(CLIENT_DIR, script), ...args], {
        cwd: clientDir, timeoutMs: 600_000,
        env: { PATH: process.env.PATH, HOME: clientDir, FLOW_BIG_BYTES: String(GiB), MLFLOW_DISABLE_TELEMETRY: "true", ...extraEnv },
    });
    const flow = (mode, extraEnv = {}, envEdit = "") => client("flow.py", [mode, clientDir], extraEnv, envEdit);
    const nginxAccess = async () => {
        // The access log is written in 64k blocks at most a second late (nginx.conf): reopening flushes it.
        await sandbox.nginx(["-s", "reopen"]);
        await (0, namespace_1.sleep)(200);
        return nginxLog(sandbox.accessLog());
    };
    (0, node_test_1.before)(async () => {
        const renderDir = path.join((0, namespace_1.scratchDir)("render"), STACK);
        (0, render_1.render)({ stack: STACK, out: renderDir });
        sandbox = await nginxSandbox_1.NginxSandbox.start({ renderDir });
        clientDir = (0, namespace_1.scratchDir)("client");
        // As the README says: `pulumi stack output caCertPem > mlflow-ca.pem`, then eval trackingEnv.
        (0, fs_1.writeFileSync)(path.join(clientDir, credentials_1.CA_CERT_FILE), sandbox.caCert);
        const [user, password] = Object.entries(sandbox.users)[0];
        const url = (0, endpoint_1.endpointUrl)((0, endpoint_1.hostEndpoint)((0, settings_1.validateSettings)((0, stackConfig_1.readStackFile)(STACK).raw).domain, sandbox.publicIp));
        trackingEnvFile = path.join(clientDir, "tracking.env");
        (0, fs_1.writeFileSync)(trackingEnvFile, (0, clientEnv_1.renderTrackingEnv)({ url, user, password, caCertFile: credentials_1.CA_CERT_FILE }));
        const sampler = setInterval(() => {
            const now = sandbox.mlflow.memory();
            if (now.pss > peakMemory.pss)
                peakMemory = now;
        }, 200);
        const started = Date.now();
        flowRun = await flow("good").finally(() => clearInterval(sampler));
        console.log(`# the client flow took ${((Date.now() - started) / 1000).toFixed(1)} s; MLflow's processes at most ` +
            `${(peakMemory.rss / 2 ** 20).toFixed(0)} MiB RSS, ${(peakMemory.pss / 2 ** 20).toFixed(0)} MiB PSS (${peakMemory.processes} processes)`);
        if (flowRun.code === 0)
            ids = JSON.parse((0, fs_1.readFileSync)(path.join(clientDir, "flow.json"), "utf8"));
    });
    (0, node_test_1.after)(async () => { await sandbox?.stop(); });
    (0, node_test_1.describe)("the real MLflow client through nginx to the real server (dev render)", () => {
        (0, node_test_1.it)("runs the whole flow: experiment, run, params, tags, metrics, artifacts up and down with checksums, a pyfunc model by runs:/ and models:/name@alias, a trace, search", () => {
            strict_1.default.equal(flowRun.code, 0, `flow.py failed:\n${flowRun.stdout}\n${flowRun.stderr}\nMLflow:\n${sandbox.mlflow.log.slice(-5000)}`);
            strict_1.default.match((0, fs_1.readFileSync)(trackingEnvFile, "utf8"), /^export MLFLOW_TRACKING_SERVER_CERT_PATH='mlflow-ca\.pem'/m, "the CA as trackingEnv names it");
        });
        (0, node_test_1.it)("artifact downloads are served by nginx from the store: nginx logs them without an upstream, MLflow never sees them", async () => {
            strict_1.default.ok(ids, "the flow ran");
            const artifactPrefix = "/api/2.0/mlflow-artifacts/artifacts/";
            const runArtifacts = `${artifactPrefix}${ids.experiment_id}/${ids.run_id}/artifacts/`;
            const downloads = (await nginxAccess()).filter(r => r.method === "GET" && r.uri.startsWith(artifactPrefix));
            for (const artifact of ids.artifacts) {
                const served = downloads.filter(r => r.uri === runArtifacts + artifact);
                strict_1.default.ok(served.length > 0, `nginx served no GET of ${artifact}: ${JSON.stringify(downloads.slice(-20))}`);
                strict_1.default.ok(served.every(r => r.status === 200 && r.upstream === "-"), `${artifact}: ${JSON.stringify(served)}`);
            }
            // The model, loaded by runs:/ and by alias, came the same way; the trace is MLflow's (its database).
            strict_1.default.ok(downloads.some(r => r.uri.includes(`/models/${ids.model_id}/artifacts/`)), "the model's files");
            strict_1.default.ok(sandbox.mlflow.requests().some(r => r.method === "GET" && r.path.includes(ids.trace_id) && r.status === 200), "MLflow served the trace");
            const mlflowGets = sandbox.mlflow.requests().filter(r => r.method === "GET" && r.path.startsWith(artifactPrefix));
            strict_1.default.deepEqual(mlflowGets, [], "downloads reached MLflow");
            // Uploads are MLflow's: it logged each PUT.
            const puts = sandbox.mlflow.requests().filter(r => r.method === "PUT");
            for (const artifact of ids.artifacts) {
                strict_1.default.ok(puts.some(r => r.path === runArtifacts + artifact && r.status === 200), `MLflow stored ${artifact}`);
            }
        });
        for (const [label, envEdit, source] of [
            ["without credentials", "unset MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD;", "127.30.0.1"],
            ["with a wrong password", `MLFLOW_TRACKING_PASSWORD="$MLFLOW_TRACKING_PASSWORD"x;`, "127.30.0.2"],
        ]) {
            (0, node_test_1.it)(`refuses every call of the flow ${label} with 401, and nothing of it reaches MLflow`, async () => {
                strict_1.default.ok(ids, "the flow ran");
                const mlflowBefore = sandbox.mlflow.requests().length;
                const nginxBefore = (await nginxAccess()).length;
                // No retries: MLflow's client would retry a refused upload's broken connection for minutes.
                const refused = await flow("refused", { FLOW_LABEL: label.replace(/\W+/g, "-"), FLOW_SOURCE_ADDRESS: source, MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0" }, envEdit);
                strict_1.default.equal(refused.code, 0, `${refused.stdout}\n${refused.stderr}`);
                await (0, namespace_1.sleep)(300);
                strict_1.default.deepEqual(sandbox.mlflow.requests().slice(mlflowBefore), [], "a refused call reached MLflow");
                const seen = (await nginxAccess()).slice(nginxBefore);
                strict_1.default.ok(seen.length >= 17, `nginx logged ${seen.length} requests`);
                strict_1.default.deepEqual(seen.filter(r => r.status !== 401 || r.upstream !== "-"), [], "every request was refused by nginx itself");
            });
        }
        (0, node_test_1.it)("MLflow runs with the rendered --workers, and the whole flow fits the default instance's memory", () => {
            const workers = (0, realMlflow_1.mlflowService)(sandbox.composeFile).command;
            const count = Number(workers[workers.indexOf("--workers") + 1]);
            strict_1.default.ok(count >= 1, "the compose file sets --workers");
            const processes = sandbox.mlflow.processes();
            const uvicornWorkers = processes.filter(p => p.cmdline.includes("multiprocessing.spawn"));
            // With one worker uvicorn serves in its own process; with more it spawns them.
            strict_1.default.equal(uvicornWorkers.length, count > 1 ? count : 0, processes.map(p => p.cmdline).join("\n"));
            strict_1.default.deepEqual(processes.filter(p => /jobs\._job_runner|huey_consumer/.test(p.cmdline)), [], "no job runner (job execution is off)");
            // t4g.small: 2 GiB for the OS, Docker, nginx, the page cache and MLflow.
            strict_1.default.ok(peakMemory.pss < 1.0 * GiB, `MLflow's processes used ${(peakMemory.pss / 2 ** 20).toFixed(0)} MiB PSS at most`);
        });
        (0, node_test_1.it)("passes the AI Gateway's server-sent events on as they come, not when the answer ends", { timeout: 120_000 }, async () => {
            // The gateway's Ollama provider at MLflow's own default address, http://localhost:11434/v1.
            const llm = http.createServer((req, res) => {
                req.resume();
                res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
                const chunk = (delta, finish) => `data: ${JSON.stringify({
                    id: "chatcmpl-fake", object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: "fake",
                    choices: [{ index: 0, delta, finish_reason: finish }],
                })}\n\n`;
                EVENTS.forEach((content, i) => setTimeout(() => {
                    res.write(chunk({ role: "assistant", content }, i === EVENTS.length - 1 ? "stop" : null));
                    if (i === EVENTS.length - 1)
                        res.end("data: [DONE]\n\n");
                }, i * EVENT_GAP_MS));
            });
            await new Promise(resolve => llm.listen(11434, "127.0.0.1", () => resolve()));
            try {
                const result = await client("stream.py", ["stream-test"]);
                strict_1.default.equal(result.code, 0, `${result.stdout}\n${result.stderr}\nMLflow:\n${sandbox.mlflow.log.slice(-4000)}`);
                const { content_type, arrivals, text } = JSON.parse(result.stdout.trim().split("\n").at(-1));
                strict_1.default.match(content_type, /^text\/event-stream/);
                strict_1.default.equal(text, EVENTS.join(""), "every event arrived");
                const spread = arrivals.at(-1) - arrivals[0];
                strict_1.default.ok(spread >= (EVENTS.length - 2) * EVENT_GAP_MS / 1000, `events arrived at ${arrivals} s: held back and sent together`);
            }
            finally {
                llm.closeAllConnections();
                await new Promise(resolve => llm.close(resolve));
            }
        });
        (0, node_test_1.it)("MLflow, in the rendered environment, sends no telemetry (its own decision, asked in its own code)", async () => {
            const check = await (0, namespace_1.run)((0, pythonEnv_1.pythonEnvBin)("mlflow"), ["-c", "from mlflow.telemetry.utils import is_telemetry_disabled; print(is_telemetry_disabled())"], { env: sandbox.mlflow.env, cwd: sandbox.dirs.mlflowTmp });
            strict_1.default.equal(check.code, 0, check.stderr);
            strict_1.default.equal(check.stdout.trim(), "True");
        });
    });
}
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 600_000 });
else
    defineTests();
//# sourceMappingURL=real-mlflow.e2e.test.js.map