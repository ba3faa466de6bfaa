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
exports.RDS_MAX_BACKUP_DAYS = exports.MAX_ALLOWED_CIDRS = exports.PUBLIC_PORTS = exports.SECURITY_GROUP_RULES_PER_DIRECTION = exports.DOMAIN_MAX = exports.FARGATE_TASK_SIZES = exports.NGINX_FLOOR = exports.SettingsError = exports.DEFAULTS = void 0;
exports.isXenInstanceType = isXenInstanceType;
exports.architectureOf = architectureOf;
exports.cidrProblem = cidrProblem;
exports.validateSettings = validateSettings;
// Stack configuration -> validated settings, in one pass, before any resource exists.
// Every problem is collected so that a user fixes a stack file once, not once per run.
const net = __importStar(require("net"));
/** What a key may hold when the stack file leaves it out; Pulumi.yaml declares the same (a test holds them equal). */
exports.DEFAULTS = {
    target: "aws",
    domain: "",
    route53ZoneId: "",
    acmeEmail: "",
    // Graviton: the cheapest 2 GiB instance, and MLflow's four uvicorn workers need that much.
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
    maxUploadSize: "5g",
    protectData: false,
    backupRetentionDays: 14,
    alarmEmail: "",
    localHttpsPort: 8443,
    localHttpPort: 8080,
    compute: "ec2",
    backendStore: "sqlite",
    artifactStore: "volume",
    // Half a vCPU and 1 GiB per task: MLflow's workers and nginx fit, and two tasks keep the
    // scaled tier's defaults within about $80 a month (README, cost of the scaled tier).
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
};
class SettingsError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid stack configuration (fix it with \`pulumi config set <key> <value>\` or in Pulumi.<stack>.yaml):\n` +
            problems.map(p => `  - ${p}`).join("\n"));
        this.problems = problems;
        this.name = "SettingsError";
    }
}
exports.SettingsError = SettingsError;
const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
const USER_NAME = /^[a-z][a-z0-9._-]{0,31}$/;
const NGINX_SIZE = /^(0|[1-9][0-9]*[kmg]?)$/;
const INSTANCE_TYPE = /^([a-z]+)([0-9]+)([a-z-]*)\.([a-z0-9]+)$/;
/**
 * The oldest nginx release accepted: 1.30.0 and earlier have CVE-2026-42945 (rewrite module,
 * exploited), 1.30.1 still has CVE-2026-9256 (rewrite captures, fixed in 1.30.2). The fixes of
 * 1.30.3 concern HTTP/3 and HTTP/2 upstreams, which the rendered configuration does not use.
 */
exports.NGINX_FLOOR = "1.30.2";
/**
 * Families that run on the Xen hypervisor instead of Nitro. They present EBS volumes as
 * /dev/xvdX, not as NVMe devices named after the volume id, which is how the host finds its
 * data volume (mlflow-prepare-data). i3 is Xen except i3.metal.
 */
const XEN_FAMILIES = new Set(["t1", "t2", "m1", "m2", "m3", "m4", "c1", "c3", "c4", "cc2", "cr1", "r3", "r4", "x1", "x1e", "i2", "i3", "d2", "g2", "g3", "g3s", "h1", "hs1", "p2", "p3", "f1"]);
/** True for instance types without Nitro (see XEN_FAMILIES). */
function isXenInstanceType(instanceType) {
    const [family, size] = instanceType.split(".");
    return XEN_FAMILIES.has(family) && !(family === "i3" && size === "metal");
}
/**
 * Graviton families carry a "g" right after the generation number (t4g, m7g, c7gn, r8gd, g5g);
 * a1 is the first Graviton. Everything else EC2 offers on Linux is x86_64.
 */
