// Everything the EC2 host receives: the files cloud-init writes from user data, the files the
// host fetches from SSM Parameter Store at boot, and the cloud-config that ties them together.
// Pure: settings and deployment facts in, file contents out.
import { readFileSync } from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import { stringify } from "yaml";
import { projectRoot } from "../projectRoot";
import { Settings } from "../settings";
import { renderCompose } from "./compose";
import { containerInput, publicEndpoint, renderProxyConf } from "./endpoint";
import { DATA, HOST, MLFLOW, NGINX } from "./layout";

/** What only a deployment knows; `npm run render` supplies sample values. */
export interface HostFacts {
    stack: string;
    region: string;
    publicIp: string;
    dataVolumeId: string;
    htpasswdParameter: string;
    tlsKeyParameter: string;
    /** Versions of the two SSM parameters: a changed secret changes the user data, and so replaces the host. */
    secretVersions: string;
    caCertPem: string;
    /** Server certificate followed by the CA certificate. */
    fallbackChainPem: string;
}

export interface HostSecrets {
    htpasswd: string;
    tlsKeyPem: string;
}

export interface HostFile {
    /** Absolute path on the host. */
    path: string;
    content: string;
    /** Octal permission bits, e.g. "0644". */
    mode: string;
    /** "user-data": written by cloud-init; "ssm": fetched at boot by mlflow-fetch-secrets. */
    delivery: "user-data" | "ssm";
    /** For "ssm": the parameter the content comes from. */
    parameter?: string;
}

/**
 * Docker Engine and its compose plugin from Docker's own apt repository, pinned. The signing key
 * ships in host/docker-apt-key.asc (a test holds its fingerprint to this one), so the host needs
 * no keyserver at boot.
 */
export const DOCKER_APT = {
    keyFingerprint: "9DC858229FC7DD38854AE2D88D81803C0EBFCD88",
    keyFile: "docker-apt-key.asc",
    engine: "5:28.5.1-1~ubuntu.24.04~noble",
    composePlugin: "2.40.3-1~ubuntu.24.04~noble",
} as const;

const HOST_SCRIPTS = ["mlflow-prepare-data", "mlflow-fetch-secrets", "mlflow-certificate", "mlflow-db-upgrade", "mlflow-backup", "mlflow-monitor"];
const SYSTEMD_UNITS = [
    "mlflow.service",
    "mlflow-certificate.service", "mlflow-certificate.timer",
    "mlflow-backup.service", "mlflow-backup.timer",
    "mlflow-monitor.service", "mlflow-monitor.timer",
    "docker.service.d/mlflow-data-volume.conf",
];
/** Started at first boot; the services they trigger follow. */
export const ENABLED_UNITS = ["mlflow.service", "mlflow-certificate.timer", "mlflow-backup.timer", "mlflow-monitor.timer"];

/** The host scripts and units ship as files in host/, so shellcheck and systemd-analyze read them as they are. */
export const HOST_SOURCE_DIR = path.join(projectRoot(), "host");
const hostSource = (name: string) => readFileSync(path.join(HOST_SOURCE_DIR, name), "utf8");

/** Settings of the host scripts. Paths come from layout.ts so that each is spelled once. */
export function renderHostEnv(settings: Settings, facts: HostFacts): string {
    const endpoint = publicEndpoint(settings, facts.publicIp);
    const values: Record<string, string> = {
        STACK: facts.stack,
        AWS_REGION: facts.region,
        DATA_VOLUME_ID: facts.dataVolumeId,
        DATA_MOUNT: HOST.dataMount,
        DATA_DIRS: Object.values(DATA).map(dir => path.relative(HOST.dataMount, dir)).join(" "),
        DATA_DEVICE_WAIT_SECONDS: "600",
        DISK_WARN_PERCENT: "85",
        SERVER_NAME: endpoint.names[0],
        HEALTH_CHECK_URL: "http://127.0.0.1/health",
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
        DOMAIN: settings.domain ?? "",
        ACME_EMAIL: settings.acmeEmail ?? "",
        MLFLOW_VERSION: settings.mlflowVersion,
        MLFLOW_DATA_DIR: DATA.mlflow,
        MLFLOW_CONTAINER_DB_URI: `sqlite:///${MLFLOW.dataDir}/mlflow.db`,
        BACKUP_DIR: DATA.backups,
    };
    return Object.entries(values).map(([key, value]) => `${key}=${shellQuote(value)}`).join("\n") + "\n";
}

