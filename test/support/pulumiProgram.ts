// Runs the Pulumi program (index.ts) under pulumi.runtime.setMocks and records every resource,
// its inputs and its resource options, and the stack outputs with their secretness.
import * as pulumi from "@pulumi/pulumi";
import { generateKeyPairSync, randomBytes } from "crypto";
import * as path from "path";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    options: pulumi.CustomResourceOptions;
    parentName?: string;
}

export interface ProgramRun {
    resources: RecordedResource[];
    outputs: Record<string, { value: any; secret: boolean }>;
    invokes: { token: string; inputs: Record<string, any> }[];
    /** Inputs that reached the engine marked secret, as "<resource name>.<property>". */
    secretInputs: string[];
    ofType(type: string): RecordedResource[];
    one(type: string): RecordedResource;
}

export const MOCK_PUBLIC_IP = "198.51.100.7";
export const MOCK_REGION = "eu-central-1";
export const MOCK_AMI = "ami-0aaaaaaaaaaaaaaaa";
const PROJECT = "mlflow-on-aws";

const pem = (label: string, body: Buffer) =>
    `-----BEGIN ${label}-----\n${body.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;

function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "aws:ec2/eip:Eip":
            return { ...inputs, publicIp: MOCK_PUBLIC_IP, allocationId: "eipalloc-0123456789abcdef0" };
        case "aws:ssm/parameter:Parameter":
            return { ...inputs, version: 1, arn: `arn:aws:ssm:${MOCK_REGION}:123456789012:parameter${inputs.name}` };
        case "aws:ebs/volume:Volume":
            return { ...inputs, arn: `arn:aws:ec2:${MOCK_REGION}:123456789012:volume/vol-0fedcba9876543210` };
        case "aws:iam/role:Role":
            return { ...inputs, name: inputs.name ?? `${name}-physical`, arn: `arn:aws:iam::123456789012:role/${name}` };
        case "random:index/randomPassword:RandomPassword":
            return { ...inputs, result: randomBytes(30).toString("base64").replace(/[^A-Za-z0-9]/g, "x").slice(0, inputs.length) };
        case "tls:index/privateKey:PrivateKey": {
            const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
            return { ...inputs, privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
        }
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { ...inputs, certPem: pem("CERTIFICATE", Buffer.from(`mock certificate ${name}`)) };
        case "tls:index/certRequest:CertRequest":
            return { ...inputs, certRequestPem: pem("CERTIFICATE REQUEST", Buffer.from(`mock request ${name}`)) };
        default:
            // Physical names, as AWS assigns them when the program leaves them out.
            return { name: `${name}-physical`, ...inputs };
    }
}

function mockInvoke(token: string, inputs: Record<string, any>): Record<string, any> {
    switch (token) {
        case "aws:ssm/getParameter:getParameter":
            return { name: inputs.name, insecureValue: MOCK_AMI, value: MOCK_AMI, type: "String" };
        case "aws:index/getRegion:getRegion":
            return { region: MOCK_REGION, name: MOCK_REGION, id: MOCK_REGION };
        case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings":
            return { locations: [`${MOCK_REGION}b`, `${MOCK_REGION}a`], instanceTypes: [], locationTypes: [], id: "offerings" };
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
export async function runProgram(settings: Record<string, string | string[] | number | boolean>, stack = "test"): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    const invokes: ProgramRun["invokes"] = [];
    const secretInputs: string[] = [];
    const config: Record<string, string> = { "aws:region": MOCK_REGION };
    for (const [key, value] of Object.entries(settings)) {
        config[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks({
        newResource: args => {
            const recorded = resources.find(r => r.type === args.type && r.name === args.name);
            const inputs = revealSecrets(args.inputs);
            if (recorded) recorded.inputs = inputs;
            else resources.push({ type: args.type, name: args.name, inputs, options: {} });
            secretInputs.push(...Object.keys(args.inputs).filter(key => isSecretValue(args.inputs[key])).map(key => `${args.name}.${key}`));
            return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) };
        },
        call: args => {
            invokes.push({ token: args.token, inputs: args.inputs });
            return mockInvoke(args.token, args.inputs);
        },
    }, PROJECT, stack, false);

    const programPath = path.resolve(__dirname, "..", "..", "index.js");
    delete require.cache[programPath];
    let exported: Record<string, unknown> = {};
    let programError: Error | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
        // Transforms do not run under mocks; stack transformations do, and they see the options.
        pulumi.runtime.registerStackTransformation(args => {
            if (args.type.startsWith("pulumi:")) return undefined;
            const existing = resources.find(r => r.type === args.type && r.name === args.name);
            const entry = { type: args.type, name: args.name, inputs: args.props, options: args.opts as pulumi.CustomResourceOptions, parentName: args.opts.parent?.constructor.name };
            if (existing) Object.assign(existing, { options: entry.options, parentName: entry.parentName });
            else resources.push(entry);
            return undefined;
        });
        try {
            exported = require(programPath);
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
    const ofType = (type: string) => resources.filter(r => r.type === type);
    return {
        resources, outputs, invokes, secretInputs, ofType,
        one(type: string) {
            const found = ofType(type);
            if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
            return found[0];
        },
    };
}
