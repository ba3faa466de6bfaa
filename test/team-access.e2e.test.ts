// End to end: auth mlflow. The dev render with MLflow's auth app, users admin, alice and bob and
// no permission by default; real nginx 1.30 in front of the real MLflow servers as the rendered
// compose file runs them. Before the servers start, the host's own host/mlflow-auth-setup
// prepares the auth app on a database a server with basic auth left (its `docker compose run`
// carried out by the pinned release, as in the upgrade test). Then the users, the permissions,
// the open paths, nginx's artifact downloads and the failed-login limit, through nginx.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { AUTH_SEEDED_FILE, SQLITE_FILE } from "../lib/render/layout";
import { render } from "../scripts/render";
import { basicAuth, ClientResponse, freshSourceAddress, request, RequestOptions } from "../harness/httpClient";
import { inNamespace, reexecInNamespace, run, scratchDir } from "../harness/namespace";
import { NginxSandbox } from "../harness/nginxSandbox";
import { pythonEnvBin } from "../harness/pythonEnv";
import { HostAuthSetup, hostAuthSetup } from "./support/authSetup";
import { describeRun, Sandbox, sqlite } from "./support/hostScripts";
import { clientEnvFromTrackingEnv, runClient } from "./support/tracking";
import { runHostGc } from "./support/gcWorld";
import { renderTrackingEnv } from "../lib/render/clientEnv";
import { projectRoot } from "../lib/projectRoot";
import { Page } from "playwright-core";
import { launchChromium } from "../harness/browser";

const STACK_USERS = ["admin", "alice", "bob"];

