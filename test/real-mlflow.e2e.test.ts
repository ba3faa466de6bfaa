// The real MLflow client as users run it (test/client/flow.py, `eval "$(... trackingEnv)"` and
// the CA file saved next to it), over HTTPS through real nginx with the rendered dev
// configuration, to the real MLflow server run as the rendered compose file runs it
// (harness/nginxSandbox.ts, harness/realMlflow.ts). Then every call again without credentials and
// with a wrong password: refused with 401 by nginx, and nothing of it reaches MLflow.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readFileSync, writeFileSync } from "fs";
import * as http from "http";
import * as path from "path";
import { CA_CERT_FILE } from "../components/shared/credentials";
import { renderTrackingEnv } from "../lib/render/clientEnv";
import { endpointUrl, hostEndpoint } from "../lib/render/endpoint";
import { validateSettings } from "../lib/settings";
import { readStackFile } from "../lib/stackConfig";
import { projectRoot } from "../lib/projectRoot";
import { render } from "../scripts/render";
import { inNamespace, reexecInNamespace, run, RunResult, scratchDir, sleep } from "../harness/namespace";
import { NginxSandbox } from "../harness/nginxSandbox";
import { pythonEnvBin } from "../harness/pythonEnv";
import { mlflowService } from "../harness/realMlflow";
import { DATA, HOST, SQLITE_FILE } from "../lib/render/layout";
import { checkCollected, filesUnder, gcRows, makeGcWorld, runHostGc } from "./support/gcWorld";
import { trackingEnv } from "./support/tracking";

const GiB = 1024 ** 3;
const CLIENT_DIR = path.join(projectRoot(), "test", "client");
/** What the fake LLM streams: one server-sent event per EVENT_GAP_MS. */
const EVENTS = ["1 ", "2 ", "3 ", "4 ", "5 "];
const EVENT_GAP_MS = 1000;
const STACK = "dev";

interface FlowIds {
    experiment_id: string;
    run_id: string;
    model_id: string;
    trace_id: string;
    big_sha256: string;
    artifacts: string[];
}

/** One line of nginx's access log (the rendered `main` format). */
interface NginxLogged { method: string; uri: string; status: number; upstream: string }

function nginxLog(text: string): NginxLogged[] {
    return text.split("\n").flatMap(line => {
        const match = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) .* upstream=(\S+)/.exec(line);
        return match ? [{ method: match[1], uri: match[2], status: Number(match[3]), upstream: match[4] }] : [];
    });
}

