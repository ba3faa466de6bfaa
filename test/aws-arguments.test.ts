// AWS's own rules on every argument the program declares (harness/awsRules): the shipped stack
// files, every tier with and without each option, every setting at its bound, and stack names
// that Pulumi allows but that are not plain words. Pulumi's mocks accept anything; the provider's
// validators and AWS's APIs do not, and this is what they would refuse at `pulumi preview` / `up`.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { checkArguments, checkQuotas, DeclaredCalls, describeFinding } from "../harness/awsRules/check";
import { AWS_RULES } from "../harness/awsRules/rules";
import { DLM_DESCRIPTION, ECS_FAMILY, nameForAws, RDS_IDENTIFIER } from "../lib/awsNames";
import { readStackFile } from "../lib/stackConfig";
import { caCommonName } from "../components/shared/privateCa";
import { MAX_ALLOWED_CIDRS, OIDC_MAX_GROUPS, RDS_MAX_BACKUP_DAYS } from "../lib/settings";
import { MOCK_ACCOUNT, MOCK_REGION, runProgram } from "./support/pulumiProgram";
import { SCALED } from "./support/scaledTask";

type Settings = Record<string, string | string[] | number | boolean>;

/** Names Pulumi allows (^[A-Za-z0-9_.-]{1,100}$) that are not plain words: each reaches every name built from the stack name. */
const STACK_NAMES = [
    "Prod.EU_west-1",
    "a",
    "team_A.ml-flow",
    "-.-",
    "X".repeat(100),
    ("Ab9_.-" as string).repeat(17).slice(0, 100),
    "0.1",
] as const;

const TIERS: Record<string, Settings> = {
    host: {},
    "stateless host": { backendStore: "rds", artifactStore: "s3" },
    "scaled tier": { ...SCALED },
};
const DOMAIN = "mlflow.example.com";
const ZONE = "Z0123456789ABCDEFGHIJ";

interface Case {
    readonly title: string;
    readonly stack: string;
    readonly settings: Settings;
    readonly partition?: string;
    /** Run the program once first, as the deployment the case's run then updates (its lookups find the data volume). */
    readonly redeploy?: boolean;
    /** Zones offering an instance type, where the mocks' default would not do. */
    readonly offerings?: Record<string, string[]>;
}

/** Each tier with and without a domain, Route 53, protectData, alarmEmail and (scaled tier) migrateFromSnapshot. */
function matrix(): Case[] {
    const cases: Case[] = [];
    for (const [tier, base] of Object.entries(TIERS)) {
        const scaled = base.compute === "fargate";
        // The scaled tier's certificate comes from ACM through Route 53: a domain goes with a zone there.
        const domains: Settings[] = scaled ? [{}, { domain: DOMAIN, route53ZoneId: ZONE }] : [{}, { domain: DOMAIN }, { domain: DOMAIN, route53ZoneId: ZONE }];
        for (const domain of domains) {
            for (const protectData of [false, true]) {
                for (const alarmEmail of [undefined, "ops@example.com"]) {
                    for (const migrateFromSnapshot of scaled ? [undefined, "snap-0123456789abcdef0"] : [undefined]) {
                        const settings: Settings = { ...base, ...domain, protectData };
                        if (alarmEmail) settings.alarmEmail = alarmEmail;
                        if (migrateFromSnapshot) settings.migrateFromSnapshot = migrateFromSnapshot;
                        const stack = STACK_NAMES[cases.length % STACK_NAMES.length];
                        cases.push({ title: `${tier} ${JSON.stringify(settings)} as stack ${stack}`, stack, settings });
                    }
                }
            }
        }
    }
    return cases;
}

/** The most groups a list takes, each of the longest name, built from hashes so that gzip gains little on them. */
function incompressibleGroups(prefix: string): string[] {
    return Array.from({ length: OIDC_MAX_GROUPS }, (_, index) => `${prefix}-${createHash("sha512").update(`${prefix}${index}`).digest("base64").replace(/[+/=]/g, "x").repeat(2)}`.slice(0, 128));
}

