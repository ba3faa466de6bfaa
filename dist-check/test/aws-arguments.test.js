"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// AWS's own rules on every argument the program declares (harness/awsRules): the shipped stack
// files, every tier with and without each option, every setting at its bound, and stack names
// that Pulumi allows but that are not plain words. Pulumi's mocks accept anything; the provider's
// validators and AWS's APIs do not, and this is what they would refuse at `pulumi preview` / `up`.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const check_1 = require("../harness/awsRules/check");
const rules_1 = require("../harness/awsRules/rules");
const awsNames_1 = require("../lib/awsNames");
const stackConfig_1 = require("../lib/stackConfig");
const privateCa_1 = require("../components/shared/privateCa");
const settings_1 = require("../lib/settings");
const pulumiProgram_1 = require("./support/pulumiProgram");
const scaledTask_1 = require("./support/scaledTask");
/** Names Pulumi allows (^[A-Za-z0-9_.-]{1,100}$) that are not plain words: each reaches every name built from the stack name. */
const STACK_NAMES = [
    "Prod.EU_west-1",
    "a",
    "team_A.ml-flow",
    "-.-",
    "X".repeat(100),
    "Ab9_.-".repeat(17).slice(0, 100),
    "0.1",
];
const TIERS = {
    host: {},
    "stateless host": { backendStore: "rds", artifactStore: "s3" },
    "scaled tier": { ...scaledTask_1.SCALED },
};
const DOMAIN = "mlflow.example.com";
const ZONE = "Z0123456789ABCDEFGHIJ";
/** Each tier with and without a domain, Route 53, protectData, alarmEmail and (scaled tier) migrateFromSnapshot. */
function matrix() {
    const cases = [];
    for (const [tier, base] of Object.entries(TIERS)) {
        const scaled = base.compute === "fargate";
        // The scaled tier's certificate comes from ACM through Route 53: a domain goes with a zone there.
        const domains = scaled ? [{}, { domain: DOMAIN, route53ZoneId: ZONE }] : [{}, { domain: DOMAIN }, { domain: DOMAIN, route53ZoneId: ZONE }];
        for (const domain of domains) {
            for (const protectData of [false, true]) {
                for (const alarmEmail of [undefined, "ops@example.com"]) {
                    for (const migrateFromSnapshot of scaled ? [undefined, "snap-0123456789abcdef0"] : [undefined]) {
                        const settings = { ...base, ...domain, protectData };
                        if (alarmEmail)
                            settings.alarmEmail = alarmEmail;
                        if (migrateFromSnapshot)
                            settings.migrateFromSnapshot = migrateFromSnapshot;
                        const stack = STACK_NAMES[cases.length % STACK_NAMES.length];
                        cases.push({ title: `${tier} ${JSON.stringify(settings)} as stack ${stack}`, stack, settings });
                    }
                }
            }
        }
    }
    return cases;
}
/** Every setting that reaches an AWS argument at the far end of what validateSettings accepts. */
function atTheBounds() {
    const users = Array.from({ length: 50 }, (_, index) => `u${String(index).padStart(2, "0")}${"x".repeat(29)}`);
    const allowedCidrs = Array.from({ length: settings_1.MAX_ALLOWED_CIDRS }, (_, index) => `10.${index}.0.0/16`);
    // 64 characters, the longest accepted, with labels of the longest kind.
    const domain = `${"a".repeat(63)}.b`.slice(0, 60) + ".com";
    const everywhere = { users, allowedCidrs, domain, route53ZoneId: `Z${"A".repeat(31)}`, protectData: true, alarmEmail: "ops@example.com" };
    const stack = STACK_NAMES[4];
    return [
        { title: "host, every setting at its bound", stack, settings: { ...everywhere, dataVolumeGiB: 16384, backupRetentionDays: 1000, instanceType: "m7g.16xlarge" } },
        { title: "stateless host, every setting at its bound", stack, settings: { ...everywhere, ...TIERS["stateless host"], dbStorageGiB: 65536, backupRetentionDays: settings_1.RDS_MAX_BACKUP_DAYS } },
        {
            title: "scaled tier, every setting at its bound", stack, settings: {
                ...everywhere, ...scaledTask_1.SCALED, dbStorageGiB: 65536, backupRetentionDays: settings_1.RDS_MAX_BACKUP_DAYS, taskCpu: 16384, taskMemory: 122880,
                minTaskCount: 100, desiredCount: 100, maxTaskCount: 100, migrateFromSnapshot: "snap-0123456789abcdef0",
            },
        },
    ];
}
const shipped = ["dev", "prod", "local"].map((stack) => {
    const { raw } = (0, stackConfig_1.readStackFile)(stack);
    return { title: `the shipped stack file Pulumi.${stack}.yaml`, stack, settings: raw };
});
const partitions = Object.entries(TIERS).map(([tier, settings]) => ({ title: `${tier} in the aws-cn partition`, stack: "dev", settings, partition: "aws-cn" }));
/** What only some stacks set or meet: a restore into an existing subnet with a fixed image, and the second `pulumi up` of a host. */
const hostVariants = [
    {
        title: "host restored from a snapshot into an existing subnet, with a fixed AMI", stack: STACK_NAMES[2],
        settings: { dataSnapshotId: "snap-0123456789abcdef0", subnetId: "subnet-0123456789abcdef0", amiId: "ami-0123456789abcdef0" },
        // The mocks' existing subnet is in the c zone.
        offerings: { "t4g.small": [`${pulumiProgram_1.MOCK_REGION}c`] },
    },
    { title: "host, the second pulumi up (its data volume exists)", stack: STACK_NAMES[0], settings: {}, redeploy: true },
];
const ALL_CASES = [...shipped, ...matrix(), ...atTheBounds(), ...hostVariants, ...partitions];
/** "<type> <argument>" of every rule that some case used. */
const used = new Set();
async function declared(run) {
    const deployed = run.redeploy ? await (0, pulumiProgram_1.runProgram)(run.settings, run.stack) : undefined;
    return (0, pulumiProgram_1.runProgram)(run.settings, run.stack, { partition: run.partition, deployed, offerings: run.offerings });
}
(0, node_test_1.describe)("AWS's rules on every argument the program declares", () => {
    for (const run of ALL_CASES) {
        (0, node_test_1.test)(run.title, async () => {
            const calls = await declared(run);
            const result = (0, check_1.checkArguments)(calls, rules_1.AWS_RULES);
            result.used.forEach(rule => used.add(rule));
            const problems = [...result.findings.map(check_1.describeFinding), ...(0, check_1.checkQuotas)(calls)];
            strict_1.default.deepEqual(problems, [], `${problems.length} argument(s) AWS or its provider would refuse:\n${problems.join("\n")}`);
            if (run.partition) {
                const foreign = calls.resources.flatMap(resource => JSON.stringify(resource.inputs).match(/arn:aws:[^"\\]*/g) ?? []);
                strict_1.default.deepEqual(foreign, [], `every ARN in the ${run.partition} partition`);
            }
        });
    }
    (0, node_test_1.test)("every rule of the table was used by some case: a rule nothing checks is out of date", () => {
        const unused = Object.entries(rules_1.AWS_RULES).flatMap(([type, rules]) => "outsideAws" in rules ? [] : [
            ...Object.keys(rules.arguments).map(argument => `${type} ${argument}`),
            ...(rules.autoname ? [`${type} (autoname)`] : []),
        ]).filter(rule => !used.has(rule));
        strict_1.default.deepEqual(unused, []);
    });
});
(0, node_test_1.describe)("the check itself fails where AWS would", () => {
    const dlm = "aws:dlm/lifecyclePolicy:LifecyclePolicy";
    const check = (resources) => (0, check_1.checkArguments)({ resources, invokes: [], produced: new Set(["mlflow-data-dlm-physical", "arn:aws:iam::123456789012:role/mlflow-data-dlm"]) }, rules_1.AWS_RULES).findings;
    const policy = (inputs) => ({ type: dlm, name: "mlflow-data-daily", inputs: { executionRoleArn: "arn:aws:iam::123456789012:role/mlflow-data-dlm", state: "ENABLED", ...inputs } });
    (0, node_test_1.test)("a refused character: the snapshot policy's description as the program had it names the provider's rule", () => {
        const findings = check([policy({ description: "Daily snapshots of the MLflow data volume (mlflow-on-aws-dev)" })]);
        strict_1.default.deepEqual([...new Set(findings.map(finding => finding.argument))], ["description"], findings.map(check_1.describeFinding).join("\n"));
        const described = findings.map(check_1.describeFinding).join("\n");
        strict_1.default.match(described, /does not match .*0-9A-Za-z _-.*terraform-provider-aws internal\/service\/dlm\/lifecycle_policy\.go/);
        strict_1.default.match(described, /does not match .*botocore dlm:CreateLifecyclePolicy\.Description/, "AWS's model says the same, matched whole");
        strict_1.default.deepEqual(check([policy({ description: "Daily snapshots of the MLflow data volume of mlflow-on-aws-dev" })]), []);
    });
    (0, node_test_1.test)("an overlong value, a value outside an enum, a number out of range", () => {
        const findings = check([
            policy({ description: "d".repeat(501) }),
            policy({ description: "ok", state: "SOMETIMES" }),
            policy({ description: "ok", policyDetails: { schedules: [{ name: "daily", retainRule: { count: 1001 } }] } }),
        ]).map(check_1.describeFinding).join("\n");
        strict_1.default.match(findings, /description = "d{10}.*is 501 characters, more than 500/);
        strict_1.default.match(findings, /state = "SOMETIMES": is not one of ENABLED, DISABLED/);
        strict_1.default.match(findings, /policyDetails\.schedules\[\]\.retainRule\.count = 1001: is more than 1000/);
        strict_1.default.equal(findings.split("\n").length, 5, `the description and the count break the model's rule and the provider's, the state the model's:\n${findings}`);
    });
    (0, node_test_1.test)("an unknown resource type, an argument without a rule, and a literal where AWS's own id belongs", () => {
        const findings = check([
            { type: "aws:sqs/queue:Queue", name: "jobs", inputs: { name: "jobs" } },
            policy({ description: "ok", newArgument: "x" }),
            policy({ description: "ok", executionRoleArn: "arn:aws:iam::123456789012:role/typed-by-hand" }),
        ]).map(check_1.describeFinding);
        strict_1.default.equal(findings.length, 3, findings.join("\n"));
        strict_1.default.match(findings[0], /aws:sqs\/queue:Queue jobs: \(type\) .*has no rules/);
        strict_1.default.match(findings[1], /newArgument = "x": has no rule/);
        strict_1.default.match(findings[2], /executionRoleArn .*should be aws:iam\/role:Role\.arn, a value AWS returns/);
    });
    (0, node_test_1.test)("within a whole run: a number past its bound, a document past its length, an ARN typed by hand where AWS's own belongs", async () => {
        const run = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED });
        const tampered = (type, change) => (0, check_1.checkArguments)({ ...run, resources: run.resources.map(r => r.type === type ? { ...r, inputs: change(r.inputs) } : r) }, rules_1.AWS_RULES).findings.map(check_1.describeFinding).join("\n");
        strict_1.default.deepEqual((0, check_1.checkArguments)(run, rules_1.AWS_RULES).findings, [], "the run as the program declares it passes");
        strict_1.default.match(tampered("aws:lb/loadBalancer:LoadBalancer", inputs => ({ ...inputs, idleTimeout: 99999 })), /idleTimeout = 99999: is more than 4000/);
        const longTrust = (inputs) => ({ ...inputs, assumeRolePolicy: { ...inputs.assumeRolePolicy, Statement: [{ ...inputs.assumeRolePolicy.Statement[0], Principal: { Service: "x".repeat(3000) } }] } });
        strict_1.default.match(tampered("aws:iam/role:Role", longTrust), /assumeRolePolicy = .*: is 3\d{3} characters, more than 2048/);
        strict_1.default.match(tampered("aws:lambda/function:Function", inputs => ({ ...inputs, role: `arn:aws:iam::${pulumiProgram_1.MOCK_ACCOUNT}:role/typed-by-hand` })), /role = "arn:aws:iam::123456789012:role\/typed-by-hand": should be aws:iam\/role:Role\.arn, a value AWS returns/);
        strict_1.default.match(tampered("aws:ecs/service:Service", inputs => ({ ...inputs, desiredCount: "two" })), /desiredCount = "two": is a string, where AWS's parameter is a integer/);
    });
    (0, node_test_1.test)("a quota that only the sum of resources breaks: rules per security group", () => {
        const rules = Array.from({ length: 61 }, (_, index) => ({
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: `in-${index}`,
            inputs: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: `10.${index}.0.0/16` },
        }));
        strict_1.default.match((0, check_1.checkQuotas)({ resources: rules, invokes: [], produced: new Set() }).join("\n"), /60 inbound rules per security group: security group sg-1 has 61 inbound rules/);
        strict_1.default.match((0, check_1.checkQuotas)({ resources: [rules[0], { ...rules[0], name: "again" }], invokes: [], produced: new Set() }).join("\n"), /again repeats in-0/);
    });
});
(0, node_test_1.describe)("names built from the stack name", () => {
    (0, node_test_1.test)("a name AWS accepts stays as it is (deployed stacks keep their resources); one it refuses is fitted, and stacks stay apart", () => {
        for (const rule of [awsNames_1.DLM_DESCRIPTION, awsNames_1.RDS_IDENTIFIER, awsNames_1.ECS_FAMILY])
            strict_1.default.equal((0, awsNames_1.nameForAws)("dev", rule), "dev");
        strict_1.default.equal((0, awsNames_1.nameForAws)("prod-eu", awsNames_1.ECS_FAMILY), "prod-eu");
        strict_1.default.match((0, awsNames_1.nameForAws)("prod.eu", awsNames_1.ECS_FAMILY), /^prod-eu-[0-9a-f]{6}$/);
        strict_1.default.notEqual((0, awsNames_1.nameForAws)("prod.eu", awsNames_1.ECS_FAMILY), (0, awsNames_1.nameForAws)("prod-eu", awsNames_1.ECS_FAMILY));
        strict_1.default.notEqual((0, awsNames_1.nameForAws)("prod.eu", awsNames_1.RDS_IDENTIFIER), (0, awsNames_1.nameForAws)("prod_eu", awsNames_1.RDS_IDENTIFIER));
        for (const stack of STACK_NAMES) {
            strict_1.default.match(`mlflow-db-${(0, awsNames_1.nameForAws)(stack, awsNames_1.RDS_IDENTIFIER)}-final`, /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/, stack);
            strict_1.default.match((0, awsNames_1.nameForAws)(stack, awsNames_1.ECS_FAMILY), /^[A-Za-z0-9_-]{1,255}$/, stack);
            strict_1.default.match((0, awsNames_1.nameForAws)(stack, awsNames_1.DLM_DESCRIPTION), /^[0-9A-Za-z _-]+$/, stack);
        }
    });
    (0, node_test_1.test)("the private CA's common name keeps X.509's 64 characters for every stack name", () => {
        strict_1.default.equal((0, privateCa_1.caCommonName)("dev"), "MLflow private CA (dev)");
        for (const stack of STACK_NAMES)
            strict_1.default.ok((0, privateCa_1.caCommonName)(stack).length <= 64, (0, privateCa_1.caCommonName)(stack));
        strict_1.default.notEqual((0, privateCa_1.caCommonName)("X".repeat(100)), (0, privateCa_1.caCommonName)(`${"X".repeat(99)}Y`));
    });
});
//# sourceMappingURL=aws-arguments.test.js.map