// Team access on the scaled tier, for real where this machine allows: the program (under mocks)
// declares a stack with auth mlflow that moves from a host (migrateFromSnapshot); its containers
// run as defined (harness/scaledStack.ts): the schema upgrade creates the auth app's tables and the
// stack's users in PostgreSQL, the migration copies a host's database whose auth app holds users
// and permissions of its own (made by the pinned release's stores), and MLflow's servers run the
// auth app behind the task's nginx and the load balancer stand-in. Then the checks a team relies
// on: the host's users and permissions arrived, a user without permission sees nothing of
// another's experiment (its artifacts in S3 included), the admin grants through the REST API, a
// wrong password is limited, and the schema upgrade run again, with basic auth and back, keeps
// what the admin changed and gives back what basic auth allowed where the admin had not narrowed it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { writeFileSync } from "fs";
import * as path from "path";
import { AUTH_SEEDED_FILE, DATA, HOST } from "../lib/render/layout";
import { AUTH_SEEDED_TABLE } from "../lib/render/mlflowAuth";
import { HOST_DATA_VOLUME } from "../lib/render/taskContainers";
import { ClientResponse, request } from "../harness/httpClient";
import { inNamespace, reexecInNamespace, RunResult, scratchDir } from "../harness/namespace";
import { ScaledStack } from "../harness/scaledStack";
import { runProgram } from "./support/pulumiProgram";
import { DeclaredTask, declaredTask, SCALED } from "./support/scaledTask";
import { clientEnvFromTrackingEnv, runClient } from "./support/tracking";

const STACK_USERS = ["admin", "alice", "bob"];
const CAROL_PASSWORD = "carol-added-on-the-host-0123";
const onVolume = (volume: string, hostPath: string) => path.join(volume, path.relative(HOST.dataMount, hostPath));

