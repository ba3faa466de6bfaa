// The argument check: every argument of every resource and data-source call a program run
// declared, against the rules of the API parameter it becomes (harness/awsRules/rules/).
import { childShape, modelPattern, resolveApiPath, ResolvedShape, Shape } from "./models";
import { ArgumentRule, Constraint, ResourceRules, TypeRules } from "./types";
import { SECURITY_GROUP_RULES_PER_DIRECTION } from "../../lib/settings";

/** What a run under mocks declared (test/support/pulumiProgram.ts records it). */
export interface DeclaredCalls {
    readonly resources: readonly { readonly type: string; readonly name: string; readonly inputs: Record<string, unknown> }[];
    readonly invokes: readonly { readonly token: string; readonly inputs: Record<string, unknown> }[];
    /** Every string the mocks answered with: ids, ARNs and names that AWS would have made. */
    readonly produced: ReadonlySet<string>;
}

export interface Finding {
    /** "<type> <logical name>", or the invoke token. */
    readonly call: string;
    readonly argument: string;
    readonly value: unknown;
    readonly problem: string;
    readonly source: string;
}

export const describeFinding = (finding: Finding) =>
    `${finding.call}: ${finding.argument} = ${JSON.stringify(finding.value)?.slice(0, 200)}: ${finding.problem} (${finding.source})`;

/** Types that are parts of the program itself (components) or of Pulumi, never sent to a provider. */
const isProgramType = (type: string) => type.startsWith("pulumi:") || type.startsWith("mlflow-on-aws:");

/** An asset or archive (a Lambda's code): one argument, its content a promise the mocks never see. */
const isAsset = (value: unknown): boolean =>
    value !== null && typeof value === "object" && ("__pulumiArchive" in (value as object) || "__pulumiAsset" in (value as object));

/** The characters an autonamed resource gets after its logical name (pulumi-aws: "-" and 7 random characters). */
const AUTONAME_SUFFIX = "-a1b2c3d";

const modelSource = (apiPath: string, resolved: ResolvedShape) => `botocore ${apiPath} (shape ${resolved.name})`;

const constraintsOfPath = new Map<string, Constraint[]>();

/** The constraints of a model shape, in the form of the table's own (compiled once per API path). */
function shapeConstraints(apiPath: string, resolved: ResolvedShape): Constraint[] {
    const cached = constraintsOfPath.get(apiPath);
    if (cached) return cached;
    const { shape } = resolved;
    const source = modelSource(apiPath, resolved);
    const constraints: Constraint[] = [];
    if (shape.pattern !== undefined) constraints.push({ pattern: modelPattern(shape.pattern), source });
    if (shape.min !== undefined || shape.max !== undefined) constraints.push({ min: shape.min, max: shape.max, source });
    if (shape.enum) constraints.push({ enum: shape.enum, source });
    constraintsOfPath.set(apiPath, constraints);
    return constraints;
}

/** What a value breaks of one constraint, or undefined. */
function violation(value: unknown, constraint: Constraint): string | undefined {
    if (typeof value === "string") {
        const length = [...value].length;
        if (constraint.pattern && !constraint.pattern.test(value)) return `does not match ${constraint.pattern}`;
        if (constraint.min !== undefined && length < constraint.min) return `is ${length} characters, fewer than ${constraint.min}`;
        if (constraint.max !== undefined && length > constraint.max) return `is ${length} characters, more than ${constraint.max}`;
        if (constraint.enum && !constraint.enum.includes(value)) return `is not one of ${constraint.enum.join(", ")}`;
    } else if (typeof value === "number") {
        if (constraint.min !== undefined && value < constraint.min) return `is less than ${constraint.min}`;
        if (constraint.max !== undefined && value > constraint.max) return `is more than ${constraint.max}`;
        if (constraint.enum && !constraint.enum.includes(String(value))) return `is not one of ${constraint.enum.join(", ")}`;
    } else if (Array.isArray(value) || (value !== null && typeof value === "object")) {
        const count = Array.isArray(value) ? value.length : Object.keys(value).length;
        if (constraint.min !== undefined && count < constraint.min) return `has ${count} entries, fewer than ${constraint.min}`;
        if (constraint.max !== undefined && count > constraint.max) return `has ${count} entries, more than ${constraint.max}`;
    }
    return undefined;
}

