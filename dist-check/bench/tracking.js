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
Object.defineProperty(exports, "__esModule", { value: true });
exports.artifactApiPath = exports.TrackingSession = void 0;
exports.runTrainingLoad = runTrainingLoad;
// The training clients: each one a job using MLflow's Python client, made of the REST calls that
// client sends (MlflowClient → /api/2.0/mlflow/...), over one keep-alive connection of its own
// (the client's requests.Session), with basic auth, over HTTPS through nginx or plain HTTP
// straight to MLflow. A job creates its run (runs/create, with the tags the client adds), logs
// its parameters and its tags (two log-batch calls), then once a second logs one batch of
// metrics (log-batch), every few steps an artifact (PUT to the proxied artifact store, as
// log_artifact does with mlflow-artifacts:/), and at the end sets the run FINISHED (runs/update).
// Written in Node because 200 Python processes do not fit 2 cores next to the server.
const crypto_1 = require("crypto");
const http = __importStar(require("http"));
const https = __importStar(require("https"));
const perf_hooks_1 = require("perf_hooks");
const plan_1 = require("./plan");
const stats_1 = require("./stats");
const USER_AGENT = "mlflow-python-client/3.17.2";
/** One client's connection (a requests.Session) and its calls. */
class TrackingSession {
    target;
    record;
    agent;
    constructor(target, record) {
        this.target = target;
        this.record = record;
        this.agent = target.ca
            ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: target.ca, servername: "" })
            : new http.Agent({ keepAlive: true, maxSockets: 1 });
    }
    close() {
        this.agent.destroy();
    }
    /** One call; resolves with the parsed JSON answer, or undefined when it failed (recorded either way). */
    async call(call, method, apiPath, body) {
        const target = this.target;
        const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
        const headers = {
            Host: target.host, Authorization: target.authorization, "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", Accept: "*/*",
            "Content-Type": Buffer.isBuffer(body) ? "application/octet-stream" : "application/json", "Content-Length": String(payload.length),
        };
        const startedAt = perf_hooks_1.performance.now();
        const outcome = await new Promise(resolve => {
            const req = (target.ca ? https : http).request({ host: target.address, port: target.port, method, path: apiPath, headers, agent: this.agent }, res => {
                const chunks = [];
                res.on("data", (chunk) => chunks.push(chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
                res.on("error", resolve);
            });
            req.setTimeout(30_000, () => req.destroy(new Error(`timeout after 30 s`)));
            req.on("error", resolve);
            req.end(payload);
        });
        const ms = perf_hooks_1.performance.now() - startedAt;
        const ok = !(outcome instanceof Error) && outcome.status === 200;
        this.record({ call, startedAt, ms, ok }, ok ? undefined : `${call}: ${outcome instanceof Error ? outcome.message : `${outcome.status} ${outcome.text.slice(0, 200)}`}`);
        if (!ok)
            return undefined;
        try {
            return JSON.parse(outcome.text);
        }
        catch {
            return {};
        }
    }
}
exports.TrackingSession = TrackingSession;
const API = "/api/2.0/mlflow";
/** What the Python client sends for a run's start: run_name, start_time and the context tags it adds itself. */
function createRunBody(experimentId, name) {
    return {
        experiment_id: experimentId, user_id: "bench", start_time: Date.now(), run_name: name,
        tags: [
            { key: "mlflow.user", value: "bench" }, { key: "mlflow.source.name", value: "train.py" },
            { key: "mlflow.source.type", value: "LOCAL" }, { key: "mlflow.runName", value: name },
        ],
    };
}
/** The first part of an artifact URI the server hands out (mlflow-artifacts:/<experiment>/<run>/artifacts) as a path under the artifact API. */
const artifactApiPath = (artifactUri, file) => `/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace(/^mlflow-artifacts:\/*/, "")}/${file}`;
exports.artifactApiPath = artifactApiPath;
async function runJob(job, options, index, startAt, endAt, counters) {
    const name = `train-${options.clients}-${index}-${Math.random().toString(36).slice(2, 8)}`;
    const created = await job.call("runs/create", "POST", `${API}/runs/create`, createRunBody(options.experimentId, name));
    const run = created?.run;
    if (!run)
        return;
    const runId = run.info.run_id;
    if (options.mode === "paced") {
        await job.call("log-batch params", "POST", `${API}/runs/log-batch`, {
            run_id: runId, params: Array.from({ length: plan_1.TRAINING.params }, (_, i) => ({ key: `param_${i}`, value: String(i * 0.001) })),
        });
        await job.call("log-batch tags", "POST", `${API}/runs/log-batch`, {
            run_id: runId, tags: Array.from({ length: plan_1.TRAINING.tags }, (_, i) => ({ key: `tag_${i}`, value: `value ${i}` })),
        });
    }
    const artifact = (0, crypto_1.randomFillSync)(Buffer.alloc(plan_1.TRAINING.artifactBytes));
    for (let step = 0;; step++) {
        if (options.mode === "paced") {
            const due = startAt + step * plan_1.TRAINING.stepMs;
            if (due >= endAt)
                break;
            if (due > perf_hooks_1.performance.now())
                await (0, stats_1.sleep)(due - perf_hooks_1.performance.now());
        }
        else if (perf_hooks_1.performance.now() >= endAt)
            break;
        const timestamp = Date.now();
        const metrics = Array.from({ length: plan_1.TRAINING.metricsPerStep }, (_, i) => ({ key: `metric_${i}`, value: Math.random(), timestamp, step }));
        const at = perf_hooks_1.performance.now();
        if (await job.call("log-batch metrics", "POST", `${API}/runs/log-batch`, { run_id: runId, metrics }))
            counters.steps.push(at);
        if (options.mode === "paced" && step % plan_1.TRAINING.artifactEverySteps === plan_1.TRAINING.artifactEverySteps - 1) {
            await job.call("artifact upload", "PUT", (0, exports.artifactApiPath)(run.info.artifact_uri, `checkpoint-${step}.json`), artifact);
        }
    }
    await job.call("runs/update", "POST", `${API}/runs/update`, { run_id: runId, run_uuid: runId, status: "FINISHED", end_time: Date.now() });
}
/** `clients` jobs at once, their starts spread over one step, for warmup + measured seconds. */
async function runTrainingLoad(options) {
    const result = { measured: [], calls: 0, failed: 0, stepsPerSecond: 0 };
    const t0 = perf_hooks_1.performance.now();
    const windowStart = t0 + options.warmupSeconds * 1000;
    const endAt = windowStart + options.seconds * 1000;
    const record = (sample, error) => {
        result.calls++;
        if (!sample.ok) {
            result.failed++;
            result.firstError ??= error;
        }
        if (sample.startedAt >= windowStart && sample.startedAt < endAt)
            result.measured.push(sample);
    };
    const counters = { steps: [] };
    const jobs = Array.from({ length: options.clients }, () => new TrackingSession(options.target, record));
    try {
        await Promise.all(jobs.map(async (job, i) => {
            const startAt = t0 + (i / options.clients) * plan_1.TRAINING.stepMs;
            await (0, stats_1.sleep)(startAt - perf_hooks_1.performance.now());
            await runJob(job, options, i, startAt, endAt, counters);
        }));
    }
    finally {
        jobs.forEach(job => job.close());
    }
    result.stepsPerSecond = counters.steps.filter(at => at >= windowStart && at < endAt).length / options.seconds;
    return result;
}
//# sourceMappingURL=tracking.js.map