function defineTests(): void {
    let declared: DeclaredTask;
    let basicUpgrade: DeclaredTask["schemaUpgrade"];
    let stack: ScaledStack;
    let passwords: Record<string, string>;
    let hostStore: RunResult;
    let migration: RunResult;
    let hostIds: { experiment_id: string; run_id: string };
    let clientEnv: Record<string, string>;

    const https = (options: { user?: string; password?: string; method?: string; path: string; body?: unknown; source?: string }) => request({
        address: new URL(clientEnv.MLFLOW_TRACKING_URI).hostname, port: 443, tls: true, ca: stack.loadBalancerCaPem,
        servername: declared.serverName, host: declared.serverName, method: options.method ?? "GET", path: options.path,
        ...(options.user ? { auth: `${options.user}:${options.password ?? passwords[options.user]}` } : {}),
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body), headers: { "content-type": "application/json" } }),
        ...(options.source ? { localAddress: options.source } : {}),
    });
    const json = (response: ClientResponse) => JSON.parse(response.text) as Record<string, any>;
    const seededRecord = () => stack.postgres.sql(`SELECT coalesce(string_agg(username, ',' ORDER BY username), '') FROM ${AUTH_SEEDED_TABLE}`);
    const asUser = (user: string) => ({ ...clientEnv, MLFLOW_TRACKING_USERNAME: user, MLFLOW_TRACKING_PASSWORD: passwords[user] });
    /** A container definition pointed at another database of the same server (another stack's). */
    const inDatabase = (name: string) => <T>(definition: T): T => JSON.parse(JSON.stringify(definition).split(`/${stack.database.name}?`).join(`/${name}?`));

    before(async () => {
        const settings = { ...SCALED, auth: "mlflow", authDefaultPermission: "NO_PERMISSIONS", users: JSON.stringify(STACK_USERS), migrateFromSnapshot: "snap-0123456789abcdef0" };
        declared = declaredTask(await runProgram(settings));
        basicUpgrade = declaredTask(await runProgram({ ...SCALED, users: JSON.stringify(STACK_USERS) })).schemaUpgrade;
        const usersParameter = Object.keys(declared.parameters).find(name => name.endsWith("/task-auth-users"));
        assert.ok(usersParameter, `the users' parameter among ${Object.keys(declared.parameters).join(", ")}`);
        passwords = JSON.parse(declared.parameters[usersParameter]);
        stack = await ScaledStack.start({
            ...declared,
            beforeService: async task => {
                // What ECS makes of the snapshot of a host that ran the auth app.
                const volume = scratchDir("auth-host-data-volume");
                hostStore = await runClient("mlflow", "auth_host_store.py", ["auth-app", onVolume(volume, DATA.mlflow), onVolume(volume, AUTH_SEEDED_FILE), CAROL_PASSWORD], {
                    MLFLOW_AUTH_USERS: JSON.stringify(passwords),
                });
                if (hostStore.code !== 0) return;
                hostIds = JSON.parse(hostStore.stdout.trim().split("\n").pop()!);
                migration = await task.runContainer(declared.migration!, { [HOST_DATA_VOLUME]: volume });
            },
        });
        clientEnv = clientEnvFromTrackingEnv(declared.trackingEnv, stack.loadBalancerCaPem);
    });
    after(async () => { await stack?.stop(); });

    describe("team access on the scaled tier: MLflow's auth app in PostgreSQL behind the task's nginx", () => {
        it("the schema upgrade created the auth app's tables and the stack's users before the migration, with no password in any task definition", () => {
            const upgrade = stack.schemaUpgrade!;
            assert.equal(upgrade.code, 0, `${upgrade.stdout}\n${upgrade.stderr}`);
            assert.match(upgrade.stderr, /3 users of the stack, created \['admin', 'alice', 'bob'\]/);
            const definitions = JSON.stringify([declared.containers, declared.schemaUpgrade, declared.migration, declared.gc]);
            for (const [user, password] of Object.entries(passwords)) assert.ok(!definitions.includes(password), `${user}'s password in a task definition`);
            const secretKey = Object.entries(declared.parameters).find(([name]) => name.endsWith("/task-auth-secret-key"))?.[1];
            assert.ok(secretKey && secretKey.length >= 32, "the auth app's secret key parameter");
            assert.ok(!definitions.includes(secretKey), "the secret key in a task definition");
        });

        it("the migration carries the host's auth app: its users with their passwords, its grants, and its record of created users", async () => {
            assert.equal(hostStore.code, 0, `${hostStore.stdout}\n${hostStore.stderr}`);
            assert.equal(migration.code, 0, `${migration.stdout}\n${migration.stderr}`);
            const summary = JSON.parse(migration.stdout.trim().split("\n").find(line => line.startsWith("{"))!);
            assert.equal(summary.database.auth_app.users, 3, JSON.stringify(summary.database));
            assert.equal(summary.database.auth_app.role_permissions, 1, `alice's grant: ${JSON.stringify(summary.database)}`);
            assert.match(migration.stderr, /created none/, "the setup after the copy recreates nobody the host's admin deleted");
            assert.equal(await seededRecord(), STACK_USERS.slice().sort().join(","));
            assert.equal((await https({ user: "carol", password: CAROL_PASSWORD, path: "/api/2.0/mlflow/users/current" })).status, 200, "a user the host's admin added signs in with her password");
            assert.equal((await https({ user: "bob", path: "/api/2.0/mlflow/users/current" })).status, 401, "a user the host's admin deleted stays deleted");
            const run = await https({ user: "alice", path: `/api/2.0/mlflow/runs/get?run_id=${hostIds.run_id}` });
            assert.equal(run.status, 200, run.text);
            assert.equal(json(run).run.data.params[0].value, "0.01");
            const write = await https({ user: "alice", method: "POST", path: "/api/2.0/mlflow/runs/log-parameter", body: { run_id: hostIds.run_id, key: "x", value: "1" } });
            assert.equal(write.status, 403, "alice may only READ the host's experiment");
        });

        it("only /health is open; a wrong password is 401, and past the burst 429", async () => {
            assert.equal((await https({ path: "/health" })).status, 200);
            for (const openPath of ["/api/2.0/mlflow/experiments/search?max_results=1", "/ajax-api/2.0/mlflow/users/current", "/api/2.0/mlflow-artifacts/artifacts?path=1", "/"]) {
                assert.equal((await https({ path: openPath })).status, 401, openPath);
            }
            const statuses: number[] = [];
            for (let i = 0; i < 35; i++) statuses.push((await https({ user: "alice", password: "wrong", path: "/api/2.0/mlflow/users/current", source: "127.33.0.1" })).status);
            assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
            assert.ok(statuses.includes(429), `failed logins past the burst are limited: ${statuses}`);
            assert.equal((await https({ user: "alice", path: "/api/2.0/mlflow/users/current", source: "127.33.0.2" })).status, 200, "another client is not");
        });

        it("without a grant, alice sees nothing of the admin's experiment, its artifact in S3 included; with READ she reads it and writes nothing", async () => {
            const work = scratchDir("scaled-team");
            const file = path.join(work, "weights.txt");
            writeFileSync(file, "the admin's weights\n");
            const written = await runClient("mlflow", "team_access.py", ["write", "admin-team", file], asUser("admin"));
            assert.equal(written.code, 0, `${written.stdout}\n${written.stderr}`);
            const ids = JSON.parse(written.stdout.trim().split("\n").pop()!);
            assert.equal(ids.downloaded_same, true);
            const attempts = async () => {
                const tried = await runClient("mlflow", "team_access.py", ["try", ids.experiment_id, ids.run_id, "weights.txt", scratchDir("alice-download")], asUser("alice"));
                assert.equal(tried.code, 0, `${tried.stdout}\n${tried.stderr}`);
                return JSON.parse(tried.stdout.trim().split("\n").pop()!) as Record<string, string | boolean>;
            };
            const denied = await attempts();
            assert.equal(denied.search_sees_it, false);
            for (const [name, outcome] of Object.entries(denied)) {
                if (name !== "search_sees_it") assert.match(String(outcome), /PERMISSION_DENIED/, `${name}: ${outcome}`);
            }
            const granted = await https({ user: "admin", method: "POST", path: "/api/3.0/mlflow/users/permissions/grant",
                body: { username: "alice", resource_type: "experiment", resource_id: ids.experiment_id, permission: "READ" } });
            assert.equal(granted.status, 200, granted.text);
            const reader = await attempts();
            for (const name of ["get_experiment", "get_run", "metric_history", "download"]) assert.equal(reader[name], "allowed", `${name}: ${reader[name]}`);
            assert.equal(reader.search_sees_it, true);
            for (const name of ["log_metric", "create_run", "delete_run", "delete_experiment"]) assert.match(String(reader[name]), /PERMISSION_DENIED/, `${name}: ${reader[name]}`);
        });

        it("the schema upgrade run again (a new release, new users) recreates no one and resets no password", async () => {
            const again = await stack.runOneOff(declared.schemaUpgrade);
            assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
            assert.match(again.stderr, /created none/);
            assert.doesNotMatch(again.stderr, /first start/);
            assert.equal((await https({ user: "bob", path: "/api/2.0/mlflow/users/current" })).status, 401);
            assert.equal((await https({ user: "carol", password: CAROL_PASSWORD, path: "/api/2.0/mlflow/users/current" })).status, 200);
        });

        it("with basic auth the upgrade forgets the record; back on the auth app, a first start gives every stack user MANAGE on what exists", async () => {
            const basic = await stack.runOneOff(basicUpgrade);
            assert.equal(basic.code, 0, `${basic.stdout}\n${basic.stderr}`);
            assert.equal(await stack.postgres.sql(`SELECT count(*) FROM pg_tables WHERE tablename = '${AUTH_SEEDED_TABLE}'`), "0");
            const back = await stack.runOneOff(declared.schemaUpgrade);
            assert.equal(back.code, 0, `${back.stdout}\n${back.stderr}`);
            assert.match(back.stderr, /created \['bob'\]/);
            assert.match(back.stderr, /first start with the auth app: 2 users keep MANAGE/);
            const write = await https({ user: "bob", method: "POST", path: "/api/2.0/mlflow/runs/log-parameter", body: { run_id: hostIds.run_id, key: "after-basic", value: "1" } });
            assert.equal(write.status, 200, `bob, created again, may write the host's experiment: ${write.text}`);
            const narrowed = await https({ user: "alice", method: "POST", path: "/api/2.0/mlflow/runs/log-parameter", body: { run_id: hostIds.run_id, key: "after-basic", value: "2" } });
            assert.equal(narrowed.status, 403, "a grant the admin made (alice's READ) is kept");
        });

        it("two schema upgrades at once (one a cancelled pulumi up left running) take turns: the users are created once, and both succeed", async () => {
            await stack.postgres.sql(`CREATE DATABASE concurrent_setups OWNER ${stack.database.user}`, "postgres");
            const there = inDatabase("concurrent_setups");
            // MLflow's schema first (as a basic stack's upgrade leaves it), then both setups on it: each would create the auth app's tables and users.
            const schema = await stack.runOneOff(there(basicUpgrade));
            assert.equal(schema.code, 0, `${schema.stdout}\n${schema.stderr}`);
            const both = await Promise.all([stack.runOneOff(there(declared.schemaUpgrade)), stack.runOneOff(there(declared.schemaUpgrade))]);
            for (const upgrade of both) assert.equal(upgrade.code, 0, `${upgrade.stdout}\n${upgrade.stderr}`);
            assert.deepEqual(both.map(upgrade => /created (\[[^\]]*\]|none)/.exec(upgrade.stderr)?.[1]).sort(), ["['admin', 'alice', 'bob']", "none"]);
            assert.equal(await stack.postgres.sql("SELECT count(*) FROM users", "concurrent_setups"), "3");
        });

        it("a host on basic auth moves into a stack with auth mlflow: the upgrade's users stay, and each gets MANAGE on what was copied", async () => {
            // Another stack's database beside this one's, the same containers pointed at it.
            await stack.postgres.sql(`CREATE DATABASE basic_host OWNER ${stack.database.user}`, "postgres");
            const elsewhere = inDatabase("basic_host");
            const volume = scratchDir("basic-host-data-volume");
            const made = await runClient("mlflow", "auth_host_store.py", ["basic", onVolume(volume, DATA.mlflow)], {});
            assert.equal(made.code, 0, `${made.stdout}\n${made.stderr}`);
            const upgraded = await stack.runOneOff(elsewhere(declared.schemaUpgrade));
            assert.equal(upgraded.code, 0, `${upgraded.stdout}\n${upgraded.stderr}`);
            const moved = await stack.runOneOff(elsewhere(declared.migration!), { [HOST_DATA_VOLUME]: volume });
            assert.equal(moved.code, 0, `${moved.stdout}\n${moved.stderr}`);
            const summary = JSON.parse(moved.stdout.trim().split("\n").find(line => line.startsWith("{"))!);
            assert.match(summary.database.auth_app, /the host used basic auth/);
            assert.equal(summary.database.rows_per_table.experiments, 2, "Default and host-team");
            assert.match(moved.stderr, /created none/);
            assert.match(moved.stderr, /first start with the auth app: 2 users keep MANAGE on 2 experiments/);
            assert.equal(await stack.postgres.sql(`SELECT string_agg(username, ',' ORDER BY username) FROM ${AUTH_SEEDED_TABLE}`, "basic_host"), STACK_USERS.slice().sort().join(","));
        });
    });
}

if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 900_000 });
else defineTests();
