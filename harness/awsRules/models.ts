// AWS's API models as botocore ships them (requirements/aws-models.txt): each service's
// service-2.json.gz, read here for the shape an API parameter has and what it accepts.
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { gunzipSync } from "zlib";
import { pythonEnvDir } from "../pythonEnv";

/** The Python environment scripts/python-envs.sh builds from requirements/aws-models.txt. */
const MODELS_ENV = "aws-models";

export interface Shape {
    readonly type: "string" | "integer" | "long" | "double" | "float" | "boolean" | "timestamp" | "blob" | "structure" | "list" | "map";
    readonly pattern?: string;
    readonly min?: number;
    readonly max?: number;
    readonly enum?: readonly string[];
    readonly members?: Readonly<Record<string, { readonly shape: string }>>;
    readonly member?: { readonly shape: string };
    readonly key?: { readonly shape: string };
    readonly value?: { readonly shape: string };
}

interface ServiceModel {
    readonly metadata: { readonly serviceId: string; readonly apiVersion: string };
    readonly operations: Readonly<Record<string, { readonly input?: { readonly shape: string } }>>;
    readonly shapes: Readonly<Record<string, Shape>>;
}

/** A parameter's shape and its name in the model. */
export interface ResolvedShape {
    readonly name: string;
    readonly shape: Shape;
}

function botocoreData(): string {
    const lib = path.join(pythonEnvDir(MODELS_ENV), "lib");
    const python = existsSync(lib) ? readdirSync(lib).find(entry => entry.startsWith("python3")) : undefined;
    const data = python && path.join(lib, python, "site-packages", "botocore", "data");
    if (!data || !existsSync(data)) throw new Error(`botocore's models are missing: build them with \`scripts/python-envs.sh ${MODELS_ENV}\` (.ci/run does)`);
    return data;
}

const models = new Map<string, ServiceModel>();

/** The newest API version botocore ships of a service (its directory name under botocore/data). */
export function serviceModel(service: string): ServiceModel {
    const cached = models.get(service);
    if (cached) return cached;
    const directory = path.join(botocoreData(), service);
    if (!existsSync(directory)) throw new Error(`botocore has no service "${service}"`);
    const version = readdirSync(directory).filter(entry => /^\d{4}-\d{2}-\d{2}$/.test(entry)).sort().pop();
    if (!version) throw new Error(`botocore has no API version of "${service}"`);
    const model = JSON.parse(gunzipSync(readFileSync(path.join(directory, version, "service-2.json.gz"))).toString("utf8")) as ServiceModel;
    models.set(service, model);
    return model;
}

const resolved = new Map<string, ResolvedShape>();

/**
 * The shape of "<service>:<Operation>.<Member>[].<Member>{}..." in the operation's input:
 * `.Name` steps into a structure's member, `[]` into a list's elements, `{}` into a map's values
 * and `{key}` to its keys.
 */
export function resolveApiPath(apiPath: string): ResolvedShape {
    const cached = resolved.get(apiPath);
    if (cached) return cached;
    const match = /^([a-z0-9-]+):([A-Za-z0-9]+)(.*)$/.exec(apiPath);
    if (!match) throw new Error(`${apiPath}: not "<service>:<Operation>.<path>"`);
    const [, service, operation, rest] = match;
    const model = serviceModel(service);
    const input = model.operations[operation]?.input;
    if (!input) throw new Error(`${apiPath}: ${service} has no operation ${operation} with an input`);
    let current: ResolvedShape = { name: input.shape, shape: model.shapes[input.shape] };
    const steps = rest.match(/\.[A-Za-z0-9_]+|\[\]|\{key\}|\{\}/g) ?? [];
    if (steps.join("") !== rest) throw new Error(`${apiPath}: cannot read the path "${rest}"`);
    for (const step of steps) {
        const next = childShape(service, current.shape, step.replace(/^\./, ""));
        if (!next) throw new Error(`${apiPath}: ${current.name} (${current.shape.type}) has no ${step}`);
        current = next;
    }
    resolved.set(apiPath, current);
    return current;
}

/**
 * One step down a shape: a member's name into a structure, `[]` into a list's elements, `{}` into
 * a map's values, `{key}` to its keys; undefined where the shape has no such step.
 */
export function childShape(service: string, parent: Shape, step: string): ResolvedShape | undefined {
    const model = serviceModel(service);
    const ref = step === "[]" ? (parent.type === "list" ? parent.member : undefined)
        : step === "{}" ? (parent.type === "map" ? parent.value : undefined)
        : step === "{key}" ? (parent.type === "map" ? parent.key : undefined)
        : parent.type === "structure" ? parent.members?.[step] : undefined;
    if (!ref) return undefined;
    const shape = model.shapes[ref.shape];
    if (!shape) throw new Error(`botocore's ${service} model has no shape ${ref.shape}`);
    return { name: ref.shape, shape };
}

/** Java's POSIX classes (US-ASCII), which JavaScript lacks, as the ranges of a character class. */
const JAVA_CLASSES: Readonly<Record<string, string>> = {
    all: "\\p{Any}",
    Print: "\\x20-\\x7E",
    Graph: "\\x21-\\x7E",
    Alnum: "A-Za-z0-9",
    Alpha: "A-Za-z",
    Digit: "0-9",
    Upper: "A-Z",
    Lower: "a-z",
    Punct: "!-\\/:-@\\[-`{-~",
    XDigit: "0-9A-Fa-f",
    Space: " \\t\\n\\x0B\\f\\r",
    Cntrl: "\\x00-\\x1F\\x7F",
};

/** A Java expression with its POSIX classes spelled for JavaScript (bracketed where they stand outside a class). */
function javaToJavaScript(pattern: string): string {
    let out = "";
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
        const rest = pattern.slice(i);
        const posix = /^\\p\{([A-Za-z]+)\}/.exec(rest);
        if (posix && posix[1] in JAVA_CLASSES) {
            out += inClass ? JAVA_CLASSES[posix[1]] : `[${JAVA_CLASSES[posix[1]]}]`;
            i += posix[0].length - 1;
        } else if (pattern[i] === "\\") {
            out += pattern.slice(i, i + 2);
            i++;
        } else {
            if (pattern[i] === "[") inClass = true;
            else if (pattern[i] === "]") inClass = false;
            out += pattern[i];
        }
    }
    return out;
}

/**
 * A model's pattern as a JavaScript expression that must match the whole value, as AWS's services
 * apply it (DLM's documentation: "The characters ^[0-9A-Za-z _-]+$ are supported").
 */
export function modelPattern(pattern: string): RegExp {
    try {
        return new RegExp(`^(?:${javaToJavaScript(pattern)})$`, "u");
    } catch (error) {
        throw new Error(`botocore's pattern ${pattern} does not compile as a JavaScript expression: ${(error as Error).message}`);
    }
}
