// Everything the EC2 host receives: the files cloud-init writes from user data, the files the
// host fetches from SSM Parameter Store at boot, and the cloud-config that ties them together.
// Pure: settings and deployment facts in, file contents out.
import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import { stringify } from "yaml";
import { projectRoot } from "../projectRoot";
import { runsAuthApp, Settings } from "../settings";
import { renderCompose } from "./compose";
import { SQLITE_JOURNAL_MODE } from "./containers";
import { containerInput, Endpoint, oidcProxyInput, renderProxyConf } from "./endpoint";
import { AUTH_SEEDED_FILE, DATA, HOST, IDENTITY_MODULE_FILE, MLFLOW, NGINX, SQLITE_FILE } from "./layout";
import { renderAuthConfig } from "./mlflowAuth";
import { BACKUP_TIME_UTC, DISK_WARN_PERCENT, GC_TIME_UTC, METRIC_NAMESPACE, WATCHDOG_FAILED_CHECKS } from "./schedule";
import { backendStoreUri, ExternalStores, pgpassLine } from "./stores";

/** What only a deployment knows; `npm run render` supplies sample values. */
export interface HostFacts {
    stack: string;
    region: string;
    /** How clients reach the host (endpoint.ts): its names and port. */
    endpoint: Endpoint;
    dataVolumeId: string;
    /** The CloudWatch Logs group mlflow-log-shipper writes the host's journal to. */
    logGroup: string;
    htpasswdParameter: string;
    tlsKeyParameter: string;
    /** With auth mlflow: the SecureString parameters of the auth app's env file and of the users' passwords. */
    authEnvParameter: string;
    authUsersParameter: string;
    /** With auth oidc: oauth2-proxy's env file (its client and cookie secrets). */
    oidcEnvParameter: string;
    /** The SSM parameters <prefix>/0.. that hold the host bundle (renderHostBundle). */
    bundleParameterPrefix: string;
    /** Versions of the secrets' SSM parameters: a changed secret changes the user data, and so replaces the host. */
    secretVersions: string;
    caCertPem: string;
    /** Server certificate followed by the CA certificate. */
    fallbackChainPem: string;
    /** A stateless host's stores (backendStore rds, artifactStore s3); without them MLflow keeps everything on the data volume. */
    stores?: HostStores;
}

/** RDS and S3 as a stateless host sees them. */
export interface HostStores extends ExternalStores {
    /** The Secrets Manager secret RDS keeps the database's password in ({"username", "password"}). */
    databaseSecretArn: string;
    /** The RDS instance: the host snapshots it before a schema upgrade. */
    databaseIdentifier: string;
}

export interface HostSecrets {
    htpasswd: string;
    tlsKeyPem: string;
    /** With auth mlflow: the auth app's env file (renderAuthEnv) and the users' passwords (renderAuthUsers). */
    authEnv?: string;
    authUsers?: string;
    /** With auth oidc: oauth2-proxy's env file (renderOidcEnv). */
    oidcEnv?: string;
    /** A stateless host's database password (what RDS's secret holds). */
    databasePassword?: string;
}

export interface HostFile {
    /** Absolute path on the host. */
    path: string;
    content: string;
    /** Octal permission bits, e.g. "0644". */
    mode: string;
    /**
     * "user-data": written by cloud-init (the bundle's installer only); "bundle": written by
     * mlflow-install-bundle from the host bundle's SSM parameters; "ssm" and "secrets-manager":
     * fetched at boot by mlflow-fetch-secrets.
     */
    delivery: "user-data" | "bundle" | "ssm" | "secrets-manager";
    /** For "ssm": the parameter the content comes from; for "secrets-manager", the secret. */
    parameter?: string;
}

/**
 * What the host installs, all from Debian 13's own archive, for amd64 and arm64 alike: upstream
 * version and Debian revision, pinned. The trailing `*` is apt's version prefix match (it takes
 * the newest version that starts with the rest): trixie's security and point-release updates
 * append `+deb13uN` to the revision and rebuilds `+bN` (docker.io is 26.1.5+dfsg1-9+deb13u1+b1
 * today), so they still install, while a new upstream version or revision never arrives unseen. test/boot-rehearsal.test.ts checks that every entry
 * resolves in the archive for both architectures.
 */
