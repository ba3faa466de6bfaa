// Stack configuration -> validated settings, in one pass, before any resource exists.
// Every problem is collected so that a user fixes a stack file once, not once per run.
import * as net from "net";

export type Target = "aws" | "local";
export type Architecture = "arm64" | "x86_64";
/** What runs MLflow on AWS: one EC2 host, or ECS tasks on Fargate behind a load balancer. */
export type Compute = "ec2" | "fargate";
/** Where MLflow keeps runs, metrics and the model registry. */
export type BackendStore = "sqlite" | "rds";
/** Where MLflow keeps artifacts. */
export type ArtifactStore = "volume" | "s3";
/**
 * Who checks passwords and what a user may do: "basic", nginx against the generated htpasswd file,
 * every user allowed everything; "mlflow", MLflow's auth app (users, an admin, permissions per
 * experiment and registered model, managed through its REST API and UI), nginx kept in front;
 * "oidc", the same auth app, with people signed in by the company's OpenID Provider (through
 * oauth2-proxy) and machines by the stack's users and their generated passwords.
 */
export type Auth = "basic" | "mlflow" | "oidc";
/** True when MLflow's auth app runs and decides who may do what (auth mlflow and oidc). */
export const runsAuthApp = (auth: Auth): boolean => auth !== "basic";
/** What MLflow's auth app lets a user do with what nobody granted them (its default_permission). */
export type AuthPermission = "READ" | "EDIT" | "MANAGE" | "NO_PERMISSIONS";
export const AUTH_PERMISSIONS: readonly AuthPermission[] = ["READ", "EDIT", "MANAGE", "NO_PERMISSIONS"];
/** The first MLflow release whose auth app ships no default admin password (CVE-2026-2635). */
export const MLFLOW_AUTH_FLOOR = "3.16.1";

/** Sign-in through the company's OpenID Provider (auth oidc). The client secret is a stack secret, never here. */
export interface OidcSettings {
    /** The provider's issuer, exactly as its discovery document names it. */
    issuerUrl: string;
    clientId: string;
    /** Scopes asked for at sign-in; openid among them. */
    scopes: string[];
    /** The ID token's claim that lists the person's groups. */
    groupsClaim: string;
    /** Members of any of these groups are MLflow admins; empty: the admins manage admins in MLflow. */
    adminGroups: string[];
    /** Only members of these groups may sign in; empty: everyone the provider signs in (within emailDomains). */
    allowedGroups: string[];
    /** Domains of the e-mail addresses that may sign in; "*" for any. */
    emailDomains: string[];
    /** A signed-in person's session ends this long after sign-in, at the latest. */
    sessionHours: number;
}

export interface Settings {
    /** Where the stack runs: an EC2 host ("aws") or the local Docker engine ("local"). */
    target: Target;
    /** Public DNS name of the server; without it the server is reached by its Elastic IP. */
    domain?: string;
    /** Route 53 hosted zone in which to create the `domain` A record. */
    route53ZoneId?: string;
    /** Contact address given to Let's Encrypt. */
    acmeEmail?: string;
    /** EC2 instance type; its CPU architecture picks the AMI. */
    instanceType: string;
    architecture: Architecture;
    /** A fixed AMI; without it the newest Debian 13 image at the host's creation is used and kept. */
    amiId?: string;
    /** Who may reach ports 80 and 443 (IPv4 CIDR blocks: the host's network is IPv4 only). */
    allowedCidrs: string[];
    /** An existing public subnet to use instead of a VPC of the stack's own. */
    subnetId?: string;
    /** MLflow release, as in the image tag ghcr.io/mlflow/mlflow:v<version>. */
    mlflowVersion: string;
    /** nginx release, as in the image tag nginx:<version>-alpine. */
    nginxVersion: string;
    /** Size of the data volume that holds the database, artifacts and certificates. */
    dataVolumeGiB: number;
    /** Snapshot to create the data volume from (restoring a backup). */
    dataSnapshotId?: string;
    /** User names; each gets a generated password. With auth mlflow the first is MLflow's admin. */
    users: string[];
    auth: Auth;
    /** With auth mlflow or oidc: what a user may do with an experiment or model nobody granted them. */
    authDefaultPermission: AuthPermission;
    /** With auth oidc: the OpenID Provider and what its sign-in grants. */
    oidc?: OidcSettings;
    /** Largest request body nginx passes to MLflow, in nginx's size syntax; "0" means no limit. */
    maxUploadSize: string;
    /** Keep the data volume and its snapshots when the stack is destroyed. */
    protectData: boolean;
    /** How many daily snapshots of the data volume to keep. */
    backupRetentionDays: number;
    /** Address that receives health and disk alarms (an SNS e-mail subscription). */
    alarmEmail?: string;
    /** Days CloudWatch Logs keeps the host's or the tasks' logs (one of LOG_RETENTION_DAYS; 0: for ever). */
    logRetentionDays: number;
    /** Days a deleted run or experiment stays restorable before garbage collection removes it for good, rows and artifacts. */
    gcRetentionDays: number;

