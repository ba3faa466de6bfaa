// Runs the Pulumi program (index.ts) under pulumi.runtime.setMocks and records every resource,
// its inputs and its resource options, and the stack outputs with their secretness.
import * as pulumi from "@pulumi/pulumi";
import { createHash, generateKeyPairSync, randomBytes } from "crypto";
import * as path from "path";
import { SECRET_SETTINGS } from "../../lib/settings";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    options: pulumi.CustomResourceOptions;
    parentName?: string;
    /**
     * The resource's URN as the engine forms it (stack, project, the types of its ancestors, its
     * type and name): the same URN in the next run is what makes Pulumi update instead of replace.
     * The mock monitor's own URNs name only the parent's type, so a component moved under another
     * would go unseen there.
     */
    urn?: string;
    /** Names of the resources in options.dependsOn. */
    dependsOn?: string[];
}

export interface ProgramRun {
    resources: RecordedResource[];
    outputs: Record<string, { value: any; secret: boolean }>;
    invokes: { token: string; inputs: Record<string, any> }[];
    /** Inputs that reached the engine marked secret, as "<resource name>.<property>". */
    secretInputs: string[];
    /** Every string the mocks answered with (ids, ARNs, names): what AWS would have made. */
    produced: Set<string>;
    ofType(type: string): RecordedResource[];
    one(type: string): RecordedResource;
}

export const MOCK_PUBLIC_IP = "198.51.100.7";
export const MOCK_REGION = "eu-central-1";
export const MOCK_AMI = "ami-0aaaaaaaaaaaaaaaa";
export const MOCK_ACCOUNT = "123456789012";
const PROJECT = "mlflow-on-aws";
/** Random per test process: generated passwords differ between processes, never between the runs of one. */
const RUN_SEED = randomBytes(16).toString("hex");