function architectureOf(instanceType) {
    const match = INSTANCE_TYPE.exec(instanceType);
    if (!match)
        return undefined;
    const [, series, , attributes] = match;
    if (series === "mac")
        return undefined;
    if (series === "a" && match[2] === "1")
        return "arm64";
    return attributes.startsWith("g") ? "arm64" : "x86_64";
}
/**
 * The task sizes Fargate offers on Linux: CPU units to the memory sizes (MiB) allowed with them.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
exports.FARGATE_TASK_SIZES = new Map([
    [256, [512, 1024, 2048]],
    [512, range(1024, 4096, 1024)],
    [1024, range(2048, 8192, 1024)],
    [2048, range(4096, 16384, 1024)],
    [4096, range(8192, 30720, 1024)],
    [8192, range(16384, 61440, 4096)],
    [16384, range(32768, 122880, 8192)],
]);
function range(from, to, step) {
    return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}
/**
 * Certificates name the domain in their common name: ACM's RequestCertificate takes a first name
 * of at most 64 octets, and X.509 bounds a common name at 64 characters (RFC 5280, ub-common-name).
 */
exports.DOMAIN_MAX = 64;
/** EC2's default quota of inbound (and of outbound) rules per security group. */
exports.SECURITY_GROUP_RULES_PER_DIRECTION = 60;
/** Ports the public security group (the host's, the load balancer's) opens to allowedCidrs: 80 for the ACME challenge and the redirect, 443 for everything else. */
exports.PUBLIC_PORTS = [80, 443];
/** Each allowed block is one rule per public port in one security group. */
exports.MAX_ALLOWED_CIDRS = Math.floor(exports.SECURITY_GROUP_RULES_PER_DIRECTION / exports.PUBLIC_PORTS.length);
/** RDS keeps automated backups (and point-in-time recovery) for at most 35 days. */
exports.RDS_MAX_BACKUP_DAYS = 35;
function compareVersions(a, b) {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < 3; i++)
        if (pa[i] !== pb[i])
            return pa[i] - pb[i];
    return 0;
}
/** A CIDR block in canonical form (no bits set past the prefix), or why not. */
function cidrProblem(cidr) {
    const [address, prefixText, extra] = cidr.split("/");
    const family = net.isIPv4(address) ? 4 : net.isIPv6(address) ? 6 : 0;
    if (family === 0 || extra !== undefined || !/^\d{1,3}$/.test(prefixText ?? "")) {
        return "is not a CIDR block such as 203.0.113.0/24 or 2001:db8::/32";
    }
    const bits = family === 4 ? 32 : 128;
    const prefix = Number(prefixText);
    if (prefix > bits)
        return `has a prefix longer than ${bits} bits`;
    const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
    const hostMask = (1n << BigInt(bits - prefix)) - 1n;
    if ((value & hostMask) !== 0n)
        return "has bits set past its prefix length (AWS wants the network address)";
    return undefined;
}
function ipv4ToBigInt(address) {
    return address.split(".").reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n);
}
function ipv6ToBigInt(address) {
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
function validateSettings(raw) {
    const problems = [];
    const given = (key) => {
        const value = raw[key];
        return value === undefined || value === "" ? undefined : value;
    };
    const report = (key, value, accepted) => problems.push(`${key} = ${JSON.stringify(value)}: ${accepted}`);
    const text = (key, pattern, accepted) => {
        const value = given(key);
        if (value !== undefined && !pattern.test(value))
            report(key, value, accepted);
        return value;
    };
    const integer = (key, min, max, fallback) => {
        const value = given(key);
        if (value === undefined)
            return fallback;
        const parsed = Number(value);
        if (!/^-?\d+$/.test(value.trim()) || parsed < min || parsed > max) {
            report(key, value, `accepted: a whole number from ${min} to ${max}`);
            return fallback;
        }
        return parsed;
    };
    const boolean = (key, fallback) => {
        const value = given(key);
        if (value === undefined)
            return fallback;
        if (value !== "true" && value !== "false") {
            report(key, value, "accepted: true or false");
            return fallback;
        }
        return value === "true";
    };
    const stringList = (key, fallback) => {
        const value = given(key);
        if (value === undefined)
            return [...fallback];
        let parsed;
        try {
            parsed = JSON.parse(value);
        }
        catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || parsed.some(item => typeof item !== "string")) {
            report(key, value, `accepted: a list of strings, e.g. \`pulumi config set --path '${key}[0]' <value>\``);
            return [...fallback];
        }
        return parsed;
    };
    const target = given("target") ?? exports.DEFAULTS.target;
    if (target !== "aws" && target !== "local")
        report("target", target, "accepted: aws or local");
    const domain = text("domain", FQDN, "accepted: a lower-case fully qualified domain name such as mlflow.example.com, or nothing");
    if (domain !== undefined && domain.length > exports.DOMAIN_MAX) {
        report("domain", domain, `accepted: at most ${exports.DOMAIN_MAX} characters (it is the certificate's common name: ACM takes no longer first name, and X.509 bounds a common name at ${exports.DOMAIN_MAX})`);
    }
    const route53ZoneId = text("route53ZoneId", /^Z[A-Z0-9]{1,31}$/, "accepted: a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (at most 32 characters), or nothing");
    if (route53ZoneId !== undefined && domain === undefined) {
        report("route53ZoneId", route53ZoneId, "needs `domain`: the record it creates is for that name");
    }
    const acmeEmail = text("acmeEmail", EMAIL, "accepted: an e-mail address, or nothing");
    if (acmeEmail !== undefined && domain === undefined) {
        report("acmeEmail", acmeEmail, "needs `domain`: without a domain the server uses the private CA and never asks Let's Encrypt");
    }
    const instanceType = given("instanceType") ?? exports.DEFAULTS.instanceType;
    const architecture = architectureOf(instanceType);
    if (!architecture) {
        report("instanceType", instanceType, "accepted: an EC2 instance type such as t4g.small, m7g.large or t3.medium (not mac*)");
    }
    else if (isXenInstanceType(instanceType)) {
        report("instanceType", instanceType, "accepted: a Nitro instance type such as t4g.small, t3.small or m7g.large; Xen types (t2, m4, c4, r4, ...) present the data volume under a name the host does not look for");
    }
    const amiId = text("amiId", /^ami-[0-9a-f]{8,17}$/, "accepted: an AMI id such as ami-0123456789abcdef0 (Debian 13 for the instance's architecture), or nothing");
    const allowedCidrs = stringList("allowedCidrs", exports.DEFAULTS.allowedCidrs);
    if (allowedCidrs.length === 0) {
        report("allowedCidrs", allowedCidrs, "accepted: at least one CIDR block; nobody could reach an empty list");
    }
    else if (allowedCidrs.length > exports.MAX_ALLOWED_CIDRS) {
        report("allowedCidrs", allowedCidrs, `accepted: at most ${exports.MAX_ALLOWED_CIDRS} blocks (each opens 80 and 443, and a security group takes ${exports.SECURITY_GROUP_RULES_PER_DIRECTION} inbound rules by default); use a wider block or a prefix list`);
    }
    const repeatedCidrs = allowedCidrs.filter((cidr, index) => allowedCidrs.indexOf(cidr) !== index);
    if (repeatedCidrs.length > 0)
        report("allowedCidrs", repeatedCidrs, "accepted: each block once (EC2 refuses a rule that repeats another)");
    for (const cidr of allowedCidrs) {
        const problem = cidrProblem(cidr);
        if (problem)
            report("allowedCidrs", cidr, `${problem}`);
        else if (cidr.includes(":")) {
            report("allowedCidrs", cidr, "accepted: IPv4 blocks only; the stack's network and Elastic IP are IPv4, so an IPv6 rule would let nobody in");
        }
    }
    const subnetId = text("subnetId", /^subnet-[0-9a-f]{8,17}$/, "accepted: a subnet id such as subnet-0123456789abcdef0, or nothing");
    const mlflowVersion = given("mlflowVersion") ?? exports.DEFAULTS.mlflowVersion;
    if (!SEMVER.test(mlflowVersion) || compareVersions(mlflowVersion, "3.0.0") < 0) {
        report("mlflowVersion", mlflowVersion, "accepted: an MLflow release 3.0.0 or later, written X.Y.Z (image tag v<version>)");
    }
    const nginxVersion = given("nginxVersion") ?? exports.DEFAULTS.nginxVersion;
    if (!SEMVER.test(nginxVersion) || compareVersions(nginxVersion, exports.NGINX_FLOOR) < 0) {
        report("nginxVersion", nginxVersion, `accepted: an nginx release ${exports.NGINX_FLOOR} or later, written X.Y.Z (earlier releases have known vulnerabilities, CVE-2026-42945 among them)`);
    }
    const dataVolumeGiB = integer("dataVolumeGiB", 1, 16384, exports.DEFAULTS.dataVolumeGiB);
    const dataSnapshotId = text("dataSnapshotId", /^snap-[0-9a-f]{8,17}$/, "accepted: a snapshot id such as snap-0123456789abcdef0, or nothing");
    const users = stringList("users", exports.DEFAULTS.users);
    if (users.length === 0 || users.length > 50)
        report("users", users, "accepted: 1 to 50 user names");
    for (const user of users) {
        if (!USER_NAME.test(user)) {
            report("users", user, "accepted: names of 1-32 characters from a-z, 0-9, '.', '_' and '-', starting with a letter");
        }
    }
    const duplicates = users.filter((user, index) => users.indexOf(user) !== index);
    if (duplicates.length > 0)
        report("users", duplicates, "accepted: each name once");
    const maxUploadSize = (given("maxUploadSize") ?? exports.DEFAULTS.maxUploadSize).toLowerCase();
    if (!NGINX_SIZE.test(maxUploadSize)) {
        report("maxUploadSize", raw.maxUploadSize, "accepted: a size in nginx syntax such as 500m, 5g or 1024k, or 0 for no limit");
    }
    const protectData = boolean("protectData", exports.DEFAULTS.protectData);
    const backupRetentionDays = integer("backupRetentionDays", 1, 1000, exports.DEFAULTS.backupRetentionDays);
    const alarmEmail = text("alarmEmail", EMAIL, "accepted: an e-mail address, or nothing");
    const localHttpsPort = integer("localHttpsPort", 1, 65535, exports.DEFAULTS.localHttpsPort);
    const localHttpPort = integer("localHttpPort", 1, 65535, exports.DEFAULTS.localHttpPort);
    if (localHttpPort === localHttpsPort) {
        report("localHttpPort", localHttpPort, "accepted: a port other than localHttpsPort");
    }
    const oneOf = (key, accepted) => {
        const value = given(key) ?? String(exports.DEFAULTS[key]);
        if (!accepted.includes(value)) {
            report(key, value, `accepted: ${accepted.join(" or ")}`);
            return exports.DEFAULTS[key];
        }
        return value;
    };
    // Pulumi hands over a declared default like a value the stack set, so "set where it makes no
    // sense" means: set to something other than the default.
    const changed = (key) => given(key) !== undefined && given(key) !== String(exports.DEFAULTS[key]);
    const onlyFor = (keys, applies, where) => {
        for (const key of keys) {
            if (!applies && changed(key))
                report(key, raw[key], `only means something ${where}; remove it from this stack`);
        }
    };
    const compute = oneOf("compute", ["ec2", "fargate"]);
    const backendStore = oneOf("backendStore", ["sqlite", "rds"]);
    const artifactStore = oneOf("artifactStore", ["volume", "s3"]);
    const fargate = target === "aws" && compute === "fargate";
    const rds = target === "aws" && backendStore === "rds";
    if (target === "local") {
        onlyFor(["compute", "backendStore", "artifactStore"], false, "with target aws (target local runs both containers with SQLite and a Docker volume)");
    }
    else if (fargate) {
        // Tasks come and go and share no disk: the database and the artifacts must live outside them.
        if (backendStore !== "rds")
            report("backendStore", backendStore, "compute fargate needs rds: tasks share no disk for an SQLite file");
        if (artifactStore !== "s3")
            report("artifactStore", artifactStore, "compute fargate needs s3: tasks share no disk for artifacts");
    }
    else if ((backendStore === "rds") !== (artifactStore === "s3")) {
        // A host keeps both stores on its volume (and backs them up together with one snapshot), or
        // neither: a stateless host. Half of each would split one server's data between a volume
        // snapshot and RDS's backups, with no single point in time to restore both to.
        report(backendStore === "rds" ? "artifactStore" : "backendStore", backendStore === "rds" ? artifactStore : backendStore, "compute ec2 keeps both stores on the data volume (backendStore sqlite, artifactStore volume) or neither (backendStore rds, artifactStore s3, a stateless host); accepted: " +
            (backendStore === "rds" ? "s3 with backendStore rds" : "rds with artifactStore s3"));
    }
    else if (rds && subnetId !== undefined) {
        report("subnetId", subnetId, "with backendStore rds the stack makes its own VPC (the database needs private subnets in two zones next to the host); remove subnetId");
    }
    onlyFor(["taskCpu", "taskMemory", "desiredCount", "minTaskCount", "maxTaskCount"], fargate, "with compute fargate");
    onlyFor(["instanceType", "amiId", "subnetId", "dataVolumeGiB", "dataSnapshotId", "acmeEmail"], !fargate, "on an EC2 host (compute ec2); compute fargate has no host, no data volume and no Let's Encrypt");
    onlyFor(["dbInstanceClass", "dbStorageGiB"], rds, "with backendStore rds");
    onlyFor(["migrateFromSnapshot"], fargate, "with compute fargate (it moves a host's data into the scaled tier's database and bucket)");
    const migrateFromSnapshot = text("migrateFromSnapshot", /^snap-[0-9a-f]{8,17}$/, "accepted: the id of a snapshot of the host's data volume, such as snap-0123456789abcdef0, or nothing");
    const taskCpu = integer("taskCpu", 256, 16384, exports.DEFAULTS.taskCpu);
    const taskMemory = integer("taskMemory", 512, 122880, exports.DEFAULTS.taskMemory);
    const minTaskCount = integer("minTaskCount", 1, 100, exports.DEFAULTS.minTaskCount);
    const maxTaskCount = integer("maxTaskCount", 1, 100, exports.DEFAULTS.maxTaskCount);
    const desiredCount = integer("desiredCount", 1, 100, exports.DEFAULTS.desiredCount);
    if (fargate) {
        const memories = exports.FARGATE_TASK_SIZES.get(taskCpu);
        if (!memories) {
            report("taskCpu", raw.taskCpu, `accepted: one of Fargate's sizes ${[...exports.FARGATE_TASK_SIZES.keys()].join(", ")} (CPU units, 1024 = 1 vCPU)`);
        }
        else if (!memories.includes(taskMemory)) {
            report("taskMemory", raw.taskMemory ?? String(taskMemory), `accepted with taskCpu ${taskCpu}: ${memories[0]} to ${memories[memories.length - 1]} MiB in steps of ${memories[1] - memories[0]}`);
        }
        if (maxTaskCount < minTaskCount)
            report("maxTaskCount", raw.maxTaskCount ?? String(maxTaskCount), `accepted: at least minTaskCount (${minTaskCount})`);
        else if (desiredCount < minTaskCount || desiredCount > maxTaskCount) {
            report("desiredCount", raw.desiredCount ?? String(desiredCount), `accepted: from minTaskCount (${minTaskCount}) to maxTaskCount (${maxTaskCount}), the bounds autoscaling keeps`);
        }
    }
    const dbInstanceClass = given("dbInstanceClass") ?? exports.DEFAULTS.dbInstanceClass;
    if (!/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(dbInstanceClass)) {
        report("dbInstanceClass", dbInstanceClass, "accepted: an RDS instance class such as db.t4g.micro, db.t4g.small or db.m7g.large");
    }
    const dbStorageGiB = integer("dbStorageGiB", 20, 65536, exports.DEFAULTS.dbStorageGiB);
    if (rds && backupRetentionDays > exports.RDS_MAX_BACKUP_DAYS) {
        report("backupRetentionDays", raw.backupRetentionDays, `accepted with backendStore rds: 1 to ${exports.RDS_MAX_BACKUP_DAYS} (RDS keeps automated backups at most that long)`);
    }
    if (fargate && domain !== undefined && route53ZoneId === undefined) {
        report("domain", domain, "compute fargate with a domain needs route53ZoneId: ACM validates the load balancer's certificate through a record in that zone");
    }
    if (problems.length > 0)
        throw new SettingsError(problems);
    return {
        target: target,
        domain, route53ZoneId, acmeEmail,
        instanceType, architecture: architecture, amiId,
        allowedCidrs, subnetId,
        mlflowVersion, nginxVersion,
        dataVolumeGiB, dataSnapshotId,
        users, maxUploadSize, protectData, backupRetentionDays, alarmEmail,
        localHttpsPort, localHttpPort,
        compute, backendStore, artifactStore,
        taskCpu, taskMemory, desiredCount, minTaskCount, maxTaskCount,
        dbInstanceClass, dbStorageGiB, migrateFromSnapshot,
    };
}
//# sourceMappingURL=settings.js.map