// End to end: auth oidc. The dev render with people signing in through a real OpenID Provider
// (oidc-provider, harness/openIdProvider.ts) and machines through the stack's users; real nginx
// 1.30 with the rendered configuration, oauth2-proxy (the pinned release, built from source) with
// the rendered flags and env file, and the real MLflow servers with the identity module, as the
// rendered compose file runs them, after the host's own mlflow-auth-setup. People sign in with
// headless Chromium.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { writeFileSync } from "fs";
import * as path from "path";
import { BrowserContext } from "playwright-core";
import { readSampleValues, render } from "../scripts/render";
import { OIDC_SANDBOX, OIDC_SANDBOX_SERVICES, oidcSandboxSettings, SESSION_COOKIE, signIn as signInWithProvider } from "../harness/oidcSignIn";
import { basicAuth, ClientResponse, freshSourceAddress, request, RequestOptions } from "../harness/httpClient";
import { addLoopbackAddress, inNamespace, reexecInNamespace, scratchDir, sleep } from "../harness/namespace";
import { MLFLOW_ADDRESSES, NginxSandbox } from "../harness/nginxSandbox";
import { composeOauth2Proxy, Oauth2Proxy, Oauth2ProxyExit } from "../harness/oauth2Proxy";
import { OpenIdProvider } from "../harness/openIdProvider";
import { renderTrackingEnv } from "../lib/render/clientEnv";
import { hostAuthSetup } from "./support/authSetup";
import { describeRun, Sandbox } from "./support/hostScripts";
import { clientEnvFromTrackingEnv, runClient } from "./support/tracking";

const MACHINES = ["admin", "ci", "ci2"];
const { provider: PROVIDER, client: CLIENT } = OIDC_SANDBOX;
// Groups after the first: oauth2-proxy sends a header line per group, which nginx joins with commas.
const ACCOUNTS: Record<string, string[]> = {
    "dana@example.com": ["staff", "team-a"],
    "erin@example.com": ["team-b"],
    "root@example.com": ["staff", "mlflow-admins"],
    "frank@example.com": ["staff", "team-a"],
    "eve@example.com": ["contractors"],
    "mallory@elsewhere.test": ["team-a"],
};

