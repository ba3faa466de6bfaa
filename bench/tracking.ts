// The training clients: each one a job using MLflow's Python client, made of the REST calls that
// client sends (MlflowClient → /api/2.0/mlflow/...), over one keep-alive connection of its own
// (the client's requests.Session), with basic auth, over HTTPS through nginx or plain HTTP
// straight to MLflow. A job creates its run (runs/create, with the tags the client adds), logs
// its parameters and its tags (two log-batch calls), then once a second logs one batch of
// metrics (log-batch), every few steps an artifact (PUT to the proxied artifact store, as
// log_artifact does with mlflow-artifacts:/), and at the end sets the run FINISHED (runs/update).
// Written in Node because 200 Python processes do not fit 2 cores next to the server.
import { randomFillSync } from "crypto";
import * as http from "http";
import * as https from "https";
import { performance } from "perf_hooks";
import { TRAINING } from "./plan";
import { sleep } from "./stats";

export interface TrackingTarget {
    kind: "nginx" | "direct";
    /** Where clients connect, client i to the i-th modulo the count: straight to MLflow, one address per server. */
    addresses: readonly string[];
    port: number;
    /** The private CA (PEM) for HTTPS; absent: plain HTTP. */
    ca?: string;
    /** Host header: the public address, as MLflow sees it behind nginx. */
    host: string;
    authorization: string;
}

export type CallName = "seed" | "search" | "runs/create" | "log-batch params" | "log-batch tags" | "log-batch metrics" | "artifact upload" | "runs/update";

export interface CallSample { call: CallName; startedAt: number; ms: number; ok: boolean }

export interface LoadOptions {
    target: TrackingTarget;
    experimentId: string;
    clients: number;
    /** Unmeasured seconds first (runs created, connections open), then measured seconds. */
    warmupSeconds: number;
    seconds: number;
    /** "paced": one step a second, as a training job; "saturating": one metrics batch after another, no pause, no artifacts. */
    mode: "paced" | "saturating";
}

export interface LoadResult {
    /** Calls started inside the measured seconds. */
    measured: CallSample[];
    /** Every call, setup and finish included: a failed one anywhere is a failure. */
    calls: number;
    failed: number;
    firstError?: string;
    /** Metric batches logged per second in the measured seconds, against clients × 1/s offered (paced). */
    stepsPerSecond: number;
}

const USER_AGENT = "mlflow-python-client/3.17.2";