function defineTests(): void {
    let sandbox: NginxSandbox;
    let host: Sandbox;
    let hostEnvText: string;
    let passwords: Record<string, string>;
    let legacyExperimentId: string;
    let firstSetup: { status: number | null; stderr: string };
    const db = () => path.join(sandbox.dirs.mlflowData, SQLITE_FILE);

    const https = (options: Partial<RequestOptions> & { path: string }): Promise<ClientResponse> =>
        request({ address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, localAddress: "127.30.0.1", ...options });
    /** A REST call as `user` (with the password `password`, by default the user's own). */
    const api = (user: string, method: string, apiPath: string, body?: unknown, password = passwords[user]) =>
        https({ method, path: apiPath, auth: basicAuth(user, password), ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
    const json = (response: ClientResponse) => JSON.parse(response.text) as Record<string, unknown>;
    const client = (user: string, password = passwords[user]) => clientEnvFromTrackingEnv(renderTrackingEnv({
        url: `https://${sandbox.publicIp}`, user, password, caCertFile: "mlflow-ca.pem",
    }), sandbox.caCert);
    let setup: HostAuthSetup["setup"];

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "dev-auth");
        render({ stack: "dev", out: renderDir, overrides: { auth: "mlflow", authDefaultPermission: "NO_PERMISSIONS", users: JSON.stringify(STACK_USERS) } });
        sandbox = await NginxSandbox.start({ renderDir, mlflow: false });
        passwords = sandbox.users;
        ({ host, hostEnvText, setup } = hostAuthSetup(sandbox, "team-access"));
        // What a server with nginx's basic auth leaves: a database with an experiment and a registered model.
        const made = await run(pythonEnvBin("mlflow"), ["-c", [
            "import sys",
            "from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore",
            "from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as Registry",
            "print(SqlAlchemyStore(sys.argv[1], 'mlflow-artifacts:/').create_experiment('legacy'))",
            "from mlflow.entities.model_registry import RegisteredModelTag",
            "Registry(sys.argv[1]).create_registered_model('legacy-model')",
            "Registry(sys.argv[1]).create_registered_model('legacy-prompt', tags=[RegisteredModelTag('mlflow.prompt.is_prompt', 'true')])",
        ].join("\n"), `sqlite:///${db()}`], { env: { PATH: "/usr/bin:/bin", HOME: sandbox.dirs.mlflowHome, MLFLOW_DISABLE_TELEMETRY: "true" }, timeoutMs: 120_000 });
        assert.equal(made.code, 0, made.stderr);
        legacyExperimentId = made.stdout.trim().split("\n").at(-1)!;
        firstSetup = await setup();
        sandbox.mlflow = await sandbox.startMlflow();
    });

    after(async () => {
        await sandbox?.stop();
        host?.remove();
    });

    describe("auth mlflow: MLflow's auth app behind nginx (dev render, no permission by default)", () => {
        it("mlflow-auth-setup creates the stack's users, the first as admin, and each other keeps MANAGE on the experiments, models and prompts that existed", async () => {
            assert.equal(firstSetup.status, 0, describeRun({ ...firstSetup, signal: null, stdout: "", ms: 0 }));
            assert.deepEqual(sqlite(db(), "SELECT username || ':' || is_admin FROM users ORDER BY username"), ["admin:1", "alice:0", "bob:0"]);
            for (const user of ["alice", "bob"]) {
                const permission = await api("admin", "GET", `/api/3.0/mlflow/users/permissions/get?username=${user}&resource_type=experiment&resource_id=${legacyExperimentId}`);
                assert.equal(permission.status, 200, permission.text);
                assert.equal(json(permission).permission, "MANAGE", `${user} on the experiment basic auth let everyone change`);
                const model = await api("admin", "GET", `/api/3.0/mlflow/users/permissions/get?username=${user}&resource_type=registered_model&resource_id=legacy-model`);
                assert.equal(json(model).permission, "MANAGE", `${user} on the registered model: ${model.text}`);
                // The permissions API does not answer for prompts; their grants are rows of the user's own role.
                assert.deepEqual(sqlite(db(), "SELECT p.permission FROM role_permissions p JOIN user_role_assignments a ON a.role_id = p.role_id " +
                    `JOIN users u ON u.id = a.user_id WHERE u.username = '${user}' AND p.resource_type = 'prompt' AND p.resource_pattern = 'legacy-prompt'`),
                ["MANAGE"], `${user} on the prompt`);
            }
            // The passwords reach the one-off container through its environment, never its command line.
            const calls = host.callsOf("docker").flat().join(" ");
            assert.match(calls, /-e MLFLOW_AUTH_USERS/);
            for (const password of Object.values(passwords)) assert.ok(!calls.includes(password), "a password on docker's command line");
        });

        it("each of the stack's users signs in with its generated password (the one basic auth took), and a wrong one is 401 with a challenge", async () => {
            for (const user of STACK_USERS) {
                const current = await api(user, "GET", "/api/2.0/mlflow/users/current");
                assert.equal(current.status, 200, `${user}: ${current.text}`);
            }
            const wrong = await api("alice", "GET", "/api/2.0/mlflow/users/current", undefined, "not-the-password");
            assert.equal(wrong.status, 401);
            assert.deepEqual(wrong.all("www-authenticate"), ['Basic realm="mlflow"'], "one challenge, which makes a browser ask");
            assert.deepEqual(wrong.all("strict-transport-security").length, 1, "the answer keeps the security headers");
        });

        it("leaves open /health and MLflow's public files only: every other path asks for a password", async () => {
            const anonymous = (method: string, anonymousPath: string, body?: string) =>
                https({ method, path: anonymousPath, localAddress: freshSourceAddress(), ...(body ? { body, headers: { "content-type": "application/json" } } : {}) });
            const home = await api("alice", "GET", "/");
            const script = /static-files\/static\/js\/main\.[0-9a-f]+\.js/.exec(home.text)?.[0];
            assert.ok(script, "the UI page names its script");
            const open = [["/health", "OK"], [`/${script}`, undefined], ["/api/3.0/mlflow/server-info", undefined], ["/ajax-api/3.0/mlflow/server-info", undefined]] as const;
            for (const [openPath, text] of open) {
                const response = await anonymous("GET", openPath);
                assert.equal(response.status, 200, `${openPath} is open`);
                if (text) assert.equal(response.text, text);
            }
            const closed: [string, string, string?][] = [
                ["GET", "/"], ["GET", "/version"], ["GET", "/signup"], ["GET", "/graphql"], ["POST", "/graphql", "{}"],
                ["GET", `/get-artifact?path=x&run_uuid=${"0".repeat(32)}`], ["GET", "/model-versions/get-artifact?path=x&name=m&version=1"],
                ["GET", "/gateway/x/invocations"], ["GET", "/v1/traces"],
                ...["/api", "/ajax-api"].flatMap(prefix => [
                    ["GET", `${prefix}/2.0/mlflow/experiments/search?max_results=10`],
                    ["POST", `${prefix}/2.0/mlflow/experiments/create`, `{"name":"x"}`],
                    ["POST", `${prefix}/2.0/mlflow/runs/create`, `{"experiment_id":"0"}`],
                    ["GET", `${prefix}/2.0/mlflow/users/list`],
                    ["POST", `${prefix}/2.0/mlflow/users/create`, `{"username":"mallory","password":"mallory-password-1234"}`],
                    ["GET", `${prefix}/2.0/mlflow/users/current`],
                    ["POST", `${prefix}/3.0/mlflow/users/permissions/grant`, "{}"],
                    ["GET", `${prefix}/2.0/mlflow-artifacts/artifacts/${legacyExperimentId}/r/artifacts/model.bin`],
                    ["PUT", `${prefix}/2.0/mlflow-artifacts/artifacts/${legacyExperimentId}/r/artifacts/model.bin`, "weights"],
                    ["GET", `${prefix}/2.0/mlflow-artifacts/artifacts?path=${legacyExperimentId}`],
                    ["GET", `${prefix}/2.0/mlflow/registered-models/search`],
                    ["GET", `${prefix}/3.0/mlflow/traces/search`],
                ] as [string, string, string?][]),
            ];
            for (const [method, closedPath, body] of closed) {
                const response = await anonymous(method, closedPath, body);
                assert.equal(response.status, 401, `${method} ${closedPath} without a password: ${response.status} ${response.text.slice(0, 200)}`);
            }
            assert.deepEqual(sqlite(db(), "SELECT username FROM users WHERE username = 'mallory'"), []);
        });

        describe("permissions per experiment: alice's team-a, carol a reader, bob outside", () => {
            let teamA: { experiment_id: string; run_id: string; run_name: string; downloaded_same: boolean };
            const carolPassword = "carol-password-0123456789";
            const artifactPath = () => `/api/2.0/mlflow-artifacts/artifacts/${teamA.experiment_id}/${teamA.run_id}/artifacts/model.bin`;

            before(async () => {
                const file = path.join(scratchDir("team-a"), "model.bin");
                writeFileSync(file, Buffer.alloc(256 * 1024, 7));
                const written = await runClient("mlflow", "team_access.py", ["write", "team-a", file], client("alice"));
                assert.equal(written.code, 0, written.stderr.slice(-4000));
                teamA = JSON.parse(written.stdout.trim().split("\n").at(-1)!);
            });

            it("the admin creates a user and grants it READ on an experiment through the REST API", async () => {
                const created = await api("admin", "POST", "/api/2.0/mlflow/users/create", { username: "carol", password: carolPassword });
                assert.equal(created.status, 200, created.text);
                const granted = await api("admin", "POST", "/api/3.0/mlflow/users/permissions/grant",
                    { username: "carol", resource_type: "experiment", resource_id: teamA.experiment_id, permission: "READ" });
                assert.equal(granted.status, 200, granted.text);
                const notAdmin = await api("alice", "POST", "/api/2.0/mlflow/users/create", { username: "dave", password: "dave-password-0123456789" });
                assert.equal(notAdmin.status, 403, `a user who is not admin creates users: ${notAdmin.status}`);
                const form = await https({ method: "POST", path: "/api/2.0/mlflow/users/create-ui", auth: basicAuth("alice", passwords.alice),
                    body: "username=dave&password=dave-password-0123456789", headers: { "content-type": "application/x-www-form-urlencoded" } });
                assert.notEqual(form.status, 200, "a user who is not admin creates users through the sign-up form");
                assert.equal((await api("alice", "GET", "/signup")).status, 403, "the sign-up page is the admin's");
                assert.deepEqual(sqlite(db(), "SELECT username FROM users WHERE username = 'dave'"), []);
            });

            it("alice, who created team-a, has it all; carol, with READ, reads it with the MLflow client but cannot log to it or delete it", async () => {
                assert.equal(teamA.downloaded_same, true, "alice downloads her artifact back");
                const tried = await runClient("mlflow", "team_access.py", ["try", teamA.experiment_id, teamA.run_id, "model.bin", scratchDir("carol")], client("carol", carolPassword));
                assert.equal(tried.code, 0, tried.stderr.slice(-4000));
                const results = JSON.parse(tried.stdout.trim().split("\n").at(-1)!) as Record<string, string | boolean>;
                assert.equal(results.search_sees_it, true);
                for (const allowed of ["get_experiment", "get_run", "metric_history", "download"]) assert.equal(results[allowed], "allowed", `carol ${allowed}: ${results[allowed]}`);
                for (const denied of ["log_metric", "create_run", "delete_run", "delete_experiment"]) {
                    assert.match(String(results[denied]), /403|PERMISSION_DENIED/, `carol ${denied}: ${results[denied]}`);
                }
            });

            it("bob, with no permission, does not see team-a in a search and cannot read it, its runs or its artifacts", async () => {
                const tried = await runClient("mlflow", "team_access.py", ["try", teamA.experiment_id, teamA.run_id, "model.bin", scratchDir("bob")], client("bob"));
                assert.equal(tried.code, 0, tried.stderr.slice(-4000));
                const results = JSON.parse(tried.stdout.trim().split("\n").at(-1)!) as Record<string, string | boolean>;
                assert.equal(results.search_sees_it, false, "bob's search lists team-a");
                for (const [action, result] of Object.entries(results).filter(([key]) => key !== "search_sees_it")) {
                    assert.match(String(result), /403|PERMISSION_DENIED/, `bob ${action}: ${result}`);
                }
                const search = json(await api("bob", "POST", "/api/2.0/mlflow/runs/search", { experiment_ids: [teamA.experiment_id] }));
                assert.deepEqual(search.runs ?? [], [], "bob's run search returns team-a's runs");
            });

            it("the UI in Chromium shows team-a's run to alice; signed in as bob, it lists the experiments bob may manage, not team-a, and no run of it", async () => {
                const origin = `https://${sandbox.publicIp}`;
                const screenshots = path.join(projectRoot(), "out", "ui");
                mkdirSync(screenshots, { recursive: true });
                const signedIn = async (user: string, see: (page: Page) => Promise<void>) => {
                    const context = await launchChromium({ caCertPem: sandbox.caCert, origin, username: user, password: passwords[user] });
                    try {
                        const page = context.pages()[0] ?? await context.newPage();
                        page.setDefaultTimeout(60_000);
                        await see(page);
                    } finally {
                        await context.close().catch(() => undefined);
                    }
                };
                const runPage = `${origin}/#/experiments/${teamA.experiment_id}/runs/${teamA.run_id}`;
                await signedIn("alice", async page => {
                    await page.goto(runPage, { waitUntil: "load" });
                    await page.getByRole("heading", { name: teamA.run_name }).waitFor();
                });
                await signedIn("bob", async page => {
                    await page.goto(`${origin}/#/experiments`, { waitUntil: "load" });
                    await page.getByRole("link", { name: "legacy", exact: true }).waitFor();
                    assert.equal(await page.getByRole("link", { name: "team-a", exact: true }).count(), 0, "bob's UI lists team-a");
                    await page.screenshot({ path: path.join(screenshots, "team-access-bob.png") });
                    // Straight to the run's page: the UI asks MLflow for the run (GraphQL), which refuses bob.
                    const asked = sandbox.mlflow!.requests().length;
                    await page.goto(runPage, { waitUntil: "load" });
                    const runQueries = () => sandbox.mlflow!.requests().slice(asked).filter(r => r.path === "/graphql");
                    for (let i = 0; i < 120 && runQueries().length === 0; i++) await page.waitForTimeout(500);
                    assert.ok(runQueries().length > 0, "the run page asked MLflow for the run");
                    await page.waitForTimeout(2000);
                    await page.screenshot({ path: path.join(screenshots, "team-access-bob-run.png") });
                    assert.equal(await page.getByRole("heading", { name: teamA.run_name }).count(), 0, "bob's UI shows team-a's run");
                    assert.equal(await page.getByText(teamA.run_name).count(), 0, "bob's UI names team-a's run");
                });
            });

            it("nginx sends an artifact from disk only after MLflow's permission check: 200 to readers, 403 to bob, 401 without a password", async () => {
                const before = sandbox.mlflow!.requests().length;
                for (const prefix of ["/api", "/ajax-api"]) {
                    const filePath = artifactPath().replace(/^\/api/, prefix);
                    const carol = await https({ path: filePath, auth: basicAuth("carol", carolPassword) });
                    assert.equal(carol.status, 200, `carol: ${carol.text.slice(0, 200)}`);
                    assert.deepEqual(carol.body, Buffer.alloc(256 * 1024, 7));
                    assert.deepEqual(carol.all("content-disposition"), ["attachment"], "sent by nginx's download location");
                    assert.equal((await https({ path: filePath, auth: basicAuth("bob", passwords.bob) })).status, 403, "bob downloads team-a's artifact");
                    const anonymous = await https({ path: filePath, localAddress: freshSourceAddress() });
                    assert.equal(anonymous.status, 401);
                    assert.deepEqual(anonymous.all("www-authenticate"), ['Basic realm="mlflow"']);
                    const ranged = await https({ path: filePath, auth: basicAuth("alice", passwords.alice), headers: { range: "bytes=0-9" } });
                    assert.equal(ranged.status, 206, "byte ranges, as nginx serves them");
                }
                await new Promise(resolve => setTimeout(resolve, 300));
                const reached = sandbox.mlflow!.requests().slice(before);
                const checks = reached.filter(r => r.path.startsWith(`/api/2.0/mlflow-artifacts/artifacts?path=${teamA.experiment_id}/${teamA.run_id}/artifacts/model.bin`));
                assert.equal(checks.length, reached.length, `only permission checks reached MLflow: ${reached.map(r => `${r.method} ${r.path} ${r.status}`).join(", ")}`);
                assert.equal(checks.length, 8, "one check per download (2 prefixes x carol, bob, alice; none without a password)");
                // Without a password nothing tells which experiments and runs exist; signed in, a directory is 404.
                const runDirectory = `/api/2.0/mlflow-artifacts/artifacts/${teamA.experiment_id}/${teamA.run_id}/artifacts`;
                for (const probe of [runDirectory, `${runDirectory}/`, `/api/2.0/mlflow-artifacts/artifacts/${teamA.experiment_id}/`]) {
                    assert.equal((await https({ path: probe, localAddress: freshSourceAddress() })).status, 401, `${probe} without a password`);
                    assert.equal((await https({ path: probe, auth: basicAuth("bob", passwords.bob) })).status, 403, `${probe} as bob`);
                    assert.equal((await https({ path: probe, auth: basicAuth("carol", carolPassword) })).status, 404, `${probe} as carol`);
                }
                // A download that announces a body it never sends is checked at once: the check never waits for that body.
                const started = Date.now();
                const announced = await https({ path: artifactPath(), auth: basicAuth("carol", carolPassword), declaredLength: 100, timeoutMs: 20_000 });
                assert.equal(announced.status, 200);
                const anonymousAnnounced = await https({ path: artifactPath(), localAddress: freshSourceAddress(), declaredLength: 100, timeoutMs: 20_000 });
                assert.equal(anonymousAnnounced.status, 401);
                assert.ok(Date.now() - started < 10_000, `the checks waited ${Date.now() - started} ms`);
                // A name outside the check's plain characters is MLflow's to serve, and MLflow checks it.
                const odd = await https({ path: `${artifactPath().replace(/model\.bin$/, "model%20copy.bin")}`, auth: basicAuth("bob", passwords.bob) });
                assert.equal(odd.status, 403, `bob, a name with a space: ${odd.status}`);
            });

            it("a wrong password is rate limited as with basic auth, on every path, and a signed-in user is not", async () => {
                const source = "127.31.0.1";
                const statuses: number[] = [];
                const started = Date.now();
                const paths = ["/api/2.0/mlflow/experiments/search", artifactPath()];
                for (let i = 0; i < 30; i++) {
                    statuses.push((await https({ path: paths[i % 2], auth: basicAuth("alice", "guess"), localAddress: source })).status);
                }
                const seconds = (Date.now() - started) / 1000;
                assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401), `the first 20 failures are plain 401s: ${statuses}`);
                assert.deepEqual(statuses.filter(status => status !== 401 && status !== 429), [], `only 401 or 429: ${statuses}`);
                // Past the burst, the limit lets one failure through per second the loop took.
                const through = statuses.slice(20).filter(status => status === 401).length;
                assert.ok(statuses.includes(429) && through <= Math.ceil(seconds) + 1, `${through} failures past the burst in ${seconds.toFixed(1)} s: ${statuses}`);
                const uploads: number[] = [];
                for (let i = 0; i < 5; i++) uploads.push((await https({ method: "PUT", path: artifactPath(), body: "x", auth: basicAuth("alice", "guess"), localAddress: source })).status);
                assert.ok(uploads.filter(status => status === 429).length >= 3, `uploads with a wrong password are limited too: ${uploads}`);
                for (let i = 0; i < 5; i++) {
                    assert.equal((await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10", auth: basicAuth("alice", passwords.alice), localAddress: source })).status, 200);
                }
            });

            it("the admin rotates a password and deletes a user through the REST API, and a new mlflow-auth-setup keeps both", async () => {
                const rotated = "alice-rotated-0123456789";
                const changed = await api("admin", "PATCH", "/api/2.0/mlflow/users/update-password", { username: "alice", password: rotated });
                assert.equal(changed.status, 200, changed.text);
                assert.equal((await api("alice", "GET", "/api/2.0/mlflow/users/current", undefined, rotated)).status, 200);
                const deleted = await https({ method: "DELETE", path: "/api/2.0/mlflow/users/delete?username=bob", auth: basicAuth("admin", passwords.admin) });
                assert.equal(deleted.status, 200, deleted.text);
                assert.deepEqual(JSON.parse(readFileSync(sandbox.dataFile(AUTH_SEEDED_FILE), "utf8")), STACK_USERS.slice().sort(),
                    "the setup keeps which users it created, beside the database");
                const again = await setup();
                assert.equal(again.status, 0, describeRun(again));
                assert.match(again.stderr, /created none/);
                assert.doesNotMatch(again.stderr, /first start/, "no grants after the first start");
                assert.equal((await api("alice", "GET", "/api/2.0/mlflow/users/current", undefined, rotated)).status, 200, "the rotated password still works");
                assert.equal((await api("carol", "GET", "/api/2.0/mlflow/users/current", undefined, carolPassword)).status, 200, "a user the admin made stays");
                assert.deepEqual(sqlite(db(), "SELECT username FROM users WHERE username = 'bob'"), [], "a user the admin deleted stays deleted");
            });

            it("mlflow-gc takes a collected experiment's grants along: SQLite gives the next experiment its id, and nobody inherits them", { timeout: 600_000 }, async () => {
                const created = await api("admin", "POST", "/api/2.0/mlflow/experiments/create", { name: "collected" });
                assert.equal(created.status, 200, created.text);
                const id = String(json(created).experiment_id);
                const granted = await api("admin", "POST", "/api/3.0/mlflow/users/permissions/grant", { username: "carol", resource_type: "experiment", resource_id: id, permission: "READ" });
                assert.equal(granted.status, 200, granted.text);
                assert.equal((await api("admin", "POST", "/api/2.0/mlflow/experiments/delete", { experiment_id: id })).status, 200);
                // Deleted longer ago than gcRetentionDays.
                sqlite(db(), `UPDATE experiments SET last_update_time = 0 WHERE experiment_id = ${id}`);
                const collected = await runHostGc({
                    hostEnvText, composeFile: sandbox.composeFile, hostPaths: sandbox.mlflowHostPaths(), tmpDir: sandbox.dirs.mlflowTmp, homeDir: sandbox.dirs.mlflowHome,
                });
                assert.equal(collected.status, 0, describeRun(collected));
                assert.match(`${collected.stdout}${collected.stderr}`, new RegExp(`removed experiment ${id} \\(collected\\)`));
                const next = await api("admin", "POST", "/api/2.0/mlflow/experiments/create", { name: "after-collection" });
                assert.equal(String(json(next).experiment_id), id, "SQLite hands out the collected experiment's id again");
                const read = await api("carol", "GET", `/api/2.0/mlflow/experiments/get?experiment_id=${id}`, undefined, carolPassword);
                assert.equal(read.status, 403, `carol's grant on the collected experiment went with it: ${read.text}`);
            });
        });
    });
}

// Outside: run this file again inside private namespaces. Inside: the tests.
if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 900_000 });
else defineTests();