const pem = (label: string, body: Buffer) =>
    `-----BEGIN ${label}-----\n${body.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;

function mockState(type: string, name: string, inputs: Record<string, any>, partition: string, deployed?: ProgramRun): Record<string, any> {
    switch (type) {
        case "aws:ec2/eip:Eip":
            return { ...inputs, publicIp: MOCK_PUBLIC_IP, allocationId: "eipalloc-0123456789abcdef0" };
        case "aws:ssm/parameter:Parameter": {
            // SSM counts a parameter's versions: a value other than the deployed run's is the next one.
            const before = deployed?.ofType(type).find(r => r.name === name);
            const version = before && before.inputs.value !== revealSecrets(inputs.value) ? 2 : 1;
            return { ...inputs, version, arn: `arn:${partition}:ssm:${MOCK_REGION}:123456789012:parameter${inputs.name}` };
        }
        case "aws:ebs/volume:Volume":
            return { ...inputs, arn: `arn:${partition}:ec2:${MOCK_REGION}:123456789012:volume/vol-0fedcba9876543210` };
        case "aws:iam/role:Role":
            return { ...inputs, name: inputs.name ?? `${name}-physical`, arn: `arn:${partition}:iam::123456789012:role/${name}` };
        case "random:index/randomPassword:RandomPassword": {
            // The provider's alphabet: letters and digits, and with `special` its specials or
            // overrideSpecial. The same resource with the same inputs keeps its result from run to
            // run, as the provider keeps it in the state.
            const alphabet = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${inputs.special ? inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?" : ""}`;
            const bytes = createHash("sha512").update(`${RUN_SEED}:${name}:${JSON.stringify(inputs)}`).digest();
            if (inputs.length > bytes.length) throw new Error(`the mock makes passwords of at most ${bytes.length} characters`);
            return { ...inputs, result: Array.from(bytes.subarray(0, inputs.length), byte => alphabet[byte % alphabet.length]).join("") };
        }
        case "tls:index/privateKey:PrivateKey": {
            const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
            return { ...inputs, privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
        }
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { ...inputs, certPem: pem("CERTIFICATE", Buffer.from(`mock certificate ${name}`)) };
        case "aws:rds/instance:Instance":
            return {
                ...inputs,
                identifier: `${name}-physical`,
                address: `${name}-physical.c0ffee.${MOCK_REGION}.rds.amazonaws.com`,
                port: inputs.port ?? 5432,
                arn: `arn:${partition}:rds:${MOCK_REGION}:${MOCK_ACCOUNT}:db:${name}-physical`,
                masterUserSecrets: [{ secretArn: `arn:${partition}:secretsmanager:${MOCK_REGION}:${MOCK_ACCOUNT}:secret:rds!db-${name}-AbCdEf`, kmsKeyId: "", secretStatus: "active" }],
            };
        case "aws:lb/loadBalancer:LoadBalancer":
            return { ...inputs, dnsName: `${name}-1234567890.${MOCK_REGION}.elb.amazonaws.com`, zoneId: "Z215JYRZR1TBD5", arn: `arn:${partition}:elasticloadbalancing:${MOCK_REGION}:${MOCK_ACCOUNT}:loadbalancer/app/${name}/0123456789abcdef`, arnSuffix: `app/${name}/0123456789abcdef` };
        case "aws:lb/targetGroup:TargetGroup":
            return { ...inputs, arn: `arn:${partition}:elasticloadbalancing:${MOCK_REGION}:${MOCK_ACCOUNT}:targetgroup/${name}/0123456789abcdef`, arnSuffix: `targetgroup/${name}/0123456789abcdef` };
        case "aws:s3/bucket:Bucket":
            return { ...inputs, bucket: `${name}-physical`, arn: `arn:${partition}:s3:::${name}-physical` };
        case "aws:ecs/cluster:Cluster":
            return { ...inputs, name: `${name}-physical`, arn: `arn:${partition}:ecs:${MOCK_REGION}:${MOCK_ACCOUNT}:cluster/${name}-physical` };
        case "aws:ecs/taskDefinition:TaskDefinition":
            return { ...inputs, arn: `arn:${partition}:ecs:${MOCK_REGION}:${MOCK_ACCOUNT}:task-definition/${inputs.family}:1`, revision: 1 };
        case "aws:lambda/invocation:Invocation":
            return { ...inputs, result: JSON.stringify({ result: `${name}-result` }) };
        case "aws:acm/certificate:Certificate":
            return {
                ...inputs,
                arn: `arn:${partition}:acm:${MOCK_REGION}:${MOCK_ACCOUNT}:certificate/${name}`,
                domainValidationOptions: inputs.domainName
                    ? [{ domainName: inputs.domainName, resourceRecordName: `_x1.${inputs.domainName}.`, resourceRecordType: "CNAME", resourceRecordValue: "_x2.acm-validations.aws." }]
                    : [],
            };
        case "aws:acm/certificateValidation:CertificateValidation":
            return { ...inputs };
        case "aws:sns/topic:Topic":
            return { ...inputs, name: inputs.name ?? `${name}-physical`, arn: `arn:${partition}:sns:${MOCK_REGION}:${MOCK_ACCOUNT}:${inputs.name ?? `${name}-physical`}` };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { ...inputs, name: inputs.name ?? `${name}-physical`, arn: `arn:${partition}:logs:${MOCK_REGION}:${MOCK_ACCOUNT}:log-group:${inputs.name ?? `${name}-physical`}` };
        case "aws:route53/record:Record":
            return { ...inputs, fqdn: inputs.name };
        case "tls:index/certRequest:CertRequest":
            return { ...inputs, certRequestPem: pem("CERTIFICATE REQUEST", Buffer.from(`mock request ${name}`)) };
        default:
            // Physical names, as AWS assigns them when the program leaves them out.
            return { name: `${name}-physical`, ...inputs };
    }
}

/** What AWS answers beyond the defaults: zones per instance type, and what a previous run deployed. */
export interface MockAws {
    /** Zones offering an instance type; default: the b and a zones of MOCK_REGION. */
    offerings?: Record<string, string[]>;
    /** The stack as deployed by this earlier run: lookups find its data volume (and so its zone). */
    deployed?: ProgramRun;
    /** The region's partition (aws.getPartition); default "aws". */
    partition?: string;
}

