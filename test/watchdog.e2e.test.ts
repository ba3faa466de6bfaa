// Self-healing, for real: host/mlflow-watchdog against real nginx 1.30 with the rendered
// configuration and the real MLflow server. MLflow's processes are stopped with SIGSTOP (running,
// not answering: what Docker's restart policy never sees); the watchdog, run as its timer runs it,
// restarts MLflow after WATCHDOG_FAILED_CHECKS failed checks, and nginx when nginx itself stops
// answering. Docker is the one stand-in: its `compose restart` is done here as Docker would do it
// (the processes killed, the server started again).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as path from "path";
import { readFileSync } from "fs";
import { HOST } from "../lib/render/layout";
import { WATCHDOG_FAILED_CHECKS } from "../lib/render/schedule";
import { render } from "../scripts/render";
import { request } from "../harness/httpClient";
import { inNamespace, reexecInNamespace, scratchDir } from "../harness/namespace";
import { NginxSandbox } from "../harness/nginxSandbox";
import { RealMlflow } from "../harness/realMlflow";
import { describeRun, HOST_DIR, runCommandAsync, RunResult, Sandbox } from "./support/hostScripts";
import { readEnvFileWithBash } from "../harness/envFile";

const signalGroup = (pid: number, signal: NodeJS.Signals) => process.kill(-pid, signal);
const signalAll = (pids: number[], signal: NodeJS.Signals) => pids.forEach(pid => process.kill(pid, signal));

