"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.HOST_DATA_VOLUME = exports.CONTAINER_NAMES = exports.TASK_LISTEN_PORT = void 0;
exports.mlflowTaskContainer = mlflowTaskContainer;
exports.nginxTaskContainer = nginxTaskContainer;
exports.serviceContainers = serviceContainers;
exports.schemaUpgradeContainer = schemaUpgradeContainer;
exports.migrationContainer = migrationContainer;
// The containers of the scaled tier as ECS container definitions: nginx and MLflow in the
// service's task, and the one-off schema upgrade. They start from the same specs as the host's
// compose file (containers.ts) and change only what a Fargate task needs: the -full image (boto3
// and psycopg2), PostgreSQL and S3 instead of the data volume, MLflow on loopback, files that
// arrive through the environment (a task has no host directory to mount).
const containers_1 = require("./containers");
const stores_1 = require("./stores");
const layout_1 = require("./layout");
/** The port nginx listens on inside the task; the load balancer's target group sends requests there. */
exports.TASK_LISTEN_PORT = 80;
exports.CONTAINER_NAMES = { nginx: "nginx", mlflow: "mlflow", schemaUpgrade: "mlflow-schema-upgrade", migration: "mlflow-migrate-store" };
/** The task volume of the migration: an EBS volume created from the host's data snapshot at launch. */
exports.HOST_DATA_VOLUME = "host-data";
const quote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;
const seconds = (duration) => {
    const match = /^(\d+)s$/.exec(duration);
    if (!match)
        throw new Error(`a duration in seconds, such as 30s, expected; got ${duration}`);
    return Number(match[1]);
};
const ecsHealthCheck = (check) => ({
    command: check.test,
    interval: seconds(check.interval),
    timeout: seconds(check.timeout),
    retries: check.retries,
    startPeriod: seconds(check.startPeriod),
});
const environment = (values) => Object.entries(values).map(([name, value]) => ({ name, value }));
const logs = (input, prefix) => ({
    logDriver: "awslogs",
    options: { "awslogs-group": input.logGroup, "awslogs-region": input.region, "awslogs-stream-prefix": prefix },
});
/** Writes the CA bundle where the URI points, then runs `args` as PID 1's successor. */
const withCaBundle = (args) => `printf '%s' "$RDS_CA_BUNDLE" > ${stores_1.RDS_CA_FILE} && exec ${args.map(quote).join(" ")}`;
/** The server's environment plus the CA bundle, and the database password as a secret. */
function databaseAccess(input, extra) {
    return {
        environment: environment({ ...extra, RDS_CA_BUNDLE: input.database.caBundlePem }),
        secrets: [{ name: "PGPASSWORD", valueFrom: input.databasePasswordFrom }],
    };
}
/**
 * MLflow listens on the task's loopback only: nginx, in the same network namespace, is its one
 * client, whatever a security group says.
 */
function mlflowTaskContainer(input) {
    const stores = { database: input.database, artifactsDestination: input.artifactsDestination, region: input.region };
    const spec = (0, stores_1.onExternalStores)((0, containers_1.mlflowContainer)(input.container), input.container.mlflowVersion, stores);
    const command = (0, stores_1.withOption)(spec.command ?? [], "--host", "127.0.0.1");
    return {
        name: exports.CONTAINER_NAMES.mlflow,
        image: spec.image,
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [withCaBundle(command)],
        ...databaseAccess(input, spec.environment),
        healthCheck: ecsHealthCheck(spec.healthcheck),
        // ECS Exec's agent runs inside the container; an init process reaps what it leaves behind.
        linuxParameters: { initProcessEnabled: true },
        logConfiguration: logs(input, exports.CONTAINER_NAMES.mlflow),
    };
}
/**
 * nginx gets its configuration from the environment and the htpasswd file from a container
 * secret (SSM), writes both where the configuration expects them (the file readable by the
 * workers' group only), drops them from the environment and becomes nginx.
 */
