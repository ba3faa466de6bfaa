// End to end: real nginx 1.30 loads the exact files `npm run render -- --stack dev` produces, in
// front of the real MLflow server run as the rendered compose file runs it, inside private
// namespaces (harness/nginxSandbox.ts). What reached MLflow is read from its own access log.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "fs";
import * as path from "path";
import { render } from "../scripts/render";
import { HOST, NGINX } from "../lib/render/layout";
import { attempt, basicAuth, ClientResponse, freshSourceAddress, HashSink, request, RequestOptions, sha256File, writeRandomFile } from "../harness/httpClient";
import { inNamespace, reexecInNamespace, scratchDir, sleep } from "../harness/namespace";
import { MLFLOW_ADDRESS, NginxSandbox } from "../harness/nginxSandbox";
import { LoggedRequest } from "../harness/realMlflow";

const GiB = 1024 * 1024 * 1024;

/** Files below a directory (relative paths); none for a missing one. */
function filesUnder(dir: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter(e => !e.isDirectory()).map(e => path.relative(dir, path.join(e.parentPath, e.name)));
}

function defineTests(): void {
    let sandbox: NginxSandbox;
    let renderDir: string;
    let ip: string;
    let users: [string, string][];
    let nginxConf: string;

    /** HTTPS to the public address, verified against the rendered private CA. */
    const https = (options: Partial<RequestOptions> & { path: string }): Promise<ClientResponse> =>
        request({ address: ip, port: 443, tls: true, ca: sandbox.caCert, ...options });
    const http = (options: Partial<RequestOptions> & { path: string }): Promise<ClientResponse> =>
        request({ address: ip, port: 80, tls: false, ...options });

    /** The paths MLflow's clients and UI use, under both API prefixes, with bodies that make sense. */
    const protectedCalls = (): { method: string; path: string; body?: string }[] => [
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
    const mlflowLog = async (): Promise<LoggedRequest[]> => {
        await sleep(300);
        return sandbox.mlflow!.requests();
    };
    /** Requests MLflow logged after `count` earlier ones. */
    const loggedSince = async (count: number) => (await mlflowLog()).slice(count);

    const assertNoVersion = (response: ClientResponse, what: string) => {
        assert.deepEqual(response.all("server"), ["nginx"], `${what}: Server header`);
        assert.doesNotMatch(response.text, /nginx\/\d|1\.30/, `${what}: the body names nginx's version`);
    };

    before(async () => {
        renderDir = path.join(scratchDir("render"), "dev");
        render({ stack: "dev", out: renderDir });
        sandbox = await NginxSandbox.start({ renderDir });
        ip = sandbox.publicIp;
        users = Object.entries(sandbox.users);
        nginxConf = readFileSync(sandbox.hostFile(HOST.nginxConf), "utf8");
        assert.ok(users.length > 0, "the dev render has users");
    });

    after(async () => {
        await sandbox?.stop();
    });

    describe("nginx in front of MLflow (dev render)", () => {
        it("nginx -t accepts the rendered configuration, which nginx reads byte for byte", async () => {
            const result = await sandbox.nginx(["-t"]);
            assert.equal(result.code, 0, result.stderr);
            assert.match(result.stderr, /syntax is ok/);
            assert.match(result.stderr, /test is successful/);
            assert.equal(readFileSync(path.join(sandbox.root, NGINX.conf), "utf8"), nginxConf);
        });

        it("finds MLflow by its service name through the rendered resolver (Docker's DNS)", async () => {
            const response = await https({ path: "/health" });
            assert.equal(response.status, 200);
            assert.equal(response.text, "OK");
            assert.ok(sandbox.dns!.queries.some(q => q.name === "mlflow" && q.type === 1), "nginx asked 127.0.0.11 for mlflow");
            assert.ok((await mlflowLog()).some(r => r.path === "/health" && r.status === 200), "MLflow answered /health");
        });

        it("asks for credentials on every MLflow path: 401 without them, with a wrong password, for an unknown user", async () => {
            const [user, password] = users[0];
            const variants: [string, string | undefined][] = [
                ["no credentials", undefined],
                ["wrong password", basicAuth(user, `${password}x`)],
                ["unknown user", basicAuth("mallory", password)],
            ];
            const before = (await mlflowLog()).length;
            for (const call of protectedCalls()) {
                for (const [label, auth] of variants) {
                    // A new source address per failure keeps each client far below the failed-login burst.
                    const response = await https({ ...call, auth, localAddress: freshSourceAddress() });
                    assert.equal(response.status, 401, `${call.method} ${call.path} with ${label}`);
                    assert.deepEqual(response.all("www-authenticate"), [`Basic realm="MLflow"`],
                        `${call.method} ${call.path} with ${label}: exactly one challenge`);
                    assertNoVersion(response, `401 for ${call.path}`);
                }
            }
            assert.deepEqual(await loggedSince(before), [], "no unauthenticated request reached MLflow");
        });

        it("serves every MLflow path to each generated user, and MLflow accepts the public Host nginx passes", async () => {
            for (const [user, password] of users) {
                const auth = basicAuth(user, password);
                for (const prefix of ["/api", "/ajax-api"]) {
                    const source = freshSourceAddress();
                    const call = async (method: string, p: string, body?: string) => {
                        const logged = (await mlflowLog()).length;
                        const response = await https({ method, path: p, auth, body, localAddress: source, headers: body ? { "Content-Type": "application/json" } : {} });
                        assert.equal(response.status, 200, `${user}: ${method} ${p} -> ${response.status} ${response.text}`);
                        assert.deepEqual(await loggedSince(logged), [{ method, path: p, status: 200 }], "MLflow itself answered it");
                        return response;
                    };
                    const name = `e2e-${user}-${prefix.slice(1)}`;
                    const experimentId = JSON.parse((await call("POST", `${prefix}/2.0/mlflow/experiments/create`, JSON.stringify({ name }))).text).experiment_id;
                    const search = JSON.parse((await call("GET", `${prefix}/2.0/mlflow/experiments/search?max_results=100`)).text);
                    assert.ok(search.experiments.some((e: { name: string }) => e.name === name));
                    const run = JSON.parse((await call("POST", `${prefix}/2.0/mlflow/runs/create`, JSON.stringify({ experiment_id: experimentId }))).text).run;
                    await call("POST", `${prefix}/2.0/mlflow/runs/log-batch`, JSON.stringify({
                        run_id: run.info.run_id, metrics: [{ key: "loss", value: 0.5, timestamp: Date.now(), step: 1 }], params: [{ key: "lr", value: "0.1" }],
                    }));
                    const got = JSON.parse((await call("GET", `${prefix}/2.0/mlflow/runs/get?run_id=${run.info.run_id}`)).text).run;
                    assert.deepEqual(got.data.params, [{ key: "lr", value: "0.1" }]);
                    assert.equal(run.info.artifact_uri, `mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`, "proxied artifact storage");
                    const artifactDir = `${experimentId}/${run.info.run_id}/artifacts`;
                    await call("PUT", `${prefix}/2.0/mlflow-artifacts/artifacts/${artifactDir}/model.txt`, `weights of ${user}`);
                    // Downloads are files nginx reads from MLflow's store (see the artifact download tests).
                    const download = await https({ path: `${prefix}/2.0/mlflow-artifacts/artifacts/${artifactDir}/model.txt`, auth, localAddress: source });
                    assert.equal(download.status, 200, `${user}: download -> ${download.status}`);
                    assert.equal(download.text, `weights of ${user}`);
                    const listing = JSON.parse((await call("GET", `${prefix}/2.0/mlflow-artifacts/artifacts?path=${artifactDir}`)).text);
                    assert.deepEqual(listing.files, [{ path: "model.txt", is_dir: false, file_size: `weights of ${user}`.length }]);
                    assert.match((await call("GET", "/version")).text, /^3\.\d+\.\d+$/);
                    assert.match((await call("GET", "/")).text, /<title>MLflow<\/title>/);
                }
            }
        });

        it("limits failed logins per client address (429 after the burst) but never a signed-in user", async () => {
            const [user, password] = users[0];
            const source = "127.20.0.1";
            const statuses: number[] = [];
            for (let i = 0; i < 30; i++) {
                statuses.push((await https({ path: "/api/2.0/mlflow/experiments/search", auth: basicAuth(user, "guess"), localAddress: source })).status);
            }
            assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401), `the first 20 failures are plain 401s: ${statuses}`);
            // Past the burst, one more failure is let through per second the loop takes.
            assert.ok(statuses.slice(20).filter(status => status === 429).length >= 7, `rapid failures beyond the burst get 429: ${statuses}`);
            assert.deepEqual(statuses.filter(status => status !== 401 && status !== 429), [], `only 401 or 429: ${statuses}`);
            for (let i = 0; i < 30; i++) {
                const response = await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10", auth: basicAuth(user, password), localAddress: source });
                assert.equal(response.status, 200, "a signed-in user from the limited address is served");
            }
            // The signed-in requests took a while (MLflow answers them), and the limit leaks one failure a second.
            const later: number[] = [];
            for (let i = 0; i < 10; i++) later.push((await https({ path: "/version", localAddress: source })).status);
            assert.ok(later.includes(429), `the address is still limited for failures: ${later}`);
            assert.equal((await https({ path: "/version", localAddress: freshSourceAddress() })).status, 401, "other addresses are not");
            // Uploads and deletes go on to MLflow from the download location; their failures count too.
            const uploads: number[] = [];
            for (let i = 0; i < 25; i++) {
                uploads.push((await https({ method: "PUT", path: "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/x.bin", body: "x", auth: basicAuth(user, "guess"), localAddress: "127.20.0.2" })).status);
            }
            assert.ok(uploads.filter(status => status === 429).length >= 3, `wrong passwords on uploads are limited: ${uploads}`);
        });

        it("answers /health without credentials on 443 and on port 80", async () => {
            for (const response of [await https({ path: "/health", localAddress: freshSourceAddress() }), await http({ path: "/health" })]) {
                assert.equal(response.status, 200);
                assert.equal(response.text, "OK");
            }
        });

        it("serves the ACME challenge from the bound webroot on port 80 without credentials", async () => {
            const token = "e2e-Token_0123456789-abcdefghijklmnopqrstuv";
            const dir = path.join(sandbox.dirs.acmeWebroot, ".well-known", "acme-challenge");
            mkdirSync(dir, { recursive: true, mode: 0o755 });
            writeFileSync(path.join(dir, token), `${token}.thumbprint`, { mode: 0o644 });
            const response = await http({ path: `/.well-known/acme-challenge/${token}` });
            assert.equal(response.status, 200);
            assert.equal(response.text, `${token}.thumbprint`);
            assert.match(String(response.headers["content-type"]), /^text\/plain/);
            const missing = await http({ path: "/.well-known/acme-challenge/missing" });
            assert.equal(missing.status, 404);
            assertNoVersion(missing, "404 from nginx");
        });

        it("redirects http to https with the same host and path, and never challenges for credentials over http", async () => {
            for (const p of ["/", "/api/2.0/mlflow/experiments/search?max_results=5", "/ajax-api/2.0/mlflow/runs/create",
                "/api/2.0/mlflow-artifacts/artifacts/1/2/artifacts/model.pkl", "/static-files/lib/x.js?v=1"]) {
                for (const method of ["GET", "POST", "PUT"]) {
                    const response = await http({ method, path: p, auth: basicAuth("admin", "wrong") });
                    assert.equal(response.status, 301, `${method} ${p}`);
                    assert.equal(response.headers.location, `https://${ip}${p}`);
                    assertNoVersion(response, "301");
                }
            }
            const paths = [...protectedCalls().map(c => c.path), "/health", "/.well-known/acme-challenge/missing", "/x"];
            for (const p of paths) {
                for (const auth of [undefined, basicAuth("admin", "wrong")]) {
                    const response = await http({ path: p, auth });
                    assert.equal(response.headers["www-authenticate"], undefined, `http ${p} sent WWW-Authenticate`);
                }
            }
        });

        it("refuses TLS 1.0 and 1.1 and accepts TLS 1.2 and 1.3 (openssl s_client and testssl.sh)", { timeout: 60_000 }, async () => {
            const caFile = path.join(renderDir, sandbox.values.caCertFile);
            for (const [flag, accepted] of [["-tls1", false], ["-tls1_1", false], ["-tls1_2", true], ["-tls1_3", true]] as const) {
                const result = await sandbox.exec("openssl", ["s_client", "-connect", `${ip}:443`, flag,
                    "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", caFile, "-verify_ip", ip, "-verify_return_error"], { timeoutMs: 15_000 });
                const output = result.stdout + result.stderr;
                if (accepted) {
                    assert.equal(result.code, 0, `${flag}: ${output}`);
                    assert.match(output, /Verify return code: 0 \(ok\)/);
                } else {
                    assert.notEqual(result.code, 0, `${flag} was accepted`);
                    // The client did offer the old version; the server answered with a protocol_version alert.
                    assert.match(output, /alert protocol version/, `${flag}: ${output}`);
                }
            }
            const testssl = await sandbox.exec("testssl", ["-p", "--quiet", "--color", "0", "--nodns", "none", "--warnings", "off", `https://${ip}`], { timeoutMs: 45_000 });
            const lines = testssl.stdout;
            assert.match(lines, /SSLv2\s+not offered/, lines);
            assert.match(lines, /SSLv3\s+not offered/);
            assert.match(lines, /TLS 1\s+not offered/);
            assert.match(lines, /TLS 1\.1\s+not offered/);
            assert.match(lines, /TLS 1\.2\s+offered/);
            assert.match(lines, /TLS 1\.3\s+offered/);
        });

        it("sends HSTS (max-age=63072000) on https answers, and no nginx version anywhere", async () => {
            const [user, password] = users[0];
            const ok = await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10", auth: basicAuth(user, password) });
            const denied = await https({ path: "/api/2.0/mlflow/experiments/search", localAddress: freshSourceAddress() });
            const health = await https({ path: "/health" });
            for (const [label, response] of [["200", ok], ["401", denied], ["/health", health]] as const) {
                assert.deepEqual(response.all("strict-transport-security"), ["max-age=63072000"], label);
                assertNoVersion(response, label);
            }
            assert.equal((await http({ path: "/health" })).headers["strict-transport-security"], undefined, "no HSTS over http");
        });

        it("sends the UI's JavaScript gzip-compressed, behind the same auth and headers, and never compresses anything else", async () => {
            const auth = basicAuth(...users[0]);
            const gzip = { "Accept-Encoding": "gzip, deflate, br" };
            const index = await https({ path: "/", auth });
            const script = /static-files\/static\/js\/main\.[0-9a-f]+\.js/.exec(index.text)?.[0];
            assert.ok(script, `index.html names no main script:\n${index.text.slice(0, 2000)}`);
            const compressed = await https({ path: `/${script}`, auth, headers: gzip });
            assert.equal(compressed.status, 200);
            assert.equal(compressed.headers["content-encoding"], "gzip");
            assert.deepEqual(compressed.all("x-content-type-options"), ["nosniff"]);
            assert.equal((await https({ path: `/${script}`, headers: gzip, localAddress: freshSourceAddress() })).status, 401);
            for (const p of ["/", "/api/2.0/mlflow/experiments/search?max_results=10", "/ajax-api/2.0/mlflow/experiments/search?max_results=10"]) {
                const response = await https({ path: p, auth, headers: gzip });
                assert.equal(response.status, 200, p);
                assert.equal(response.headers["content-encoding"], undefined, `${p} was compressed`);
                assert.deepEqual(response.all("x-content-type-options"), ["nosniff"], `${p}: nosniff once`);
            }
        });

        it("closes the connection (444) for a Host it does not serve, on 80 and 443", async () => {
            const before = (await mlflowLog()).length;
            const outcomes = [
                await attempt({ address: ip, port: 80, tls: false, path: "/health", host: "evil.example" }),
                await attempt({ address: ip, port: 443, tls: true, ca: sandbox.caCert, path: "/health", host: "evil.example" }),
                await attempt({ address: ip, port: 443, tls: true, ca: sandbox.caCert, path: "/api/2.0/mlflow/experiments/search", host: "evil.example", auth: basicAuth(...users[0]) }),
                await attempt({ address: ip, port: 80, tls: false, path: "/health", host: "127.0.0.1" }),
            ];
            for (const [i, outcome] of outcomes.entries()) {
                assert.equal(outcome.response, undefined, `case ${i}: got HTTP ${outcome.response?.status}`);
                assert.match(String(outcome.error?.code ?? outcome.error?.message), /ECONNRESET|socket hang up/, `case ${i}`);
            }
            // SNI naming a foreign host, and HTTP/1.0 without any Host, fall to the same default servers.
            const sni = await sandbox.exec("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", path.join(renderDir, sandbox.values.caCertFile),
                "-k", "--resolve", `evil.example:443:${ip}`, "https://evil.example/health"], { timeoutMs: 10_000 });
            assert.notEqual(sni.code, 0);
            assert.equal(sni.stdout, "000");
            const noHost = await sandbox.exec("curl", ["-sS", "--http1.0", "-H", "Host:", "-o", "/dev/null", "-w", "%{http_code}", `http://${ip}/health`], { timeoutMs: 10_000 });
            assert.equal(noHost.code, 52, `curl: ${noHost.stderr}`); // empty reply from server
            assert.deepEqual(await loggedSince(before), [], "nothing reached MLflow");
        });

        it("passes the public Host without port to MLflow, which accepts it (MLFLOW_SERVER_ALLOWED_HOSTS)", async () => {
            const response = await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10", host: `${ip}:443`, auth: basicAuth(...users[0]) });
            // MLflow matches a Host with a port literally: it accepts this only because nginx passes $host.
            assert.equal(response.status, 200, response.text);
        });

        it("MLflow's allowed origins from the rendered compose file accept the https origin and refuse others", async () => {
            const auth = basicAuth(...users[0]);
            const create = (origin: string, name: string) => https({
                method: "POST", path: "/ajax-api/2.0/mlflow/experiments/create", auth,
                headers: { Origin: origin, "Content-Type": "application/json" }, body: JSON.stringify({ name }),
            });
            const own = await create(`https://${ip}`, "from-the-ui");
            assert.equal(own.status, 200, own.text);
            for (const foreign of ["https://evil.example", `http://${ip}`, `https://${ip}:8443`]) {
                const logged = (await mlflowLog()).length;
                const response = await create(foreign, `from-${foreign}`);
                assert.equal(response.status, 403, foreign);
                assert.equal(response.text, "Cross-origin request blocked");
                assert.deepEqual(await loggedSince(logged), [{ method: "POST", path: "/ajax-api/2.0/mlflow/experiments/create", status: 403 }], "MLflow itself refused it");
            }
            // MLflow enforces the rendered host list (checked directly, past nginx).
            const direct = await request({ address: MLFLOW_ADDRESS, port: 5000, tls: false, path: "/api/2.0/mlflow/experiments/search", host: "evil.example" });
            assert.equal(direct.status, 403);
            assert.match(direct.text, /Invalid Host header/);
            const exempt = await request({ address: MLFLOW_ADDRESS, port: 5000, tls: false, path: "/health", host: "evil.example" });
            assert.equal(exempt.status, 200);
        });

        it("streams a 1 GiB artifact up and down intact, from disk and through MLflow, without temporary files in nginx or in MLflow's /tmp", { timeout: 240_000 }, async () => {
            const [user, password] = users[0];
            const auth = basicAuth(user, password);
            const file = path.join(scratchDir("big"), "model.bin");
            const digest = await writeRandomFile(file, GiB);
            assert.equal(statSync(file).size, GiB);
            for (const dir of sandbox.tempDirs()) assert.ok(existsSync(dir), `nginx created ${dir}`);
            const api = async (apiPath: string, body: object) => {
                const response = await https({ method: "POST", path: apiPath, auth, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
                assert.equal(response.status, 200, response.text);
                return JSON.parse(response.text);
            };
            const experimentId = (await api("/api/2.0/mlflow/experiments/create", { name: "e2e-big" })).experiment_id;
            const runId = (await api("/api/2.0/mlflow/runs/create", { experiment_id: experimentId })).run.info.run_id;
            const stored = `${experimentId}/${runId}/artifacts/model.bin`;
            const seenTempFiles = new Set<string>();
            // MLflow's /tmp is the container's root disk: an upload spooled there would need
            // maxUploadSize of free space outside the data volume. Its memory shows an upload held in RAM.
            const seenMlflowTmp = new Set<string>();
            const baseline = sandbox.mlflow!.memory().rss;
            let peak = baseline;
            const watcher = setInterval(() => {
                sandbox.tempFiles().forEach(f => seenTempFiles.add(f));
                filesUnder(sandbox.dirs.mlflowTmp).forEach(f => seenMlflowTmp.add(f));
                peak = Math.max(peak, sandbox.mlflow!.memory().rss);
            }, 100);
            try {
                const put = await https({
                    method: "PUT", path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth, timeoutMs: 180_000,
                    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(GiB) },
                    body: () => createReadStream(file, { highWaterMark: 1024 * 1024 }),
                });
                assert.equal(put.status, 200, put.text);
                assert.equal(await sha256File(path.join(sandbox.dirs.artifacts, stored)), digest, "MLflow stored it intact");
                assert.deepEqual([...seenMlflowTmp], [], "MLflow spooled the upload into its /tmp");
                assert.ok(peak - baseline < 256 * 1024 * 1024, `MLflow's memory grew by ${((peak - baseline) / 2 ** 20).toFixed(0)} MiB during a 1 GiB upload`);
                // Read by nginx from the store (the client API), and streamed by MLflow through the
                // proxy (the UI's file viewer). The reader stalls for 2 s mid-way: nginx must wait for
                // it rather than read ahead into memory or spool MLflow's answer to disk.
                for (const download of [`/api/2.0/mlflow-artifacts/artifacts/${stored}`, `/get-artifact?path=model.bin&run_uuid=${runId}`]) {
                    const logged = (await mlflowLog()).length;
                    const sink = new HashSink({ afterBytes: 256 * 1024 * 1024, ms: 2000 });
                    const get = await https({ path: download, auth, sink: () => sink, timeoutMs: 180_000 });
                    assert.equal(get.status, 200, download);
                    assert.equal(get.headers["content-length"], String(GiB), download);
                    assert.equal(sink.bytes, GiB, download);
                    assert.equal(sink.digest, digest, `${download}: the download matches the upload`);
                    const proxied = (await loggedSince(logged)).some(r => r.method === "GET" && r.status === 200);
                    assert.equal(proxied, download.startsWith("/get-artifact"), `${download}: MLflow served it`);
                }
            } finally {
                clearInterval(watcher);
                rmSync(file, { force: true });
            }
            sandbox.tempFiles().forEach(f => seenTempFiles.add(f));
            assert.deepEqual([...seenTempFiles], [], "nginx wrote temporary files");
            assert.doesNotMatch(sandbox.errorLog(), /buffered to a temporary file/);
        });

        it("serves artifact downloads from MLflow's store itself, as attachments, and hands uploads and deletes to MLflow", async () => {
            const auth = basicAuth(...users[0]);
            const stored = "7/r1/artifacts/report.html";
            const page = "<script>document.title = 'not on this origin'</script>";
            const put = await https({ method: "PUT", path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth, body: page });
            assert.equal(put.status, 200, put.text);
            const before = (await mlflowLog()).length;
            assert.equal(sandbox.mlflow!.requests().at(-1)?.method, "PUT", "the upload reached MLflow");
            for (const prefix of ["/api", "/ajax-api"]) {
                const url = `${prefix}/2.0/mlflow-artifacts/artifacts/${stored}`;
                const get = await https({ path: url, auth });
                assert.equal(get.status, 200, url);
                assert.equal(get.text, page);
                assert.equal(get.headers["content-type"], "application/octet-stream", "never rendered as HTML");
                assert.equal(get.headers["content-disposition"], "attachment");
                assert.equal(get.headers["x-content-type-options"], "nosniff");
                assert.equal(get.headers["strict-transport-security"], "max-age=63072000");
                const head = await https({ method: "HEAD", path: url, auth });
                assert.equal(head.status, 200);
                assert.equal(head.headers["content-length"], String(page.length));
                const range = await https({ path: url, auth, headers: { Range: "bytes=8-15" } });
                assert.equal(range.status, 206, "a byte range, for a resumed download");
                assert.equal(range.text, page.slice(8, 16));
            }
            for (const missing of ["7/r1/artifacts/nothing.bin", "7/r1/artifacts", "7/r1/artifacts/", "7/"]) {
                const response = await https({ path: `/api/2.0/mlflow-artifacts/artifacts/${missing}`, auth });
                assert.equal(response.status, 404, `${missing}: a missing file or a directory`);
                assertNoVersion(response, `404 for ${missing}`);
            }
            assert.deepEqual(await loggedSince(before), [], "no download reached MLflow");

            // Nothing outside the store: a symbolic link in it is not followed, and a path that
            // climbs out is no longer an artifact path once nginx has normalised it.
            const link = path.join(sandbox.dirs.artifacts, "7", "r1", "artifacts", "passwd");
            symlinkSync("/etc/passwd", link);
            const linked = await https({ path: "/api/2.0/mlflow-artifacts/artifacts/7/r1/artifacts/passwd", auth });
            assert.notEqual(linked.status, 200, "a symbolic link was followed");
            assert.doesNotMatch(linked.text, /root:/);
            for (const climb of ["../../../../etc/passwd", "..%2f..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"]) {
                const response = await https({ path: `/api/2.0/mlflow-artifacts/artifacts/${climb}`, auth });
                assert.notEqual(response.status, 200, climb);
                assert.doesNotMatch(response.text, /root:/, climb);
            }

            const deleted = await https({ method: "DELETE", path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth });
            assert.equal(deleted.status, 200, deleted.text);
            assert.equal((await mlflowLog()).at(-1)?.method, "DELETE", "the delete reached MLflow");
            assert.equal((await https({ path: `/api/2.0/mlflow-artifacts/artifacts/${stored}`, auth })).status, 404, "gone once MLflow deleted it");
        });

        it("counts failed logins on the download path like everywhere else", async () => {
            const source = "127.20.0.2";
            const statuses: number[] = [];
            for (let i = 0; i < 30; i++) {
                statuses.push((await https({ path: "/api/2.0/mlflow-artifacts/artifacts/7/x.bin", auth: basicAuth(users[0][0], "guess"), localAddress: source })).status);
            }
            assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401), `the first 20 failures are plain 401s: ${statuses}`);
            // Past the burst, one more failure is let through per second the loop takes.
            assert.ok(statuses.slice(20).filter(status => status === 429).length >= 7, `rapid failures beyond the burst get 429: ${statuses}`);
            assert.deepEqual(statuses.filter(status => status !== 401 && status !== 429), [], `only 401 or 429: ${statuses}`);
        });

        it("answers 413 to a body over client_max_body_size before reading it", async () => {
            const limit = /client_max_body_size (\d+)([kKmMgG]?);/.exec(nginxConf);
            assert.ok(limit, "the rendered configuration sets client_max_body_size");
            const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[limit[2].toLowerCase() as "" | "k" | "m" | "g"];
            const size = Number(limit[1]) * unit + 1;
            assert.ok(size > 1, "a limit is set (0 would mean none)");
            const before = (await mlflowLog()).length;
            const started = Date.now();
            const response = await https({
                method: "PUT", path: "/api/2.0/mlflow-artifacts/artifacts/1/too/big.bin", auth: basicAuth(...users[0]),
                declaredLength: size, timeoutMs: 10_000,
            });
            assert.equal(response.status, 413);
            assert.ok(Date.now() - started < 5000, "answered at once, without waiting for the body");
            assertNoVersion(response, "413");
            assert.deepEqual(await loggedSince(before), [], "MLflow never saw it");
        });
    });
}

// Outside: run this file again inside private namespaces. Inside: the tests.
if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 300_000 });
else defineTests();