export const DEFAULT_OFFERINGS = [`${MOCK_REGION}b`, `${MOCK_REGION}a`];

function mockInvoke(token: string, inputs: Record<string, any>, aws: MockAws): Record<string, any> {
    const deployedVolume = aws.deployed?.ofType("aws:ebs/volume:Volume")[0];
    switch (token) {
        case "aws:ssm/getParameter:getParameter":
            return { name: inputs.name, insecureValue: MOCK_AMI, value: MOCK_AMI, type: "String" };
        case "aws:index/getRegion:getRegion":
            return { region: MOCK_REGION, name: MOCK_REGION, id: MOCK_REGION };
        case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
            const type = inputs.filters[0].values[0] as string;
            return { locations: aws.offerings?.[type] ?? DEFAULT_OFFERINGS, instanceTypes: [], locationTypes: [], id: "offerings" };
        }
        case "aws:ebs/getEbsVolumes:getEbsVolumes": {
            const wanted = Object.fromEntries((inputs.filters as { name: string; values: string[] }[]).map(f => [f.name.replace(/^tag:/, ""), f.values[0]]));
            const matches = deployedVolume && Object.entries(wanted).every(([key, value]) => deployedVolume.inputs.tags?.[key] === value);
            return { ids: matches ? [`${deployedVolume.name}-id`] : [], id: "volumes" };
        }
        case "aws:ebs/getVolume:getVolume":
            if (!deployedVolume) throw new Error("getVolume: no such volume");
            return { id: `${deployedVolume.name}-id`, volumeId: `${deployedVolume.name}-id`, availabilityZone: deployedVolume.inputs.availabilityZone };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return { names: [`${MOCK_REGION}a`, `${MOCK_REGION}b`, `${MOCK_REGION}c`], zoneIds: [], id: MOCK_REGION };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: MOCK_ACCOUNT, arn: `arn:${aws.partition ?? "aws"}:iam::${MOCK_ACCOUNT}:user/test`, userId: "test", id: MOCK_ACCOUNT };
        case "aws:index/getPartition:getPartition": {
            const partition = aws.partition ?? "aws";
            return { partition, id: partition, dnsSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        }
        case "aws:ec2/getSubnet:getSubnet":
            return { id: inputs.id, vpcId: "vpc-0existing000000000", availabilityZone: `${MOCK_REGION}c` };
        default:
            return inputs;
    }
}

const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const isSecretValue = (value: any) => value !== null && typeof value === "object" && value[SECRET_SIGNATURE] === "1b47061264138c4ac30d75fd1eb44270";

/** Mocks receive secret inputs wrapped; the tests read the plain values and check secretness separately. */
function revealSecrets(value: any): any {
    if (isSecretValue(value)) return revealSecrets(value.value);
    if (Array.isArray(value)) return value.map(revealSecrets);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
    return value;
}

const settle = <T>(output: pulumi.Output<T>) => new Promise<T>(resolve => output.apply(value => { resolve(value); return value; }));

/**
 * Runs index.ts once with the given project settings (keys without the project prefix, values
 * as Pulumi hands them over: strings, lists as JSON). A program error rejects the promise.
 */