/** Every setting that reaches an AWS argument at the far end of what validateSettings accepts. */
function atTheBounds(): Case[] {
    const users = Array.from({ length: 50 }, (_, index) => `u${String(index).padStart(2, "0")}${"x".repeat(29)}`);
    const allowedCidrs = Array.from({ length: MAX_ALLOWED_CIDRS }, (_, index) => `10.${index}.0.0/16`);
    // 64 characters, the longest accepted, with labels of the longest kind.
    const domain = `${"a".repeat(63)}.b`.slice(0, 60) + ".com";
    const everywhere: Settings = { users, allowedCidrs, domain, route53ZoneId: `Z${"A".repeat(31)}`, protectData: true, alarmEmail: "ops@example.com" };
    const stack = STACK_NAMES[4];
    const oidcAtItsBounds: Settings = {
        auth: "oidc", oidcIssuerUrl: `https://${"i".repeat(60)}.example.com/${"t".repeat(420)}`, oidcClientId: "c".repeat(255),
        oidcClientSecret: "s".repeat(512), oidcAdminGroups: incompressibleGroups("admins"), oidcAllowedGroups: incompressibleGroups("members"),
        oidcScopes: ["openid", ...Array.from({ length: 19 }, (_, index) => `scope-${index}`)], oidcSessionHours: 168,
    };
    return [
        { title: "host, every setting at its bound", stack, settings: { ...everywhere, dataVolumeGiB: 16384, backupRetentionDays: 1000, instanceType: "m7g.16xlarge" } },
        { title: "stateless host, every setting at its bound", stack, settings: { ...everywhere, ...TIERS["stateless host"], dbStorageGiB: 65536, backupRetentionDays: RDS_MAX_BACKUP_DAYS } },
        // MLflow's auth app adds two SecureString parameters, one of them the 50 users' passwords.
        { title: "host with auth mlflow, every setting at its bound", stack, settings: { ...everywhere, auth: "mlflow", authDefaultPermission: "NO_PERMISSIONS" } },
        { title: "stateless host with auth mlflow, every setting at its bound", stack, settings: { ...everywhere, ...TIERS["stateless host"], auth: "mlflow", backupRetentionDays: RDS_MAX_BACKUP_DAYS } },
        // auth oidc adds oauth2-proxy's SecureString parameter (the longest client secret), and the
        // groups, as hard to compress as names get, travel in the host bundle's parameters.
        { title: "host with auth oidc, every setting at its bound", stack, settings: { ...everywhere, ...oidcAtItsBounds } },
        {
            title: "scaled tier, every setting at its bound", stack, settings: {
                ...everywhere, ...SCALED, dbStorageGiB: 65536, backupRetentionDays: RDS_MAX_BACKUP_DAYS, taskCpu: 16384, taskMemory: 122880,
                minTaskCount: 100, desiredCount: 100, maxTaskCount: 100, migrateFromSnapshot: "snap-0123456789abcdef0",
            },
        },
        // The auth app's configuration in nine servers' environments, its setup program in the upgrade's and the migration's.
        {
            title: "scaled tier with auth mlflow, every setting at its bound", stack, settings: {
                ...everywhere, ...SCALED, auth: "mlflow", authDefaultPermission: "NO_PERMISSIONS", backupRetentionDays: RDS_MAX_BACKUP_DAYS, taskCpu: 16384, taskMemory: 122880,
                migrateFromSnapshot: "snap-0123456789abcdef0",
            },
        },
        // On the scaled tier the client secret and the cookie key are parameters of their own, the
        // identity module a third, and oauth2-proxy's flags are in the task definition.
        {
            title: "scaled tier with auth oidc, every setting at its bound", stack, settings: {
                ...everywhere, ...SCALED, ...oidcAtItsBounds, backupRetentionDays: RDS_MAX_BACKUP_DAYS, taskCpu: 16384, taskMemory: 122880,
                migrateFromSnapshot: "snap-0123456789abcdef0",
            },
        },
    ];
}

const shipped = ["dev", "prod", "local"].map((stack): Case => {
    const { raw } = readStackFile(stack);
    return { title: `the shipped stack file Pulumi.${stack}.yaml`, stack, settings: raw as Settings };
});

const partitions = Object.entries(TIERS).map(([tier, settings]): Case => ({ title: `${tier} in the aws-cn partition`, stack: "dev", settings, partition: "aws-cn" }));

/** What only some stacks set or meet: a restore into an existing subnet with a fixed image, and the second `pulumi up` of a host. */
const hostVariants: Case[] = [
    {
        title: "host restored from a snapshot into an existing subnet, with a fixed AMI", stack: STACK_NAMES[2],
        settings: { dataSnapshotId: "snap-0123456789abcdef0", subnetId: "subnet-0123456789abcdef0", amiId: "ami-0123456789abcdef0" },
        // The mocks' existing subnet is in the c zone.
        offerings: { "t4g.small": [`${MOCK_REGION}c`] },
    },
    { title: "host, the second pulumi up (its data volume exists)", stack: STACK_NAMES[0], settings: {}, redeploy: true },
];