function defineTests(): void {
    let sandbox: NginxSandbox;
    let host: Sandbox;
    let provider: OpenIdProvider;
    let proxy: Oauth2Proxy;
    let passwords: Record<string, string>;
    let setupRun: { status: number | null; stderr: string };

    const https = (options: Partial<RequestOptions> & { path: string }): Promise<ClientResponse> =>
        request({ address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, localAddress: "127.30.0.1", ...options });
    const api = (user: string, method: string, apiPath: string, body?: unknown, password = passwords[user]) =>
        https({ method, path: apiPath, auth: basicAuth(user, password), ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
    const json = (response: ClientResponse) => JSON.parse(response.text) as Record<string, unknown>;
    /** A call as the person whose session cookie this is. */
    const asPerson = (cookie: string, apiPath: string, headers: Record<string, string> = {}) =>
        https({ path: apiPath, headers: { cookie: `${SESSION_COOKIE}=${cookie}`, ...headers } });
    const client = (user: string) => clientEnvFromTrackingEnv(renderTrackingEnv({
        url: `https://${sandbox.publicIp}`, user, password: passwords[user], caCertFile: "mlflow-ca.pem",
    }), sandbox.caCert);
    const startProxy = (extraFlags: string[] = []) => Oauth2Proxy.start({
        container: composeOauth2Proxy(sandbox.composeFile, hostPath => sandbox.hostFile(hostPath)), caFile: provider.tls.caFile, extraFlags,
    });


    /** A call from the signed-in page itself (its cookie, its origin), as the UI makes them: status and body. */
    const fromPage = (context: BrowserContext, apiPath: string) => context.pages()[0].evaluate(async (url: string) => {
        const response = await fetch(url, { headers: { accept: "application/json" }, redirect: "manual" });
        return { status: response.status, text: await response.text() };
    }, `https://${sandbox.publicIp}${apiPath}`);

    /** A person's sign-in through nginx, in a fresh Chromium that trusts the server's CA and the provider's. */
    const signIn = (email: string, startPath = "/") => signInWithProvider({ origin: `https://${sandbox.publicIp}`, caCertPem: sandbox.caCert, provider, email, startPath });

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "dev-oidc");
        const publicIp = "203.0.113.10";
        render({
            stack: "dev", out: renderDir, publicIp,
            overrides: oidcSandboxSettings({
                authDefaultPermission: "NO_PERMISSIONS", users: JSON.stringify(MACHINES),
                oidcScopes: JSON.stringify(["openid", "email", "groups"]), oidcAdminGroups: JSON.stringify(["mlflow-admins"]),
                oidcAllowedGroups: JSON.stringify(["team-a", "team-b", "mlflow-admins"]), oidcEmailDomains: JSON.stringify(["example.com"]),
            }),
        });
        assert.equal(readSampleValues(renderDir).publicIp, publicIp);
        provider = await OpenIdProvider.start({
            ...PROVIDER, accounts: ACCOUNTS, client: { ...CLIENT, redirectUri: `https://${publicIp}/oauth2/callback` },
        });
        sandbox = await NginxSandbox.start({ renderDir, mlflow: false, services: OIDC_SANDBOX_SERVICES });
        passwords = sandbox.users;
        const hostSetup = hostAuthSetup(sandbox, "team-access-oidc");
        host = hostSetup.host;
        setupRun = await hostSetup.setup();
        sandbox.mlflow = await sandbox.startMlflow();
        addLoopbackAddress(OIDC_SANDBOX.oauth2ProxyAddress);
        proxy = await startProxy();
    });

    after(async () => {
        await proxy?.stop();
        await sandbox?.stop();
        await provider?.stop();
        host?.remove();
    });

    describe("auth oidc: people through the OpenID Provider and oauth2-proxy, machines with the stack's users", () => {
        let teamA: string;
        let teamB: string;

        before(async () => {
            assert.equal(setupRun.status, 0, describeRun({ ...setupRun, signal: null, stdout: "", ms: 0 }));
            for (const name of ["team-a-work", "team-b-work"]) {
                const created = await api("admin", "POST", "/api/2.0/mlflow/experiments/create", { name });
                assert.equal(created.status, 200, created.text);
            }
            const id = async (name: string) => String((json(await api("admin", "GET", `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`)).experiment as Record<string, unknown>).experiment_id);
            [teamA, teamB] = [await id("team-a-work"), await id("team-b-work")];
            // The admin's role for the provider's group team-a: READ on team-a's experiment.
            const role = await api("admin", "POST", "/api/3.0/mlflow/roles/create", { name: "team-a", workspace: "default" });
            assert.equal(role.status, 200, role.text);
            const roleId = (json(role).role as Record<string, unknown>).id;
            const granted = await api("admin", "POST", "/api/3.0/mlflow/roles/permissions/add", { role_id: roleId, resource_type: "experiment", resource_pattern: teamA, permission: "READ" });
            assert.equal(granted.status, 200, granted.text);
        });

        it("a page without a session goes to the provider's sign-in; an API call without one is 401; /health stays open", async () => {
            const page = await https({ path: "/", headers: { accept: "text/html,application/xhtml+xml" } });
            assert.equal(page.status, 302, page.text);
            assert.equal(page.headers.location, "/oauth2/start?rd=/", "relative: the browser keeps its scheme and host");
            const start = await https({ path: "/oauth2/start?rd=/", headers: { accept: "text/html" } });
            assert.equal(start.status, 302, start.text);
            const authorize = new URL(String(start.headers.location));
            assert.equal(`${authorize.protocol}//${authorize.host}`, provider.issuer);
            assert.equal(authorize.searchParams.get("client_id"), CLIENT.id);
            assert.equal(authorize.searchParams.get("redirect_uri"), `https://${sandbox.publicIp}/oauth2/callback`);
            assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
            assert.equal(authorize.searchParams.get("scope"), "openid email groups");
            const apiCall = await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10" });
            assert.equal(apiCall.status, 401, apiCall.text);
            assert.equal((await https({ path: "/health" })).status, 200);
        });

        it("dana (groups staff and team-a) signs in in Chromium and the UI lists team-a's experiment, not team-b's; she is a user, not an admin", async () => {
            const { context, cookie, finalUrl, finalText } = await signIn("dana@example.com", "/#/experiments");
            try {
                assert.ok(cookie, `no session after sign-in; the browser ended on ${finalUrl}: ${finalText}`);
                const page = context.pages()[0];
                await page.goto(`https://${sandbox.publicIp}/#/experiments`, { waitUntil: "load" });
                await page.getByRole("link", { name: "team-a-work", exact: true }).waitFor();
                assert.equal(await page.getByRole("link", { name: "team-b-work", exact: true }).count(), 0, "dana's UI lists team-b's experiment");
                const current = await fromPage(context, "/ajax-api/2.0/mlflow/users/current");
                assert.equal(current.status, 200, current.text);
                const user = (JSON.parse(current.text) as { user: { username: string; is_admin: boolean } }).user;
                assert.deepEqual([user.username, user.is_admin], ["dana@example.com", false]);
                assert.equal((await fromPage(context, `/ajax-api/2.0/mlflow/experiments/get?experiment_id=${teamB}`)).status, 403, "dana reads team-b's experiment");
                assert.equal((await fromPage(context, `/ajax-api/2.0/mlflow/experiments/get?experiment_id=${teamA}`)).status, 200, "dana cannot read team-a's experiment through her group's role");
            } finally {
                await context.close();
            }
        });

        it("root (groups staff and mlflow-admins) is an admin; eve (no allowed group) and mallory (another e-mail domain) get no session", async () => {
            const root = await signIn("root@example.com");
            try {
                assert.ok(root.cookie, `root: ${root.finalUrl}`);
                const current = await asPerson(root.cookie!, "/api/2.0/mlflow/users/current");
                assert.equal(current.status, 200, current.text);
                assert.equal((json(current).user as Record<string, unknown>).is_admin, true);
            } finally {
                await root.context.close();
            }
            for (const outsider of ["eve@example.com", "mallory@elsewhere.test"]) {
                const attempt = await signIn(outsider);
                try {
                    if (attempt.cookie) {
                        const refused = await asPerson(attempt.cookie, "/api/2.0/mlflow/users/current");
                        assert.notEqual(refused.status, 200, `${outsider} signed in: ${refused.text}`);
                    }
                    const users = json(await api("admin", "GET", "/api/2.0/mlflow/users/list")) as { users?: { username: string }[] };
                    assert.ok(!(users.users ?? []).some(u => u.username === outsider), `${outsider} became a user of MLflow`);
                } finally {
                    await attempt.context.close();
                }
            }
        });

        it("a machine (the stack's user ci) logs runs, metrics and artifacts with the MLflow client and downloads them back", async () => {
            const file = path.join(scratchDir("ci"), "model.bin");
            writeFileSync(file, Buffer.alloc(300 * 1024, 9));
            const written = await runClient("mlflow", "team_access.py", ["write", "ci-work", file], client("ci"));
            assert.equal(written.code, 0, written.stderr.slice(-4000));
            const result = JSON.parse(written.stdout.trim().split("\n").at(-1)!) as { experiment_id: string; downloaded_same: boolean };
            assert.equal(result.downloaded_same, true);
            const runs = await api("ci", "POST", "/api/2.0/mlflow/runs/search", { experiment_ids: [result.experiment_id] });
            assert.equal(runs.status, 200, runs.text);
            assert.equal((json(runs).runs as unknown[]).length, 1);
        });

        it("identity headers a client sends itself never reach MLflow: nginx replaces them with the session's, drops them with Basic, and refuses them alone", async () => {
            const spoof = { "X-Mlflow-On-Aws-User": "root@example.com", "X-Mlflow-On-Aws-Groups": "mlflow-admins" };
            const erin = await signIn("erin@example.com");
            await erin.context.close();
            assert.ok(erin.cookie);
            const asErin = await asPerson(erin.cookie!, "/api/2.0/mlflow/users/current", spoof);
            assert.equal(asErin.status, 200, asErin.text);
            assert.deepEqual([(json(asErin).user as Record<string, unknown>).username, (json(asErin).user as Record<string, unknown>).is_admin], ["erin@example.com", false]);
            const asCi = await https({ path: "/api/2.0/mlflow/users/current", auth: basicAuth("ci", passwords.ci), headers: spoof });
            assert.equal(asCi.status, 200, asCi.text);
            assert.equal((json(asCi).user as Record<string, unknown>).username, "ci");
            const alone = await https({ path: "/api/2.0/mlflow/users/current", headers: spoof });
            assert.equal(alone.status, 401, alone.text);
        });

        it("a new person's first requests, many at once over both servers, all succeed and bring their roles in line once", async () => {
            // Signed in without a request that reaches MLflow: /health is open.
            const frank = await signIn("frank@example.com", "/oauth2/start?rd=/health");
            await frank.context.close();
            assert.ok(frank.cookie, frank.finalUrl);
            const answers = await Promise.all(Array.from({ length: 24 }, () => asPerson(frank.cookie!, `/api/2.0/mlflow/experiments/get?experiment_id=${teamA}`)));
            assert.deepEqual(answers.map(answer => answer.status), answers.map(() => 200), answers.map(answer => answer.text.slice(0, 200)).join("\n"));
            const roles = await api("admin", "GET", "/api/3.0/mlflow/users/roles/list?username=frank@example.com");
            assert.deepEqual(((json(roles).roles ?? []) as { name: string }[]).map(role => role.name).filter(name => !/^__user_/.test(name)), ["team-a"]);
        });

        it("a machine's password changed or its user deleted by the admin is refused at once, by every server", async () => {
            const direct = (address: string, user: string, password: string) => request({
                address, port: 5000, tls: false, path: "/api/2.0/mlflow/users/current", host: sandbox.publicIp, auth: basicAuth(user, password),
            });
            const servers = MLFLOW_ADDRESSES.slice(0, 2);
            for (const server of servers) assert.equal((await direct(server, "ci2", passwords.ci2)).status, 200, `ci2 on ${server} before`);
            const newPassword = "rotated-password-0123456789";
            const rotated = await api("admin", "PATCH", "/api/2.0/mlflow/users/update-password", { username: "ci2", password: newPassword });
            assert.equal(rotated.status, 200, rotated.text);
            for (const server of servers) {
                assert.equal((await direct(server, "ci2", passwords.ci2)).status, 401, `ci2's old password on ${server}`);
                assert.equal((await direct(server, "ci2", newPassword)).status, 200, `ci2's new password on ${server}`);
            }
            const deleted = await https({ method: "DELETE", path: "/api/2.0/mlflow/users/delete?username=ci2", auth: basicAuth("admin", passwords.admin) });
            assert.equal(deleted.status, 200, deleted.text);
            for (const server of servers) assert.equal((await direct(server, "ci2", newPassword)).status, 401, `deleted ci2 on ${server}`);
        });

        it("the sign-in endpoints are rate limited per client like the password login; another client is not affected", async () => {
            const from = freshSourceAddress();
            const statuses: number[] = [];
            for (let i = 0; i < 30; i++) statuses.push((await https({ path: "/oauth2/start?rd=/", localAddress: from })).status);
            assert.ok(statuses.slice(0, 20).every(status => status === 302), `the burst: ${statuses}`);
            assert.ok(statuses.slice(21).every(status => status === 429), `past the burst: ${statuses}`);
            assert.equal((await https({ path: "/oauth2/start?rd=/", localAddress: freshSourceAddress() })).status, 302);
        });

        it("signing out ends the browser's session (the provider's own session is the provider's: a new visit signs in again without a password)", async () => {
            const { context, cookie } = await signIn("erin@example.com");
            try {
                assert.ok(cookie);
                const base = `https://${sandbox.publicIp}`;
                assert.equal((await fromPage(context, "/api/2.0/mlflow/users/current")).status, 200);
                await fromPage(context, "/oauth2/sign_out");
                assert.equal((await context.cookies(base)).find(c => c.name === SESSION_COOKIE), undefined, "the cookie is gone");
                assert.equal((await fromPage(context, "/api/2.0/mlflow/users/current")).status, 401);
            } finally {
                await context.close();
            }
        });

        it("a person's roles follow their groups at the provider: moved from team-a to team-b, dana's next session no longer reads team-a's experiment", async () => {
            const roles = async () => {
                const listed = await api("admin", "GET", "/api/3.0/mlflow/users/roles/list?username=dana@example.com");
                assert.equal(listed.status, 200, listed.text);
                return ((json(listed).roles ?? []) as { name: string }[]).map(role => role.name).filter(name => !/^__user_/.test(name));
            };
            assert.deepEqual(await roles(), ["team-a"]);
            provider.setGroups("dana@example.com", ["team-b"]);
            const moved = await signIn("dana@example.com");
            try {
                assert.ok(moved.cookie);
                assert.equal((await asPerson(moved.cookie!, `/api/2.0/mlflow/experiments/get?experiment_id=${teamA}`)).status, 403);
                assert.deepEqual(await roles(), [], "the role of her old group is taken back (no role is named team-b)");
            } finally {
                await moved.context.close();
            }
            provider.setGroups("dana@example.com", ACCOUNTS["dana@example.com"]);
        });

        it("a session ends when it expires (shortened here to 5 s), and a person the provider removed cannot sign in again", async () => {
            await proxy.stop();
            proxy = await startProxy(["--cookie-expire=5s"]);
            const { context, cookie } = await signIn("dana@example.com");
            await context.close();
            assert.ok(cookie);
            assert.equal((await asPerson(cookie!, "/api/2.0/mlflow/users/current")).status, 200);
            provider.removeAccount("dana@example.com");
            await sleep(6_000);
            assert.equal((await asPerson(cookie!, "/api/2.0/mlflow/users/current")).status, 401, "an expired session");
            const again = await signIn("dana@example.com");
            try {
                assert.equal(again.cookie, undefined, `dana signed in after her removal: ${again.finalUrl}`);
            } finally {
                await again.context.close();
            }
        });

        it("oauth2-proxy refuses to start with an issuer other than the one the provider's discovery names (here a trailing slash)", async () => {
            await proxy.stop();
            const wrong = await startProxy([`--oidc-issuer-url=${provider.issuer}/`]).then(
                started => { void started.stop(); return undefined; },
                (error: unknown) => error);
            assert.ok(wrong instanceof Oauth2ProxyExit, `oauth2-proxy ran with the wrong issuer: ${String(wrong)}`);
            assert.match(wrong.log, /issuer/i);
            proxy = await startProxy();
        });
    });
}

// Outside: run this file again inside private namespaces. Inside: the tests.
if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 900_000 });
else defineTests();