export const HOST_PACKAGES = {
    /** Docker Engine. */
    "docker.io": "26.1.5+dfsg1-9*",
    /** Compose v2; it installs the `docker compose` CLI plugin that mlflow.service calls. */
    "docker-compose": "2.26.1-4*",
    /** AWS CLI v2: mlflow-fetch-secrets and mlflow-monitor. */
    awscli: "2.23.6-1*",
    sqlite3: "3.46.1-7*",
    curl: "8.14.1-2*",
    /** Checks the SSM agent against AWS's key (mlflow-ssm-agent); Debian 13's apt verifies with sqv, so gpgv is not there by itself. */
    gpgv: "2.4.7-21*",
    /** Only with a domain. */
    certbot: "4.0.0-2*",
    /** Only with a domain and route53ZoneId: DNS-01 through Route 53. */
    "python3-certbot-dns-route53": "4.0.0-1*",
} as const;

/**
 * AWS's SSM agent, which Debian does not package: the release mlflow-ssm-agent installs, and the
 * public key its signature must verify against (AWS's "SSM Agent <ssm-agent-signer@amazon.com>",
 * fingerprint SSM_AGENT_KEY_FINGERPRINT, as the Systems Manager guide publishes it for verifying
 * the agent). The key expired in February 2025; gpgv still accepts what it signed before then.
 */
export const SSM_AGENT_VERSION = "3.3.987.0";
export const SSM_AGENT_KEY_FILE = "amazon-ssm-agent.asc";
export const SSM_AGENT_KEY_FINGERPRINT = "DE92C7DA3E56E92331D62A36BC1F495C97DD04ED";

const HOST_SCRIPTS = ["mlflow-prepare-data", "mlflow-fetch-secrets", "mlflow-certificate", "mlflow-db-upgrade", "mlflow-auth-setup", "mlflow-monitor", "mlflow-watchdog", "mlflow-ssm-agent", "mlflow-boot-report", "mlflow-log-shipper", "mlflow-gc"];
const SYSTEMD_UNITS = [
    "mlflow.service",
    "mlflow-certificate.service", "mlflow-certificate.timer",
    "mlflow-monitor.service", "mlflow-monitor.timer",
    "mlflow-watchdog.service", "mlflow-watchdog.timer",
    "mlflow-ssm-agent.service",
    "mlflow-boot-report.service",
    "mlflow-log-shipper.service",
    "mlflow-gc.service", "mlflow-gc.timer",
    "docker.service.d/mlflow-data-volume.conf",
    "docker.service.d/mlflow-journal.conf",
];
/**
 * The consistent copy of the SQLite database before the daily snapshot; a stateless host has no
 * database file (RDS backs up its own).
 */
const SQLITE_BACKUP = { script: "mlflow-backup", units: ["mlflow-backup.service", "mlflow-backup.timer"] } as const;
/** Rendered from BACKUP_TIME_UTC, which the snapshot time must follow, instead of shipped in host/. */
const BACKUP_SCHEDULE_DROP_IN = "mlflow-backup.timer.d/schedule.conf";
/** Rendered from GC_TIME_UTC, which must follow the snapshot time. */
const GC_SCHEDULE_DROP_IN = "mlflow-gc.timer.d/schedule.conf";
/** The garbage collection's program in host/: the host runs it, and so does the scaled tier's gc task. */
export const GC_PROGRAM_FILE = "mlflow-gc.py";
/** mlflow-auth-setup's program in host/. */
export const AUTH_SETUP_PROGRAM_FILE = "mlflow-auth-setup.py";

/** Started at first boot; the services they trigger follow. */
export function enabledUnits(facts: Pick<HostFacts, "stores">): string[] {
    return ["mlflow.service", "mlflow-certificate.timer", ...(facts.stores ? [] : ["mlflow-backup.timer"]), "mlflow-monitor.timer", "mlflow-watchdog.timer", "mlflow-gc.timer", "mlflow-ssm-agent.service", "mlflow-boot-report.service", "mlflow-log-shipper.service"];
}