function nginxTaskContainer(input) {
    const spec = (0, containers_1.nginxContainer)(input.container);
    const authDir = layout_1.NGINX.htpasswd.slice(0, layout_1.NGINX.htpasswd.lastIndexOf("/"));
    const script = [
        `mkdir -p ${authDir}`,
        `printf '%s' "$NGINX_CONF" > ${layout_1.NGINX.conf}`,
        `(umask 027 && printf '%s' "$HTPASSWD" > ${layout_1.NGINX.htpasswd})`,
        `chgrp ${layout_1.NGINX.gid} ${layout_1.NGINX.htpasswd}`,
        "unset NGINX_CONF HTPASSWD",
        `exec nginx -g 'daemon off;'`,
    ].join(" && ");
    return {
        name: exports.CONTAINER_NAMES.nginx,
        image: spec.image,
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [script],
        environment: environment({ ...spec.environment, NGINX_CONF: input.nginxConf }),
        secrets: [{ name: "HTPASSWD", valueFrom: input.htpasswdParameterArn }],
        portMappings: [{ containerPort: exports.TASK_LISTEN_PORT, protocol: "tcp" }],
        healthCheck: ecsHealthCheck(spec.healthcheck),
        dependsOn: [{ containerName: exports.CONTAINER_NAMES.mlflow, condition: "HEALTHY" }],
        linuxParameters: { initProcessEnabled: true },
        logConfiguration: logs(input, exports.CONTAINER_NAMES.nginx),
    };
}
/** The service's task: nginx (the load balancer's target) in front of MLflow. */
function serviceContainers(input) {
    return [mlflowTaskContainer(input), nginxTaskContainer(input)];
}
/**
 * `mlflow db upgrade` with the server's image and connection: it creates the schema in an empty
 * database and migrates an existing one to the image's revision (MLflow's db.upgrade).
 */
function schemaUpgradeContainer(input) {
    return {
        name: exports.CONTAINER_NAMES.schemaUpgrade,
        image: (0, stores_1.mlflowFullImage)(input.container.mlflowVersion),
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [withCaBundle(["mlflow", "db", "upgrade", (0, stores_1.backendStoreUri)(input.database)])],
        ...databaseAccess(input, {}),
        logConfiguration: logs(input, exports.CONTAINER_NAMES.schemaUpgrade),
    };
}
/**
 * The move from one host: scripts/migrate-store.py (its text arrives in the environment; the
 * image has MLflow, psycopg2 and boto3) reads the host's data volume, mounted where the host
 * mounts it, and writes the database and the bucket the service uses. The volume is a copy made
 * from a snapshot for this task alone, so it is mounted writable: SQLite may roll back a journal
 * left by a host that stopped uncleanly.
 */
function migrationContainer(input, migrateStoreScript) {
    const script = "/tmp/migrate-store.py";
    const command = ["python", script, "--sqlite", `${layout_1.DATA.mlflow}/${layout_1.SQLITE_FILE}`, "--artifacts", layout_1.DATA.artifacts,
        "--postgres", (0, stores_1.backendStoreUri)(input.database), "--s3", input.artifactsDestination];
    return {
        name: exports.CONTAINER_NAMES.migration,
        image: (0, stores_1.mlflowFullImage)(input.container.mlflowVersion),
        essential: true,
        entryPoint: ["/bin/sh", "-c"],
        command: [`printf '%s' "$MIGRATE_STORE_PY" > ${script} && ${withCaBundle(command)}`],
        ...databaseAccess(input, { MIGRATE_STORE_PY: migrateStoreScript, AWS_DEFAULT_REGION: input.region }),
        mountPoints: [{ sourceVolume: exports.HOST_DATA_VOLUME, containerPath: layout_1.HOST.dataMount, readOnly: false }],
        logConfiguration: logs(input, exports.CONTAINER_NAMES.migration),
    };
}
//# sourceMappingURL=taskContainers.js.map