// Sign-in with an OpenID Provider on the scaled tier: the program (under mocks) declares a stack
// with auth oidc; its containers run as defined (harness/scaledStack.ts), oauth2-proxy among them
// (the pinned release built from source, on the task's loopback, its secrets from the program's
// SSM parameters as ECS hands them over), behind the load balancer stand-in; MLflow's servers
// unpack the identity module from its parameter. A person signs in through a real OpenID Provider
// in headless Chromium; a machine uses the stack's users with the MLflow client.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { writeFileSync } from "fs";
import * as path from "path";
import { ClientResponse, request } from "../harness/httpClient";
import { inNamespace, reexecInNamespace, scratchDir } from "../harness/namespace";
import { OIDC_SANDBOX, oidcSandboxSettings, SESSION_COOKIE, signIn } from "../harness/oidcSignIn";
import { OpenIdProvider } from "../harness/openIdProvider";
import { ScaledStack } from "../harness/scaledStack";
import { CONTAINER_NAMES } from "../lib/render/taskContainers";
import { runProgram } from "./support/pulumiProgram";
import { DeclaredTask, declaredTask, SCALED } from "./support/scaledTask";
import { clientEnvFromTrackingEnv, runClient } from "./support/tracking";

const MACHINES = ["admin", "ci"];
const ACCOUNTS: Record<string, string[]> = { "dana@example.com": ["team-a"], "root@example.com": ["mlflow-admins"] };

