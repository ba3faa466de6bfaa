// The containers of the scaled tier as ECS container definitions: nginx and MLflow's servers in
// the service's task, and the one-off schema upgrade. They start from the same specs as the host's
// compose file (containers.ts) and change only what a Fargate task needs: the -full image (boto3
// and psycopg2), PostgreSQL and S3 instead of the data volume, MLflow on loopback, files that
// arrive through the environment (a task has no host directory to mount).
import { Auth } from "../settings";
import { ContainerInput, HealthCheck, mlflowContainer, mlflowFullImage, nginxContainer } from "./containers";
import { backendStoreUri, ExternalStores, onExternalStores, PostgresConnection, RDS_CA_FILE, withOption } from "./stores";
import { AUTH_SEEDED_FILE, DATA, HOST, IDENTITY_MODULE_FILE, MLFLOW, NGINX, SQLITE_FILE } from "./layout";
import { AUTH_SEEDED_TABLE } from "./mlflowAuth";
import { IDENTITY_ADMIN_GROUPS, oauth2ProxyContainer, OidcProxyInput } from "./oidc";

/** The port nginx listens on inside the task; the load balancer's target group sends requests there. */
export const TASK_LISTEN_PORT = 80;

export const CONTAINER_NAMES = { nginx: "nginx", mlflow: "mlflow", oauth2Proxy: "oauth2-proxy", schemaUpgrade: "mlflow-schema-upgrade", migration: "mlflow-migrate-store", gc: "mlflow-gc" } as const;

/** The task volume of the migration: an EBS volume created from the host's data snapshot at launch. */
export const HOST_DATA_VOLUME = "host-data";

/** Container definitions ECS takes in one task definition, a limit it does not raise. */
const ECS_CONTAINERS_PER_TASK = 10;

/**
 * MLflow servers in a task of `taskCpu` CPU units (1024 = 1 vCPU), one uvicorn worker each, for
 * the host's reasons (MLFLOW_SERVERS in containers.ts). A worker is one Python process, which runs
 * Python on one core at a time: it uses at most about one vCPU, so a task gets a server per whole
 * vCPU. A task of half a vCPU gets one; a second would gain it nothing and cost about 380 MiB. A
 * 16-vCPU task gets 9, as many as ECS's limit on containers leaves beside nginx (8 with auth oidc,
 * beside oauth2-proxy too).
 */
export function mlflowServersPerTask(taskCpu: number, auth: Auth): number {
    const others = auth === "oidc" ? 2 : 1;
    return Math.min(ECS_CONTAINERS_PER_TASK - others, Math.max(1, Math.floor(taskCpu / 1024)));
}

/**
 * Each server's container name and port. The first keeps the name ECS Exec sessions and the logs
 * know and MLflow's port; the others take the ports after it, since a task's containers share one
 * network namespace.
 */
export function taskMlflowServers(count: number): { name: string; port: number }[] {
    return Array.from({ length: count }, (_, index) => ({
        name: index === 0 ? CONTAINER_NAMES.mlflow : `${CONTAINER_NAMES.mlflow}-${index + 1}`,
        port: MLFLOW.port + index,
    }));
}

/**
 * Where a task's MLflow container writes the auth app's configuration from its environment: its
 * own /tmp (a task mounts no host file, and the image's /etc is not the task's to change).
 */
const TASK_AUTH_CONFIG = "/tmp/mlflow-auth.ini";
/** Where the schema upgrade and the migration write host/mlflow-auth-setup.py from their environment. */
const TASK_AUTH_SETUP_PROGRAM = "/tmp/mlflow-auth-setup.py";

/** With auth mlflow: what MLflow's auth app needs in the tasks. */
export interface TaskAuthApp {
    /** basic_auth.ini (renderAuthConfig): no secret in it. */
    config: string;
    /** ARN of the SSM parameter that holds the Flask secret key, the same for every server. */
    secretKeyParameterArn: string;
    /** ARN of the SSM parameter that holds the stack's users and their passwords (renderAuthUsers). */
    usersParameterArn: string;
    /** host/mlflow-auth-setup.py, which the schema upgrade and the migration run. */
    setupProgram: string;
    /**
     * Its version, for the one-off tasks only: a new one changes the schema upgrade's task
     * definition, so the upgrade (and with it the setup) runs again; the service's must not change
     * with it (nor be unknown in a preview while the users change).
     */
    usersParameterVersion?: number;
}

