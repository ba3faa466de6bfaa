"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.backendStoreUri = exports.RDS_CA_FILE = exports.mlflowFullImage = exports.artifactsDestination = exports.S3_ARTIFACT_PREFIX = void 0;
exports.pgpassLine = pgpassLine;
exports.withOption = withOption;
exports.onExternalStores = onExternalStores;
// MLflow's stores outside the machine it runs on: RDS for PostgreSQL and an S3 bucket. The scaled
// tier's tasks (taskContainers.ts) and a stateless host (compose.ts) start from the same MLflow
// container as the host on its data volume (containers.ts) and change, through these, only what the
// stores need.
const containers_1 = require("./containers");
/**
 * Artifacts live under this key prefix of the bucket, as they live under artifacts/ of the data
 * volume: a migration from a host copies the directory's tree to the prefix unchanged, and every
 * mlflow-artifacts:/ URI in the database keeps pointing at the same object.
 */
exports.S3_ARTIFACT_PREFIX = "artifacts";
const artifactsDestination = (bucket) => `s3://${bucket}/${exports.S3_ARTIFACT_PREFIX}`;
exports.artifactsDestination = artifactsDestination;
/** boto3 (S3) and psycopg2 (PostgreSQL) are only in MLflow's -full image. */
const mlflowFullImage = (version) => `${(0, containers_1.mlflowImage)(version)}-full`;
exports.mlflowFullImage = mlflowFullImage;
/**
 * Where MLflow's container finds the RDS CA bundle: a task writes it there before MLflow starts,
 * a stateless host mounts the file it received there.
 */
exports.RDS_CA_FILE = "/tmp/rds-ca.pem";
/**
 * libpq reads the password from PGPASSWORD (a task's container secret) or PGPASSFILE (a host's
 * file), so the URI carries none: nothing to URL-encode, and MLflow's and alembic's logs of the
 * URI show no secret. verify-full checks the chain against the RDS CAs and the host name against
 * the certificate. The driver is named: SQLAlchemy 2.1 takes a bare postgresql:// to mean
 * psycopg 3, which the image need not have; psycopg2 is what the -full image and the tests'
 * environment carry, and what MLflow's job lock manager supports.
 */
const backendStoreUri = (db) => `postgresql+psycopg2://${db.user}@${db.host}:${db.port}/${db.database}?sslmode=verify-full&sslrootcert=${exports.RDS_CA_FILE}`;
exports.backendStoreUri = backendStoreUri;
/** One line of a libpq password file (host:port:database:user:password, `\` and `:` escaped). */
function pgpassLine(db, password) {
    const field = (value) => value.replace(/[\\:]/g, match => `\\${match}`);
    return [db.host, String(db.port), db.database, db.user, password].map(field).join(":") + "\n";
}
/** A command's option value replaced; a renamed option in containers.ts fails here instead of being silently kept. */
function withOption(command, option, value) {
    const index = command.indexOf(option);
    if (index < 0 || index === command.length - 1)
        throw new Error(`the MLflow command has no ${option} <value> to replace`);
    return [...command.slice(0, index + 1), value, ...command.slice(index + 2)];
}
/**
 * The MLflow container on PostgreSQL and S3: the -full image, the stores' options replaced, what
 * only the SQLite store needs left out (a PostgreSQL store keeps SQLAlchemy's pool: there a
 * connection costs a TLS handshake), and the region boto3 must be told (it finds the role's
 * credentials itself).
 */
function onExternalStores(spec, mlflowVersion, stores) {
    let command = withOption(spec.command ?? [], "--backend-store-uri", (0, exports.backendStoreUri)(stores.database));
    command = withOption(command, "--artifacts-destination", stores.artifactsDestination);
    const environment = Object.fromEntries(Object.entries(spec.environment).filter(([name]) => !(name in containers_1.SQLITE_STORE_ENVIRONMENT)));
    return { ...spec, image: (0, exports.mlflowFullImage)(mlflowVersion), command, environment: { ...environment, AWS_DEFAULT_REGION: stores.region } };
}
//# sourceMappingURL=stores.js.map