function defineTests(): void {
    let declared: DeclaredTask;
    let provider: OpenIdProvider;
    let stack: ScaledStack;
    let passwords: Record<string, string>;
    let clientEnv: Record<string, string>;
    let danaCookie: string;

    const https = (options: { user?: string; cookie?: string; method?: string; path: string; body?: unknown; headers?: Record<string, string> }) => request({
        address: new URL(clientEnv.MLFLOW_TRACKING_URI).hostname, port: 443, tls: true, ca: stack.loadBalancerCaPem,
        servername: declared.serverName, host: declared.serverName, method: options.method ?? "GET", path: options.path,
        ...(options.user ? { auth: `${options.user}:${passwords[options.user]}` } : {}),
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        headers: {
            ...(options.body === undefined ? {} : { "content-type": "application/json" }),
            ...(options.cookie ? { cookie: `${SESSION_COOKIE}=${options.cookie}` } : {}),
            ...options.headers,
        },
    });
    const json = (response: ClientResponse) => JSON.parse(response.text) as Record<string, any>;
    const signInAs = (email: string) => signIn({ origin: `https://${declared.serverName}`, caCertPem: stack.loadBalancerCaPem, provider, email });

    before(async () => {
        declared = declaredTask(await runProgram({
            ...SCALED, ...oidcSandboxSettings({ authDefaultPermission: "NO_PERMISSIONS", users: JSON.stringify(MACHINES), oidcScopes: JSON.stringify(["openid", "email", "groups"]), oidcAdminGroups: JSON.stringify(["mlflow-admins"]) }),
        }));
        passwords = JSON.parse(declared.parameters[Object.keys(declared.parameters).find(name => name.endsWith("/task-auth-users"))!]);
        provider = await OpenIdProvider.start({
            ...OIDC_SANDBOX.provider, accounts: ACCOUNTS, client: { ...OIDC_SANDBOX.client, redirectUri: `https://${declared.serverName}/oauth2/callback` },
        });
        stack = await ScaledStack.start({ ...declared, oidcProviderCaFile: provider.tls.caFile });
        clientEnv = clientEnvFromTrackingEnv(declared.trackingEnv, stack.loadBalancerCaPem);
    });
    after(async () => {
        await stack?.stop();
        await provider?.stop();
    });

    describe("auth oidc on the scaled tier: oauth2-proxy in the task, behind the load balancer", () => {
        it("the task runs oauth2-proxy on its loopback with its secrets from SSM, and no secret is in a task definition", () => {
            assert.equal(stack.schemaUpgrade?.code, 0, `${stack.schemaUpgrade?.stdout}\n${stack.schemaUpgrade?.stderr}`);
            const proxy = declared.containers.find(container => container.name === CONTAINER_NAMES.oauth2Proxy)!;
            assert.ok(proxy.command!.includes("--http-address=127.0.0.1:4180"));
            assert.ok(proxy.command!.includes(`--redirect-url=https://${declared.serverName}/oauth2/callback`));
            assert.deepEqual(proxy.secrets.map(secret => secret.name), ["OAUTH2_PROXY_CLIENT_SECRET", "OAUTH2_PROXY_COOKIE_SECRET"]);
            const secrets = Object.entries(declared.parameters).filter(([name]) => /task-oidc-(client|cookie)-secret$/.test(name)).map(([, value]) => value);
            assert.equal(secrets.length, 2);
            const definitions = JSON.stringify([declared.containers, declared.schemaUpgrade, declared.gc]);
            for (const secret of secrets) assert.ok(!definitions.includes(secret), "a secret of oauth2-proxy in a task definition");
        });

        it("a person signs in through the load balancer in Chromium; a group's role decides what they read, and an admin group makes an admin", async () => {
            const create = async (name: string) => String(json(await https({ user: "admin", method: "POST", path: "/api/2.0/mlflow/experiments/create", body: { name } })).experiment_id);
            const [teamA, teamB] = [await create("team-a-work"), await create("team-b-work")];
            const role = await https({ user: "admin", method: "POST", path: "/api/3.0/mlflow/roles/create", body: { name: "team-a", workspace: "default" } });
            assert.equal(role.status, 200, role.text);
            const granted = await https({ user: "admin", method: "POST", path: "/api/3.0/mlflow/roles/permissions/add", body: { role_id: json(role).role.id, resource_type: "experiment", resource_pattern: teamA, permission: "READ" } });
            assert.equal(granted.status, 200, granted.text);

            const dana = await signInAs("dana@example.com");
            await dana.context.close();
            assert.ok(dana.cookie, `no session; the browser ended on ${dana.finalUrl}: ${dana.finalText}`);
            danaCookie = dana.cookie;
            const current = await https({ cookie: dana.cookie, path: "/api/2.0/mlflow/users/current" });
            assert.equal(current.status, 200, current.text);
            assert.deepEqual([json(current).user.username, json(current).user.is_admin], ["dana@example.com", false]);
            assert.equal((await https({ cookie: dana.cookie, path: `/api/2.0/mlflow/experiments/get?experiment_id=${teamA}` })).status, 200);
            assert.equal((await https({ cookie: dana.cookie, path: `/api/2.0/mlflow/experiments/get?experiment_id=${teamB}` })).status, 403);

            const root = await signInAs("root@example.com");
            await root.context.close();
            assert.equal(json(await https({ cookie: root.cookie, path: "/api/2.0/mlflow/users/current" })).user.is_admin, true);
        });

        it("without a session, a page goes to the provider and an API call is 401; identity headers a client sends are replaced by the session's or dropped", async () => {
            const page = await https({ path: "/", headers: { accept: "text/html" } });
            assert.equal(page.status, 302);
            assert.equal(page.headers.location, "/oauth2/start?rd=/", "relative: behind the load balancer nginx's own scheme is http");
            const spoof = { "X-Mlflow-On-Aws-User": "root@example.com", "X-Mlflow-On-Aws-Groups": "mlflow-admins" };
            assert.equal((await https({ path: "/api/2.0/mlflow/users/current", headers: spoof })).status, 401);
            const asDana = json(await https({ cookie: danaCookie, path: "/api/2.0/mlflow/users/current", headers: spoof }));
            assert.deepEqual([asDana.user.username, asDana.user.is_admin], ["dana@example.com", false]);
            const asCi = await https({ user: "ci", path: "/api/2.0/mlflow/users/current", headers: spoof });
            assert.equal(json(asCi).user.username, "ci");
        });

        it("a machine (the stack's user ci) logs runs, metrics and artifacts (S3, through MLflow) with the MLflow client and downloads them back", async () => {
            const file = path.join(scratchDir("ci"), "model.bin");
            writeFileSync(file, Buffer.alloc(200 * 1024, 5));
            const written = await runClient("mlflow", "team_access.py", ["write", "ci-work", file],
                { ...clientEnv, MLFLOW_TRACKING_USERNAME: "ci", MLFLOW_TRACKING_PASSWORD: passwords.ci });
            assert.equal(written.code, 0, written.stderr.slice(-4000));
            assert.equal(JSON.parse(written.stdout.trim().split("\n").at(-1)!).downloaded_same, true);
        });
    });
}

// Outside: run this file again inside private namespaces. Inside: the tests.
if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 900_000 });
else defineTests();