export async function runProgram(settings: Record<string, string | string[] | number | boolean>, stack = "test", aws: MockAws = {}): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    const invokes: ProgramRun["invokes"] = [];
    const secretInputs: string[] = [];
    const produced = new Set<string>();
    const remember = <T>(answer: T): T => {
        const collect = (value: unknown) => {
            if (typeof value === "string") produced.add(value);
            else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
        };
        collect(answer);
        return answer;
    };
    const config: Record<string, string> = { "aws:region": MOCK_REGION };
    for (const [key, value] of Object.entries(settings)) {
        config[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    // Secret settings arrive as `pulumi config set --secret` leaves them: marked secret.
    pulumi.runtime.setAllConfig(config, SECRET_SETTINGS.map(key => `${PROJECT}:${key}`).filter(key => key in config));
    await pulumi.runtime.setMocks({
        newResource: args => {
            const recorded = resources.find(r => r.type === args.type && r.name === args.name);
            const inputs = revealSecrets(args.inputs);
            if (recorded) recorded.inputs = inputs;
            else resources.push({ type: args.type, name: args.name, inputs, options: {} });
            secretInputs.push(...Object.keys(args.inputs).filter(key => isSecretValue(args.inputs[key])).map(key => `${args.name}.${key}`));
            const state = mockState(args.type, args.name, args.inputs, aws.partition ?? "aws", aws.deployed);
            // What the program passed in comes back in the state too: only what the mock made counts as AWS's.
            const made = Object.fromEntries(Object.entries(state).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(revealSecrets(args.inputs[key]))));
            remember({ id: `${args.name}-id`, made });
            return { id: `${args.name}-id`, state };
        },
        call: args => {
            invokes.push({ token: args.token, inputs: args.inputs });
            return remember(mockInvoke(args.token, args.inputs, aws));
        },
    }, PROJECT, stack, false);

    const programPath = path.resolve(__dirname, "..", "..", "index.js");
    delete require.cache[programPath];
    let exported: Record<string, unknown> = {};
    let programError: Error | undefined;
    const declared = new Map<pulumi.Resource, { entry: RecordedResource; parent?: pulumi.Resource }>();
    await pulumi.runtime.runInPulumiStack(async () => {
        // Transforms do not run under mocks; stack transformations do, and they see the options.
        pulumi.runtime.registerStackTransformation(args => {
            if (args.type.startsWith("pulumi:")) return undefined;
            const existing = resources.find(r => r.type === args.type && r.name === args.name);
            const entry = { type: args.type, name: args.name, inputs: args.props, options: args.opts as pulumi.CustomResourceOptions, parentName: args.opts.parent?.constructor.name };
            if (existing) Object.assign(existing, { options: entry.options, parentName: entry.parentName });
            else resources.push(entry);
            declared.set(args.resource, { entry: existing ?? entry, parent: args.opts.parent });
            return undefined;
        });
        try {
            // index.ts exports an async function (it looks up the zone before declaring resources).
            const program = require(programPath) as () => Promise<Record<string, unknown>>;
            exported = await program();
        } catch (error) {
            programError = error as Error;
        }
        return exported;
    });
    // Wait for the stack's own registrations, so that the next run's mocks start clean.
    await pulumi.runtime.disconnect();
    if (programError) throw Object.assign(programError, { resourcesBeforeError: resources.filter(r => !r.type.startsWith("pulumi:")) });

    const outputs: ProgramRun["outputs"] = {};
    for (const [key, value] of Object.entries(exported)) {
        if (pulumi.Output.isInstance(value)) {
            outputs[key] = { value: await settle(value as pulumi.Output<unknown>), secret: await pulumi.isSecret(value as pulumi.Output<unknown>) };
        } else {
            outputs[key] = { value, secret: false };
        }
    }
    // Let pending registrations finish so every resource's inputs are recorded.
    await new Promise(resolve => setTimeout(resolve, 50));
    const qualifiedType = (resource: pulumi.Resource): string[] => {
        const declaration = declared.get(resource);
        if (!declaration) return [];
        return [...(declaration.parent ? qualifiedType(declaration.parent) : []), declaration.entry.type];
    };
    for (const [resource, { entry }] of declared) {
        entry.urn = `urn:pulumi:${stack}::${PROJECT}::${qualifiedType(resource).join("$")}::${entry.name}`;
        const dependsOn = entry.options.dependsOn;
        if (Array.isArray(dependsOn)) entry.dependsOn = dependsOn.map(dependency => declared.get(dependency as pulumi.Resource)?.entry.name ?? "(not declared)");
    }
    const ofType = (type: string) => resources.filter(r => r.type === type);
    return {
        resources, outputs, invokes, secretInputs, produced, ofType,
        one(type: string) {
            const found = ofType(type);
            if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
            return found[0];
        },
    };
}