/** The host scripts and units ship as files in host/, so shellcheck and systemd-analyze read them as they are. */
export const HOST_SOURCE_DIR = path.join(projectRoot(), "host");
const hostSource = (name: string) => readFileSync(path.join(HOST_SOURCE_DIR, name), "utf8");

/** Settings of the host scripts. Paths come from layout.ts so that each is spelled once. */
export function renderHostEnv(settings: Settings, facts: HostFacts): string {
    const endpoint = facts.endpoint;
    const values: Record<string, string> = {
        STACK: facts.stack,
        AWS_REGION: facts.region,
        DATA_VOLUME_ID: facts.dataVolumeId,
        DATA_MOUNT: HOST.dataMount,
        DATA_DIRS: Object.values(DATA).map(dir => path.relative(HOST.dataMount, dir)).join(" "),
        DATA_DEVICE_WAIT_SECONDS: "600",
        DISK_WARN_PERCENT: String(DISK_WARN_PERCENT),
        METRIC_NAMESPACE,
        SERVER_NAME: endpoint.names[0],
        HEALTH_CHECK_URL: "http://127.0.0.1/health",
        // Port 80's redirect, which nginx answers itself.
        NGINX_CHECK_URL: "http://127.0.0.1/",
        WATCHDOG_FAILED_CHECKS: String(WATCHDOG_FAILED_CHECKS),
        WATCHDOG_STATE_DIR: HOST.watchdogStateDir,
        // How long after mlflow.service has started the boot report waits for /health (images pulled, MLflow up).
        BOOT_HEALTH_WAIT_SECONDS: "600",
        SSM_AGENT_VERSION,
        // AWS's distribution of the agent in the host's own region.
        SSM_AGENT_BASE_URL: `https://s3.${facts.region}.${awsDnsSuffix(facts.region)}/amazon-ssm-${facts.region}`,
        LOG_GROUP: facts.logGroup,
        LOGS_ENDPOINT: `https://logs.${facts.region}.${awsDnsSuffix(facts.region)}`,
        SSM_AGENT_KEY: HOST.ssmAgentKey,
        SECRETS_DIR: HOST.secretsDir,
        HTPASSWD_PARAMETER: facts.htpasswdParameter,
        TLS_KEY_PARAMETER: facts.tlsKeyParameter,
        SECRET_VERSIONS: facts.secretVersions,
        NGINX_GID: String(NGINX.gid),
        COMPOSE_FILE: HOST.composeFile,
        ACTIVE_TLS_DIR: HOST.activeTlsDir,
        FALLBACK_CERT: HOST.fallbackCert,
        FALLBACK_KEY: HOST.fallbackKey,
        LETSENCRYPT_DIR: DATA.letsencrypt,
        ACME_WEBROOT: DATA.acmeWebroot,
        // HTTP-01 needs Let's Encrypt to reach port 80, which a narrow allowedCidrs prevents;
        // with the zone in Route 53, DNS-01 needs no inbound traffic at all.
        ACME_CHALLENGE: settings.domain && settings.route53ZoneId ? "dns-route53" : "http-01",
        DOMAIN: settings.domain ?? "",
        ACME_EMAIL: settings.acmeEmail ?? "",
        MLFLOW_VERSION: settings.mlflowVersion,
        GC_RETENTION_DAYS: String(settings.gcRetentionDays),
        GC_PROGRAM: HOST.gcProgram,
        AUTH: settings.auth,
        AUTH_SEEDED_FILE: AUTH_SEEDED_FILE,
        ...(settings.oidc ? { OIDC_ENV_PARAMETER: facts.oidcEnvParameter, OIDC_ENV_FILE: HOST.oidcEnv } : {}),
        ...(runsAuthApp(settings.auth) ? {
            AUTH_ENV_PARAMETER: facts.authEnvParameter,
            AUTH_ENV_FILE: HOST.authEnv,
            AUTH_USERS_PARAMETER: facts.authUsersParameter,
            AUTH_USERS_FILE: HOST.authUsers,
            AUTH_SETUP_PROGRAM: HOST.authSetupProgram,
        } : {}),
        MLFLOW_DATA_DIR: DATA.mlflow,
        BACKUP_DIR: DATA.backups,
        ...storeSettings(facts.stores),
    };
    return Object.entries(values).map(([key, value]) => `${key}=${shellQuote(value)}`).join("\n") + "\n";
}