type Kind = "string" | "number" | "boolean" | "list" | "object";

const kindOfValue = (value: unknown): Kind =>
    Array.isArray(value) ? "list" : typeof value === "object" ? "object" : typeof value as Kind;

const KIND_OF_SHAPE: Readonly<Record<Shape["type"], Kind>> = {
    string: "string", blob: "string", timestamp: "string",
    integer: "number", long: "number", double: "number", float: "number",
    boolean: "boolean", list: "list", map: "object", structure: "object",
};

/**
 * The value as the provider sends it to a parameter of this shape: a number or a flag where AWS
 * takes a string (ECS's cpu "512", a load balancer attribute) as its text, a document object
 * where AWS takes a string (a trust policy) as its JSON, a map where AWS takes a list (DLM's
 * target tags) as its entries; undefined when the provider could not send it there at all.
 */
function asSent(value: unknown, shape: Shape): unknown {
    const kind = kindOfValue(value);
    const wanted = KIND_OF_SHAPE[shape.type];
    if (kind === wanted) return value;
    if (wanted === "string" && (kind === "number" || kind === "boolean")) return String(value);
    if (wanted === "string" && kind === "object") return JSON.stringify(value);
    if (wanted === "list" && kind === "object") return Object.entries(value as object);
    return undefined;
}

class Checker {
    readonly findings: Finding[] = [];
    /** "<type> <argument path>" of every rule some argument used. */
    readonly used = new Set<string>();

    constructor(private readonly rules: Readonly<Record<string, TypeRules>>, private readonly produced: ReadonlySet<string>) {}

    private report(call: string, argument: string, value: unknown, problem: string, source: string) {
        this.findings.push({ call, argument, value, problem, source });
    }

    checkCall(type: string, call: string, inputs: Record<string, unknown>, logicalName?: string) {
        const typeRules = this.rules[type];
        if (!typeRules) {
            this.report(call, "(type)", type, "has no rules: write down which argument becomes which API parameter", "harness/awsRules/rules/");
            return;
        }
        if ("outsideAws" in typeRules) return;
        this.walk(type, call, typeRules, "", inputs);
        const autoname = typeRules.autoname;
        if (autoname && logicalName !== undefined && inputs[autoname.property] === undefined) {
            const name = `${logicalName}${AUTONAME_SUFFIX}`;
            this.used.add(`${type} (autoname)`);
            this.apply(call, `${autoname.property} (autonamed)`, autoname.lowercase ? name.toLowerCase() : name, autoname.rule);
        }
    }

    private isMap(typeRules: ResourceRules, argument: string) {
        return `${argument}{}` in typeRules.arguments || `${argument}{key}` in typeRules.arguments;
    }