    /** Loopback ports of the local target. */
    localHttpsPort: number;
    localHttpPort: number;
    compute: Compute;
    /** sqlite: a file on the data volume; rds: RDS for PostgreSQL. */
    backendStore: BackendStore;
    /** volume: a directory on the data volume; s3: an S3 bucket of the stack's own. */
    artifactStore: ArtifactStore;
    /** Fargate task size: CPU units (1024 = 1 vCPU) and MiB, one of the pairs Fargate offers. */
    taskCpu: number;
    taskMemory: number;
    /** Tasks the service starts with; autoscaling then keeps the count between minTaskCount and maxTaskCount. */
    desiredCount: number;
    minTaskCount: number;
    maxTaskCount: number;
    /** RDS instance class of the PostgreSQL database. */
    dbInstanceClass: string;
    /** Allocated gp3 storage of the database. */
    dbStorageGiB: number;
    /** A snapshot of a host's data volume whose database and artifacts the scaled tier takes over when it is created. */
    migrateFromSnapshot?: string;
}

/** What a key may hold when the stack file leaves it out; Pulumi.yaml declares the same (a test holds them equal). */
export const DEFAULTS = {
    target: "aws",
    domain: "",
    route53ZoneId: "",
    acmeEmail: "",
    // Graviton: the cheapest 2 GiB instance; MLflow's two servers and nginx take about 0.8 GiB of it.
    instanceType: "t4g.small",
    amiId: "",
    allowedCidrs: ["0.0.0.0/0"],
    subnetId: "",
    mlflowVersion: "3.17.2",
    // 1.30.6 is the newest patch release; see NGINX_FLOOR for the oldest one accepted.
    nginxVersion: "1.30.6",
    dataVolumeGiB: 20,
    dataSnapshotId: "",
    users: ["admin"],
    // basic for every stack until the stack file says otherwise: a stack made before the auth app
    // keeps what its users sign in with, and MLflow still calls its auth app experimental.
    auth: "basic",
    // MLflow's own default: a team sees each other's experiments unless someone restricts one.
    authDefaultPermission: "READ",
    maxUploadSize: "5g",
    protectData: false,
    backupRetentionDays: 14,
    alarmEmail: "",
    logRetentionDays: 30,
    // A month to notice a run deleted by mistake and restore it (mlflow runs restore).
    gcRetentionDays: 30,
    localHttpsPort: 8443,
    localHttpPort: 8080,
    compute: "ec2",
    backendStore: "sqlite",
    artifactStore: "volume",
    // Half a vCPU and 1 GiB per task: MLflow's workers and nginx fit, and two tasks keep the
    // scaled tier's defaults within about $80 a month (docs/scaled-tier.md, cost of the defaults).
    taskCpu: 512,
    taskMemory: 1024,
    // Two tasks: one per availability zone, so a zone or a task can fail without an outage.
    desiredCount: 2,
    minTaskCount: 2,
    maxTaskCount: 4,
    // Graviton, the smallest class with 1 GiB; MLflow's tracking queries are light.
    dbInstanceClass: "db.t4g.micro",
    // gp3's minimum on RDS.
    dbStorageGiB: 20,
    migrateFromSnapshot: "",
    oidcIssuerUrl: "",
    oidcClientId: "",
    oidcScopes: ["openid", "email", "profile"],
    // Okta's and Keycloak's name for it; Cognito's is cognito:groups, Entra ID's and Google's differ (docs/oidc.md).
    oidcGroupsClaim: "groups",
    oidcAdminGroups: [],
    oidcAllowedGroups: [],
    oidcEmailDomains: ["*"],
    // A working day: a person signs in once a day, and a person the provider removed loses access by the next.
    oidcSessionHours: 12,
} as const;

export type SettingKey = keyof typeof DEFAULTS;

/** Settings that hold secrets: set with `pulumi config set --secret`, read by the program as secrets, never part of Settings. */
export const SECRET_SETTINGS = ["oidcClientSecret"] as const;
export type SecretSettingKey = typeof SECRET_SETTINGS[number];

/** Raw stack configuration as Pulumi hands it over: strings, with arrays and numbers as JSON text. */
export type RawConfig = Partial<Record<SettingKey | SecretSettingKey, string>>;