/** One client's connection (a requests.Session) and its calls. */
export class TrackingSession {
    private readonly agent: http.Agent;
    private readonly address: string;
    constructor(private readonly target: TrackingTarget, private readonly record: (sample: CallSample, error?: string) => void, client = 0) {
        this.address = target.addresses[client % target.addresses.length];
        this.agent = target.ca
            ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: target.ca, servername: "" } as https.AgentOptions)
            : new http.Agent({ keepAlive: true, maxSockets: 1 });
    }

    close(): void {
        this.agent.destroy();
    }

    /** One call; resolves with the parsed JSON answer, or undefined when it failed (recorded either way). */
    async call(call: CallName, method: string, apiPath: string, body: Buffer | object): Promise<Record<string, unknown> | undefined> {
        const target = this.target;
        const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
        const headers = {
            Host: target.host, Authorization: target.authorization, "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", Accept: "*/*",
            "Content-Type": Buffer.isBuffer(body) ? "application/octet-stream" : "application/json", "Content-Length": String(payload.length),
        };
        const startedAt = performance.now();
        const outcome = await new Promise<{ status: number; text: string } | Error>(resolve => {
            const req = (target.ca ? https : http).request({ host: this.address, port: target.port, method, path: apiPath, headers, agent: this.agent }, res => {
                const chunks: Buffer[] = [];
                res.on("data", (chunk: Buffer) => chunks.push(chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
                res.on("error", resolve);
            });
            req.setTimeout(30_000, () => req.destroy(new Error(`timeout after 30 s`)));
            req.on("error", resolve);
            req.end(payload);
        });
        const ms = performance.now() - startedAt;
        const ok = !(outcome instanceof Error) && outcome.status === 200;
        this.record({ call, startedAt, ms, ok }, ok ? undefined : `${call}: ${outcome instanceof Error ? outcome.message : `${outcome.status} ${outcome.text.slice(0, 200)}`}`);
        if (!ok) return undefined;
        try {
            return JSON.parse((outcome as { text: string }).text) as Record<string, unknown>;
        } catch {
            return {};
        }
    }
}

const API = "/api/2.0/mlflow";

/** What the Python client sends for a run's start: run_name, start_time and the context tags it adds itself. */
function createRunBody(experimentId: string, name: string): object {
    return {
        experiment_id: experimentId, user_id: "bench", start_time: Date.now(), run_name: name,
        tags: [
            { key: "mlflow.user", value: "bench" }, { key: "mlflow.source.name", value: "train.py" },
            { key: "mlflow.source.type", value: "LOCAL" }, { key: "mlflow.runName", value: name },
        ],
    };
}

/** The first part of an artifact URI the server hands out (mlflow-artifacts:/<experiment>/<run>/artifacts) as a path under the artifact API. */
export const artifactApiPath = (artifactUri: string, file: string) =>
    `/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace(/^mlflow-artifacts:\/*/, "")}/${file}`;

async function runJob(job: TrackingSession, options: LoadOptions, index: number, startAt: number, endAt: number, counters: { steps: number[] }): Promise<void> {
    const name = `train-${options.clients}-${index}-${Math.random().toString(36).slice(2, 8)}`;
    const created = await job.call("runs/create", "POST", `${API}/runs/create`, createRunBody(options.experimentId, name));
    const run = created?.run as { info: { run_id: string; artifact_uri: string } } | undefined;
    if (!run) return;
    const runId = run.info.run_id;
    if (options.mode === "paced") {
        await job.call("log-batch params", "POST", `${API}/runs/log-batch`, {
            run_id: runId, params: Array.from({ length: TRAINING.params }, (_, i) => ({ key: `param_${i}`, value: String(i * 0.001) })),
        });
        await job.call("log-batch tags", "POST", `${API}/runs/log-batch`, {
            run_id: runId, tags: Array.from({ length: TRAINING.tags }, (_, i) => ({ key: `tag_${i}`, value: `value ${i}` })),
        });
    }
    const artifact = randomFillSync(Buffer.alloc(TRAINING.artifactBytes));
    for (let step = 0; ; step++) {
        if (options.mode === "paced") {
            const due = startAt + step * TRAINING.stepMs;
            if (due >= endAt) break;
            if (due > performance.now()) await sleep(due - performance.now());
        } else if (performance.now() >= endAt) break;
        const timestamp = Date.now();
        const metrics = Array.from({ length: TRAINING.metricsPerStep }, (_, i) => ({ key: `metric_${i}`, value: Math.random(), timestamp, step }));
        const at = performance.now();
        if (await job.call("log-batch metrics", "POST", `${API}/runs/log-batch`, { run_id: runId, metrics })) counters.steps.push(at);
        if (options.mode === "paced" && step % TRAINING.artifactEverySteps === TRAINING.artifactEverySteps - 1) {
            await job.call("artifact upload", "PUT", artifactApiPath(run.info.artifact_uri, `checkpoint-${step}.json`), artifact);
        }
    }
    await job.call("runs/update", "POST", `${API}/runs/update`, { run_id: runId, run_uuid: runId, status: "FINISHED", end_time: Date.now() });
}

/** `clients` jobs at once, their starts spread over one step, for warmup + measured seconds. */
export async function runTrainingLoad(options: LoadOptions): Promise<LoadResult> {
    const result: LoadResult = { measured: [], calls: 0, failed: 0, stepsPerSecond: 0 };
    const t0 = performance.now();
    const windowStart = t0 + options.warmupSeconds * 1000;
    const endAt = windowStart + options.seconds * 1000;
    const record = (sample: CallSample, error?: string) => {
        result.calls++;
        if (!sample.ok) {
            result.failed++;
            result.firstError ??= error;
        }
        if (sample.startedAt >= windowStart && sample.startedAt < endAt) result.measured.push(sample);
    };
    const counters = { steps: [] as number[] };
    const jobs = Array.from({ length: options.clients }, (_, i) => new TrackingSession(options.target, record, i));
    try {
        await Promise.all(jobs.map(async (job, i) => {
            const startAt = t0 + (i / options.clients) * TRAINING.stepMs;
            await sleep(startAt - performance.now());
            await runJob(job, options, i, startAt, endAt, counters);
        }));
    } finally {
        jobs.forEach(job => job.close());
    }
    result.stepsPerSecond = counters.steps.filter(at => at >= windowStart && at < endAt).length / options.seconds;
    return result;
}
