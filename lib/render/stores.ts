// MLflow's stores outside the machine it runs on: RDS for PostgreSQL and an S3 bucket. The scaled
// tier's tasks (taskContainers.ts) and a stateless host (compose.ts) start from the same MLflow
// container as the host on its data volume (containers.ts) and change, through these, only what the
// stores need.
import { ContainerSpec, mlflowFullImage, SQLITE_STORE_ENVIRONMENT } from "./containers";

/**
 * Artifacts live under this key prefix of the bucket, as they live under artifacts/ of the data
 * volume: a migration from a host copies the directory's tree to the prefix unchanged, and every
 * mlflow-artifacts:/ URI in the database keeps pointing at the same object.
 */
export const S3_ARTIFACT_PREFIX = "artifacts";

export const artifactsDestination = (bucket: string) => `s3://${bucket}/${S3_ARTIFACT_PREFIX}`;

/**
 * Where MLflow's container finds the RDS CA bundle: a task writes it there before MLflow starts,
 * a stateless host mounts the file it received there.
 */
export const RDS_CA_FILE = "/tmp/rds-ca.pem";

export interface PostgresConnection {
    host: string;
    port: number;
    database: string;
    user: string;
    /** The CA certificates the server's certificate must chain to (rdsCa.ts). */
    caBundlePem: string;
}

/** What MLflow needs to know of the external stores. */
export interface ExternalStores {
    database: PostgresConnection;
    /** s3://<bucket>/<prefix> (artifactsDestination). */
    artifactsDestination: string;
    region: string;
}

/**
 * libpq reads the password from PGPASSWORD (a task's container secret) or PGPASSFILE (a host's
 * file), so the URI carries none: nothing to URL-encode, and MLflow's and alembic's logs of the
 * URI show no secret. verify-full checks the chain against the RDS CAs and the host name against
 * the certificate. The driver is named: SQLAlchemy 2.1 takes a bare postgresql:// to mean
 * psycopg 3, which the image need not have; psycopg2 is what the -full image and the tests'
 * environment carry, and what MLflow's job lock manager supports.
 */
export const backendStoreUri = (db: PostgresConnection) =>
    `postgresql+psycopg2://${db.user}@${db.host}:${db.port}/${db.database}?sslmode=verify-full&sslrootcert=${RDS_CA_FILE}`;

/** One line of a libpq password file (host:port:database:user:password, `\` and `:` escaped). */
export function pgpassLine(db: Omit<PostgresConnection, "caBundlePem">, password: string): string {
    const field = (value: string) => value.replace(/[\\:]/g, match => `\\${match}`);
    return [db.host, String(db.port), db.database, db.user, password].map(field).join(":") + "\n";
}

/** A command's option value replaced; a renamed option in containers.ts fails here instead of being silently kept. */
export function withOption(command: string[], option: string, value: string): string[] {
    const index = command.indexOf(option);
    if (index < 0 || index === command.length - 1) throw new Error(`the MLflow command has no ${option} <value> to replace`);
    return [...command.slice(0, index + 1), value, ...command.slice(index + 2)];
}

/**
 * SQLAlchemy's pool of a PostgreSQL store, per MLflow server (a connection there costs a TLS
 * handshake, so connections are kept). A uvicorn worker runs up to 40 requests at once in its
 * thread pool, and MLflow's log_batch holds one session while the metrics, parameters and tags it
 * logs open another: with SQLAlchemy's default of 5 + 10 connections, 15 concurrent log_batch
 * calls can each hold one and wait for a second, and none goes on (the benchmark's 100 training
 * clients on PostgreSQL stopped for minutes). 41 connections let at least one always finish; 5
 * stay open between bursts. Two servers need up to 82 of the database's connections.
 */
export const POSTGRES_STORE_ENVIRONMENT: Readonly<Record<string, string>> = {
    MLFLOW_SQLALCHEMYSTORE_POOL_SIZE: "5",
    MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW: "36",
};

/**
 * The MLflow container on PostgreSQL and S3: the -full image, the stores' options replaced, the
 * SQLite store's settings replaced by PostgreSQL's pool, and the region boto3 must be told (it
 * finds the role's credentials itself).
 */
export function onExternalStores(spec: ContainerSpec, mlflowVersion: string, stores: ExternalStores): ContainerSpec {
    let command = withOption(spec.command ?? [], "--backend-store-uri", backendStoreUri(stores.database));
    command = withOption(command, "--artifacts-destination", stores.artifactsDestination);
    const environment = Object.fromEntries(Object.entries(spec.environment).filter(([name]) => !(name in SQLITE_STORE_ENVIRONMENT)));
    return {
        ...spec, image: mlflowFullImage(mlflowVersion), command,
        environment: { ...environment, ...POSTGRES_STORE_ENVIRONMENT, AWS_DEFAULT_REGION: stores.region },
    };
}