/**
 * With auth oidc: oauth2-proxy in the service's task, and the identity module for MLflow's servers.
 * The module and the admin groups arrive from SSM parameters: repeated in every server's
 * environment they would take a task definition past ECS's 64 KiB.
 */
export interface TaskOidc {
    proxy: OidcProxyInput;
    /** ARNs of the SSM parameters that hold the client secret and the session cookies' key. */
    clientSecretParameterArn: string;
    cookieSecretParameterArn: string;
    /**
     * Their versions, for the service's task only: new secrets give oauth2-proxy a new task
     * definition, so that the service's tasks take them (the one-off tasks' must not change with
     * them, nor be unknown in a preview while they change).
     */
    secretVersions?: string;
    /** ARN of the SSM parameter that holds the identity module (packIdentityModule). */
    identityModuleParameterArn: string;
    /** ARN of the SSM parameter that holds the admin groups, comma-separated; none without admin groups (SSM takes no empty value). */
    adminGroupsParameterArn?: string;
    /** SHA-256 of the module and the admin groups: a change gives the servers a new task definition, so that every task runs the same. */
    identityDigest: string;
}

/** Where a task's MLflow container writes the identity module (on its PYTHONPATH). */
const TASK_PYTHON_DIR = "/tmp/python";

export interface TaskContainersInput {
    /** Versions, and the names and origins MLflow must accept (as for the host). */
    container: ContainerInput;
    /** nginx.conf (taskNginx.ts). */
    nginxConf: string;
    /** MLflow servers in the service's task (mlflowServersPerTask). */
    mlflowServers: number;
    database: PostgresConnection;
    /** s3://<bucket>/<prefix> (artifactsDestination). */
    artifactsDestination: string;
    /** ARN of the SSM parameter that holds the htpasswd file (basic auth). */
    htpasswdParameterArn: string;
    /** With auth mlflow or oidc. */
    authApp?: TaskAuthApp;
    /** With auth oidc. */
    oidc?: TaskOidc;
    /** ECS `valueFrom` of the database password: <secret ARN>:password:: of RDS's managed secret. */
    databasePasswordFrom: string;
    region: string;
    logGroup: string;
}

