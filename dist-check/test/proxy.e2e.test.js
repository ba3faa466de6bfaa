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
// End to end: real nginx 1.30 loads the exact files `npm run render -- --stack dev` produces, in
// front of the real MLflow server run as the rendered compose file runs it, inside private
// namespaces (harness/nginxSandbox.ts). What reached MLflow is read from its own access log.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const render_1 = require("../scripts/render");
const layout_1 = require("../lib/render/layout");
const httpClient_1 = require("../harness/httpClient");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const GiB = 1024 * 1024 * 1024;
/** Files below a directory (relative paths); none for a missing one. */
function filesUnder(dir) {
    if (!(0, fs_1.existsSync)(dir))
        return [];
    return (0, fs_1.readdirSync)(dir, { recursive: true, withFileTypes: true }).filter(e => !e.isDirectory()).map(e => path.relative(dir, path.join(e.parentPath, e.name)));
}
function defineTests() {
    let sandbox;
    let renderDir;
    let ip;
    let users;
    let nginxConf;
    /** HTTPS to the public address, verified against the rendered private CA. */
    const https = (options) => (0, httpClient_1.request)({ address: ip, port: 443, tls: true, ca: sandbox.caCert, ...options });
    const http = (options) => (0, httpClient_1.request)({ address: ip, port: 80, tls: false, ...options });
    /** The paths MLflow's clients and UI use, under both API prefixes, with bodies that make sense. */
    const protectedCalls = () => [
        { method: "GET", path: "/" },
        { method: "GET", path: "/version" },
        ...["/api", "/ajax-api"].flatMap(prefix => [
            { method: "POST", path: `${prefix}/2.0/mlflow/experiments/create`, body: `{"name":"x"}` },
            { method: "GET", path: `${prefix}/2.0/mlflow/experiments/search?max_results=10` },
            { method: "POST", path: `${prefix}/2.0/mlflow/runs/create`, body: `{"experiment_id":"0"}` },
            { method: "POST", path: `${prefix}/2.0/mlflow/runs/log-batch`, body: `{"run_id":"r"}` },
            { method: "PUT", path: `${prefix}/2.0/mlflow-artifacts/artifacts/0/r/artifacts/model.bin`, body: "weights" },
            { method: "GET", path: `${prefix}/2.0/mlflow-artifacts/artifacts/0/r/artifacts/model.bin` },
            { method: "GET", path: `${prefix}/2.0/mlflow-artifacts/artifacts?path=0/r/artifacts` },
        ]),
    ];
    /** What reached MLflow, by its own access log; waits for log lines still on their way. */
    const mlflowLog = async () => {
        await (0, namespace_1.sleep)(300);
        return sandbox.mlflow.requests();
    };
    /** Requests MLflow logged after `count` earlier ones. */
    const loggedSince = async (count) => (await mlflowLog()).slice(count);
    const assertNoVersion = (response, what) => {
        strict_1.default.deepEqual(response.all("server"), ["nginx"], `${what}: Server header`);
        strict_1.default.doesNotMatch(response.text, /nginx\/\d|1\.30/, `${what}: the body names nginx's version`);
    };
    (0, node_test_1.before)(async () => {
        renderDir = path.join((0, namespace_1.scratchDir)("render"), "dev");
        (0, render_1.render)({ stack: "dev", out: renderDir });
        sandbox = await nginxSandbox_1.NginxSandbox.start({ renderDir });
        ip = sandbox.publicIp;
        users = Object.entries(sandbox.users);
        nginxConf = (0, fs_1.readFileSync)(sandbox.hostFile(layout_1.HOST.nginxConf), "utf8");
        strict_1.default.ok(users.length > 0, "the dev render has users");
    });
    (0, node_test_1.after)(async () => {
        await sandbox?.stop();
    });
    (0, node_test_1.describe)("nginx in front of MLflow (dev render)", () => {
        (0, node_test_1.it)("nginx -t accepts the rendered configuration, which nginx reads byte for byte", async () => {
            const result = await sandbox.nginx(["-t"]);
            strict_1.default.equal(result.code, 0, result.stderr);
            strict_1.default.match(result.stderr, /syntax is ok/);
            strict_1.default.match(result.stderr, /test is successful/);
            strict_1.default.equal((0, fs_1.readFileSync)(path.join(sandbox.root, layout_1.NGINX.conf), "utf8"), nginxConf);
        });
        (0, node_test_1.it)("finds MLflow by its service name through the rendered resolver (Docker's DNS)", async () => {
            const response = await https({ path: "/health" });
            strict_1.default.equal(response.status, 200);
            strict_1.default.equal(response.text, "OK");
            strict_1.default.ok(sandbox.dns.queries.some(q => q.name === "mlflow" && q.type === 1), "nginx asked 127.0.0.11 for mlflow");
            strict_1.default.ok((await mlflowLog()).some(r => r.path === "/health" && r.status === 200), "MLflow answered /health");
        });
        (0, node_test_1.it)("asks for credentials on every MLflow path: 401 without them, with a wrong password, for an unknown user", async () => {
            const [user, password] = users[0];
            const variants = [
                ["no credentials", undefined],
                ["wrong password", (0, httpClient_1.basicAuth)(user, `${password}x`)],
                ["unknown user", (0, httpClient_1.basicAuth)("mallory", password)],
            ];
            const before = (await mlflowLog()).length;
            for (const call of protectedCalls()) {
                for (const [label, auth] of variants) {
                    // A new source address per failure keeps each client far below the failed-login burst.
                    const response = await https({ ...call, auth, localAddress: (0, httpClient_1.freshSourceAddress)() });
                    strict_1.default.equal(response.status, 401, `${call.method} ${call.path} with ${label}`);
                    strict_1.default.deepEqual(response.all("www-authenticate"), [`Basic realm="MLflow"`], `${call.method} ${call.path} with ${label}: exactly one challenge`);
                    assertNoVersion(response, `401 for ${call.path}`);
                }
            }
            strict_1.default.deepEqual(await loggedSince(before), [], "no unauthenticated request reached MLflow");
        });
        (0, node_test_1.it)("serves every MLflow path to each generated user, and MLflow accepts the public Host nginx passes", async () => {
            for (const [user, password] of users) {
                const auth = (0, httpClient_1.basicAuth)(user, password);
                for (const prefix of ["/api", "/ajax-api"]) {
                    const source = (0, httpClient_1.freshSourceAddress)();
                    const call = async (method, p, body) => {
                        const logged = (await mlflowLog()).length;
                        const response = await https({ method, path: p, auth, body, localAddress: source, headers: body ? { "Content-Type": "application/json" } : {} });
                        strict_1.default.equal(response.status, 200, `${user}: ${method} ${p} -> ${response.status} ${response.text}`);
                        strict_1.default.deepEqual(await loggedSince(logged), [{ method, path: p, status: 200 }], "MLflow itself answered it");
                        return response;
                    };
                    const name = `e2e-${user}-${prefix.slice(1)}`;
                    const experimentId = JSON.parse((await call("POST", `${prefix}/2.0/mlflow/experiments/create`, JSON.stringify({ name }))).text).experiment_id;
                    const search = JSON.parse((await call("GET", `${prefix}/2.0/mlflow/experiments/search?max_results=100`)).text);
                    strict_1.default.ok(search.experiments.some((e) => e.name === name));
                    const run = JSON.parse((await call("POST", `${prefix}/2.0/mlflow/runs/create`, JSON.stringify({ experiment_id: experimentId }))).text).run;
                    await call("POST", `${prefix}/2.0/mlflow/runs/log-batch`, JSON.stringify({
                        run_id: run.info.run_id, metrics: [{ key: "loss", value: 0.5, timestamp: Date.now(), step: 1 }], params: [{ key: "lr", value: "0.1" }],
                    }));
                    const got = JSON.parse((await call("GET", `${prefix}/2.0/mlflow/runs/get?run_id=${run.info.run_id}`)).text).run;
                    strict_1.default.deepEqual(got.data.params, [{ key: "lr", value: "0.1" }]);
                    strict_1.default.equal(run.info.artifact_uri, `mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`, "proxied artifact storage");
                    const artifactDir = `${experimentId}/${run.info.run_id}/artifacts`;
                    await call("PUT", `${prefix}/2.0/mlflow-artifacts/artifacts/${artifactDir}/model.txt`, `weights of ${user}`);
                    // Downloads are files nginx reads from MLflow's store (see the artifact download tests).
                    const download = await https({ path: `${prefix}/2.0/mlflow-artifacts/artifacts/${artifactDir}/model.txt`, auth, localAddress: source });
                    strict_1.default.equal(download.status, 200, `${user}: download -> ${download.status}`);
                    strict_1.default.equal(download.text, `weights of ${user}`);
                    const listing = JSON.parse((await call("GET", `${prefix}/2.0/mlflow-artifacts/artifacts?path=${artifactDir}`)).text);
                    strict_1.default.deepEqual(listing.files, [{ path: "model.txt", is_dir: false, file_size: `weights of ${user}`.length }]);
                    strict_1.default.match((await call("GET", "/version")).text, /^3\.\d+\.\d+$/);
                    strict_1.default.match((await call("GET", "/")).text, /<title>MLflow<\/title>/);
                }
            }
        });
        (0, node_test_1.it)("limits failed logins per client address (429 after the burst) but never a signed-in user", async () => {
            const [user, password] = users[0];
            const source = "127.20.0.1";
            const statuses = [];
            for (let i = 0; i < 30; i++) {
                statuses.push((await https({ path: "/api/2.0/mlflow/experiments/search", auth: (0, httpClient_1.basicAuth)(user, "guess"), localAddress: source })).status);
            }
            strict_1.default.deepEqual(statuses.slice(0, 20), Array(20).fill(401), `the first 20 failures are plain 401s: ${statuses}`);
            // Past the burst, one more failure is let through per second the loop takes.
            strict_1.default.ok(statuses.slice(20).filter(status => status === 429).length >= 7, `rapid failures beyond the burst get 429: ${statuses}`);
            strict_1.default.deepEqual(statuses.filter(status => status !== 401 && status !== 429), [], `only 401 or 429: ${statuses}`);
            for (let i = 0; i < 30; i++) {
                const response = await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10", auth: (0, httpClient_1.basicAuth)(user, password), localAddress: source });
                strict_1.default.equal(response.status, 200, "a signed-in user from the limited address is served");
            }
            // The signed-in requests took a while (MLflow answers them), and the limit leaks one failure a second.
            const later = [];
            for (let i = 0; i < 10; i++)
                later.push((await https({ path: "/version", localAddress: source })).status);
            strict_1.default.ok(later.includes(429), `the address is still limited for failures: ${later}`);
            strict_1.default.equal((await https({ path: "/version", localAddress: (0, httpClient_1.freshSourceAddress)() })).status, 401, "other addresses are not");
        });
        (0, node_test_1.it)("answers /health without credentials on 443 and on port 80", async () => {
            for (const response of [await https({ path: "/health", localAddress: (0, httpClient_1.freshSourceAddress)() }), await http({ path: "/health" })]) {
                strict_1.default.equal(response.status, 200);
                strict_1.default.equal(response.text, "OK");
            }
        });
        (0, node_test_1.it)("serves the ACME challenge from the bound webroot on port 80 without credentials", async () => {
            const token = "e2e-Token_0123456789-abcdefghijklmnopqrstuv";
            const dir = path.join(sandbox.dirs.acmeWebroot, ".well-known", "acme-challenge");
            (0, fs_1.mkdirSync)(dir, { recursive: true, mode: 0o755 });
            (0, fs_1.writeFileSync)(path.join(dir, token), `${token}.thumbprint`, { mode: 0o644 });
            const response = await http({ path: `/.well-known/acme-challenge/${token}` });
            strict_1.default.equal(response.status, 200);
            strict_1.default.equal(response.text, `${token}.thumbprint`);
            strict_1.default.match(String(response.headers["content-type"]), /^text\/plain/);
            const missing = await http({ path: "/.well-known/acme-challenge/missing" });
            strict_1.default.equal(missing.status, 404);
            assertNoVersion(missing, "404 from nginx");
        });
        (0, node_test_1.it)("redirects http to https with the same host and path, and never challenges for credentials over http", async () => {
            for (const p of ["/", "/api/2.0/mlflow/experiments/search?max_results=5", "/ajax-api/2.0/mlflow/runs/create",
                "/api/2.0/mlflow-artifacts/artifacts/1/2/artifacts/model.pkl", "/static-files/lib/x.js?v=1"]) {
                for (const method of ["GET", "POST", "PUT"]) {
                    const response = await http({ method, path: p, auth: (0, httpClient_1.basicAuth)("admin", "wrong") });
                    strict_1.default.equal(response.status, 301, `${method} ${p}`);
                    strict_1.default.equal(response.headers.location, `https://${ip}${p}`);
                    assertNoVersion(response, "301");
                }
            }
            const paths = [...protectedCalls().map(c => c.path), "/health", "/.well-known/acme-challenge/missing", "/x"];
            for (const p of paths) {
                for (const auth of [undefined, (0, httpClient_1.basicAuth)("admin", "wrong")]) {
                    const response = await http({ path: p, auth });
                    strict_1.default.equal(response.headers["www-authenticate"], undefined, `http ${p} sent WWW-Authenticate`);
                }
            }
        });
        (0, node_test_1.it)("refuses TLS 1.0 and 1.1 and accepts TLS 1.2 and 1.3 (openssl s_client and testssl.sh)", { timeout: 60_000 }, async () => {
            const caFile = path.join(renderDir, sandbox.values.caCertFile);
            for (const [flag, accepted] of [["-tls1", false], ["-tls1_1", false], ["-tls1_2", true], ["-tls1_3", true]]) {
                const result = await sandbox.exec("openssl", ["s_client", "-connect", `${ip}:443`, flag,
                    "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", caFile, "-verify_ip", ip, "-verify_return_error"], { timeoutMs: 15_000 });
                const output = result.stdout + result.stderr;
                if (accepted) {
                    strict_1.default.equal(result.code, 0, `${flag}: ${output}`);
                    strict_1.default.match(output, /Verify return code: 0 \(ok\)/);
                }
                else {
                    strict_1.default.notEqual(result.code, 0, `${flag} was accepted`);
                    // The client did offer the old version; the server answered with a protocol_version alert.
                    strict_1.default.match(output, /alert protocol version/, `${flag}: ${output}`);
                }
            }
            const testssl = await sandbox.exec("testssl", ["-p", "--quiet", "--color", "0", "--nodns", "none", "--warnings", "off", `https://${ip}`], { timeoutMs: 45_000 });
            const lines = testssl.stdout;
            strict_1.default.match(lines, /SSLv2\s+not offered/, lines);
            strict_1.default.match(lines, /SSLv3\s+not offered/);
            strict_1.default.match(lines, /TLS 1\s+not offered/);
            strict_1.default.match(lines, /TLS 1\.1\s+not offered/);
            strict_1.default.match(lines, /TLS 1\.2\s+offered/);
            strict_1.default.match(lines, /TLS 1\.3\s+offered/);
        });
        (0, node_test_1.it)("sends HSTS (max-age=63072000) on https answers, and no nginx version anywhere", async () => {
            const [user, password] = users[0];
            const ok = await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10", auth: (0, httpClient_1.basicAuth)(user, password) });
            const denied = await https({ path: "/api/2.0/mlflow/experiments/search", localAddress: (0, httpClient_1.freshSourceAddress)() });
            const health = await https({ path: "/health" });
            for (const [label, response] of [["200", ok], ["401", denied], ["/health", health]]) {
                strict_1.default.deepEqual(response.all("strict-transport-security"), ["max-age=63072000"], label);
                assertNoVersion(response, label);
            }
            strict_1.default.equal((await http({ path: "/health" })).headers["strict-transport-security"], undefined, "no HSTS over http");
        });
        (0, node_test_1.it)("sends the UI's JavaScript gzip-compressed, behind the same auth and headers, and never compresses anything else", async () => {
            const auth = (0, httpClient_1.basicAuth)(...users[0]);
            const gzip = { "Accept-Encoding": "gzip, deflate, br" };
            const index = await https({ path: "/", auth });
            const script = /static-files\/static\/js\/main\.[0-9a-f]+\.js/.exec(index.text)?.[0];
            strict_1.default.ok(script, `index.html names no main script:\n${index.text.slice(0, 2000)}`);
            const compressed = await https({ path: `/${script}`, auth, headers: gzip });
            strict_1.default.equal(compressed.status, 200);
            strict_1.default.equal(compressed.headers["content-encoding"], "gzip");
            strict_1.default.deepEqual(compressed.all("x-content-type-options"), ["nosniff"]);
            strict_1.default.equal((await https({ path: `/${script}`, headers: gzip, localAddress: (0, httpClient_1.freshSourceAddress)() })).status, 401);
            for (const p of ["/", "/api/2.0/mlflow/experiments/search?max_results=10", "/ajax-api/2.0/mlflow/experiments/search?max_results=10"]) {
                const response = await https({ path: p, auth, headers: gzip });
                strict_1.default.equal(response.status, 200, p);
                strict_1.default.equal(response.headers["content-encoding"], undefined, `${p} was compressed`);
                strict_1.default.deepEqual(response.all("x-content-type-options"), ["nosniff"], `${p}: nosniff once`);
            }
        });
        (0, node_test_1.it)("closes the connection (444) for a Host it does not serve, on 80 and 443", async () => {
            const before = (await mlflowLog()).length;
            const outcomes = [
                await (0, httpClient_1.attempt)({ address: ip, port: 80, tls: false, path: "/health", host: "evil.example" }),
                await (0, httpClient_1.attempt)({ address: ip, port: 443, tls: true, ca: sandbox.caCert, path: "/health", host: "evil.example" }),
                await (0, httpClient_1.attempt)({ address: ip, port: 443, tls: true, ca: sandbox.caCert, path: "/api/2.0/mlflow/experiments/search", host: "evil.example", auth: (0, httpClient_1.basicAuth)(...users[0]) }),
                await (0, httpClient_1.attempt)({ address: ip, port: 80, tls: false, path: "/health", host: "127.0.0.1" }),
            ];
            for (const [i, outcome] of outcomes.entries()) {
                strict_1.default.equal(outcome.response, undefined, `case ${i}: got HTTP ${outcome.response?.status}`);
                strict_1.default.match(String(outcome.error?.code ?? outcome.error?.message), /ECONNRESET|socket hang up/, `case ${i}`);
            }
            // SNI naming a foreign host, and HTTP/1.0 without any Host, fall to the same default servers.
            const sni = await sandbox.exec("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", path.join(renderDir, sandbox.values.caCertFile),
                "-k", "--resolve", `evil.example:443:${ip}`, "https://evil.example/health"], { timeoutMs: 10_000 });
            strict_1.default.notEqual(sni.code, 0);
            strict_1.default.equal(sni.stdout, "000");
            const noHost = await sandbox.exec("curl", ["-sS", "--http1.0", "-H", "Host:", "-o", "/dev/null", "-w", "%{http_code}", `http://${ip}/health`], { timeoutMs: 10_000 });
            strict_1.default.equal(noHost.code, 52, `curl: ${noHost.stderr}`); // empty reply from server
            strict_1.default.deepEqual(await loggedSince(before), [], "nothing reached MLflow");
        });
        (0, node_test_1.it)("passes the public Host without port to MLflow, which accepts it (MLFLOW_SERVER_ALLOWED_HOSTS)", async () => {
            const response = await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10", host: `${ip}:443`, auth: (0, httpClient_1.basicAuth)(...users[0]) });
            // MLflow matches a Host with a port literally: it accepts this only because nginx passes $host.
            strict_1.default.equal(response.status, 200, response.text);
        });
        (0, node_test_1.it)("MLflow's allowed origins from the rendered compose file accept the https origin and refuse others", async () => {
            const auth = (0, httpClient_1.basicAuth)(...users[0]);
            const create = (origin, name) => https({
                method: "POST", path: "/ajax-api/2.0/mlflow/experiments/create", auth,
                headers: { Origin: origin, "Content-Type": "application/json" }, body: JSON.stringify({ name }),
            });
            const own = await create(`https://${ip}`, "from-the-ui");
            strict_1.default.equal(own.status, 200, own.text);
            for (const foreign of ["https://evil.example", `http://${ip}`, `https://${ip}:8443`]) {
                const logged = (await mlflowLog()).length;
                const response = await create(foreign, `from-${foreign}`);
                strict_1.default.equal(response.status, 403, foreign);
                strict_1.default.equal(response.text, "Cross-origin request blocked");
                strict_1.default.deepEqual(await loggedSince(logged), [{ method: "POST", path: "/ajax-api/2.0/mlflow/experiments/create", status: 403 }], "MLflow itself refused it");
            }
            // MLflow enforces the rendered host list (checked directly, past nginx).
            const direct = await (0, httpClient_1.request)({ address: nginxSandbox_1.MLFLOW_ADDRESS, port: 5000, tls: false, path: "/api/2.0/mlflow/experiments/search", host: "evil.example" });
            strict_1.default.equal(direct.status, 403);
            strict_1.default.match(direct.text, /Invalid Host header/);
            const exempt = await (0, httpClient_1.request)({ address: nginxSandbox_1.MLFLOW_ADDRESS, port: 5000, tls: false, path: "/health", host: "evil.example" });
            strict_1.default.equal(exempt.status, 200);
        });
        (0, node_test_1.it)("streams a 1 GiB artifact up and down intact, from disk and through MLflow, without temporary files in nginx or in MLflow's /tmp", { timeout: 240_000 }, async () => {
            const [user, password] = users[0];
            const auth = (0, httpClient_1.basicAuth)(user, password);
            const file = path.join((0, namespace_1.scratchDir)("big"), "model.bin");
            const digest = await (0, httpClient_1.writeRandomFile)(file, GiB);
            strict_1.default.equal((0, fs_1.statSync)(file).size, GiB);
            for (const dir of sandbox.tempDirs())
                strict_1.default.ok((0, fs_1.existsSync)(dir), `nginx created ${dir}`);
            const api = async (apiPath, body) => {
                const response = await https({ method: "POST", path: apiPath, auth, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
                strict_1.default.equal(response.status, 200, response.text);
                return JSON.parse(response.text);
            };
            const experimentId = (await api("/api/2.0/mlflow/experiments/create", { name: "e2e-big" })).experiment_id;
            const runId = (await api("/api/2.0/mlflow/runs/create", { experiment_id: experimentId })).run.info.run_id;
            const stored = `${experimentId}/${runId}/artifacts/model.bin`;
            const seenTempFiles = new Set();
            // MLflow's /tmp is the container's root disk: an upload spooled there would need
            // maxUploadSize of free space outside the data volume. Its memory shows an upload held in RAM.
            const seenMlflowTmp = new Set();
            const baseline = sandbox.mlflow.memory().rss;
            let peak = baseline;
            const watcher = setInterval(() => {
                sandbox.tempFiles().forEach(f => seenTempFiles.add(f));
                filesUnder(sandbox.dirs.mlflowTmp).forEach(f => seenMlflowTmp.add(f));
                peak = Math.max(peak, sandbox.mlflow.memory().rss);
            }, 100);
            try {
                const put = await https({
                    method: "PUT", path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth, timeoutMs: 180_000,
                    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(GiB) },
                    body: () => (0, fs_1.createReadStream)(file, { highWaterMark: 1024 * 1024 }),
                });
                strict_1.default.equal(put.status, 200, put.text);
                strict_1.default.equal(await (0, httpClient_1.sha256File)(path.join(sandbox.dirs.artifacts, stored)), digest, "MLflow stored it intact");
                strict_1.default.deepEqual([...seenMlflowTmp], [], "MLflow spooled the upload into its /tmp");
                strict_1.default.ok(peak - baseline < 256 * 1024 * 1024, `MLflow's memory grew by ${((peak - baseline) / 2 ** 20).toFixed(0)} MiB during a 1 GiB upload`);
                // Read by nginx from the store (the client API), and streamed by MLflow through the
                // proxy (the UI's file viewer). The reader stalls for 2 s mid-way: nginx must wait for
                // it rather than read ahead into memory or spool MLflow's answer to disk.
                for (const download of [`/api/2.0/mlflow-artifacts/artifacts/${stored}`, `/get-artifact?path=model.bin&run_uuid=${runId}`]) {
                    const logged = (await mlflowLog()).length;
                    const sink = new httpClient_1.HashSink({ afterBytes: 256 * 1024 * 1024, ms: 2000 });
                    const get = await https({ path: download, auth, sink: () => sink, timeoutMs: 180_000 });
                    strict_1.default.equal(get.status, 200, download);
                    strict_1.default.equal(get.headers["content-length"], String(GiB), download);
                    strict_1.default.equal(sink.bytes, GiB, download);
                    strict_1.default.equal(sink.digest, digest, `${download}: the download matches the upload`);
                    const proxied = (await loggedSince(logged)).some(r => r.method === "GET" && r.status === 200);
                    strict_1.default.equal(proxied, download.startsWith("/get-artifact"), `${download}: MLflow served it`);
                }
            }
            finally {
                clearInterval(watcher);
                (0, fs_1.rmSync)(file, { force: true });
            }
            sandbox.tempFiles().forEach(f => seenTempFiles.add(f));
            strict_1.default.deepEqual([...seenTempFiles], [], "nginx wrote temporary files");
            strict_1.default.doesNotMatch(sandbox.errorLog(), /buffered to a temporary file/);
        });
        (0, node_test_1.it)("serves artifact downloads from MLflow's store itself, as attachments, and hands uploads and deletes to MLflow", async () => {
            const auth = (0, httpClient_1.basicAuth)(...users[0]);
            const stored = "7/r1/artifacts/report.html";
            const page = "<script>document.title = 'not on this origin'</script>";
            const put = await https({ method: "PUT", path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth, body: page });
            strict_1.default.equal(put.status, 200, put.text);
            const before = (await mlflowLog()).length;
            strict_1.default.equal(sandbox.mlflow.requests().at(-1)?.method, "PUT", "the upload reached MLflow");
            for (const prefix of ["/api", "/ajax-api"]) {
                const url = `${prefix}/2.0/mlflow-artifacts/artifacts/${stored}`;
                const get = await https({ path: url, auth });
                strict_1.default.equal(get.status, 200, url);
                strict_1.default.equal(get.text, page);
                strict_1.default.equal(get.headers["content-type"], "application/octet-stream", "never rendered as HTML");
                strict_1.default.equal(get.headers["content-disposition"], "attachment");
                strict_1.default.equal(get.headers["x-content-type-options"], "nosniff");
                strict_1.default.equal(get.headers["strict-transport-security"], "max-age=63072000");
                const head = await https({ method: "HEAD", path: url, auth });
                strict_1.default.equal(head.status, 200);
                strict_1.default.equal(head.headers["content-length"], String(page.length));
                const range = await https({ path: url, auth, headers: { Range: "bytes=8-15" } });
                strict_1.default.equal(range.status, 206, "a byte range, for a resumed download");
                strict_1.default.equal(range.text, page.slice(8, 16));
            }
            for (const missing of ["7/r1/artifacts/nothing.bin", "7/r1/artifacts", "7/r1/artifacts/", "7/"]) {
                const response = await https({ path: `/api/2.0/mlflow-artifacts/artifacts/${missing}`, auth });
                strict_1.default.equal(response.status, 404, `${missing}: a missing file or a directory`);
                assertNoVersion(response, `404 for ${missing}`);
            }
            strict_1.default.deepEqual(await loggedSince(before), [], "no download reached MLflow");
            // Nothing outside the store: a symbolic link in it is not followed, and a path that
            // climbs out is no longer an artifact path once nginx has normalised it.
            const link = path.join(sandbox.dirs.artifacts, "7", "r1", "artifacts", "passwd");
            (0, fs_1.symlinkSync)("/etc/passwd", link);
            const linked = await https({ path: "/api/2.0/mlflow-artifacts/artifacts/7/r1/artifacts/passwd", auth });
            strict_1.default.notEqual(linked.status, 200, "a symbolic link was followed");
            strict_1.default.doesNotMatch(linked.text, /root:/);
            for (const climb of ["../../../../etc/passwd", "..%2f..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"]) {
                const response = await https({ path: `/api/2.0/mlflow-artifacts/artifacts/${climb}`, auth });
                strict_1.default.notEqual(response.status, 200, climb);
                strict_1.default.doesNotMatch(response.text, /root:/, climb);
            }
            const deleted = await https({ method: "DELETE", path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth });
            strict_1.default.equal(deleted.status, 200, deleted.text);
            strict_1.default.equal((await mlflowLog()).at(-1)?.method, "DELETE", "the delete reached MLflow");
            strict_1.default.equal((await https({ path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth })).status, 404, "gone once MLflow deleted it");
        });
        (0, node_test_1.it)("counts failed logins on the download path like everywhere else", async () => {
            const source = "127.20.0.2";
            const statuses = [];
            for (let i = 0; i < 30; i++) {
                statuses.push((await https({ path: "/api/2.0/mlflow-artifacts/artifacts/7/x.bin", auth: (0, httpClient_1.basicAuth)(users[0][0], "guess"), localAddress: source })).status);
            }
            strict_1.default.deepEqual(statuses.slice(0, 20), Array(20).fill(401), `the first 20 failures are plain 401s: ${statuses}`);
            // Past the burst, one more failure is let through per second the loop takes.
            strict_1.default.ok(statuses.slice(20).filter(status => status === 429).length >= 7, `rapid failures beyond the burst get 429: ${statuses}`);
            strict_1.default.deepEqual(statuses.filter(status => status !== 401 && status !== 429), [], `only 401 or 429: ${statuses}`);
        });
        (0, node_test_1.it)("answers 413 to a body over client_max_body_size before reading it", async () => {
            const limit = /client_max_body_size (\d+)([kKmMgG]?);/.exec(nginxConf);
            strict_1.default.ok(limit, "the rendered configuration sets client_max_body_size");
            const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[limit[2].toLowerCase()];
            const size = Number(limit[1]) * unit + 1;
            strict_1.default.ok(size > 1, "a limit is set (0 would mean none)");
            const before = (await mlflowLog()).length;
            const started = Date.now();
            const response = await https({
                method: "PUT", path: "/api/2.0/mlflow-artifacts/artifacts/1/too/big.bin", auth: (0, httpClient_1.basicAuth)(...users[0]),
                declaredLength: size, timeoutMs: 10_000,
            });
            strict_1.default.equal(response.status, 413);
            strict_1.default.ok(Date.now() - started < 5000, "answered at once, without waiting for the body");
            assertNoVersion(response, "413");
            strict_1.default.deepEqual(await loggedSince(before), [], "MLflow never saw it");
        });
    });
}
// Outside: run this file again inside private namespaces. Inside: the tests.
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 300_000 });
else
    defineTests();
//# sourceMappingURL=proxy.e2e.test.js.map