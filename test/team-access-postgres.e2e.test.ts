// End to end: auth mlflow on a stateless host, whose users and permissions live in RDS. The dev
// render with backendStore rds, artifactStore s3 and auth mlflow; real PostgreSQL 17 (TLS,
// verify-full against the bundle the host holds, the password from the rendered password file)
// at the rendered database name, as in stateless-host.e2e. The host's mlflow-db-upgrade creates
// MLflow's schema, an experiment is made as a basic-auth server would have, the host's
// mlflow-auth-setup prepares the auth app in the same database, and the real MLflow servers with
// the auth app answer through the rendered nginx.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readFileSync } from "fs";
import * as path from "path";
import { AUTH_SEEDED_FILE, HOST } from "../lib/render/layout";
import { render } from "../scripts/render";
import { inNamespace, reexecInNamespace, run, scratchDir } from "../harness/namespace";
import { basicAuth, request } from "../harness/httpClient";
import { NginxSandbox } from "../harness/nginxSandbox";
import { Postgres } from "../harness/postgres";
import { pythonEnvBin } from "../harness/pythonEnv";
import { composeRunStandIn } from "../harness/realMlflow";
import { readEnvFileWithBash } from "../harness/envFile";
import { describeRun, HOST_DIR, RunResult, runCommandAsync, Sandbox } from "./support/hostScripts";
import { startRdsStandIn } from "./support/rdsStandIn";
import { STATELESS_HOST } from "./support/renderOnce";

const DATABASE_ADDRESS = "127.0.5.1";
const STACK_USERS = ["admin", "alice"];

function defineTests(): void {
    let sandbox: NginxSandbox;
    let host: Sandbox;
    let postgres: Postgres;
    let hostEnvText: string;
    let hostPaths: Record<string, string>;
    let experimentId: string;
    let firstSetup: RunResult;
    const setup = () => runCommandAsync(path.join(HOST_DIR, "mlflow-auth-setup"), [], host.env(host.envFile(hostEnvText, {
        AUTH_SEEDED_FILE: sandbox.dataFile(AUTH_SEEDED_FILE),
        AUTH_USERS_FILE: sandbox.hostFile(HOST.authUsers),
        AUTH_SETUP_PROGRAM: path.join(HOST_DIR, "mlflow-auth-setup.py"),
    })), 180_000);
    const https = (user: string, apiPath: string, password = sandbox.users[user]) =>
        request({ address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, path: apiPath, auth: basicAuth(user, password), localAddress: "127.32.0.1" });

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "stateless-auth");
        render({ stack: "dev", out: renderDir, overrides: { ...STATELESS_HOST, auth: "mlflow", users: JSON.stringify(STACK_USERS) } });
        sandbox = await NginxSandbox.start({ renderDir, mlflow: false });
        hostEnvText = readFileSync(sandbox.hostFile(HOST.hostEnv), "utf8");
        const hostEnv = readEnvFileWithBash(sandbox.hostFile(HOST.hostEnv));
        const work = scratchDir("stateless-auth");
        const rds = await startRdsStandIn(hostEnv, DATABASE_ADDRESS, sandbox.values.databasePassword!, work);
        postgres = rds.postgres;
        hostPaths = { ...sandbox.mlflowHostPaths(), [HOST.rdsCaBundle]: rds.caBundle };
        host = new Sandbox("stateless-auth");
        host.fake("docker", composeRunStandIn({
            composeFile: sandbox.composeFile, hostComposeFile: hostEnv.COMPOSE_FILE, hostPaths,
            tmpDir: sandbox.dirs.mlflowTmp, homeDir: sandbox.dirs.mlflowHome,
        }));
        const upgrade = await runCommandAsync(path.join(HOST_DIR, "mlflow-db-upgrade"), [],
            host.env(host.envFile(hostEnvText, { MLFLOW_DATA_DIR: sandbox.dirs.mlflowData, BACKUP_DIR: host.mkdir("backups") })), 240_000);
        assert.equal(upgrade.status, 0, describeRun(upgrade));
        // An experiment a basic-auth server made.
        const uri = `postgresql+psycopg2://${hostEnv.DATABASE_USER}:${sandbox.values.databasePassword}@${DATABASE_ADDRESS}:5432/${hostEnv.DATABASE_NAME}?sslmode=require`;
        const made = await run(pythonEnvBin("mlflow"), ["-c",
            "import sys\nfrom mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore\nprint(SqlAlchemyStore(sys.argv[1], 'mlflow-artifacts:/').create_experiment('legacy'))", uri],
        { env: { PATH: "/usr/bin:/bin", HOME: sandbox.dirs.mlflowHome, MLFLOW_DISABLE_TELEMETRY: "true" }, timeoutMs: 120_000 });
        assert.equal(made.code, 0, made.stderr);
        experimentId = made.stdout.trim().split("\n").at(-1)!;
        firstSetup = await setup();
        sandbox.mlflow = await sandbox.startMlflow({ hostPaths });
    });
    after(async () => {
        await sandbox?.stop();
        await postgres?.stop();
        host?.remove();
    });

    describe("auth mlflow on a stateless host: the auth app's tables in the stack's PostgreSQL", () => {
        it("mlflow-auth-setup creates the auth app's schema beside MLflow's, the users, and MANAGE on what existed", async () => {
            assert.equal(firstSetup.status, 0, describeRun(firstSetup));
            assert.match(await postgres.sql("SELECT version_num FROM alembic_version_auth"), /^[0-9a-f]+$/);
            assert.equal(await postgres.sql("SELECT string_agg(username || ':' || is_admin::text, ',' ORDER BY username) FROM users"), "admin:true,alice:false");
            const permission = await https("admin", `/api/3.0/mlflow/users/permissions/get?username=alice&resource_type=experiment&resource_id=${experimentId}`);
            assert.equal(permission.status, 200, permission.text);
            assert.equal((JSON.parse(permission.text) as { permission: string }).permission, "MANAGE");
            const again = await setup();
            assert.equal(again.status, 0, describeRun(again));
            assert.match(again.stderr, /created none/);
        });

        it("the users sign in with their generated passwords through nginx, and a wrong one is refused", async () => {
            for (const user of STACK_USERS) assert.equal((await https(user, "/api/2.0/mlflow/users/current")).status, 200, user);
            const experiment = await https("alice", `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`);
            assert.equal(experiment.status, 200, experiment.text);
            assert.equal((await https("alice", "/api/2.0/mlflow/users/current", "wrong")).status, 401);
            const create = await request({ address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, method: "POST", path: "/api/2.0/mlflow/users/create",
                auth: basicAuth("alice", sandbox.users.alice), body: JSON.stringify({ username: "dave", password: "dave-password-0123456789" }), headers: { "content-type": "application/json" } });
            assert.equal(create.status, 403, "alice is not the admin");
            assert.equal((await https("admin", "/api/2.0/mlflow/users/get?username=alice")).status, 200, "the admin is");
        });
    });
}

if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 600_000 });
else defineTests();