    private walk(type: string, call: string, typeRules: ResourceRules, argument: string, value: unknown) {
        if (value === undefined || value === null) return;
        const rule = argument === "" ? undefined : typeRules.arguments[argument];
        if (rule) this.used.add(`${type} ${argument}`);
        if (Array.isArray(value)) {
            if (rule) this.apply(call, argument, value, rule);
            value.forEach(item => this.walk(type, call, typeRules, `${argument}[]`, item));
            return;
        }
        if (typeof value === "object" && !isAsset(value)) {
            if (rule) this.apply(call, argument, value, rule);
            const map = argument !== "" && this.isMap(typeRules, argument);
            for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
                if (map) {
                    this.walk(type, call, typeRules, `${argument}{key}`, key);
                    this.walk(type, call, typeRules, `${argument}{}`, item);
                } else {
                    this.walk(type, call, typeRules, argument === "" ? key : `${argument}.${key}`, item);
                }
            }
            return;
        }
        if (typeof value === "boolean" && !rule) return;
        if (!rule) {
            this.report(call, argument, value, "has no rule: name the API parameter it becomes (or the provider's own use of it)", "harness/awsRules/rules/");
            return;
        }
        this.apply(call, argument, value, rule);
    }

    private apply(call: string, argument: string, value: unknown, rule: ArgumentRule) {
        if ("provider" in rule) {
            for (const constraint of rule.provider) this.constrain(call, argument, value, constraint);
            return;
        }
        if ("reference" in rule) {
            resolveApiPath(rule.api);
            if (typeof value !== "string" || !this.produced.has(value)) {
                this.report(call, argument, value, `should be ${rule.reference}, a value AWS returns, but the program wrote it itself`, "harness/awsRules/rules/");
            }
            return;
        }
        if ("json" in rule) {
            const resolved = resolveApiPath(rule.json);
            let document: unknown = value;
            if (typeof value === "string") {
                try {
                    document = JSON.parse(value);
                } catch (error) {
                    this.report(call, argument, value, `is not JSON (${(error as Error).message})`, `the provider parses it as ${rule.json}`);
                    return;
                }
            }
            this.document(call, argument, rule.json, resolved, document);
            for (const constraint of rule.also ?? []) this.constrain(call, argument, typeof value === "string" ? value : JSON.stringify(value), constraint);
            return;
        }
        const resolved = resolveApiPath(rule.api);
        const sent = asSent(value, resolved.shape);
        if (sent === undefined) {
            this.report(call, argument, value, `is a ${kindOfValue(value)}, where AWS's parameter is a ${resolved.shape.type}`, modelSource(rule.api, resolved));
            return;
        }
        for (const constraint of shapeConstraints(rule.api, resolved)) this.constrain(call, argument, sent, constraint);
        // The table's own constraints speak of the value as the program writes it (a number is a
        // number), and of a document as the JSON it becomes.
        const written = kindOfValue(value) === "object" && typeof sent === "string" ? sent : value;
        for (const constraint of rule.also ?? []) this.constrain(call, argument, written, constraint);
    }

    private constrain(call: string, argument: string, value: unknown, constraint: Constraint) {
        const problem = violation(value, constraint);
        if (problem) this.report(call, argument, value, problem, constraint.source);
    }

    /**
     * A parsed JSON document along the model: every field a member, every value of its shape's
     * kind exactly (the provider decodes it as JSON, converting nothing) and within its shape.
     */
    private document(call: string, argument: string, apiPath: string, resolved: ResolvedShape, value: unknown) {
        if (value === null || value === undefined) return;
        const service = apiPath.split(":")[0];
        const { shape } = resolved;
        if (kindOfValue(value) !== KIND_OF_SHAPE[shape.type]) {
            this.report(call, argument, value, `is a ${kindOfValue(value)}, where the model has a ${shape.type}`, modelSource(apiPath, resolved));
            return;
        }
        for (const constraint of shapeConstraints(apiPath, resolved)) this.constrain(call, argument, value, constraint);
        if (shape.type === "list") {
            (value as unknown[]).forEach(item => this.document(call, `${argument}[]`, `${apiPath}[]`, childShape(service, shape, "[]")!, item));
        } else if (shape.type === "map") {
            for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
                this.document(call, `${argument}{key}`, `${apiPath}{key}`, childShape(service, shape, "{key}")!, key);
                this.document(call, `${argument}{}`, `${apiPath}{}`, childShape(service, shape, "{}")!, item);
            }
        } else if (shape.type === "structure") {
            for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
                const child = childShape(service, shape, key);
                if (!child) {
                    this.report(call, `${argument}.${key}`, item, `is not a member of ${resolved.name}: the provider drops it or AWS refuses it`, modelSource(apiPath, resolved));
                    continue;
                }
                this.document(call, `${argument}.${key}`, `${apiPath}.${key}`, child, item);
            }
        }
    }
}

export interface CheckResult {
    readonly findings: readonly Finding[];
    /** "<type> <argument path>" of every rule that some argument used. */
    readonly used: ReadonlySet<string>;
}

/** Every argument of every resource and invoke of the run, against the rules. */
export function checkArguments(declared: DeclaredCalls, rules: Readonly<Record<string, TypeRules>>): CheckResult {
    const checker = new Checker(rules, declared.produced);
    for (const resource of declared.resources) {
        if (isProgramType(resource.type)) continue;
        checker.checkCall(resource.type, `${resource.type} ${resource.name}`, resource.inputs, resource.name);
    }
    for (const invoke of declared.invokes) checker.checkCall(invoke.token, invoke.token, invoke.inputs);
    return { findings: checker.findings, used: checker.used };
}

