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
// Self-healing, for real: host/mlflow-watchdog against real nginx 1.30 with the rendered
// configuration and the real MLflow server. MLflow's processes are stopped with SIGSTOP (running,
// not answering: what Docker's restart policy never sees); the watchdog, run as its timer runs it,
// restarts MLflow after WATCHDOG_FAILED_CHECKS failed checks, and nginx when nginx itself stops
// answering. Docker is the one stand-in: its `compose restart` is done here as Docker would do it
// (the processes killed, the server started again).
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const path = __importStar(require("path"));
const fs_1 = require("fs");
const layout_1 = require("../lib/render/layout");
const schedule_1 = require("../lib/render/schedule");
const render_1 = require("../scripts/render");
const httpClient_1 = require("../harness/httpClient");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const hostScripts_1 = require("./support/hostScripts");
const signalGroup = (pid, signal) => process.kill(-pid, signal);
const signalAll = (pids, signal) => pids.forEach(pid => process.kill(pid, signal));
function defineTests() {
    let sandbox;
    let host;
    let mlflow;
    let env;
    let hostEnv;
    const health = async () => (await (0, httpClient_1.request)({ address: sandbox.publicIp, port: 80, tls: false, path: "/health", timeoutMs: 3000 }).catch(() => ({ status: 0 }))).status;
    const watchdog = () => (0, hostScripts_1.runCommandAsync)(path.join(hostScripts_1.HOST_DIR, "mlflow-watchdog"), [], env, 60_000);
    const restartsOf = (service) => host.callsOf("docker").filter(call => call.at(-1) === service);
    (0, node_test_1.before)(async () => {
        const renderDir = path.join((0, namespace_1.scratchDir)("render"), "dev");
        (0, render_1.render)({ stack: "dev", out: renderDir });
        sandbox = await nginxSandbox_1.NginxSandbox.start({ renderDir });
        mlflow = sandbox.mlflow;
        host = new hostScripts_1.Sandbox("watchdog");
        host.fake("docker");
        host.fake("aws");
        const hostEnvText = (0, fs_1.readFileSync)(sandbox.hostFile(layout_1.HOST.hostEnv), "utf8");
        hostEnv = Object.fromEntries(hostEnvText.split("\n").map(line => /^([A-Z_]+)=['"]?(.*?)['"]?$/.exec(line)).filter(m => m !== null).map(m => [m[1], m[2]]));
        env = host.env(host.envFile(hostEnvText, { WATCHDOG_STATE_DIR: host.mkdir("state") }));
    });
    (0, node_test_1.after)(async () => {
        await mlflow?.stop();
        await sandbox?.stop();
        host?.remove();
    });
    (0, node_test_1.describe)("mlflow-watchdog", () => {
        (0, node_test_1.it)("leaves a healthy server alone, quietly", async () => {
            strict_1.default.equal(await health(), 200);
            const run = await watchdog();
            strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
            strict_1.default.equal(run.stderr, "");
            strict_1.default.deepEqual(host.callsOf("docker"), []);
        });
        (0, node_test_1.it)(`restarts a hung MLflow after ${schedule_1.WATCHDOG_FAILED_CHECKS} failed checks in a row, with a journal line and a metric, and it answers again`, async () => {
            const stopped = Date.now();
            signalGroup(mlflow.pid, "SIGSTOP");
            const runs = [];
            while (restartsOf("mlflow").length === 0 && runs.length < schedule_1.WATCHDOG_FAILED_CHECKS + 1)
                runs.push(await watchdog());
            strict_1.default.equal(runs.length, schedule_1.WATCHDOG_FAILED_CHECKS, runs.map(hostScripts_1.describeRun).join("\n"));
            for (const [index, run] of runs.entries()) {
                strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
                strict_1.default.match(run.stderr, new RegExp(`MLflow's /health answered HTTP (000|50[24]) through nginx, ${index + 1} check\\(s\\) in a row`));
            }
            strict_1.default.match(runs.at(-1).stderr, new RegExp(`mlflow-watchdog: restarting mlflow: /health failed ${schedule_1.WATCHDOG_FAILED_CHECKS} checks in a row`));
            strict_1.default.deepEqual(restartsOf("mlflow"), [["compose", "-f", layout_1.HOST.composeFile, "restart", "--timeout", "10", "mlflow"]]);
            strict_1.default.deepEqual(restartsOf("nginx"), [], "nginx answered all along");
            strict_1.default.deepEqual(host.callsOf("aws"), [["cloudwatch", "put-metric-data", "--region", hostEnv.AWS_REGION, "--namespace", hostEnv.METRIC_NAMESPACE,
                    "--metric-name", "ContainerRestarts", "--dimensions", `Stack=${hostEnv.STACK},Service=mlflow`, "--value", "1", "--unit", "Count"]]);
            // The health alarm watches mlflow-monitor's own check, which a restart does not reset: it reports the outage.
            const monitor = await (0, hostScripts_1.runCommandAsync)(path.join(hostScripts_1.HOST_DIR, "mlflow-monitor"), [], host.env(host.envFile((0, fs_1.readFileSync)(sandbox.hostFile(layout_1.HOST.hostEnv), "utf8"), { DATA_MOUNT: host.mkdir("data-mount") }, "monitor.env")), 60_000);
            strict_1.default.equal(monitor.status, 0, (0, hostScripts_1.describeRun)(monitor));
            strict_1.default.ok(host.callsOf("aws").some(call => call.includes("HealthCheckOk") && call[call.indexOf("--value") + 1] === "0"), "HealthCheckOk 0 while MLflow hangs");
            // What Docker's restart does: the stopped processes killed (SIGKILL needs no SIGCONT), the server started again.
            await mlflow.stop();
            mlflow = await sandbox.startMlflow(nginxSandbox_1.MLFLOW_ADDRESS);
            let status = 0;
            for (let i = 0; i < 120 && status !== 200; i++) {
                status = await health();
                if (status !== 200)
                    await new Promise(resolve => setTimeout(resolve, 500));
            }
            strict_1.default.equal(status, 200, "MLflow answers through nginx again");
            const seconds = (Date.now() - stopped) / 1000;
            console.log(`# hung MLflow answering again after ${seconds.toFixed(1)} s here (${schedule_1.WATCHDOG_FAILED_CHECKS} checks run back to back; on the host one a minute)`);
            const next = await watchdog();
            strict_1.default.equal(next.stderr, "", "the count starts afresh after a restart and a passed check");
            strict_1.default.equal(restartsOf("mlflow").length, 1);
        });
        (0, node_test_1.it)("restarts nginx, not MLflow, when nginx itself stops answering", async () => {
            const nginx = [sandbox.masterPid, ...sandbox.workerPids()];
            host.clearCalls("docker");
            signalAll(nginx, "SIGSTOP");
            try {
                const runs = [];
                for (let i = 0; i < schedule_1.WATCHDOG_FAILED_CHECKS; i++)
                    runs.push(await watchdog());
                strict_1.default.match(runs[0].stderr, /nginx did not answer its own redirect \(HTTP 000\), 1 check\(s\) in a row/);
                strict_1.default.doesNotMatch(runs.map(run => run.stderr).join(""), /MLflow's \/health/, "MLflow is not judged through an nginx that does not answer");
                strict_1.default.match(runs.at(-1).stderr, /restarting nginx: no answer in 3 checks in a row/);
                strict_1.default.deepEqual(host.callsOf("docker"), [["compose", "-f", layout_1.HOST.composeFile, "restart", "--timeout", "10", "nginx"]]);
            }
            finally {
                signalAll(nginx, "SIGCONT");
            }
            strict_1.default.equal(await health(), 200);
        });
    });
}
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 300_000 });
else
    defineTests();
//# sourceMappingURL=watchdog.e2e.test.js.map