function defineTests(): void {
    let sandbox: NginxSandbox;
    let clientDir: string;
    let trackingEnvFile: string;
    let ids: FlowIds;
    let flowRun: RunResult;
    let peakMemory = { rss: 0, pss: 0, processes: 0 };

    /** A client script as a user runs it: the trackingEnv lines evaluated by the shell, in the directory holding the CA file. */
    const client = (script: string, args: string[], extraEnv: Record<string, string> = {}, envEdit = "") => run("bash", ["-c",
        `set -e; eval "$(cat "$1")"; shift; ${envEdit} exec "$@"`, "_", trackingEnvFile, pythonEnvBin("mlflow"), path.join(CLIENT_DIR, script), ...args], {
        cwd: clientDir, timeoutMs: 600_000,
        env: { PATH: process.env.PATH, HOME: clientDir, FLOW_BIG_BYTES: String(GiB), MLFLOW_DISABLE_TELEMETRY: "true", ...extraEnv },
    });
    const flow = (mode: string, extraEnv: Record<string, string> = {}, envEdit = "") => client("flow.py", [mode, clientDir], extraEnv, envEdit);
    const nginxAccess = async () => {
        // The access log is written in 64k blocks at most a second late (nginx.conf): reopening flushes it.
        await sandbox.nginx(["-s", "reopen"]);
        await sleep(200);
        return nginxLog(sandbox.accessLog());
    };

    before(async () => {
        const renderDir = path.join(scratchDir("render"), STACK);
        render({ stack: STACK, out: renderDir });
        sandbox = await NginxSandbox.start({ renderDir });
        clientDir = scratchDir("client");
        // As the README says: `pulumi stack output caCertPem > mlflow-ca.pem`, then eval trackingEnv.
        writeFileSync(path.join(clientDir, CA_CERT_FILE), sandbox.caCert);
        const [user, password] = Object.entries(sandbox.users)[0];
        const url = endpointUrl(hostEndpoint(validateSettings(readStackFile(STACK).raw).domain, sandbox.publicIp));
        trackingEnvFile = path.join(clientDir, "tracking.env");
        writeFileSync(trackingEnvFile, renderTrackingEnv({ url, user, password, caCertFile: CA_CERT_FILE }));

        const sampler = setInterval(() => {
            const now = sandbox.mlflow!.memory();
            if (now.pss > peakMemory.pss) peakMemory = now;
        }, 200);
        const started = Date.now();
        flowRun = await flow("good").finally(() => clearInterval(sampler));
        console.log(`# the client flow took ${((Date.now() - started) / 1000).toFixed(1)} s; MLflow's processes at most ` +
            `${(peakMemory.rss / 2 ** 20).toFixed(0)} MiB RSS, ${(peakMemory.pss / 2 ** 20).toFixed(0)} MiB PSS (${peakMemory.processes} processes)`);
        if (flowRun.code === 0) ids = JSON.parse(readFileSync(path.join(clientDir, "flow.json"), "utf8")) as FlowIds;
    });
    after(async () => { await sandbox?.stop(); });

    describe("the real MLflow client through nginx to the real server (dev render)", () => {
        it("runs the whole flow: experiment, run, params, tags, metrics, artifacts up and down with checksums, a pyfunc model by runs:/ and models:/name@alias, a trace, search", () => {
            assert.equal(flowRun.code, 0, `flow.py failed:\n${flowRun.stdout}\n${flowRun.stderr}\nMLflow:\n${sandbox.mlflow!.log.slice(-5000)}`);
            assert.match(readFileSync(trackingEnvFile, "utf8"), /^export MLFLOW_TRACKING_SERVER_CERT_PATH='mlflow-ca\.pem'/m, "the CA as trackingEnv names it");
        });

        it("artifact downloads are served by nginx from the store: nginx logs them without an upstream, MLflow never sees them", async () => {
            assert.ok(ids, "the flow ran");
            const artifactPrefix = "/api/2.0/mlflow-artifacts/artifacts/";
            const runArtifacts = `${artifactPrefix}${ids.experiment_id}/${ids.run_id}/artifacts/`;
            const downloads = (await nginxAccess()).filter(r => r.method === "GET" && r.uri.startsWith(artifactPrefix));
            for (const artifact of ids.artifacts) {
                const served = downloads.filter(r => r.uri === runArtifacts + artifact);
                assert.ok(served.length > 0, `nginx served no GET of ${artifact}: ${JSON.stringify(downloads.slice(-20))}`);
                assert.ok(served.every(r => r.status === 200 && r.upstream === "-"), `${artifact}: ${JSON.stringify(served)}`);
            }
            // The model, loaded by runs:/ and by alias, came the same way; the trace is MLflow's (its database).
            assert.ok(downloads.some(r => r.uri.includes(`/models/${ids.model_id}/artifacts/`)), "the model's files");
            assert.ok(sandbox.mlflow!.requests().some(r => r.method === "GET" && r.path.includes(ids.trace_id) && r.status === 200), "MLflow served the trace");
            const mlflowGets = sandbox.mlflow!.requests().filter(r => r.method === "GET" && r.path.startsWith(artifactPrefix));
            assert.deepEqual(mlflowGets, [], "downloads reached MLflow");
            // Uploads are MLflow's: it logged each PUT.
            const puts = sandbox.mlflow!.requests().filter(r => r.method === "PUT");
            for (const artifact of ids.artifacts) {
                assert.ok(puts.some(r => r.path === runArtifacts + artifact && r.status === 200), `MLflow stored ${artifact}`);
            }
        });

        for (const [label, envEdit, source] of [
            ["without credentials", "unset MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD;", "127.30.0.1"],
            ["with a wrong password", `MLFLOW_TRACKING_PASSWORD="$MLFLOW_TRACKING_PASSWORD"x;`, "127.30.0.2"],
        ] as const) {
            it(`refuses every call of the flow ${label} with 401, and nothing of it reaches MLflow`, async () => {
                assert.ok(ids, "the flow ran");
                const mlflowBefore = sandbox.mlflow!.requests().length;
                const nginxBefore = (await nginxAccess()).length;
                // No retries: MLflow's client would retry a refused upload's broken connection for minutes.
                const refused = await flow("refused", { FLOW_LABEL: label.replace(/\W+/g, "-"), FLOW_SOURCE_ADDRESS: source, MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0" }, envEdit);
                assert.equal(refused.code, 0, `${refused.stdout}\n${refused.stderr}`);
                await sleep(300);
                assert.deepEqual(sandbox.mlflow!.requests().slice(mlflowBefore), [], "a refused call reached MLflow");
                const seen = (await nginxAccess()).slice(nginxBefore);
                assert.ok(seen.length >= 17, `nginx logged ${seen.length} requests`);
                assert.deepEqual(seen.filter(r => r.status !== 401 || r.upstream !== "-"), [], "every request was refused by nginx itself");
            });
        }

        it("MLflow runs the rendered servers and --workers, and the whole flow fits the default instance's memory", () => {
            const service = mlflowService(sandbox.composeFile);
            const count = Number(service.command[service.command.indexOf("--workers") + 1]);
            assert.ok(count >= 1, "the compose file sets --workers");
            const processes = sandbox.mlflow!.processes();
            assert.equal(processes.filter(p => /(^|[/ ])mlflow server /.test(p.cmdline)).length, service.replicas, processes.map(p => p.cmdline).join("\n"));
            const uvicornWorkers = processes.filter(p => p.cmdline.includes("multiprocessing.spawn"));
            // With one worker uvicorn serves in its own process; with more it spawns them.
            assert.equal(uvicornWorkers.length, count > 1 ? count : 0, processes.map(p => p.cmdline).join("\n"));
            assert.deepEqual(processes.filter(p => /jobs\._job_runner|huey_consumer/.test(p.cmdline)), [], "no job runner (job execution is off)");
            // t4g.small: 2 GiB for the OS, Docker, nginx, the page cache and MLflow.
            assert.ok(peakMemory.pss < 1.0 * GiB, `MLflow's processes used ${(peakMemory.pss / 2 ** 20).toFixed(0)} MiB PSS at most`);
        });

        it("passes the AI Gateway's server-sent events on as they come, not when the answer ends", { timeout: 120_000 }, async () => {
            // The gateway's Ollama provider at MLflow's own default address, http://localhost:11434/v1.
            const llm = http.createServer((req, res) => {
                req.resume();
                res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
                const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({
                    id: "chatcmpl-fake", object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: "fake",
                    choices: [{ index: 0, delta, finish_reason: finish }],
                })}\n\n`;
                EVENTS.forEach((content, i) => setTimeout(() => {
                    res.write(chunk({ role: "assistant", content }, i === EVENTS.length - 1 ? "stop" : null));
                    if (i === EVENTS.length - 1) res.end("data: [DONE]\n\n");
                }, i * EVENT_GAP_MS));
            });
            await new Promise<void>(resolve => llm.listen(11434, "127.0.0.1", () => resolve()));
            try {
                const result = await client("stream.py", ["stream-test"]);
                assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}\nMLflow:\n${sandbox.mlflow!.log.slice(-4000)}`);
                const { content_type, arrivals, text } = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { content_type: string; arrivals: number[]; text: string };
                assert.match(content_type, /^text\/event-stream/);
                assert.equal(text, EVENTS.join(""), "every event arrived");
                const spread = arrivals.at(-1)! - arrivals[0];
                assert.ok(spread >= (EVENTS.length - 2) * EVENT_GAP_MS / 1000, `events arrived at ${arrivals} s: held back and sent together`);
            } finally {
                llm.closeAllConnections();
                await new Promise(resolve => llm.close(resolve));
            }
        });

        it("MLflow, in the rendered environment, sends no telemetry (its own decision, asked in its own code)", async () => {
            const check = await run(pythonEnvBin("mlflow"), ["-c", "from mlflow.telemetry.utils import is_telemetry_disabled; print(is_telemetry_disabled())"],
                { env: sandbox.mlflow!.env, cwd: sandbox.dirs.mlflowTmp });
            assert.equal(check.code, 0, check.stderr);
            assert.equal(check.stdout.trim(), "True");
        });

        it("mlflow-gc removes for good what was deleted more than gcRetentionDays ago, rows and artifacts, and nothing else (SQLite and the volume)", { timeout: 600_000 }, async () => {
            const dbUri = `sqlite:///${path.join(sandbox.dirs.mlflowData, SQLITE_FILE)}`;
            const world = await makeGcWorld(trackingEnv(sandbox, Object.keys(sandbox.users)[0]), scratchDir("gc-world"), dbUri);
            const before = await gcRows(dbUri);
            const gc = () => runHostGc({
                hostEnvText: readFileSync(sandbox.hostFile(HOST.hostEnv), "utf8"), composeFile: sandbox.composeFile,
                hostPaths: { [DATA.mlflow]: sandbox.dirs.mlflowData }, tmpDir: sandbox.dirs.mlflowTmp, homeDir: sandbox.dirs.mlflowHome,
            });
            const started = Date.now();
            const collected = await gc();
            console.log(`# mlflow-gc took ${((Date.now() - started) / 1000).toFixed(1)} s`);
            checkCollected(world, collected, before, await gcRows(dbUri), filesUnder(sandbox.dirs.artifacts));
            const again = await gc();
            assert.match(again.stdout, /: 0 runs, 0 logged models, 0 experiments to remove$/m, "a second collection finds nothing");
        });
    });
}

if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 600_000 });
else defineTests();
