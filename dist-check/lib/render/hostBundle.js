"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.HOST_SOURCE_DIR = exports.HOST_PACKAGES = void 0;
exports.enabledUnits = enabledUnits;
exports.renderHostEnv = renderHostEnv;
exports.renderBackupSchedule = renderBackupSchedule;
exports.hostFiles = hostFiles;
exports.secretFiles = secretFiles;
exports.hostPackages = hostPackages;
exports.renderCloudConfig = renderCloudConfig;
exports.userDataBase64 = userDataBase64;
exports.secretParameterNames = secretParameterNames;
// Everything the EC2 host receives: the files cloud-init writes from user data, the files the
// host fetches from SSM Parameter Store at boot, and the cloud-config that ties them together.
// Pure: settings and deployment facts in, file contents out.
const fs_1 = require("fs");
const path = __importStar(require("path"));
const zlib_1 = require("zlib");
const yaml_1 = require("yaml");
const projectRoot_1 = require("../projectRoot");
const compose_1 = require("./compose");
const endpoint_1 = require("./endpoint");
const layout_1 = require("./layout");
const schedule_1 = require("./schedule");
const stores_1 = require("./stores");
/**
 * What the host installs, all from Debian 13's own archive, for amd64 and arm64 alike: upstream
 * version and Debian revision, pinned. The trailing `*` is apt's version prefix match (it takes
 * the newest version that starts with the rest): trixie's security and point-release updates
 * append `+deb13uN` to the revision and rebuilds `+bN` (docker.io is 26.1.5+dfsg1-9+deb13u1+b1
 * today), so they still install, while a new upstream version or revision never arrives unseen. test/boot-rehearsal.test.ts checks that every entry
 * resolves in the archive for both architectures.
 */
exports.HOST_PACKAGES = {
    /** Docker Engine. */
    "docker.io": "26.1.5+dfsg1-9*",
    /** Compose v2; it installs the `docker compose` CLI plugin that mlflow.service calls. */
    "docker-compose": "2.26.1-4*",
    /** AWS CLI v2: mlflow-fetch-secrets and mlflow-monitor. */
    awscli: "2.23.6-1*",
    sqlite3: "3.46.1-7*",
    curl: "8.14.1-2*",
    /** Only with a domain. */
    certbot: "4.0.0-2*",
    /** Only with a domain and route53ZoneId: DNS-01 through Route 53. */
    "python3-certbot-dns-route53": "4.0.0-1*",
};
const HOST_SCRIPTS = ["mlflow-prepare-data", "mlflow-fetch-secrets", "mlflow-certificate", "mlflow-db-upgrade", "mlflow-monitor", "mlflow-watchdog"];
const SYSTEMD_UNITS = [
    "mlflow.service",
    "mlflow-certificate.service", "mlflow-certificate.timer",
    "mlflow-monitor.service", "mlflow-monitor.timer",
    "mlflow-watchdog.service", "mlflow-watchdog.timer",
    "docker.service.d/mlflow-data-volume.conf",
];
/**
 * The consistent copy of the SQLite database before the daily snapshot; a stateless host has no
 * database file (RDS backs up its own).
 */
