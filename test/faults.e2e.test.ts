// Faults between nginx and MLflow, with real nginx 1.30, the rendered configuration and the real
// MLflow server: MLflow down, and MLflow coming back at a new address (a recreated container).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { render } from "../scripts/render";
import { basicAuth, ClientResponse, freshSourceAddress, request, RequestOptions } from "../harness/httpClient";
import { addLoopbackAddress, inNamespace, reexecInNamespace, removeLoopbackAddress, scratchDir } from "../harness/namespace";
import { MLFLOW_ADDRESSES, NginxSandbox } from "../harness/nginxSandbox";
import { RealMlflow } from "../harness/realMlflow";

/** Where the "recreated containers" come back: other addresses on the compose network. */
const NEW_MLFLOW_ADDRESSES = ["172.18.1.2", "172.18.1.3", "172.18.1.4", "172.18.1.5"];

function defineTests(): void {
    let sandbox: NginxSandbox;
    let auth: string;
    const https = (options: Partial<RequestOptions> & { path: string }): Promise<ClientResponse> =>
        request({ address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, timeoutMs: 15_000, ...options });
    const http = (options: Partial<RequestOptions> & { path: string }): Promise<ClientResponse> =>
        request({ address: sandbox.publicIp, port: 80, tls: false, timeoutMs: 15_000, ...options });
    const search = "/api/2.0/mlflow/experiments/search?max_results=10";

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "dev");
        render({ stack: "dev", out: renderDir });
        sandbox = await NginxSandbox.start({ renderDir });
        auth = basicAuth(...Object.entries(sandbox.users)[0]);
    });
    after(async () => { await sandbox?.stop(); });

    describe("one MLflow server down", () => {
        it("every request is still answered: nginx passes the dead server over", async () => {
            const [first, ...others] = sandbox.mlflow!.pids;
            assert.ok(others.length > 0, "the rendered service runs more than one server");
            process.kill(-first, "SIGKILL");
            const statuses = [];
            for (let i = 0; i < 20; i++) statuses.push((await https({ path: search, auth })).status);
            assert.deepEqual(statuses, statuses.map(() => 200));
        });
    });

    describe("MLflow down", () => {
        it("answers 502 on /health (both ports) and on API calls, fast, without nginx's version", async () => {
            assert.equal((await https({ path: search, auth })).status, 200, "healthy before");
            await sandbox.mlflow!.stop();
            for (const response of [await http({ path: "/health" }), await https({ path: "/health" }), await https({ path: search, auth })]) {
                assert.equal(response.status, 502);
                assert.deepEqual(response.all("server"), ["nginx"]);
                assert.doesNotMatch(response.text, /nginx\/\d/);
            }
            const started = Date.now();
            await https({ path: "/health" });
            assert.ok(Date.now() - started < 2000, "a refused connection fails at once, not after a timeout");
        });

        it("still asks for credentials first: no unauthenticated caller learns that MLflow is down", async () => {
            const response = await https({ path: search, localAddress: freshSourceAddress() });
            assert.equal(response.status, 401);
        });

        it("still serves stored artifacts (nginx reads them from the store), and refuses uploads with 502", async () => {
            const stored = "3/run/artifacts/model.bin";
            mkdirSync(path.dirname(path.join(sandbox.dirs.artifacts, stored)), { recursive: true });
            writeFileSync(path.join(sandbox.dirs.artifacts, stored), "weights stored before the crash");
            const download = await https({ path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth });
            assert.equal(download.status, 200);
            assert.equal(download.text, "weights stored before the crash");
            assert.equal((await https({ method: "PUT", path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth, body: "new" })).status, 502);
        });
    });

    describe("MLflow recreated at a new address", () => {
        let replacement: RealMlflow;
        after(async () => { await replacement?.stop(); });

        it("is followed through Docker's DNS within the resolver's 10 s, without reloading nginx", async () => {
            const workersBefore = sandbox.workerPids();
            // The old containers' addresses are gone; the new ones answer, and Docker's DNS gives them for `mlflow`.
            for (const address of MLFLOW_ADDRESSES) removeLoopbackAddress(address);
            for (const address of NEW_MLFLOW_ADDRESSES) addLoopbackAddress(address);
            replacement = await sandbox.startMlflow({ addresses: NEW_MLFLOW_ADDRESSES });
            const started = Date.now();
            let status = 0;
            while (Date.now() - started < 25_000) {
                status = (await https({ path: search, auth })).status;
                if (status === 200) break;
                await new Promise(resolve => setTimeout(resolve, 500));
            }
            assert.equal(status, 200, "requests reach the new address");
            assert.ok(Date.now() - started <= 15_000, `took ${Date.now() - started} ms`);
            assert.ok(replacement.requests().some(r => r.path === search && r.status === 200), "the new MLflow served it");
            assert.deepEqual(sandbox.workerPids().sort(), workersBefore.sort(), "no reload happened");
            assert.equal((await http({ path: "/health" })).status, 200);
        });
    });
}

if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 240_000 });
else defineTests();
