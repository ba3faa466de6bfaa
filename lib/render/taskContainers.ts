// The containers of the scaled tier as ECS container definitions: nginx and MLflow's servers in
// the service's task, and the one-off schema upgrade. They start from the same specs as the host's
// compose file (containers.ts) and change only what a Fargate task needs: the -full image (boto3
// and psycopg2), PostgreSQL and S3 instead of the data volume, MLflow on loopback, files that
// arrive through the environment (a task has no host directory to mount).
import { ContainerInput, HealthCheck, mlflowContainer, mlflowFullImage, nginxContainer } from "./containers";
import { backendStoreUri, ExternalStores, onExternalStores, PostgresConnection, RDS_CA_FILE, withOption } from "./stores";
import { DATA, HOST, MLFLOW, NGINX, SQLITE_FILE } from "./layout";

/** The port nginx listens on inside the task; the load balancer's target group sends requests there. */
export const TASK_LISTEN_PORT = 80;

export const CONTAINER_NAMES = { nginx: "nginx", mlflow: "mlflow", schemaUpgrade: "mlflow-schema-upgrade", migration: "mlflow-migrate-store", gc: "mlflow-gc" } as const;

/** The task volume of the migration: an EBS volume created from the host's data snapshot at launch. */
export const HOST_DATA_VOLUME = "host-data";

/** Container definitions ECS takes in one task definition, a limit it does not raise. */
const ECS_CONTAINERS_PER_TASK = 10;

/**
 * MLflow servers in a task of `taskCpu` CPU units (1024 = 1 vCPU), one uvicorn worker each, for
 * the host's reasons (MLFLOW_SERVERS in containers.ts). A worker is one Python process, which runs
 * Python on one core at a time: it uses at most about one vCPU, so a task gets a server per whole
 * vCPU. A task of half a vCPU gets one; a second would gain it nothing and cost about 380 MiB. A
 * 16-vCPU task gets 9, as many as ECS's limit on containers leaves beside nginx.
 */
export function mlflowServersPerTask(taskCpu: number): number {
    return Math.min(ECS_CONTAINERS_PER_TASK - 1, Math.max(1, Math.floor(taskCpu / 1024)));
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
    /** ARN of the SSM parameter that holds the htpasswd file. */
    htpasswdParameterArn: string;
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

/** Writes the CA bundle where the URI points, then runs `args` as PID 1's successor. */
const withCaBundle = (args: string[]) => `printf '%s' "$RDS_CA_BUNDLE" > ${RDS_CA_FILE} && exec ${args.map(quote).join(" ")}`;

/** The server's environment plus the CA bundle, and the database password as a secret. */
function databaseAccess(input: TaskContainersInput, extra: Record<string, string>) {
    return {
        environment: environment({ ...extra, RDS_CA_BUNDLE: input.database.caBundlePem }),
        secrets: [{ name: "PGPASSWORD", valueFrom: input.databasePasswordFrom }],
    };
}

/**
 * One container per MLflow server (taskMlflowServers; the spec's replicas are the host's count),
 * each on its own port of the task's loopback only: nginx, in the same network namespace, is its
 * one client, whatever a security group says.
 */
export function mlflowTaskContainers(input: TaskContainersInput): EcsContainerDefinition[] {
    const stores: ExternalStores = { database: input.database, artifactsDestination: input.artifactsDestination, region: input.region };
    const spec = onExternalStores(mlflowContainer(input.container), input.container.mlflowVersion, stores);
    const onLoopback = withOption(spec.command ?? [], "--host", "127.0.0.1");
    return taskMlflowServers(input.mlflowServers).map(({ name, port }) => ({
        name,
        image: spec.image,
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [withCaBundle(withOption(onLoopback, "--port", String(port)))],
        ...databaseAccess(input, spec.environment),
        healthCheck: ecsHealthCheck(healthCheckOnPort(spec.healthcheck, port)),
        // ECS Exec's agent runs inside the container; an init process reaps what it leaves behind.
        linuxParameters: { initProcessEnabled: true },
        logConfiguration: logs(input, name),
    }));
}

/**
 * nginx gets its configuration from the environment and the htpasswd file from a container
 * secret (SSM), writes both where the configuration expects them (the file readable by the
 * workers' group only), drops them from the environment and becomes nginx.
 */
export function nginxTaskContainer(input: TaskContainersInput): EcsContainerDefinition {
    const spec = nginxContainer(input.container);
    const authDir = NGINX.htpasswd.slice(0, NGINX.htpasswd.lastIndexOf("/"));
    const script = [
        `mkdir -p ${authDir}`,
        `printf '%s' "$NGINX_CONF" > ${NGINX.conf}`,
        `(umask 027 && printf '%s' "$HTPASSWD" > ${NGINX.htpasswd})`,
        `chgrp ${NGINX.gid} ${NGINX.htpasswd}`,
        "unset NGINX_CONF HTPASSWD",
        `exec nginx -g 'daemon off;'`,
    ].join(" && ");
    return {
        name: CONTAINER_NAMES.nginx,
        image: spec.image,
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [script],
        environment: environment({ ...spec.environment, NGINX_CONF: input.nginxConf }),
        secrets: [{ name: "HTPASSWD", valueFrom: input.htpasswdParameterArn }],
        portMappings: [{ containerPort: TASK_LISTEN_PORT, protocol: "tcp" }],
        healthCheck: ecsHealthCheck(spec.healthcheck),
        dependsOn: taskMlflowServers(input.mlflowServers).map(({ name }) => ({ containerName: name, condition: "HEALTHY" })),
        linuxParameters: { initProcessEnabled: true },
        logConfiguration: logs(input, CONTAINER_NAMES.nginx),
    };
}

/** The service's task: nginx (the load balancer's target) in front of MLflow's servers. */
export function serviceContainers(input: TaskContainersInput): EcsContainerDefinition[] {
    return [...mlflowTaskContainers(input), nginxTaskContainer(input)];
}

/**
 * `mlflow db upgrade` with the server's image and connection: it creates the schema in an empty
 * database and migrates an existing one to the image's revision (MLflow's db.upgrade).
 */
export function schemaUpgradeContainer(input: TaskContainersInput): EcsContainerDefinition {
    return {
        name: CONTAINER_NAMES.schemaUpgrade,
        image: mlflowFullImage(input.container.mlflowVersion),
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [withCaBundle(["mlflow", "db", "upgrade", backendStoreUri(input.database)])],
        ...databaseAccess(input, {}),
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
    const command = ["python", script, "--sqlite", `${DATA.mlflow}/${SQLITE_FILE}`, "--artifacts", DATA.artifacts,
        "--postgres", backendStoreUri(input.database), "--s3", input.artifactsDestination];
    return {
        name: CONTAINER_NAMES.migration,
        image: mlflowFullImage(input.container.mlflowVersion),
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [`printf '%s' "$MIGRATE_STORE_PY" > ${script} && ${withCaBundle(command)}`],
        ...databaseAccess(input, { MIGRATE_STORE_PY: migrateStoreScript, AWS_DEFAULT_REGION: input.region }),
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