/** The tracking store's URI as MLflow's container reaches it: the SQLite file on the data volume, or RDS. */
const containerDatabaseUri = (stores: HostStores | undefined) =>
    stores ? backendStoreUri(stores.database) : `sqlite:///${MLFLOW.dataDir}/${SQLITE_FILE}`;

/** Where the database is, for mlflow-db-upgrade and (a stateless host's) mlflow-fetch-secrets. */
function storeSettings(stores: HostStores | undefined): Record<string, string> {
    if (!stores) {
        return {
            BACKEND_STORE: "sqlite", MLFLOW_CONTAINER_DB_URI: containerDatabaseUri(stores), MLFLOW_CONTAINER_ARTIFACTS_DESTINATION: MLFLOW.artifactsDir,
            SQLITE_JOURNAL_MODE,
        };
    }
    const db = stores.database;
    return {
        BACKEND_STORE: "rds",
        MLFLOW_CONTAINER_DB_URI: containerDatabaseUri(stores),
        MLFLOW_CONTAINER_ARTIFACTS_DESTINATION: stores.artifactsDestination,
        DATABASE_HOST: db.host,
        DATABASE_PORT: String(db.port),
        DATABASE_NAME: db.database,
        DATABASE_USER: db.user,
        DATABASE_SECRET_ARN: stores.databaseSecretArn,
        DATABASE_IDENTIFIER: stores.databaseIdentifier,
        PGPASS_FILE: HOST.pgpassFile,
    };
}

/**
 * Containers log to the journal, where `docker compose logs` still reads them and
 * mlflow-log-shipper finds them next to the host's units; the compose service's name goes with
 * each line (the COM_DOCKER_COMPOSE_SERVICE field), which names its CloudWatch stream.
 */
export function renderDockerDaemonConfig(): string {
    return JSON.stringify({
        "log-driver": "journald",
        "log-opts": { tag: "{{.Name}}", labels: "com.docker.compose.service" },
    }, null, 2) + "\n";
}