export class SettingsError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration (fix it with \`pulumi config set <key> <value>\` or in Pulumi.<stack>.yaml):\n` +
            problems.map(p => `  - ${p}`).join("\n"));
        this.name = "SettingsError";
    }
}

/** The retention periods CloudWatch Logs offers (days; 0 keeps logs for ever). */
export const LOG_RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
const USER_NAME = /^[a-z][a-z0-9._-]{0,31}$/;
const NGINX_SIZE = /^(0|[1-9][0-9]*[kmg]?)$/;
/** A scope token (RFC 6749, section 3.3). */
const OAUTH_SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** What oauth2-proxy's env file carries literally in single quotes. */
export const OIDC_CLIENT_SECRET = /^[\x21\x23-\x26\x28-\x5b\x5d-\x7e]{1,512}$/;
/**
 * The most groups oidcAdminGroups and oidcAllowedGroups take each: both lists travel in the host
 * bundle (HOST_BUNDLE_PARAMETERS), which at 20 names of 128 characters each still fits
 * (test/aws-arguments holds the program to it).
 */
export const OIDC_MAX_GROUPS = 20;
const GOOGLE_ISSUER = "https://accounts.google.com";
const OIDC_KEYS: SettingKey[] = ["oidcIssuerUrl", "oidcClientId", "oidcScopes", "oidcGroupsClaim", "oidcAdminGroups", "oidcAllowedGroups", "oidcEmailDomains", "oidcSessionHours"];

/**
 * Why an issuer URL is not one oauth2-proxy can discover, or undefined: https (OpenID Connect
 * Discovery requires it), a host, no credentials, query or fragment. The issuer must equal the
 * discovery document's `issuer` to the character, trailing slash included, which only the
 * provider can tell: oauth2-proxy refuses to start on a mismatch.
 */
export function oidcIssuerProblem(issuerUrl: string): string | undefined {
    const accepted = "accepted: the provider's https issuer URL without query or fragment, e.g. https://accounts.google.com or https://login.microsoftonline.com/<tenant>/v2.0";
    let url: URL;
    try {
        url = new URL(issuerUrl);
    } catch {
        return accepted;
    }
    if (url.protocol !== "https:" || url.username || url.password || url.search || url.hash || issuerUrl.length > 512 || /\s/.test(issuerUrl)) return `${accepted}, at most 512 characters`;
    return undefined;
}
const INSTANCE_TYPE = /^([a-z]+)([0-9]+)([a-z-]*)\.([a-z0-9]+)$/;
/**
 * The oldest nginx release accepted: 1.30.0 and earlier have CVE-2026-42945 (rewrite module,
 * exploited), 1.30.1 still has CVE-2026-9256 (rewrite captures, fixed in 1.30.2). The fixes of
 * 1.30.3 concern HTTP/3 and HTTP/2 upstreams, which the rendered configuration does not use.
 */
export const NGINX_FLOOR = "1.30.2";

/**
 * Families that run on the Xen hypervisor instead of Nitro. They present EBS volumes as
 * /dev/xvdX, not as NVMe devices named after the volume id, which is how the host finds its
 * data volume (mlflow-prepare-data). i3 is Xen except i3.metal.
 */
const XEN_FAMILIES = new Set(["t1", "t2", "m1", "m2", "m3", "m4", "c1", "c3", "c4", "cc2", "cr1", "r3", "r4", "x1", "x1e", "i2", "i3", "d2", "g2", "g3", "g3s", "h1", "hs1", "p2", "p3", "f1"]);

/** True for instance types without Nitro (see XEN_FAMILIES). */
export function isXenInstanceType(instanceType: string): boolean {
    const [family, size] = instanceType.split(".");
    return XEN_FAMILIES.has(family) && !(family === "i3" && size === "metal");
}

/**
 * Graviton families carry a "g" right after the generation number (t4g, m7g, c7gn, r8gd, g5g);
 * a1 is the first Graviton. Everything else EC2 offers on Linux is x86_64.
 */
export function architectureOf(instanceType: string): Architecture | undefined {
    const match = INSTANCE_TYPE.exec(instanceType);
    if (!match) return undefined;
    const [, series, , attributes] = match;
    if (series === "mac") return undefined;
    if (series === "a" && match[2] === "1") return "arm64";
    return attributes.startsWith("g") ? "arm64" : "x86_64";
}

/**
 * The task sizes Fargate offers on Linux: CPU units to the memory sizes (MiB) allowed with them.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const FARGATE_TASK_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
    [256, [512, 1024, 2048]],
    [512, range(1024, 4096, 1024)],
    [1024, range(2048, 8192, 1024)],
    [2048, range(4096, 16384, 1024)],
    [4096, range(8192, 30720, 1024)],
    [8192, range(16384, 61440, 4096)],
    [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
    return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}

/**
 * Certificates name the domain in their common name: ACM's RequestCertificate takes a first name
 * of at most 64 octets, and X.509 bounds a common name at 64 characters (RFC 5280, ub-common-name).
 */