const ALL_CASES = [...shipped, ...matrix(), ...atTheBounds(), ...hostVariants, ...partitions];

/** "<type> <argument>" of every rule that some case used. */
const used = new Set<string>();

async function declared(run: Case): Promise<DeclaredCalls & { resources: { type: string; name: string; inputs: Record<string, unknown> }[] }> {
    const deployed = run.redeploy ? await runProgram(run.settings, run.stack) : undefined;
    return runProgram(run.settings, run.stack, { partition: run.partition, deployed, offerings: run.offerings });
}

describe("AWS's rules on every argument the program declares", () => {
    for (const run of ALL_CASES) {
        test(run.title, async () => {
            const calls = await declared(run);
            const result = checkArguments(calls, AWS_RULES);
            result.used.forEach(rule => used.add(rule));
            const problems = [...result.findings.map(describeFinding), ...checkQuotas(calls)];
            assert.deepEqual(problems, [], `${problems.length} argument(s) AWS or its provider would refuse:\n${problems.join("\n")}`);
            if (run.partition) {
                const foreign = calls.resources.flatMap(resource => JSON.stringify(resource.inputs).match(/arn:aws:[^"\\]*/g) ?? []);
                assert.deepEqual(foreign, [], `every ARN in the ${run.partition} partition`);
            }
        });
    }

    test("every rule of the table was used by some case: a rule nothing checks is out of date", () => {
        const unused = Object.entries(AWS_RULES).flatMap(([type, rules]) => "outsideAws" in rules ? [] : [
            ...Object.keys(rules.arguments).map(argument => `${type} ${argument}`),
            ...(rules.autoname ? [`${type} (autoname)`] : []),
        ]).filter(rule => !used.has(rule));
        assert.deepEqual(unused, []);
    });
});

describe("the check itself fails where AWS would", () => {
    const dlm = "aws:dlm/lifecyclePolicy:LifecyclePolicy";
    const check = (resources: DeclaredCalls["resources"]) =>
        checkArguments({ resources, invokes: [], produced: new Set(["mlflow-data-dlm-physical", "arn:aws:iam::123456789012:role/mlflow-data-dlm"]) }, AWS_RULES).findings;
    const policy = (inputs: Record<string, unknown>) => ({ type: dlm, name: "mlflow-data-daily", inputs: { executionRoleArn: "arn:aws:iam::123456789012:role/mlflow-data-dlm", state: "ENABLED", ...inputs } });

    test("a refused character: the snapshot policy's description as the program had it names the provider's rule", () => {
        const findings = check([policy({ description: "Daily snapshots of the MLflow data volume (mlflow-on-aws-dev)" })]);
        assert.deepEqual([...new Set(findings.map(finding => finding.argument))], ["description"], findings.map(describeFinding).join("\n"));
        const described = findings.map(describeFinding).join("\n");
        assert.match(described, /does not match .*0-9A-Za-z _-.*terraform-provider-aws internal\/service\/dlm\/lifecycle_policy\.go/);
        assert.match(described, /does not match .*botocore dlm:CreateLifecyclePolicy\.Description/, "AWS's model says the same, matched whole");
        assert.deepEqual(check([policy({ description: "Daily snapshots of the MLflow data volume of mlflow-on-aws-dev" })]), []);
    });

    test("an overlong value, a value outside an enum, a number out of range", () => {
        const findings = check([
            policy({ description: "d".repeat(501) }),
            policy({ description: "ok", state: "SOMETIMES" }),
            policy({ description: "ok", policyDetails: { schedules: [{ name: "daily", retainRule: { count: 1001 } }] } }),
        ]).map(describeFinding).join("\n");
        assert.match(findings, /description = "d{10}.*is 501 characters, more than 500/);
        assert.match(findings, /state = "SOMETIMES": is not one of ENABLED, DISABLED/);
        assert.match(findings, /policyDetails\.schedules\[\]\.retainRule\.count = 1001: is more than 1000/);
        assert.equal(findings.split("\n").length, 5, `the description and the count break the model's rule and the provider's, the state the model's:\n${findings}`);
    });

    test("an unknown resource type, an argument without a rule, and a literal where AWS's own id belongs", () => {
        const findings = check([
            { type: "aws:sqs/queue:Queue", name: "jobs", inputs: { name: "jobs" } },
            policy({ description: "ok", newArgument: "x" }),
            policy({ description: "ok", executionRoleArn: "arn:aws:iam::123456789012:role/typed-by-hand" }),
        ]).map(describeFinding);
        assert.equal(findings.length, 3, findings.join("\n"));
        assert.match(findings[0], /aws:sqs\/queue:Queue jobs: \(type\) .*has no rules/);
        assert.match(findings[1], /newArgument = "x": has no rule/);
        assert.match(findings[2], /executionRoleArn .*should be aws:iam\/role:Role\.arn, a value AWS returns/);
    });

    test("within a whole run: a number past its bound, a document past its length, an ARN typed by hand where AWS's own belongs", async () => {
        const run = await runProgram({ ...SCALED });
        const tampered = (type: string, change: (inputs: Record<string, any>) => Record<string, any>) =>
            checkArguments({ ...run, resources: run.resources.map(r => r.type === type ? { ...r, inputs: change(r.inputs) } : r) }, AWS_RULES).findings.map(describeFinding).join("\n");
        assert.deepEqual(checkArguments(run, AWS_RULES).findings, [], "the run as the program declares it passes");
        assert.match(tampered("aws:lb/loadBalancer:LoadBalancer", inputs => ({ ...inputs, idleTimeout: 99999 })), /idleTimeout = 99999: is more than 4000/);
        const longTrust = (inputs: Record<string, any>) => {
            const trust = typeof inputs.assumeRolePolicy === "string" ? JSON.parse(inputs.assumeRolePolicy) : inputs.assumeRolePolicy;
            return { ...inputs, assumeRolePolicy: { ...trust, Statement: [{ ...trust.Statement[0], Principal: { Service: "x".repeat(3000) } }] } };
        };
        assert.match(tampered("aws:iam/role:Role", longTrust), /assumeRolePolicy = .*: is 3\d{3} characters, more than 2048/);
        assert.match(tampered("aws:lambda/function:Function", inputs => ({ ...inputs, role: `arn:aws:iam::${MOCK_ACCOUNT}:role/typed-by-hand` })),
            /role = "arn:aws:iam::123456789012:role\/typed-by-hand": should be aws:iam\/role:Role\.arn, a value AWS returns/);
        assert.match(tampered("aws:ecs/service:Service", inputs => ({ ...inputs, desiredCount: "two" })), /desiredCount = "two": is a string, where AWS's parameter is a integer/);
    });

    test("a quota that only the sum of resources breaks: rules per security group", () => {
        const rules = Array.from({ length: 61 }, (_, index) => ({
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: `in-${index}`,
            inputs: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: `10.${index}.0.0/16` },
        }));
        assert.match(checkQuotas({ resources: rules, invokes: [], produced: new Set() }).join("\n"), /60 inbound rules per security group: security group sg-1 has 61 inbound rules/);
        assert.match(checkQuotas({ resources: [rules[0], { ...rules[0], name: "again" }], invokes: [], produced: new Set() }).join("\n"), /again repeats in-0/);
    });
});

describe("names built from the stack name", () => {
    test("a name AWS accepts stays as it is (deployed stacks keep their resources); one it refuses is fitted, and stacks stay apart", () => {
        for (const rule of [DLM_DESCRIPTION, RDS_IDENTIFIER, ECS_FAMILY]) assert.equal(nameForAws("dev", rule), "dev");
        assert.equal(nameForAws("prod-eu", ECS_FAMILY), "prod-eu");
        assert.match(nameForAws("prod.eu", ECS_FAMILY), /^prod-eu-[0-9a-f]{6}$/);
        assert.notEqual(nameForAws("prod.eu", ECS_FAMILY), nameForAws("prod-eu", ECS_FAMILY));
        assert.notEqual(nameForAws("prod.eu", RDS_IDENTIFIER), nameForAws("prod_eu", RDS_IDENTIFIER));
        for (const stack of STACK_NAMES) {
            assert.match(`mlflow-db-${nameForAws(stack, RDS_IDENTIFIER)}-final`, /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/, stack);
            assert.match(nameForAws(stack, ECS_FAMILY), /^[A-Za-z0-9_-]{1,255}$/, stack);
            assert.match(nameForAws(stack, DLM_DESCRIPTION), /^[0-9A-Za-z _-]+$/, stack);
        }
    });

    test("the private CA's common name keeps X.509's 64 characters for every stack name", () => {
        assert.equal(caCommonName("dev"), "MLflow private CA (dev)");
        for (const stack of STACK_NAMES) assert.ok(caCommonName(stack).length <= 64, caCommonName(stack));
        assert.notEqual(caCommonName("X".repeat(100)), caCommonName(`${"X".repeat(99)}Y`));
    });
});