/** Where a region's AWS endpoints live: the China regions have a domain of their own. */
export function awsDnsSuffix(region: string): string {
    return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

/** A daily timer's schedule, at HH:MM UTC. */
export function renderDailySchedule(timeUtc: string): string {
    return `[Timer]\nOnCalendar=*-*-* ${timeUtc}:00 UTC\n`;
}

function shellQuote(value: string): string {
    return /^[A-Za-z0-9_./:@,+-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The one file cloud-init writes from user data: what writes the rest, from the host bundle. */
export const BUNDLE_INSTALLER = "mlflow-install-bundle";

/**
 * The host bundle spans at most this many SSM parameters of the standard tier (4 KB each, free;
 * the installer reads them ten to a GetParameters call): about 60 KB of gzip-compressed files,
 * where user data takes 16 KiB. The host's scripts alone take nine; auth oidc, with its most
 * groups, up to eleven (test/aws-arguments).
 */
export const HOST_BUNDLE_PARAMETERS = 20;
export const HOST_BUNDLE_CHUNK_CHARS = 4096;

export interface HostBundle {
    /** The parameters' values, in order: base64 of the gzip-compressed JSON of the files. */
    chunks: string[];
    /** SHA-256 of the compressed bundle, which the installer checks. */
    sha256: string;
}

/** Every file the host holds, but for the installer (user data) and the secrets (fetched apart). */
export function renderHostBundle(settings: Settings, facts: HostFacts): HostBundle {
    const files = hostFiles(settings, facts).filter(file => file.delivery === "bundle").map(({ path: filePath, content, mode }) => ({ path: filePath, content, mode }));
    const compressed = gzipSync(Buffer.from(JSON.stringify(files), "utf8"), { level: 9 });
    const text = compressed.toString("base64");
    const chunks: string[] = [];
    for (let at = 0; at < text.length; at += HOST_BUNDLE_CHUNK_CHARS) chunks.push(text.slice(at, at + HOST_BUNDLE_CHUNK_CHARS));
    if (chunks.length > HOST_BUNDLE_PARAMETERS) {
        throw new Error(`the host bundle takes ${chunks.length} SSM parameters of ${HOST_BUNDLE_CHUNK_CHARS} characters; HOST_BUNDLE_PARAMETERS allows ${HOST_BUNDLE_PARAMETERS}`);
    }
    return { chunks, sha256: createHash("sha256").update(compressed).digest("hex") };
}

/** Files the host holds: configuration, certificates (public parts), scripts and units. */
export function hostFiles(settings: Settings, facts: HostFacts): HostFile[] {
    const endpoint = facts.endpoint;
    const file = (filePath: string, content: string, mode = "0644"): HostFile =>
        ({ path: filePath, content, mode, delivery: "bundle" });
    const stores = facts.stores;
    return [
        { path: `${HOST.scriptDir}/${BUNDLE_INSTALLER}`, content: hostSource(BUNDLE_INSTALLER), mode: "0755", delivery: "user-data" },
        file(HOST.hostEnv, renderHostEnv(settings, facts)),
        file(HOST.composeFile, renderCompose(containerInput(settings, endpoint), stores, oidcProxyInput(settings, endpoint))),
        file(HOST.nginxConf, renderProxyConf(endpoint, settings.maxUploadSize, stores === undefined, settings.auth)),
        file(HOST.caCert, facts.caCertPem),
        file(HOST.ssmAgentKey, hostSource(SSM_AGENT_KEY_FILE)),
        file(HOST.fallbackCert, facts.fallbackChainPem),
        ...(stores ? [file(HOST.rdsCaBundle, stores.database.caBundlePem)] : []),
        file(HOST.dockerDaemonConfig, renderDockerDaemonConfig()),
        ...HOST_SCRIPTS.map(name => file(`${HOST.scriptDir}/${name}`, hostSource(name), "0755")),
        ...SYSTEMD_UNITS.map(name => file(`${HOST.systemdDir}/${name}`, hostSource(name))),
        file(`${HOST.systemdDir}/${GC_SCHEDULE_DROP_IN}`, renderDailySchedule(GC_TIME_UTC)),
        file(HOST.gcProgram, hostSource(GC_PROGRAM_FILE)),
        file(HOST.authSetupProgram, hostSource(AUTH_SETUP_PROGRAM_FILE)),
        ...(settings.auth !== "basic" ? [
            // The users and permissions live in the tracking store's database, so that its
            // backups, snapshots and a move to the scaled tier carry them.
            file(HOST.authConfig, renderAuthConfig({
                defaultPermission: settings.authDefaultPermission, adminUsername: settings.users[0], databaseUri: containerDatabaseUri(stores), auth: settings.auth,
            })),
        ] : []),
        ...(settings.oidc ? [file(HOST.identityModule, hostSource(IDENTITY_MODULE_FILE))] : []),
        ...(stores ? [] : [
            file(`${HOST.scriptDir}/${SQLITE_BACKUP.script}`, hostSource(SQLITE_BACKUP.script), "0755"),
            ...SQLITE_BACKUP.units.map(name => file(`${HOST.systemdDir}/${name}`, hostSource(name))),
            file(`${HOST.systemdDir}/${BACKUP_SCHEDULE_DROP_IN}`, renderDailySchedule(BACKUP_TIME_UTC)),
        ]),
    ];
}

/**
 * Files fetched at boot, from SSM Parameter Store (and a stateless host's password file, from the
 * secret RDS keeps); their contents never enter user data.
 */
export function secretFiles(facts: Pick<HostFacts, "htpasswdParameter" | "tlsKeyParameter" | "authEnvParameter" | "authUsersParameter" | "oidcEnvParameter" | "stores">, secrets: HostSecrets): HostFile[] {
    const stores = facts.stores;
    if (stores && secrets.databasePassword === undefined) throw new Error("a stateless host's secret files need the database password");
    if ((secrets.authEnv === undefined) !== (secrets.authUsers === undefined)) throw new Error("the auth app's secret files come together: its env file and the users' passwords");
    return [
        { path: HOST.htpasswd, content: secrets.htpasswd, mode: "0640", delivery: "ssm", parameter: facts.htpasswdParameter },
        { path: HOST.fallbackKey, content: secrets.tlsKeyPem, mode: "0600", delivery: "ssm", parameter: facts.tlsKeyParameter },
        ...(secrets.authEnv !== undefined && secrets.authUsers !== undefined ? [
            { path: HOST.authEnv, content: secrets.authEnv, mode: "0600", delivery: "ssm" as const, parameter: facts.authEnvParameter },
            { path: HOST.authUsers, content: secrets.authUsers, mode: "0600", delivery: "ssm" as const, parameter: facts.authUsersParameter },
        ] : []),
        ...(secrets.oidcEnv !== undefined ? [{ path: HOST.oidcEnv, content: secrets.oidcEnv, mode: "0600", delivery: "ssm" as const, parameter: facts.oidcEnvParameter }] : []),
        ...(stores ? [{
            path: HOST.pgpassFile,
            content: pgpassLine(stores.database, secrets.databasePassword!),
            mode: "0600",
            delivery: "secrets-manager" as const,
            parameter: stores.databaseSecretArn,
        }] : []),
    ];
}

/** The packages a stack's host installs, each with its pinned version. */
export function hostPackages(settings: Settings): Array<[keyof typeof HOST_PACKAGES, string]> {
    const names: Array<keyof typeof HOST_PACKAGES> = [
        "docker.io", "docker-compose", "awscli", "sqlite3", "curl", "gpgv",
        ...(settings.domain ? ["certbot" as const] : []),
        ...(settings.domain && settings.route53ZoneId ? ["python3-certbot-dns-route53" as const] : []),
    ];
    return names.map(name => [name, HOST_PACKAGES[name]]);
}

/**
 * The cloud-config. Debian 13 (trixie) because its own archive has every package the host needs,
 * for amd64 and arm64, with security support: Docker Engine, Compose v2, the AWS CLI v2, certbot
 * with its Route 53 plugin, sqlite3 (Ubuntu 24.04 has no AWS CLI package; Amazon Linux 2023 no
 * compose plugin). No third-party repository or signing key is needed, and since Debian's
 * archive is reachable from the test machines, test/boot-rehearsal.test.ts boots this exact
 * cloud-config with trixie's own cloud-init, systemd and packages.
 */
export function renderCloudConfig(settings: Settings, facts: HostFacts): string {
    const bundle = renderHostBundle(settings, facts);
    const config = {
        package_update: true,
        write_files: hostFiles(settings, facts).filter(f => f.delivery === "user-data").map(f => ({
            path: f.path,
            permissions: f.mode,
            owner: "root:root",
            content: f.content,
        })),
        packages: hostPackages(settings),
        runcmd: [
            // After the packages (cloud-init installs them first): the installer uses the AWS CLI.
            [`${HOST.scriptDir}/${BUNDLE_INSTALLER}`, facts.region, facts.bundleParameterPrefix, String(bundle.chunks.length), bundle.sha256],
            ["systemctl", "daemon-reload"],
            // Installing docker.io started dockerd before its configuration arrived (the journald
            // log driver, the drop-ins): containers keep the log driver they were created with.
            ["systemctl", "restart", "docker.service"],
            ["systemctl", "enable", "--now", ...enabledUnits(facts)],
        ],
    };
    return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}

/** EC2 takes at most 16 KiB of user data; cloud-init unpacks gzip by itself. */
export function userDataBase64(cloudConfig: string): string {
    return gzipSync(Buffer.from(cloudConfig, "utf8"), { level: 9 }).toString("base64");
}

/** SSM parameter names of a stack's secrets and of its host bundle; the instance role may read exactly these. */
export function hostParameterNames(project: string, stack: string) {
    return {
        htpasswdParameter: `/${project}/${stack}/htpasswd`,
        tlsKeyParameter: `/${project}/${stack}/tls-fallback-key`,
        authEnvParameter: `/${project}/${stack}/mlflow-auth-env`,
        authUsersParameter: `/${project}/${stack}/mlflow-auth-users`,
        oidcEnvParameter: `/${project}/${stack}/oauth2-proxy-env`,
        bundleParameterPrefix: `/${project}/${stack}/host-bundle`,
    };
}