const SQLITE_BACKUP = { script: "mlflow-backup", units: ["mlflow-backup.service", "mlflow-backup.timer"] };
/** Rendered from BACKUP_TIME_UTC, which the snapshot time must follow, instead of shipped in host/. */
const BACKUP_SCHEDULE_DROP_IN = "mlflow-backup.timer.d/schedule.conf";
/** Started at first boot; the services they trigger follow. */
function enabledUnits(facts) {
    return ["mlflow.service", "mlflow-certificate.timer", ...(facts.stores ? [] : ["mlflow-backup.timer"]), "mlflow-monitor.timer", "mlflow-watchdog.timer"];
}
/** The host scripts and units ship as files in host/, so shellcheck and systemd-analyze read them as they are. */
exports.HOST_SOURCE_DIR = path.join((0, projectRoot_1.projectRoot)(), "host");
const hostSource = (name) => (0, fs_1.readFileSync)(path.join(exports.HOST_SOURCE_DIR, name), "utf8");
/** Settings of the host scripts. Paths come from layout.ts so that each is spelled once. */
function renderHostEnv(settings, facts) {
    const endpoint = facts.endpoint;
    const values = {
        STACK: facts.stack,
        AWS_REGION: facts.region,
        DATA_VOLUME_ID: facts.dataVolumeId,
        DATA_MOUNT: layout_1.HOST.dataMount,
        DATA_DIRS: Object.values(layout_1.DATA).map(dir => path.relative(layout_1.HOST.dataMount, dir)).join(" "),
        DATA_DEVICE_WAIT_SECONDS: "600",
        DISK_WARN_PERCENT: String(schedule_1.DISK_WARN_PERCENT),
        METRIC_NAMESPACE: schedule_1.METRIC_NAMESPACE,
        SERVER_NAME: endpoint.names[0],
        HEALTH_CHECK_URL: "http://127.0.0.1/health",
        // Port 80's redirect, which nginx answers itself.
        NGINX_CHECK_URL: "http://127.0.0.1/",
        WATCHDOG_FAILED_CHECKS: String(schedule_1.WATCHDOG_FAILED_CHECKS),
        WATCHDOG_STATE_DIR: layout_1.HOST.watchdogStateDir,
        SECRETS_DIR: layout_1.HOST.secretsDir,
        HTPASSWD_PARAMETER: facts.htpasswdParameter,
        TLS_KEY_PARAMETER: facts.tlsKeyParameter,
        SECRET_VERSIONS: facts.secretVersions,
        NGINX_GID: String(layout_1.NGINX.gid),
        COMPOSE_FILE: layout_1.HOST.composeFile,
        ACTIVE_TLS_DIR: layout_1.HOST.activeTlsDir,
        FALLBACK_CERT: layout_1.HOST.fallbackCert,
        FALLBACK_KEY: layout_1.HOST.fallbackKey,
        LETSENCRYPT_DIR: layout_1.DATA.letsencrypt,
        ACME_WEBROOT: layout_1.DATA.acmeWebroot,
        // HTTP-01 needs Let's Encrypt to reach port 80, which a narrow allowedCidrs prevents;
        // with the zone in Route 53, DNS-01 needs no inbound traffic at all.
        ACME_CHALLENGE: settings.domain && settings.route53ZoneId ? "dns-route53" : "http-01",
        DOMAIN: settings.domain ?? "",
        ACME_EMAIL: settings.acmeEmail ?? "",
        MLFLOW_VERSION: settings.mlflowVersion,
        MLFLOW_DATA_DIR: layout_1.DATA.mlflow,
        BACKUP_DIR: layout_1.DATA.backups,
        ...storeSettings(facts.stores),
    };
    return Object.entries(values).map(([key, value]) => `${key}=${shellQuote(value)}`).join("\n") + "\n";
}
/** Where the database is, for mlflow-db-upgrade and (a stateless host's) mlflow-fetch-secrets. */
function storeSettings(stores) {
    if (!stores)
        return { BACKEND_STORE: "sqlite", MLFLOW_CONTAINER_DB_URI: `sqlite:///${layout_1.MLFLOW.dataDir}/${layout_1.SQLITE_FILE}` };
    const db = stores.database;
    return {
        BACKEND_STORE: "rds",
        MLFLOW_CONTAINER_DB_URI: (0, stores_1.backendStoreUri)(db),
        DATABASE_HOST: db.host,
        DATABASE_PORT: String(db.port),
        DATABASE_NAME: db.database,
        DATABASE_USER: db.user,
        DATABASE_SECRET_ARN: stores.databaseSecretArn,
        DATABASE_IDENTIFIER: stores.databaseIdentifier,
        PGPASS_FILE: layout_1.HOST.pgpassFile,
    };
}
/** The backup timer's schedule: daily at BACKUP_TIME_UTC. */
function renderBackupSchedule() {
    return `[Timer]\nOnCalendar=*-*-* ${schedule_1.BACKUP_TIME_UTC}:00 UTC\n`;
}
function shellQuote(value) {
    return /^[A-Za-z0-9_./:@,+-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
/** Files cloud-init writes: configuration, certificates (public parts), scripts and units. */
function hostFiles(settings, facts) {
    const endpoint = facts.endpoint;
    const file = (filePath, content, mode = "0644") => ({ path: filePath, content, mode, delivery: "user-data" });
    const stores = facts.stores;
    return [
        file(layout_1.HOST.hostEnv, renderHostEnv(settings, facts)),
        file(layout_1.HOST.composeFile, (0, compose_1.renderCompose)((0, endpoint_1.containerInput)(settings, endpoint), stores)),
        file(layout_1.HOST.nginxConf, (0, endpoint_1.renderProxyConf)(endpoint, settings.maxUploadSize, stores === undefined)),
        file(layout_1.HOST.caCert, facts.caCertPem),
        file(layout_1.HOST.fallbackCert, facts.fallbackChainPem),
        ...(stores ? [file(layout_1.HOST.rdsCaBundle, stores.database.caBundlePem)] : []),
        file(layout_1.HOST.dockerDaemonConfig, JSON.stringify({
            "log-driver": "local",
            "log-opts": { "max-size": "20m", "max-file": "5" },
        }, null, 2) + "\n"),
        ...HOST_SCRIPTS.map(name => file(`${layout_1.HOST.scriptDir}/${name}`, hostSource(name), "0755")),
        ...SYSTEMD_UNITS.map(name => file(`${layout_1.HOST.systemdDir}/${name}`, hostSource(name))),
        ...(stores ? [] : [
            file(`${layout_1.HOST.scriptDir}/${SQLITE_BACKUP.script}`, hostSource(SQLITE_BACKUP.script), "0755"),
            ...SQLITE_BACKUP.units.map(name => file(`${layout_1.HOST.systemdDir}/${name}`, hostSource(name))),
            file(`${layout_1.HOST.systemdDir}/${BACKUP_SCHEDULE_DROP_IN}`, renderBackupSchedule()),
        ]),
    ];
}
/**
 * Files fetched at boot, from SSM Parameter Store (and a stateless host's password file, from the
 * secret RDS keeps); their contents never enter user data.
 */
function secretFiles(facts, secrets) {
    const stores = facts.stores;
    if (stores && secrets.databasePassword === undefined)
        throw new Error("a stateless host's secret files need the database password");
    return [
        { path: layout_1.HOST.htpasswd, content: secrets.htpasswd, mode: "0640", delivery: "ssm", parameter: facts.htpasswdParameter },
        { path: layout_1.HOST.fallbackKey, content: secrets.tlsKeyPem, mode: "0600", delivery: "ssm", parameter: facts.tlsKeyParameter },
        ...(stores ? [{
                path: layout_1.HOST.pgpassFile,
                content: (0, stores_1.pgpassLine)(stores.database, secrets.databasePassword),
                mode: "0600",
                delivery: "secrets-manager",
                parameter: stores.databaseSecretArn,
            }] : []),
    ];
}
/** The packages a stack's host installs, each with its pinned version. */
function hostPackages(settings) {
    const names = [
        "docker.io", "docker-compose", "awscli", "sqlite3", "curl",
        ...(settings.domain ? ["certbot"] : []),
        ...(settings.domain && settings.route53ZoneId ? ["python3-certbot-dns-route53"] : []),
    ];
    return names.map(name => [name, exports.HOST_PACKAGES[name]]);
}
/**
 * The cloud-config. Debian 13 (trixie) because its own archive has every package the host needs,
 * for amd64 and arm64, with security support: Docker Engine, Compose v2, the AWS CLI v2, certbot
 * with its Route 53 plugin, sqlite3 (Ubuntu 24.04 has no AWS CLI package; Amazon Linux 2023 no
 * compose plugin). No third-party repository or signing key is needed, and since Debian's
 * archive is reachable from the test machines, test/boot-rehearsal.test.ts boots this exact
 * cloud-config with trixie's own cloud-init, systemd and packages.
 */
function renderCloudConfig(settings, facts) {
    const config = {
        package_update: true,
        write_files: hostFiles(settings, facts).map(f => ({
            path: f.path,
            permissions: f.mode,
            owner: "root:root",
            content: f.content,
        })),
        packages: hostPackages(settings),
        runcmd: [
            ["systemctl", "daemon-reload"],
            ["systemctl", "enable", "--now", ...enabledUnits(facts)],
        ],
    };
    return `#cloud-config\n${(0, yaml_1.stringify)(config, { lineWidth: 0 })}`;
}
/** EC2 takes at most 16 KiB of user data; cloud-init unpacks gzip by itself. */
function userDataBase64(cloudConfig) {
    return (0, zlib_1.gzipSync)(Buffer.from(cloudConfig, "utf8"), { level: 9 }).toString("base64");
}
/** SSM parameter names of a stack's secrets; the instance role may read exactly these. */
function secretParameterNames(project, stack) {
    return {
        htpasswdParameter: `/${project}/${stack}/htpasswd`,
        tlsKeyParameter: `/${project}/${stack}/tls-fallback-key`,
    };
}
//# sourceMappingURL=hostBundle.js.map