function defineTests(): void {
    let sandbox: NginxSandbox;
    let host: Sandbox;
    let mlflow: RealMlflow;
    let env: NodeJS.ProcessEnv;
    let hostEnvText: string;
    let hostEnv: Record<string, string>;
    const health = async () => (await request({ address: sandbox.publicIp, port: 80, tls: false, path: "/health", timeoutMs: 3000 }).catch(() => ({ status: 0 }))).status;
    const watchdog = (): Promise<RunResult> => runCommandAsync(path.join(HOST_DIR, "mlflow-watchdog"), [], env, 60_000);
    const restartsOf = (service: string) => host.callsOf("docker").filter(call => call.includes("restart") && call.at(-1) === service);

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "dev");
        render({ stack: "dev", out: renderDir });
        sandbox = await NginxSandbox.start({ renderDir });
        mlflow = sandbox.mlflow!;
        host = new Sandbox("watchdog");
        host.fake("docker");
        host.fake("aws");
        // mlflow.service is active (the watchdog leaves a server alone that is not).
        host.fake("systemctl");
        hostEnvText = readFileSync(sandbox.hostFile(HOST.hostEnv), "utf8");
        hostEnv = readEnvFileWithBash(sandbox.hostFile(HOST.hostEnv));
        env = host.env(host.envFile(hostEnvText, { WATCHDOG_STATE_DIR: host.mkdir("state") }));
    });
    after(async () => {
        await mlflow?.stop();
        await sandbox?.stop();
        host?.remove();
    });

    describe("mlflow-watchdog", () => {
        it("leaves a healthy server alone, quietly", async () => {
            assert.equal(await health(), 200);
            const run = await watchdog();
            assert.equal(run.status, 0, describeRun(run));
            assert.equal(run.stderr, "");
            // It only asks Docker which of MLflow's containers it finds unhealthy (none here).
            assert.deepEqual(host.callsOf("docker"), [["compose", "-f", HOST.composeFile, "ps", "--quiet", "--status", "running", "mlflow"]]);
        });

        it(`restarts a hung MLflow after ${WATCHDOG_FAILED_CHECKS} failed checks in a row, with a journal line and a metric, and it answers again`, async () => {
            const stopped = Date.now();
            // Every server hangs: with one left answering, nginx passes the hung one over.
            for (const pid of mlflow.pids) signalGroup(pid, "SIGSTOP");
            const runs: RunResult[] = [];
            while (restartsOf("mlflow").length === 0 && runs.length < WATCHDOG_FAILED_CHECKS + 1) runs.push(await watchdog());
            assert.equal(runs.length, WATCHDOG_FAILED_CHECKS, runs.map(describeRun).join("\n"));
            for (const [index, run] of runs.entries()) {
                assert.equal(run.status, 0, describeRun(run));
                assert.match(run.stderr, new RegExp(`MLflow's /health answered HTTP (000|50[24]) through nginx, ${index + 1} check\\(s\\) in a row`));
            }
            assert.match(runs.at(-1)!.stderr, new RegExp(`mlflow-watchdog: restarting mlflow: /health failed ${WATCHDOG_FAILED_CHECKS} checks in a row`));
            assert.deepEqual(restartsOf("mlflow"), [["compose", "-f", HOST.composeFile, "restart", "--timeout", "10", "mlflow"]]);
            assert.deepEqual(restartsOf("nginx"), [], "nginx answered all along");
            assert.deepEqual(host.callsOf("aws"), [["cloudwatch", "put-metric-data", "--region", hostEnv.AWS_REGION, "--namespace", hostEnv.METRIC_NAMESPACE,
                "--metric-name", "ContainerRestarts", "--dimensions", `Stack=${hostEnv.STACK},Service=mlflow`, "--value", "1", "--unit", "Count"]]);

            // The health alarm watches mlflow-monitor's own check, which a restart does not reset: it reports the outage.
            const monitor = await runCommandAsync(path.join(HOST_DIR, "mlflow-monitor"), [], host.env(host.envFile(hostEnvText, { DATA_MOUNT: host.mkdir("data-mount") }, "monitor.env")), 60_000);
            assert.equal(monitor.status, 0, describeRun(monitor));
            assert.ok(host.callsOf("aws").some(call => call.includes("HealthCheckOk") && call[call.indexOf("--value") + 1] === "0"), "HealthCheckOk 0 while MLflow hangs");

            // What Docker's restart does: the stopped processes killed (SIGKILL needs no SIGCONT), the server started again.
            await mlflow.stop();
            mlflow = await sandbox.startMlflow();
            let status = 0;
            for (let i = 0; i < 120 && status !== 200; i++) {
                status = await health();
                if (status !== 200) await new Promise(resolve => setTimeout(resolve, 500));
            }
            assert.equal(status, 200, "MLflow answers through nginx again");
            const seconds = (Date.now() - stopped) / 1000;
            console.log(`# hung MLflow answering again after ${seconds.toFixed(1)} s here (${WATCHDOG_FAILED_CHECKS} checks run back to back; on the host one a minute)`);

            const next = await watchdog();
            assert.equal(next.stderr, "", "the count starts afresh after a restart and a passed check");
            assert.equal(restartsOf("mlflow").length, 1);
        });

        it("restarts nginx, not MLflow, when nginx itself stops answering", async () => {
            const nginx = [sandbox.masterPid!, ...sandbox.workerPids()];
            host.clearCalls("docker");
            signalAll(nginx, "SIGSTOP");
            try {
                const runs: RunResult[] = [];
                for (let i = 0; i < WATCHDOG_FAILED_CHECKS; i++) runs.push(await watchdog());
                assert.match(runs[0].stderr, /nginx did not answer its own redirect \(HTTP 000\), 1 check\(s\) in a row/);
                assert.doesNotMatch(runs.map(run => run.stderr).join(""), /MLflow's \/health/, "MLflow is not judged through an nginx that does not answer");
                assert.match(runs.at(-1)!.stderr, /restarting nginx: no answer in 3 checks in a row/);
                assert.deepEqual(host.callsOf("docker"), [["compose", "-f", HOST.composeFile, "restart", "--timeout", "10", "nginx"]]);
            } finally {
                signalAll(nginx, "SIGCONT");
            }
            assert.equal(await health(), 200);
        });
    });
}

if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 300_000 });
else defineTests();