export const DOMAIN_MAX = 64;

/** EC2's default quota of inbound (and of outbound) rules per security group. */
export const SECURITY_GROUP_RULES_PER_DIRECTION = 60;
/** Ports the public security group (the host's, the load balancer's) opens to allowedCidrs: 80 for the ACME challenge and the redirect, 443 for everything else. */
export const PUBLIC_PORTS = [80, 443] as const;
/** Each allowed block is one rule per public port in one security group. */
export const MAX_ALLOWED_CIDRS = Math.floor(SECURITY_GROUP_RULES_PER_DIRECTION / PUBLIC_PORTS.length);

/** RDS keeps automated backups (and point-in-time recovery) for at most 35 days. */
export const RDS_MAX_BACKUP_DAYS = 35;

function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
    return 0;
}

/** A CIDR block in canonical form (no bits set past the prefix), or why not. */
export function cidrProblem(cidr: string): string | undefined {
    const [address, prefixText, extra] = cidr.split("/");
    const family = net.isIPv4(address) ? 4 : net.isIPv6(address) ? 6 : 0;
    if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(prefixText ?? "")) {
        return "is not a CIDR block such as 203.0.113.0/24 or 2001:db8::/32";
    }
    const bits = family === 4 ? 32 : 128;
    const prefix = Number(prefixText);
    if (prefix > bits) return `has a prefix longer than ${bits} bits`;
    const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
    const hostMask = (1n << BigInt(bits - prefix)) - 1n;
    if ((value & hostMask) !== 0n) return "has bits set past its prefix length (AWS wants the network address)";
    return undefined;
}