function shellQuote(value: string): string {
    return /^[A-Za-z0-9_./:@,+-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Files cloud-init writes: configuration, certificates (public parts), scripts and units. */
export function hostFiles(settings: Settings, facts: HostFacts): HostFile[] {
    const endpoint = publicEndpoint(settings, facts.publicIp);
    const file = (filePath: string, content: string, mode = "0644"): HostFile =>
        ({ path: filePath, content, mode, delivery: "user-data" });
    return [
        file(HOST.hostEnv, renderHostEnv(settings, facts)),
        file(HOST.composeFile, renderCompose(containerInput(settings, endpoint))),
        file(HOST.nginxConf, renderProxyConf(settings, endpoint)),
        file(HOST.caCert, facts.caCertPem),
        file(HOST.fallbackCert, facts.fallbackChainPem),
        file(HOST.dockerDaemonConfig, JSON.stringify({
            "log-driver": "local",
            "log-opts": { "max-size": "20m", "max-file": "5" },
        }, null, 2) + "\n"),
        ...HOST_SCRIPTS.map(name => file(`${HOST.scriptDir}/${name}`, hostSource(name), "0755")),
        ...SYSTEMD_UNITS.map(name => file(`${HOST.systemdDir}/${name}`, hostSource(name))),
    ];
}

/** Files fetched from SSM Parameter Store at boot; their contents never enter user data. */
export function secretFiles(facts: Pick<HostFacts, "htpasswdParameter" | "tlsKeyParameter">, secrets: HostSecrets): HostFile[] {
    return [
        { path: HOST.htpasswd, content: secrets.htpasswd, mode: "0640", delivery: "ssm", parameter: facts.htpasswdParameter },
        { path: HOST.fallbackKey, content: secrets.tlsKeyPem, mode: "0600", delivery: "ssm", parameter: facts.tlsKeyParameter },
    ];
}

/**
 * The cloud-config. Ubuntu 24.04 LTS because Docker publishes signed, versioned packages of the
 * engine and the compose plugin for it, its archive has the AWS CLI, certbot and sqlite3, and
 * its AMIs ship the SSM agent (Amazon Linux 2023 lacks the compose plugin as a package).
 */
export function renderCloudConfig(settings: Settings, facts: HostFacts): string {
    const packages: Array<string | [string, string]> = [
        ["docker-ce", DOCKER_APT.engine],
        ["docker-ce-cli", DOCKER_APT.engine],
        ["docker-compose-plugin", DOCKER_APT.composePlugin],
        "awscli",
        "sqlite3",
        ...(settings.domain ? ["certbot"] : []),
    ];
    const config = {
        package_update: true,
        apt: {
            sources: {
                "docker.list": {
                    source: `deb [arch=${settings.architecture === "arm64" ? "arm64" : "amd64"} signed-by=$KEY_FILE] https://download.docker.com/linux/ubuntu $RELEASE stable`,
                    key: hostSource(DOCKER_APT.keyFile),
                },
            },
        },
        write_files: hostFiles(settings, facts).map(f => ({
            path: f.path,
            permissions: f.mode,
            owner: "root:root",
            content: f.content,
        })),
        packages,
        runcmd: [
            ["systemctl", "daemon-reload"],
            ["systemctl", "enable", "--now", ...ENABLED_UNITS],
        ],
    };
    return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}

/** EC2 takes at most 16 KiB of user data; cloud-init unpacks gzip by itself. */
export function userDataBase64(cloudConfig: string): string {
    return gzipSync(Buffer.from(cloudConfig, "utf8"), { level: 9 }).toString("base64");
}

/** SSM parameter names of a stack's secrets; the instance role may read exactly these. */
export function secretParameterNames(project: string, stack: string) {
    return {
        htpasswdParameter: `/${project}/${stack}/htpasswd`,
        tlsKeyParameter: `/${project}/${stack}/tls-fallback-key`,
    };
}
