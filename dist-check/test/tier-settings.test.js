"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// The settings that choose a tier (compute, backendStore, artifactStore) and those of the scaled
// tier: every combination that makes no sense is an error naming key, value and what is accepted.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const settings_1 = require("../lib/settings");
const SCALED = { compute: "fargate", backendStore: "rds", artifactStore: "s3" };
function problemsOf(raw) {
    try {
        (0, settings_1.validateSettings)(raw);
    }
    catch (error) {
        strict_1.default.ok(error instanceof settings_1.SettingsError, `expected a SettingsError, got ${error}`);
        return error.problems;
    }
    strict_1.default.fail(`expected ${JSON.stringify(raw)} to be rejected`);
}
/** Exactly one problem, about `key`, repeating `value`, matching `accepted`. */
function assertOneProblem(raw, key, value, accepted) {
    const problems = problemsOf(raw);
    strict_1.default.equal(problems.length, 1, problems.join("\n"));
    strict_1.default.ok(problems[0].startsWith(`${key} = ${JSON.stringify(value)}: `), problems[0]);
    strict_1.default.match(problems[0], accepted);
}
(0, node_test_1.describe)("tier settings", () => {
    (0, node_test_1.test)("the defaults are today's host: ec2, SQLite, the data volume", () => {
        const settings = (0, settings_1.validateSettings)({});
        strict_1.default.equal(settings.compute, "ec2");
        strict_1.default.equal(settings.backendStore, "sqlite");
        strict_1.default.equal(settings.artifactStore, "volume");
        strict_1.default.equal(settings.desiredCount, 2);
        strict_1.default.equal(settings.dbInstanceClass, "db.t4g.micro");
    });
    (0, node_test_1.test)("the scaled tier: fargate with rds and s3, and its sizes", () => {
        const settings = (0, settings_1.validateSettings)({ ...SCALED, taskCpu: "1024", taskMemory: "3072", desiredCount: "3", minTaskCount: "2", maxTaskCount: "6", dbInstanceClass: "db.t4g.small", dbStorageGiB: "50" });
        strict_1.default.deepEqual([settings.compute, settings.backendStore, settings.artifactStore], ["fargate", "rds", "s3"]);
        strict_1.default.deepEqual([settings.taskCpu, settings.taskMemory, settings.desiredCount, settings.minTaskCount, settings.maxTaskCount], [1024, 3072, 3, 2, 6]);
        strict_1.default.deepEqual([settings.dbInstanceClass, settings.dbStorageGiB], ["db.t4g.small", 50]);
    });
    (0, node_test_1.test)("the stateless host: ec2 with rds and s3, with the database's size and the host's settings", () => {
        const settings = (0, settings_1.validateSettings)({ backendStore: "rds", artifactStore: "s3", dbInstanceClass: "db.t4g.small", dbStorageGiB: "40", instanceType: "t4g.medium", dataVolumeGiB: "5" });
        strict_1.default.deepEqual([settings.compute, settings.backendStore, settings.artifactStore], ["ec2", "rds", "s3"]);
        strict_1.default.deepEqual([settings.dbInstanceClass, settings.dbStorageGiB, settings.instanceType, settings.dataVolumeGiB], ["db.t4g.small", 40, "t4g.medium", 5]);
    });
    (0, node_test_1.test)("declared defaults that Pulumi hands over as values are not 'set where they make no sense'", () => {
        const settings = (0, settings_1.validateSettings)({ taskCpu: "512", taskMemory: "1024", desiredCount: "2", dbInstanceClass: "db.t4g.micro", instanceType: "t4g.small", dataVolumeGiB: "20", ...SCALED });
        strict_1.default.equal(settings.compute, "fargate");
        strict_1.default.equal((0, settings_1.validateSettings)({ taskCpu: "512", dbStorageGiB: "20", target: "local", compute: "ec2" }).target, "local");
    });
    const cases = [
        ["an unknown compute", { compute: "lambda" }, "compute", "lambda", /accepted: ec2 or fargate/],
        ["an unknown backend store", { backendStore: "mysql" }, "backendStore", "mysql", /accepted: sqlite or rds/],
        ["an unknown artifact store", { artifactStore: "efs" }, "artifactStore", "efs", /accepted: volume or s3/],
        ["fargate with SQLite", { ...SCALED, backendStore: "sqlite" }, "backendStore", "sqlite", /compute fargate needs rds/],
        ["fargate with the volume", { ...SCALED, artifactStore: "volume" }, "artifactStore", "volume", /compute fargate needs s3/],
        ["local with fargate", { target: "local", compute: "fargate" }, "compute", "fargate", /only means something with target aws/],
        ["local with rds", { target: "local", backendStore: "rds" }, "backendStore", "rds", /only means something with target aws/],
        ["local with s3", { target: "local", artifactStore: "s3" }, "artifactStore", "s3", /only means something with target aws/],
        ["a host with rds and its artifacts on the volume", { backendStore: "rds" }, "artifactStore", "volume", /keeps both stores on the data volume .* or neither .*accepted: s3 with backendStore rds/],
        ["a host with s3 and its database on the volume", { artifactStore: "s3" }, "backendStore", "sqlite", /keeps both stores on the data volume .* or neither .*accepted: rds with artifactStore s3/],
        ["a stateless host in an existing subnet", { backendStore: "rds", artifactStore: "s3", subnetId: "subnet-0123456789abcdef0" }, "subnetId", "subnet-0123456789abcdef0", /the stack makes its own VPC .*remove subnetId/],
        ["a stateless host keeping backups longer than RDS can", { backendStore: "rds", artifactStore: "s3", backupRetentionDays: "60" }, "backupRetentionDays", "60", /accepted with backendStore rds: 1 to 35/],
        ["a task size on ec2", { taskCpu: "1024" }, "taskCpu", "1024", /only means something with compute fargate/],
        ["a task count on ec2", { desiredCount: "3" }, "desiredCount", "3", /only means something with compute fargate/],
        ["autoscaling bounds on ec2", { minTaskCount: "1" }, "minTaskCount", "1", /only means something with compute fargate/],
        ["a database class without rds", { dbInstanceClass: "db.t4g.small" }, "dbInstanceClass", "db.t4g.small", /only means something with backendStore rds/],
        ["database storage without rds", { dbStorageGiB: "100" }, "dbStorageGiB", "100", /only means something with backendStore rds/],
        ["an instance type on fargate", { ...SCALED, instanceType: "t4g.medium" }, "instanceType", "t4g.medium", /only means something on an EC2 host/],
        ["a data volume size on fargate", { ...SCALED, dataVolumeGiB: "40" }, "dataVolumeGiB", "40", /only means something on an EC2 host/],
        ["an existing subnet on fargate", { ...SCALED, subnetId: "subnet-0123456789abcdef0" }, "subnetId", "subnet-0123456789abcdef0", /only means something on an EC2 host/],
        ["a snapshot on fargate", { ...SCALED, dataSnapshotId: "snap-0123456789abcdef0" }, "dataSnapshotId", "snap-0123456789abcdef0", /only means something on an EC2 host/],
        ["Let's Encrypt on fargate", { ...SCALED, domain: "mlflow.example.com", route53ZoneId: "Z0123456789ABCDEFGHIJ", acmeEmail: "ops@example.com" }, "acmeEmail", "ops@example.com", /no Let's Encrypt/],
        ["a CPU size Fargate lacks", { ...SCALED, taskCpu: "768" }, "taskCpu", "768", /one of Fargate's sizes 256, 512, 1024/],
        ["a memory size the CPU size lacks", { ...SCALED, taskCpu: "512", taskMemory: "512" }, "taskMemory", "512", /accepted with taskCpu 512: 1024 to 4096 MiB in steps of 1024/],
        ["too much memory for the CPU", { ...SCALED, taskCpu: "256", taskMemory: "4096" }, "taskMemory", "4096", /accepted with taskCpu 256: 512 to 2048/],
        ["desiredCount outside the bounds", { ...SCALED, desiredCount: "5" }, "desiredCount", "5", /from minTaskCount \(2\) to maxTaskCount \(4\)/],
        ["bounds the wrong way round", { ...SCALED, minTaskCount: "3", maxTaskCount: "2", desiredCount: "3" }, "maxTaskCount", "2", /at least minTaskCount \(3\)/],
        ["no task at all", { ...SCALED, minTaskCount: "0" }, "minTaskCount", "0", /whole number from 1 to 100/],
        ["a database class that is not one", { ...SCALED, dbInstanceClass: "t4g.micro" }, "dbInstanceClass", "t4g.micro", /RDS instance class such as db.t4g.micro/],
        ["less than gp3's minimum", { ...SCALED, dbStorageGiB: "10" }, "dbStorageGiB", "10", /from 20 to 65536/],
        ["backups RDS cannot keep", { ...SCALED, backupRetentionDays: "60" }, "backupRetentionDays", "60", /accepted with backendStore rds: 1 to 35/],
        ["a domain ACM cannot validate", { ...SCALED, domain: "mlflow.example.com" }, "domain", "mlflow.example.com", /needs route53ZoneId: ACM validates/],
        ["a migration into the host itself", { migrateFromSnapshot: "snap-0123456789abcdef0" }, "migrateFromSnapshot", "snap-0123456789abcdef0", /only means something with compute fargate/],
        ["a migration from something not a snapshot", { ...SCALED, migrateFromSnapshot: "vol-0123456789abcdef0" }, "migrateFromSnapshot", "vol-0123456789abcdef0", /accepted: the id of a snapshot of the host's data volume/],
    ];
    for (const [what, raw, key, value, accepted] of cases) {
        (0, node_test_1.test)(`${what}: ${key} = ${value} is rejected, naming key, value and what is accepted`, () => assertOneProblem(raw, key, value, accepted));
    }
    (0, node_test_1.test)("every CPU and memory pair Fargate documents is accepted", () => {
        for (const [cpu, memories] of settings_1.FARGATE_TASK_SIZES) {
            for (const memory of [memories[0], memories[memories.length - 1]]) {
                strict_1.default.equal((0, settings_1.validateSettings)({ ...SCALED, taskCpu: String(cpu), taskMemory: String(memory) }).taskMemory, memory, `${cpu}/${memory}`);
            }
        }
        strict_1.default.deepEqual(settings_1.FARGATE_TASK_SIZES.get(8192).slice(0, 3), [16384, 20480, 24576], "8 vCPU: steps of 4 GiB");
    });
    (0, node_test_1.test)("a host's data snapshot to migrate from, on the scaled tier", () => {
        strict_1.default.equal((0, settings_1.validateSettings)({ ...SCALED, migrateFromSnapshot: "snap-0123456789abcdef0" }).migrateFromSnapshot, "snap-0123456789abcdef0");
        strict_1.default.equal((0, settings_1.validateSettings)({ ...SCALED }).migrateFromSnapshot, undefined);
    });
    (0, node_test_1.test)("a domain with its zone is the scaled tier's way to a public certificate", () => {
        strict_1.default.equal((0, settings_1.validateSettings)({ ...SCALED, domain: "mlflow.example.com", route53ZoneId: "Z0123456789ABCDEFGHIJ" }).domain, "mlflow.example.com");
    });
});
//# sourceMappingURL=tier-settings.test.js.map