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
// Faults between nginx and MLflow, with real nginx 1.30, the rendered configuration and the real
// MLflow server: MLflow down, and MLflow coming back at a new address (a recreated container).
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const render_1 = require("../scripts/render");
const layout_1 = require("../lib/render/layout");
const httpClient_1 = require("../harness/httpClient");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
/** Where the "recreated container" comes back: another address on the compose network. */
const NEW_MLFLOW_ADDRESS = "172.18.0.3";
function defineTests() {
    let sandbox;
    let auth;
    const https = (options) => (0, httpClient_1.request)({ address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, timeoutMs: 15_000, ...options });
    const http = (options) => (0, httpClient_1.request)({ address: sandbox.publicIp, port: 80, tls: false, timeoutMs: 15_000, ...options });
    const search = "/api/2.0/mlflow/experiments/search?max_results=10";
    (0, node_test_1.before)(async () => {
        const renderDir = path.join((0, namespace_1.scratchDir)("render"), "dev");
        (0, render_1.render)({ stack: "dev", out: renderDir });
        sandbox = await nginxSandbox_1.NginxSandbox.start({ renderDir });
        auth = (0, httpClient_1.basicAuth)(...Object.entries(sandbox.users)[0]);
    });
    (0, node_test_1.after)(async () => { await sandbox?.stop(); });
    (0, node_test_1.describe)("MLflow down", () => {
        (0, node_test_1.it)("answers 502 on /health (both ports) and on API calls, fast, without nginx's version", async () => {
            strict_1.default.equal((await https({ path: search, auth })).status, 200, "healthy before");
            await sandbox.mlflow.stop();
            for (const response of [await http({ path: "/health" }), await https({ path: "/health" }), await https({ path: search, auth })]) {
                strict_1.default.equal(response.status, 502);
                strict_1.default.deepEqual(response.all("server"), ["nginx"]);
                strict_1.default.doesNotMatch(response.text, /nginx\/\d/);
            }
            const started = Date.now();
            await https({ path: "/health" });
            strict_1.default.ok(Date.now() - started < 2000, "a refused connection fails at once, not after a timeout");
        });
        (0, node_test_1.it)("still asks for credentials first: no unauthenticated caller learns that MLflow is down", async () => {
            const response = await https({ path: search, localAddress: (0, httpClient_1.freshSourceAddress)() });
            strict_1.default.equal(response.status, 401);
        });
        (0, node_test_1.it)("still serves stored artifacts (nginx reads them from the store), and refuses uploads with 502", async () => {
            const stored = "3/run/artifacts/model.bin";
            (0, fs_1.mkdirSync)(path.dirname(path.join(sandbox.dirs.artifacts, stored)), { recursive: true });
            (0, fs_1.writeFileSync)(path.join(sandbox.dirs.artifacts, stored), "weights stored before the crash");
            const download = await https({ path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth });
            strict_1.default.equal(download.status, 200);
            strict_1.default.equal(download.text, "weights stored before the crash");
            strict_1.default.equal((await https({ method: "PUT", path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth, body: "new" })).status, 502);
        });
    });
    (0, node_test_1.describe)("MLflow recreated at a new address", () => {
        let replacement;
        (0, node_test_1.after)(async () => { await replacement?.stop(); });
        (0, node_test_1.it)("is followed through Docker's DNS within the resolver's 10 s, without reloading nginx", async () => {
            const workersBefore = sandbox.workerPids();
            // The old container's address is gone; the new one answers on its own (MLflow listens on 0.0.0.0).
            (0, namespace_1.removeLoopbackAddress)(nginxSandbox_1.MLFLOW_ADDRESS);
            (0, namespace_1.addLoopbackAddress)(NEW_MLFLOW_ADDRESS);
            replacement = await sandbox.startMlflow(NEW_MLFLOW_ADDRESS);
            sandbox.dns.setRecord(layout_1.MLFLOW.service, NEW_MLFLOW_ADDRESS);
            const started = Date.now();
            let status = 0;
            while (Date.now() - started < 25_000) {
                status = (await https({ path: search, auth })).status;
                if (status === 200)
                    break;
                await new Promise(resolve => setTimeout(resolve, 500));
            }
            strict_1.default.equal(status, 200, "requests reach the new address");
            strict_1.default.ok(Date.now() - started <= 15_000, `took ${Date.now() - started} ms`);
            strict_1.default.ok(replacement.requests().some(r => r.path === search && r.status === 200), "the new MLflow served it");
            strict_1.default.deepEqual(sandbox.workerPids().sort(), workersBefore.sort(), "no reload happened");
            strict_1.default.equal((await http({ path: "/health" })).status, 200);
        });
    });
}
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 240_000 });
else
    defineTests();
//# sourceMappingURL=faults.e2e.test.js.map