/** A limit AWS sets on what several resources add up to, which no single argument shows. */
export interface Quota {
    readonly name: string;
    readonly source: string;
    /** Each group that breaks the quota, described. */
    readonly exceeded: (declared: DeclaredCalls) => string[];
}

/** Resources of a type grouped by one of their inputs (the group, the role they belong to). */
function groupedBy(declared: DeclaredCalls, type: string, input: string): Map<string, DeclaredCalls["resources"][number][]> {
    const groups = new Map<string, DeclaredCalls["resources"][number][]>();
    for (const resource of declared.resources.filter(r => r.type === type)) {
        const key = String(resource.inputs[input]);
        groups.set(key, [...(groups.get(key) ?? []), resource]);
    }
    return groups;
}

const rulesPerGroup = (type: string, direction: string): Quota["exceeded"] => declared =>
    [...groupedBy(declared, type, "securityGroupId")].filter(([, rules]) => rules.length > SECURITY_GROUP_RULES_PER_DIRECTION)
        .map(([group, rules]) => `security group ${group} has ${rules.length} ${direction} rules`);

const QUOTAS: readonly Quota[] = [
    {
        name: `${SECURITY_GROUP_RULES_PER_DIRECTION} inbound rules per security group`,
        source: "Amazon VPC quotas: inbound or outbound rules per security group, 60 by default",
        exceeded: rulesPerGroup("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "inbound"),
    },
    {
        name: `${SECURITY_GROUP_RULES_PER_DIRECTION} outbound rules per security group`,
        source: "Amazon VPC quotas: inbound or outbound rules per security group, 60 by default",
        exceeded: rulesPerGroup("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "outbound"),
    },
    {
        name: "no two rules alike in a security group",
        source: "EC2 AuthorizeSecurityGroupIngress/Egress: InvalidPermission.Duplicate",
        exceeded: declared => ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"].flatMap(type => {
            const seen = new Map<string, string>();
            const repeated: string[] = [];
            for (const rule of declared.resources.filter(r => r.type === type)) {
                const { securityGroupId, ipProtocol, fromPort, toPort, cidrIpv4, cidrIpv6, referencedSecurityGroupId } = rule.inputs;
                const key = JSON.stringify([securityGroupId, ipProtocol, fromPort, toPort, cidrIpv4, cidrIpv6, referencedSecurityGroupId]);
                if (seen.has(key)) repeated.push(`${rule.name} repeats ${seen.get(key)}`);
                else seen.set(key, rule.name);
            }
            return repeated;
        }),
    },
    {
        name: "64 KiB per task definition",
        source: "Amazon ECS service quotas: \"Task definition max size | 64 KiB\" (not adjustable); the container definitions, counted as the JSON the provider sends, are most of it",
        exceeded: declared => declared.resources.filter(r => r.type === "aws:ecs/taskDefinition:TaskDefinition").map(definition => {
            const size = Buffer.byteLength(String(definition.inputs.containerDefinitions), "utf8");
            return size > 64 * 1024 ? `${definition.name}: ${size} bytes of container definitions` : "";
        }).filter(Boolean),
    },
    {
        name: "10,240 characters of inline policies per role",
        source: "IAM quotas: role policy size, the aggregate of a role's inline policies, whitespace not counted",
        exceeded: declared => [...groupedBy(declared, "aws:iam/rolePolicy:RolePolicy", "role")].map(([role, policies]) => {
            const size = policies.reduce((sum, policy) => sum + String(policy.inputs.policy).replace(/\s/g, "").length, 0);
            return size > 10_240 ? `role ${role}: ${size} characters in ${policies.length} inline policies` : "";
        }).filter(Boolean),
    },
];

/** Every quota the run breaks, as "<quota>: <what breaks it> (<source>)". */
export const checkQuotas = (declared: DeclaredCalls): string[] =>
    QUOTAS.flatMap(quota => quota.exceeded(declared).map(problem => `${quota.name}: ${problem} (${quota.source})`));
