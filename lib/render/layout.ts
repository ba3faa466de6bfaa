// Where things live, on the host and inside the containers. Every renderer and script takes
// its paths from here, so a path is spelled once.

/**
 * MLflow's artifact store (--artifacts-destination), inside its data directory wherever that is
 * mounted: in the MLflow container, on the data volume, and read-only in the nginx container,
 * which serves downloads from it. An artifact's path in the API is its path under the store.
 */
const ARTIFACT_STORE = "artifacts";

/** The identity module's file name (host/ holds it): the module authorization_function names (mlflowAuth.ts). */
export const IDENTITY_MODULE_FILE = "mlflow_on_aws_identity.py";

const HOST_PYTHON_DIR = "/usr/local/lib/mlflow-on-aws/python";

/** Paths on the EC2 host. */
export const HOST = {
    /** Mount point of the data volume: database, artifacts, certificates, backups. */
    dataMount: "/srv/mlflow-data",
    configDir: "/etc/mlflow",
    composeFile: "/etc/mlflow/compose.yaml",
    nginxConf: "/etc/mlflow/nginx.conf",
    /** Settings of the host scripts, as KEY=value lines (no secrets). */
    hostEnv: "/etc/mlflow/host.env",
    caCert: "/etc/mlflow/tls/ca.pem",
    fallbackCert: "/etc/mlflow/tls/fallback-fullchain.pem",
    /** Filled by mlflow-certificate: the Let's Encrypt certificate when there is one, else the fallback. */
    activeTlsDir: "/etc/mlflow/tls/active",
    secretsDir: "/etc/mlflow/secrets",
    /** AWS's public key that the SSM agent's package must be signed with. */
    ssmAgentKey: "/etc/mlflow/amazon-ssm-agent.asc",
    /** mlflow-watchdog's count of failed checks in a row (a tmpfs: a reboot starts it afresh). */
    watchdogStateDir: "/run/mlflow-watchdog",
    htpasswd: "/etc/mlflow/secrets/htpasswd",
    fallbackKey: "/etc/mlflow/secrets/fallback-privkey.pem",
    /** A stateless host's database password, as libpq reads it (fetched at boot from Secrets Manager). */
    pgpassFile: "/etc/mlflow/secrets/pgpass",
    /** The RDS CA bundle a stateless host's MLflow verifies the database against. */
    rdsCaBundle: "/etc/mlflow/tls/rds-ca.pem",
    dockerDaemonConfig: "/etc/docker/daemon.json",
    scriptDir: "/usr/local/sbin",
    /** mlflow-gc's program, which runs in a one-off MLflow container (not on the host's Python). */
    gcProgram: "/usr/local/lib/mlflow-on-aws/mlflow-gc.py",
    /** With auth mlflow: the auth app's configuration (no secret in it), mounted into MLflow's containers. */
    authConfig: "/etc/mlflow/mlflow-auth.ini",
    /** With auth mlflow: the auth app's secret key, as an env file for MLflow's containers (fetched at boot). */
    authEnv: "/etc/mlflow/secrets/mlflow-auth.env",
    /** With auth mlflow: the stack's users and their generated passwords, JSON (fetched at boot). */
    authUsers: "/etc/mlflow/secrets/mlflow-auth-users.json",
    /** mlflow-auth-setup's program, which runs in a one-off MLflow container. */
    authSetupProgram: "/usr/local/lib/mlflow-on-aws/mlflow-auth-setup.py",
    /** With auth oidc: the directory of MLflow's authorization function (the identity module), mounted into MLflow's containers. */
    pythonDir: HOST_PYTHON_DIR,
    identityModule: `${HOST_PYTHON_DIR}/${IDENTITY_MODULE_FILE}`,
    /** With auth oidc: oauth2-proxy's client and cookie secrets, as an env file for its container (fetched at boot). */
    oidcEnv: "/etc/mlflow/secrets/oauth2-proxy.env",
    systemdDir: "/etc/systemd/system",
} as const;

/** MLflow's SQLite database, in its data directory (DATA.mlflow on the host, MLFLOW.dataDir in the container). */
export const SQLITE_FILE = "mlflow.db";

/** Directories on the data volume. */
export const DATA = {
    mlflow: `${HOST.dataMount}/mlflow`,
    artifacts: `${HOST.dataMount}/mlflow/${ARTIFACT_STORE}`,
    letsencrypt: `${HOST.dataMount}/letsencrypt`,
    acmeWebroot: `${HOST.dataMount}/acme-webroot`,
    backups: `${HOST.dataMount}/backups`,
} as const;

/**
 * With auth mlflow: the users mlflow-auth-setup created (JSON names), beside the database, so that
 * one the admin deleted stays deleted; the move to the scaled tier carries it. A file, not one of
 * the directories mlflow-prepare-data makes.
 */
export const AUTH_SEEDED_FILE = `${DATA.mlflow}/.auth-seeded-users`;

/** Paths inside the nginx container. */
export const NGINX = {
    conf: "/etc/nginx/nginx.conf",
    htpasswd: "/etc/nginx/auth/htpasswd",
    tlsDir: "/etc/nginx/tls",
    certificate: "/etc/nginx/tls/fullchain.pem",
    certificateKey: "/etc/nginx/tls/privkey.pem",
    acmeWebroot: "/var/www/acme",
    /** MLflow's data directory, read-only (the local target mounts all of it, the EC2 host only the store). */
    mlflowDataDir: "/srv/mlflow",
    artifactsDir: `/srv/mlflow/${ARTIFACT_STORE}`,
    /** nginx's temporary files; the configuration keeps them unused, and tests check that they stay empty. */
    clientBodyTemp: "/var/cache/nginx/client_temp",
    proxyTemp: "/var/cache/nginx/proxy_temp",
    /** The nginx user of the official image; the htpasswd file is group-readable by it. */
    uid: 101,
    gid: 101,
} as const;

/** The MLflow container. */
export const MLFLOW = {
    service: "mlflow",
    port: 5000,
    dataDir: "/mlflow",
    artifactsDir: `/mlflow/${ARTIFACT_STORE}`,
    /** A stateless host's password file (PGPASSFILE), mounted read-only. */
    pgpassFile: "/run/secrets/pgpass",
    /** With auth mlflow: the auth app's configuration (MLFLOW_AUTH_CONFIG_PATH), mounted read-only. */
    authConfig: "/etc/mlflow-auth.ini",
    /** With auth oidc: the directory on MLflow's PYTHONPATH that holds the identity module (HOST.pythonDir). */
    pythonDir: "/opt/mlflow-on-aws/python",
} as const;