/** The fields of an ECS container definition these renderers use. */
export interface EcsContainerDefinition {
    name: string;
    image: string;
    essential: boolean;
    entryPoint?: string[];
    command?: string[];
    environment: { name: string; value: string }[];
    secrets: { name: string; valueFrom: string }[];
    portMappings?: { containerPort: number; protocol: "tcp" }[];
    healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
    dependsOn?: { containerName: string; condition: "START" | "HEALTHY" | "COMPLETE" | "SUCCESS" }[];
    mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
    linuxParameters?: { initProcessEnabled: boolean };
    logConfiguration: { logDriver: "awslogs"; options: Record<string, string> };
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

const seconds = (duration: string) => {
    const match = /^(\d+)s$/.exec(duration);
    if (!match) throw new Error(`a duration in seconds, such as 30s, expected; got ${duration}`);
    return Number(match[1]);
};

/** The spec's health check, whose URL names MLflow's port, asked of `port` instead. */
function healthCheckOnPort(check: HealthCheck, port: number): HealthCheck {
    const portInUrl = `:${MLFLOW.port}/`;
    if (!check.test.some(part => part.includes(portInUrl))) throw new Error(`the MLflow health check asks no ${portInUrl}: ${check.test.join(" ")}`);
    return { ...check, test: check.test.map(part => part.replace(portInUrl, `:${port}/`)) };
}

const ecsHealthCheck = (check: HealthCheck) => ({
    command: check.test,
    interval: seconds(check.interval),
    timeout: seconds(check.timeout),
    retries: check.retries,
    startPeriod: seconds(check.startPeriod),
});

const environment = (values: Record<string, string>) => Object.entries(values).map(([name, value]) => ({ name, value }));

const logs = (input: TaskContainersInput, prefix: string): EcsContainerDefinition["logConfiguration"] => ({
    logDriver: "awslogs",
    options: { "awslogs-group": input.logGroup, "awslogs-region": input.region, "awslogs-stream-prefix": prefix },
});

/** Writes the CA bundle where the URI points, then runs each command in turn, the last as PID 1's successor. */
const withCaBundle = (...commands: string[][]) => [
    `printf '%s' "$RDS_CA_BUNDLE" > ${RDS_CA_FILE}`,
    ...commands.map((args, index) => `${index === commands.length - 1 ? "exec " : ""}${args.map(quote).join(" ")}`),
].join(" && ");

/** The server's environment plus the CA bundle, and the database password as a secret beside the container's others. */
function databaseAccess(input: TaskContainersInput, extra: Record<string, string>, secrets: EcsContainerDefinition["secrets"] = []) {
    return {
        environment: environment({ ...extra, RDS_CA_BUNDLE: input.database.caBundlePem }),
        secrets: [{ name: "PGPASSWORD", valueFrom: input.databasePasswordFrom }, ...secrets],
    };
}

/** The identity module, unpacked from its parameter (packIdentityModule) by the image's Python. */
const writeIdentityModule = `mkdir -p ${TASK_PYTHON_DIR} && python -c ${quote(
    `import base64, gzip, os; open("${TASK_PYTHON_DIR}/${IDENTITY_MODULE_FILE}", "wb").write(gzip.decompress(base64.b64decode(os.environ["MLFLOW_IDENTITY_MODULE"])))`)}`;

/** The auth app's configuration, which the container writes from its environment (writeAuthConfig). */
const authConfigEnvironment = (authApp: TaskAuthApp) => ({ MLFLOW_AUTH_CONFIG_PATH: TASK_AUTH_CONFIG, MLFLOW_AUTH_CONFIG: authApp.config });
const writeAuthConfig = `printf '%s' "$MLFLOW_AUTH_CONFIG" > ${TASK_AUTH_CONFIG}`;

/**
 * host/mlflow-auth-setup.py after the schema is in place, as the host runs it before its servers
 * start: it brings the auth app's tables up to date and creates the stack's users (their passwords
 * a container secret), keeping which it created in AUTH_SEEDED_TABLE. The users' parameter version
 * in the environment makes a new set of users a new task definition (a container secret names no
 * version).
 */
function authSetup(authApp: TaskAuthApp, trackingUri: string) {
    if (authApp.usersParameterVersion === undefined) throw new Error("the auth app's setup needs the users' parameter version");
    return {
        prepare: `printf '%s' "$MLFLOW_AUTH_SETUP_PY" > ${TASK_AUTH_SETUP_PROGRAM} && ${writeAuthConfig}`,
        command: ["python", TASK_AUTH_SETUP_PROGRAM, "--seeded-table", AUTH_SEEDED_TABLE, trackingUri],
        environment: {
            MLFLOW_AUTH_SETUP_PY: authApp.setupProgram, ...authConfigEnvironment(authApp), MLFLOW_AUTH_USERS_VERSION: String(authApp.usersParameterVersion),
        },
        secrets: [{ name: "MLFLOW_AUTH_USERS", valueFrom: authApp.usersParameterArn }],
    };
}

/**
 * With basic auth: the record of created users dropped, as the host drops its file, so that the
 * next start with the auth app is a first start. A fixed line, not the setup program: the program
 * changing must not run the upgrade again on stacks that do not use it.
 */
const forgetSeededUsers = (trackingUri: string) => ["python", "-c",
    `import sys, sqlalchemy\nwith sqlalchemy.create_engine(sys.argv[1]).begin() as db: db.execute(sqlalchemy.text("DROP TABLE IF EXISTS ${AUTH_SEEDED_TABLE}"))`,
    trackingUri];

/**
 * One container per MLflow server (taskMlflowServers; the spec's replicas are the host's count),
 * each on its own port of the task's loopback only: nginx, in the same network namespace, is its
 * one client, whatever a security group says.
 */
export function mlflowTaskContainers(input: TaskContainersInput): EcsContainerDefinition[] {
    const stores: ExternalStores = { database: input.database, artifactsDestination: input.artifactsDestination, region: input.region };
    const spec = onExternalStores(mlflowContainer(input.container), input.container.mlflowVersion, stores);
    const onLoopback = withOption(spec.command ?? [], "--host", "127.0.0.1");
    const { [IDENTITY_ADMIN_GROUPS]: adminGroupsInline, ...specEnvironment } = spec.environment;
    const environment = {
        ...specEnvironment,
        ...(input.authApp ? authConfigEnvironment(input.authApp) : {}),
        // The host mounts the identity module's directory; a task writes the module into its own.
        ...(input.oidc ? { PYTHONPATH: TASK_PYTHON_DIR, MLFLOW_IDENTITY_DIGEST: input.oidc.identityDigest } : {}),
    };
    if (adminGroupsInline && !input.oidc?.adminGroupsParameterArn) throw new Error("the admin groups come from their SSM parameter on the scaled tier");
    const access = databaseAccess(input, environment, [
        ...(input.authApp ? [{ name: "MLFLOW_FLASK_SERVER_SECRET_KEY", valueFrom: input.authApp.secretKeyParameterArn }] : []),
        ...(input.oidc ? [{ name: "MLFLOW_IDENTITY_MODULE", valueFrom: input.oidc.identityModuleParameterArn }] : []),
        ...(input.oidc?.adminGroupsParameterArn ? [{ name: IDENTITY_ADMIN_GROUPS, valueFrom: input.oidc.adminGroupsParameterArn }] : []),
    ]);
    const prepare = [...(input.authApp ? [writeAuthConfig] : []), ...(input.oidc ? [writeIdentityModule] : [])].map(step => `${step} && `).join("");
    return taskMlflowServers(input.mlflowServers).map(({ name, port }) => ({
        name,
        image: spec.image,
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [prepare + withCaBundle(withOption(onLoopback, "--port", String(port)))],
        ...access,
        healthCheck: ecsHealthCheck(healthCheckOnPort(spec.healthcheck, port)),
        // ECS Exec's agent runs inside the container; an init process reaps what it leaves behind.
        linuxParameters: { initProcessEnabled: true },
        logConfiguration: logs(input, name),
    }));
}

/**
 * nginx gets its configuration from the environment and (basic auth) the htpasswd file from a
 * container secret (SSM), writes both where the configuration expects them (the file readable by
 * the workers' group only), drops them from the environment and becomes nginx. With auth mlflow
 * MLflow checks the passwords, and nginx gets none.
 */
export function nginxTaskContainer(input: TaskContainersInput): EcsContainerDefinition {
    const spec = nginxContainer(input.container);
    const authDir = NGINX.htpasswd.slice(0, NGINX.htpasswd.lastIndexOf("/"));
    const script = [
        ...(input.authApp ? [
            `printf '%s' "$NGINX_CONF" > ${NGINX.conf}`,
            "unset NGINX_CONF",
        ] : [
            `mkdir -p ${authDir}`,
            `printf '%s' "$NGINX_CONF" > ${NGINX.conf}`,
            `(umask 027 && printf '%s' "$HTPASSWD" > ${NGINX.htpasswd})`,
            `chgrp ${NGINX.gid} ${NGINX.htpasswd}`,
            "unset NGINX_CONF HTPASSWD",
        ]),
        `exec nginx -g 'daemon off;'`,
    ].join(" && ");
    return {
        name: CONTAINER_NAMES.nginx,
        image: spec.image,
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [script],
        environment: environment({ ...spec.environment, NGINX_CONF: input.nginxConf }),
        secrets: input.authApp ? [] : [{ name: "HTPASSWD", valueFrom: input.htpasswdParameterArn }],
        portMappings: [{ containerPort: TASK_LISTEN_PORT, protocol: "tcp" }],
        healthCheck: ecsHealthCheck(spec.healthcheck),
        dependsOn: [
            ...taskMlflowServers(input.mlflowServers).map(({ name }) => ({ containerName: name, condition: "HEALTHY" as const })),
            ...(input.oidc ? [{ containerName: CONTAINER_NAMES.oauth2Proxy, condition: "START" as const }] : []),
        ],
        linuxParameters: { initProcessEnabled: true },
        logConfiguration: logs(input, CONTAINER_NAMES.nginx),
    };
}

/**
 * With auth oidc: oauth2-proxy, with the rendered flags on the task's loopback (nginx, in the same
 * network namespace, is its one client) and its two secrets from SSM. Its image has no shell and
 * no client to check itself with: no health check; nginx waits for its start.
 */
function oauth2ProxyTaskContainer(input: TaskContainersInput, oidc: TaskOidc): EcsContainerDefinition {
    const spec = oauth2ProxyContainer({ ...oidc.proxy, listenAddress: "127.0.0.1" });
    if (oidc.secretVersions === undefined) throw new Error("oauth2-proxy's container needs its secrets' versions");
    return {
        name: CONTAINER_NAMES.oauth2Proxy,
        image: spec.image,
        essential: true,
        command: spec.command,
        environment: environment({ SECRET_VERSIONS: oidc.secretVersions }),
        secrets: [
            { name: "OAUTH2_PROXY_CLIENT_SECRET", valueFrom: oidc.clientSecretParameterArn },
            { name: "OAUTH2_PROXY_COOKIE_SECRET", valueFrom: oidc.cookieSecretParameterArn },
        ],
        logConfiguration: logs(input, CONTAINER_NAMES.oauth2Proxy),
    };
}

/** The service's task: nginx (the load balancer's target) in front of MLflow's servers, and with auth oidc oauth2-proxy. */
export function serviceContainers(input: TaskContainersInput): EcsContainerDefinition[] {
    return [...mlflowTaskContainers(input), ...(input.oidc ? [oauth2ProxyTaskContainer(input, input.oidc)] : []), nginxTaskContainer(input)];
}

/**
 * `mlflow db upgrade` with the server's image and connection: it creates the schema in an empty
 * database and migrates an existing one to the image's revision (MLflow's db.upgrade). Then the
 * auth app's setup (authSetup), before any server of the release starts.
 */
export function schemaUpgradeContainer(input: TaskContainersInput): EcsContainerDefinition {
    const uri = backendStoreUri(input.database);
    const setup = input.authApp && authSetup(input.authApp, uri);
    const upgrade = withCaBundle(["mlflow", "db", "upgrade", uri], setup ? setup.command : forgetSeededUsers(uri));
    return {
        name: CONTAINER_NAMES.schemaUpgrade,
        image: mlflowFullImage(input.container.mlflowVersion),
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [setup ? `${setup.prepare} && ${upgrade}` : upgrade],
        ...databaseAccess(input, setup?.environment ?? {}, setup?.secrets),
        logConfiguration: logs(input, CONTAINER_NAMES.schemaUpgrade),
    };
}

/**
 * The move from one host: scripts/migrate-store.py (its text arrives in the environment; the
 * image has MLflow, psycopg2 and boto3) reads the host's data volume, mounted where the host
 * mounts it, and writes the database and the bucket the service uses. The volume is a copy made
 * from a snapshot for this task alone, so it is mounted writable: SQLite may replay a write-ahead
 * log (or roll back a journal) left by a host that stopped uncleanly.
 */
export function migrationContainer(input: TaskContainersInput, migrateStoreScript: string): EcsContainerDefinition {
    const script = "/tmp/migrate-store.py";
    const uri = backendStoreUri(input.database);
    const command = ["python", script, "--sqlite", `${DATA.mlflow}/${SQLITE_FILE}`, "--artifacts", DATA.artifacts,
        "--postgres", uri, "--s3", input.artifactsDestination, "--auth-seeded-file", AUTH_SEEDED_FILE, "--auth-seeded-table", AUTH_SEEDED_TABLE];
    // With auth mlflow the copy replaces the auth app's tables with the host's, or (a host on basic
    // auth) keeps the upgrade's users and makes the setup after it a first start, which grants
    // them what was copied.
    const setup = input.authApp && authSetup(input.authApp, uri);
    return {
        name: CONTAINER_NAMES.migration,
        image: mlflowFullImage(input.container.mlflowVersion),
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [[`printf '%s' "$MIGRATE_STORE_PY" > ${script}`, ...(setup ? [setup.prepare] : []), withCaBundle(command, ...(setup ? [setup.command] : []))].join(" && ")],
        ...databaseAccess(input, { MIGRATE_STORE_PY: migrateStoreScript, AWS_DEFAULT_REGION: input.region, ...setup?.environment }, setup?.secrets),
        mountPoints: [{ sourceVolume: HOST_DATA_VOLUME, containerPath: HOST.dataMount, readOnly: false }],
        logConfiguration: logs(input, CONTAINER_NAMES.migration),
    };
}

/**
 * The daily garbage collection: host/mlflow-gc.py (its text arrives in the environment, as the
 * migration's does) with the server's image, database and bucket, as the host runs it.
 */
export function gcContainer(input: TaskContainersInput, gcProgram: string, retentionDays: number): EcsContainerDefinition {
    const program = "/tmp/mlflow-gc.py";
    return {
        name: CONTAINER_NAMES.gc,
        image: mlflowFullImage(input.container.mlflowVersion),
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [`printf '%s' "$MLFLOW_GC_PY" > ${program} && ${withCaBundle(["python", program, backendStoreUri(input.database), input.artifactsDestination, String(retentionDays)])}`],
        ...databaseAccess(input, { MLFLOW_GC_PY: gcProgram, AWS_DEFAULT_REGION: input.region }),
        logConfiguration: logs(input, CONTAINER_NAMES.gc),
    };
}