function ipv4ToBigInt(address: string): bigint {
    return address.split(".").reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
    let text = address;
    const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4Tail) {
        const v4 = ipv4ToBigInt(v4Tail[1]);
        text = text.slice(0, -v4Tail[1].length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.split("::");
    const headGroups = head ? head.split(":") : [];
    const tailGroups = tail !== undefined && tail !== "" ? tail.split(":") : [];
    const missing = 8 - headGroups.length - tailGroups.length;
    const groups = tail === undefined ? headGroups : [...headGroups, ...Array(missing).fill("0"), ...tailGroups];
    return groups.reduce((acc, group) => (acc << 16n) + BigInt(parseInt(group, 16)), 0n);
}

/** Validates the raw configuration; throws a SettingsError that lists every problem. */
export function validateSettings(raw: RawConfig): Settings {
    const problems: string[] = [];
    const given = (key: SettingKey): string | undefined => {
        const value = raw[key];
        return value === undefined || value === "" ? undefined : value;
    };
    const report = (key: SettingKey, value: unknown, accepted: string) =>
        problems.push(`${key} = ${JSON.stringify(value)}: ${accepted}`);

    const text = (key: SettingKey, pattern: RegExp, accepted: string): string | undefined => {
        const value = given(key);
        if (value !== undefined && !pattern.test(value)) report(key, value, accepted);
        return value;
    };
    const integer = (key: SettingKey, min: number, max: number, fallback: number): number => {
        const value = given(key);
        if (value === undefined) return fallback;
        const parsed = Number(value);
        if (!/^-?\d+$/.test(value.trim()) || parsed < min || parsed > max) {
            report(key, value, `accepted: a whole number from ${min} to ${max}`);
            return fallback;
        }
        return parsed;
    };
    const boolean = (key: SettingKey, fallback: boolean): boolean => {
        const value = given(key);
        if (value === undefined) return fallback;
        if (value !== "true" && value !== "false") {
            report(key, value, "accepted: true or false");
            return fallback;
        }
        return value === "true";
    };
    const stringList = (key: SettingKey, fallback: readonly string[]): string[] => {
        const value = given(key);
        if (value === undefined) return [...fallback];
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || parsed.some(item => typeof item !== "string")) {
            report(key, value, `accepted: a list of strings, e.g. \`pulumi config set --path '${key}[0]' <value>\``);
            return [...fallback];
        }
        return parsed as string[];
    };

    const target = given("target") ?? DEFAULTS.target;
    if (target !== "aws" && target !== "local") report("target", target, "accepted: aws or local");

    const domain = text("domain", FQDN, "accepted: a lower-case fully qualified domain name such as mlflow.example.com, or nothing");
    if (domain !== undefined && domain.length > DOMAIN_MAX) {
        report("domain", domain, `accepted: at most ${DOMAIN_MAX} characters (it is the certificate's common name: ACM takes no longer first name, and X.509 bounds a common name at ${DOMAIN_MAX})`);
    }
    const route53ZoneId = text("route53ZoneId", /^Z[A-Z0-9]{1,31}$/, "accepted: a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (at most 32 characters), or nothing");
    if (route53ZoneId !== undefined && domain === undefined) {
        report("route53ZoneId", route53ZoneId, "needs `domain`: the record it creates is for that name");
    }
    const acmeEmail = text("acmeEmail", EMAIL, "accepted: an e-mail address, or nothing");
    if (acmeEmail !== undefined && domain === undefined) {
        report("acmeEmail", acmeEmail, "needs `domain`: without a domain the server uses the private CA and never asks Let's Encrypt");
    }

    const instanceType = given("instanceType") ?? DEFAULTS.instanceType;
    const architecture = architectureOf(instanceType);
    if (!architecture) {
        report("instanceType", instanceType, "accepted: an EC2 instance type such as t4g.small, m7g.large or t3.medium (not mac*)");
    } else if (isXenInstanceType(instanceType)) {
        report("instanceType", instanceType,
            "accepted: a Nitro instance type such as t4g.small, t3.small or m7g.large; Xen types (t2, m4, c4, r4, ...) present the data volume under a name the host does not look for");
    }

    const amiId = text("amiId", /^ami-[0-9a-f]{8,17}$/, "accepted: an AMI id such as ami-0123456789abcdef0 (Debian 13 for the instance's architecture), or nothing");

    const allowedCidrs = stringList("allowedCidrs", DEFAULTS.allowedCidrs);
    if (allowedCidrs.length === 0) {
        report("allowedCidrs", allowedCidrs, "accepted: at least one CIDR block; nobody could reach an empty list");
    } else if (allowedCidrs.length > MAX_ALLOWED_CIDRS) {
        report("allowedCidrs", allowedCidrs,
            `accepted: at most ${MAX_ALLOWED_CIDRS} blocks (each opens 80 and 443, and a security group takes ${SECURITY_GROUP_RULES_PER_DIRECTION} inbound rules by default); use a wider block or a prefix list`);
    }
    const repeatedCidrs = allowedCidrs.filter((cidr, index) => allowedCidrs.indexOf(cidr) !== index);
    if (repeatedCidrs.length > 0) report("allowedCidrs", repeatedCidrs, "accepted: each block once (EC2 refuses a rule that repeats another)");
    for (const cidr of allowedCidrs) {
        const problem = cidrProblem(cidr);
        if (problem) report("allowedCidrs", cidr, `${problem}`);
        else if (cidr.includes(":")) {
            report("allowedCidrs", cidr, "accepted: IPv4 blocks only; the stack's network and Elastic IP are IPv4, so an IPv6 rule would let nobody in");
        }
    }

    const subnetId = text("subnetId", /^subnet-[0-9a-f]{8,17}$/, "accepted: a subnet id such as subnet-0123456789abcdef0, or nothing");

    const mlflowVersion = given("mlflowVersion") ?? DEFAULTS.mlflowVersion;
    if (!SEMVER.test(mlflowVersion) || compareVersions(mlflowVersion, "3.0.0") < 0) {
        report("mlflowVersion", mlflowVersion, "accepted: an MLflow release 3.0.0 or later, written X.Y.Z (image tag v<version>)");
    }
    const nginxVersion = given("nginxVersion") ?? DEFAULTS.nginxVersion;
    if (!SEMVER.test(nginxVersion) || compareVersions(nginxVersion, NGINX_FLOOR) < 0) {
        report("nginxVersion", nginxVersion,
            `accepted: an nginx release ${NGINX_FLOOR} or later, written X.Y.Z (earlier releases have known vulnerabilities, CVE-2026-42945 among them)`);
    }

    const dataVolumeGiB = integer("dataVolumeGiB", 1, 16384, DEFAULTS.dataVolumeGiB);
    const dataSnapshotId = text("dataSnapshotId", /^snap-[0-9a-f]{8,17}$/, "accepted: a snapshot id such as snap-0123456789abcdef0, or nothing");

    const users = stringList("users", DEFAULTS.users);
    if (users.length === 0 || users.length > 50) report("users", users, "accepted: 1 to 50 user names");
    for (const user of users) {
        if (!USER_NAME.test(user)) {
            report("users", user, "accepted: names of 1-32 characters from a-z, 0-9, '.', '_' and '-', starting with a letter");
        }
    }
    const duplicates = users.filter((user, index) => users.indexOf(user) !== index);
    if (duplicates.length > 0) report("users", duplicates, "accepted: each name once");

    const maxUploadSize = (given("maxUploadSize") ?? DEFAULTS.maxUploadSize).toLowerCase();
    if (!NGINX_SIZE.test(maxUploadSize)) {
        report("maxUploadSize", raw.maxUploadSize, "accepted: a size in nginx syntax such as 500m, 5g or 1024k, or 0 for no limit");
    }

    const protectData = boolean("protectData", DEFAULTS.protectData);
    const backupRetentionDays = integer("backupRetentionDays", 1, 1000, DEFAULTS.backupRetentionDays);
    const alarmEmail = text("alarmEmail", EMAIL, "accepted: an e-mail address, or nothing");
    const gcRetentionDays = integer("gcRetentionDays", 1, 3650, DEFAULTS.gcRetentionDays);
    const logRetentionDays = integer("logRetentionDays", 0, 3653, DEFAULTS.logRetentionDays);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
        report("logRetentionDays", raw.logRetentionDays, `accepted: one of CloudWatch Logs' periods ${LOG_RETENTION_DAYS.join(", ")} (0 keeps logs for ever)`);
    }
    const localHttpsPort = integer("localHttpsPort", 1, 65535, DEFAULTS.localHttpsPort);
    const localHttpPort = integer("localHttpPort", 1, 65535, DEFAULTS.localHttpPort);
    if (localHttpPort === localHttpsPort) {
        report("localHttpPort", localHttpPort, "accepted: a port other than localHttpsPort");
    }

    const oneOf = <T extends string>(key: SettingKey, accepted: readonly T[]): T => {
        const value = given(key) ?? String(DEFAULTS[key]);
        if (!(accepted as readonly string[]).includes(value)) {
            report(key, value, `accepted: ${accepted.join(" or ")}`);
            return DEFAULTS[key] as T;
        }
        return value as T;
    };
    // Pulumi hands over a declared default like a value the stack set, so "set where it makes no
    // sense" means: set to something other than the default.
    const changed = (key: SettingKey) => {
        const value = given(key);
        if (value === undefined) return false;
        const fallback: unknown = DEFAULTS[key];
        if (typeof fallback !== "object") return value !== String(fallback);
        // Lists arrive as JSON text, spaced as the stack file or Pulumi chose.
        try {
            return JSON.stringify(JSON.parse(value)) !== JSON.stringify(fallback);
        } catch {
            return true;
        }
    };
    const onlyFor = (keys: SettingKey[], applies: boolean, where: string) => {
        for (const key of keys) {
            if (!applies && changed(key)) report(key, raw[key], `only means something ${where}; remove it from this stack`);
        }
    };

    /** The oidc* settings: required and checked with auth oidc, refused without it. */
    const oidcSettings = (applies: boolean): OidcSettings | undefined => {
        onlyFor(OIDC_KEYS, applies, "with auth oidc");
        if (!applies) {
            if (raw.oidcClientSecret !== undefined && raw.oidcClientSecret !== "") {
                problems.push("oidcClientSecret (a secret, not shown): only means something with auth oidc; remove it with `pulumi config rm oidcClientSecret`");
            }
            return undefined;
        }
        const required = (key: SettingKey, how: string) => {
            if (given(key) === undefined) report(key, "", `needed with auth oidc: ${how}`);
        };
        const issuerUrl = given("oidcIssuerUrl") ?? "";
        required("oidcIssuerUrl", "the provider's issuer, e.g. https://accounts.google.com (`pulumi config set oidcIssuerUrl <url>`)");
        if (issuerUrl !== "" && oidcIssuerProblem(issuerUrl)) report("oidcIssuerUrl", issuerUrl, oidcIssuerProblem(issuerUrl)!);
        const clientId = text("oidcClientId", /^[\x21-\x7e]{1,255}$/, "accepted: the client id the provider gave this server, 1-255 printable characters without spaces") ?? "";
        required("oidcClientId", "the client id the provider gave this server (`pulumi config set oidcClientId <id>`)");
        const secret = raw.oidcClientSecret ?? "";
        if (secret === "") {
            problems.push("oidcClientSecret: needed with auth oidc: the client secret the provider gave this server (`pulumi config set --secret oidcClientSecret <secret>`)");
        } else if (!OIDC_CLIENT_SECRET.test(secret)) {
            problems.push("oidcClientSecret (a secret, not shown): accepted: 1-512 printable characters without spaces or quotes (' \" \\); the provider's generated secrets are");
        }
        const scopes = stringList("oidcScopes", DEFAULTS.oidcScopes);
        if (scopes.length > 20) report("oidcScopes", scopes, "accepted: at most 20 scopes");
        for (const scope of scopes) if (!OAUTH_SCOPE.test(scope)) report("oidcScopes", scope, "accepted: scope names as OAuth 2.0 spells them (printable characters without spaces, quotes or backslashes)");
        if (!scopes.includes("openid")) report("oidcScopes", scopes, "accepted: a list that holds openid (without it the provider sends no ID token)");
        const groupsClaim = text("oidcGroupsClaim", /^[A-Za-z0-9_.:/-]{1,128}$/, "accepted: a claim name such as groups or cognito:groups (letters, digits and _ . : / -)") ?? DEFAULTS.oidcGroupsClaim;
        // The groups travel in the host bundle (OIDC_MAX_GROUPS) and reach MLflow comma-separated in one header.
        const groups = (key: SettingKey) => {
            const list = stringList(key, []);
            if (list.length > OIDC_MAX_GROUPS) report(key, list, `accepted: at most ${OIDC_MAX_GROUPS} groups`);
            for (const group of list) {
                if (!/^[^,\s\x00-\x1f\x7f]{1,128}$/.test(group)) report(key, group, "accepted: group names of 1-128 characters without commas, spaces or control characters");
            }
            return list;
        };
        const adminGroups = groups("oidcAdminGroups");
        const allowedGroups = groups("oidcAllowedGroups");
        const emailDomains = stringList("oidcEmailDomains", DEFAULTS.oidcEmailDomains);
        if (emailDomains.length === 0) report("oidcEmailDomains", emailDomains, "accepted: at least one domain, or [\"*\"] for any; nobody could sign in with an empty list");
        for (const emailDomain of emailDomains) {
            if (emailDomain !== "*" && !FQDN.test(emailDomain)) report("oidcEmailDomains", emailDomain, "accepted: lower-case domains such as example.com, or * for any");
        }
        // Google signs in every Google account on earth, and its ID tokens carry no groups.
        if (issuerUrl.replace(/\/$/, "") === GOOGLE_ISSUER && emailDomains.includes("*")) {
            report("oidcEmailDomains", emailDomains, `accepted with ${GOOGLE_ISSUER}: your Workspace domains, e.g. ["example.com"]; with "*" any Google account could sign in`);
        }
        const sessionHours = integer("oidcSessionHours", 1, 168, DEFAULTS.oidcSessionHours);
        return { issuerUrl, clientId, scopes, groupsClaim, adminGroups, allowedGroups, emailDomains, sessionHours };
    };

    const compute = oneOf<Compute>("compute", ["ec2", "fargate"]);
    const backendStore = oneOf<BackendStore>("backendStore", ["sqlite", "rds"]);
    const artifactStore = oneOf<ArtifactStore>("artifactStore", ["volume", "s3"]);
    const fargate = target === "aws" && compute === "fargate";
    const rds = target === "aws" && backendStore === "rds";
    const auth = oneOf<Auth>("auth", ["basic", "mlflow", "oidc"]);
    const authDefaultPermission = oneOf<AuthPermission>("authDefaultPermission", AUTH_PERMISSIONS);
    onlyFor(["authDefaultPermission"], runsAuthApp(auth), "with auth mlflow or oidc (with basic every user may do everything)");
    if (runsAuthApp(auth)) {
        if (target !== "aws") {
            report("auth", auth, "accepted with target aws (the host and the scaled tier); the local target still takes basic");
        }
        if (SEMVER.test(mlflowVersion) && compareVersions(mlflowVersion, MLFLOW_AUTH_FLOOR) < 0) {
            report("auth", auth, `needs mlflowVersion ${MLFLOW_AUTH_FLOOR} or later (${mlflowVersion} is set): earlier auth apps create an admin with a published default password (CVE-2026-2635)`);
        }
    }
    const oidc = oidcSettings(auth === "oidc");
    if (target === "local") {
        onlyFor(["logRetentionDays", "gcRetentionDays"], false, "with target aws (the local target keeps its logs in Docker and every deleted run)");
        onlyFor(["compute", "backendStore", "artifactStore"], false, "with target aws (target local runs both containers with SQLite and a Docker volume)");
    } else if (fargate) {
        // Tasks come and go and share no disk: the database and the artifacts must live outside them.
        if (backendStore !== "rds") report("backendStore", backendStore, "compute fargate needs rds: tasks share no disk for an SQLite file");
        if (artifactStore !== "s3") report("artifactStore", artifactStore, "compute fargate needs s3: tasks share no disk for artifacts");
    } else if ((backendStore === "rds") !== (artifactStore === "s3")) {
        // A host keeps both stores on its volume (and backs them up together with one snapshot), or
        // neither: a stateless host. Half of each would split one server's data between a volume
        // snapshot and RDS's backups, with no single point in time to restore both to.
        report(backendStore === "rds" ? "artifactStore" : "backendStore", backendStore === "rds" ? artifactStore : backendStore,
            "compute ec2 keeps both stores on the data volume (backendStore sqlite, artifactStore volume) or neither (backendStore rds, artifactStore s3, a stateless host); accepted: " +
            (backendStore === "rds" ? "s3 with backendStore rds" : "rds with artifactStore s3"));
    } else if (rds && subnetId !== undefined) {
        report("subnetId", subnetId, "with backendStore rds the stack makes its own VPC (the database needs private subnets in two zones next to the host); remove subnetId");
    }

    onlyFor(["taskCpu", "taskMemory", "desiredCount", "minTaskCount", "maxTaskCount"], fargate, "with compute fargate");
    onlyFor(["instanceType", "amiId", "subnetId", "dataVolumeGiB", "dataSnapshotId", "acmeEmail"], !fargate,
        "on an EC2 host (compute ec2); compute fargate has no host, no data volume and no Let's Encrypt");
    onlyFor(["dbInstanceClass", "dbStorageGiB"], rds, "with backendStore rds");
    onlyFor(["migrateFromSnapshot"], fargate, "with compute fargate (it moves a host's data into the scaled tier's database and bucket)");
    const migrateFromSnapshot = text("migrateFromSnapshot", /^snap-[0-9a-f]{8,17}$/, "accepted: the id of a snapshot of the host's data volume, such as snap-0123456789abcdef0, or nothing");

    const taskCpu = integer("taskCpu", 256, 16384, DEFAULTS.taskCpu);
    const taskMemory = integer("taskMemory", 512, 122880, DEFAULTS.taskMemory);
    const minTaskCount = integer("minTaskCount", 1, 100, DEFAULTS.minTaskCount);
    const maxTaskCount = integer("maxTaskCount", 1, 100, DEFAULTS.maxTaskCount);
    const desiredCount = integer("desiredCount", 1, 100, DEFAULTS.desiredCount);
    if (fargate) {
        const memories = FARGATE_TASK_SIZES.get(taskCpu);
        if (!memories) {
            report("taskCpu", raw.taskCpu, `accepted: one of Fargate's sizes ${[...FARGATE_TASK_SIZES.keys()].join(", ")} (CPU units, 1024 = 1 vCPU)`);
        } else if (!memories.includes(taskMemory)) {
            report("taskMemory", raw.taskMemory ?? String(taskMemory),
                `accepted with taskCpu ${taskCpu}: ${memories[0]} to ${memories[memories.length - 1]} MiB in steps of ${memories[1] - memories[0]}`);
        }
        if (maxTaskCount < minTaskCount) report("maxTaskCount", raw.maxTaskCount ?? String(maxTaskCount), `accepted: at least minTaskCount (${minTaskCount})`);
        else if (desiredCount < minTaskCount || desiredCount > maxTaskCount) {
            report("desiredCount", raw.desiredCount ?? String(desiredCount),
                `accepted: from minTaskCount (${minTaskCount}) to maxTaskCount (${maxTaskCount}), the bounds autoscaling keeps`);
        }
    }

    const dbInstanceClass = given("dbInstanceClass") ?? DEFAULTS.dbInstanceClass;
    if (!/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(dbInstanceClass)) {
        report("dbInstanceClass", dbInstanceClass, "accepted: an RDS instance class such as db.t4g.micro, db.t4g.small or db.m7g.large");
    }
    const dbStorageGiB = integer("dbStorageGiB", 20, 65536, DEFAULTS.dbStorageGiB);
    if (rds && backupRetentionDays > RDS_MAX_BACKUP_DAYS) {
        report("backupRetentionDays", raw.backupRetentionDays, `accepted with backendStore rds: 1 to ${RDS_MAX_BACKUP_DAYS} (RDS keeps automated backups at most that long)`);
    }
    if (fargate && domain !== undefined && route53ZoneId === undefined) {
        report("domain", domain, "compute fargate with a domain needs route53ZoneId: ACM validates the load balancer's certificate through a record in that zone");
    }

    if (problems.length > 0) throw new SettingsError(problems);
    return {
        target: target as Target,
        domain, route53ZoneId, acmeEmail,
        instanceType, architecture: architecture!, amiId,
        allowedCidrs, subnetId,
        mlflowVersion, nginxVersion,
        dataVolumeGiB, dataSnapshotId,
        users, auth, authDefaultPermission, oidc, maxUploadSize, protectData, backupRetentionDays, alarmEmail, logRetentionDays, gcRetentionDays,
        localHttpsPort, localHttpPort,
        compute, backendStore, artifactStore,
        taskCpu, taskMemory, desiredCount, minTaskCount, maxTaskCount,
        dbInstanceClass, dbStorageGiB, migrateFromSnapshot,
    };
}
