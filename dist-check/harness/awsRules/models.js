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
exports.MODELS_ENV = void 0;
exports.serviceModel = serviceModel;
exports.resolveApiPath = resolveApiPath;
exports.childShape = childShape;
exports.modelPattern = modelPattern;
// AWS's API models as botocore ships them (requirements/aws-models.txt): each service's
// service-2.json.gz, read here for the shape an API parameter has and what it accepts.
const fs_1 = require("fs");
const path = __importStar(require("path"));
const zlib_1 = require("zlib");
const pythonEnv_1 = require("../pythonEnv");
/** The Python environment scripts/python-envs.sh builds from requirements/aws-models.txt. */
exports.MODELS_ENV = "aws-models";
function botocoreData() {
    const lib = path.join((0, pythonEnv_1.pythonEnvDir)(exports.MODELS_ENV), "lib");
    const python = (0, fs_1.existsSync)(lib) ? (0, fs_1.readdirSync)(lib).find(entry => entry.startsWith("python3")) : undefined;
    const data = python && path.join(lib, python, "site-packages", "botocore", "data");
    if (!data || !(0, fs_1.existsSync)(data))
        throw new Error(`botocore's models are missing: build them with \`scripts/python-envs.sh ${exports.MODELS_ENV}\` (.ci/run does)`);
    return data;
}
const models = new Map();
/** The newest API version botocore ships of a service (its directory name under botocore/data). */
function serviceModel(service) {
    const cached = models.get(service);
    if (cached)
        return cached;
    const directory = path.join(botocoreData(), service);
    if (!(0, fs_1.existsSync)(directory))
        throw new Error(`botocore has no service "${service}"`);
    const version = (0, fs_1.readdirSync)(directory).filter(entry => /^\d{4}-\d{2}-\d{2}$/.test(entry)).sort().pop();
    if (!version)
        throw new Error(`botocore has no API version of "${service}"`);
    const model = JSON.parse((0, zlib_1.gunzipSync)((0, fs_1.readFileSync)(path.join(directory, version, "service-2.json.gz"))).toString("utf8"));
    models.set(service, model);
    return model;
}
/**
 * The shape of "<service>:<Operation>.<Member>[].<Member>{}..." in the operation's input:
 * `.Name` steps into a structure's member, `[]` into a list's elements, `{}` into a map's values
 * and `{key}` to its keys.
 */
function resolveApiPath(apiPath) {
    const match = /^([a-z0-9-]+):([A-Za-z0-9]+)(.*)$/.exec(apiPath);
    if (!match)
        throw new Error(`${apiPath}: not "<service>:<Operation>.<path>"`);
    const [, service, operation, rest] = match;
    const model = serviceModel(service);
    const input = model.operations[operation]?.input;
    if (!input)
        throw new Error(`${apiPath}: ${service} has no operation ${operation} with an input`);
    let current = { name: input.shape, shape: model.shapes[input.shape] };
    const steps = rest.match(/\.[A-Za-z0-9_]+|\[\]|\{key\}|\{\}/g) ?? [];
    if (steps.join("") !== rest)
        throw new Error(`${apiPath}: cannot read the path "${rest}"`);
    for (const step of steps) {
        const shape = current.shape;
        let next;
        if (step === "[]")
            next = shape.type === "list" ? shape.member : undefined;
        else if (step === "{}")
            next = shape.type === "map" ? shape.value : undefined;
        else if (step === "{key}")
            next = shape.type === "map" ? shape.key : undefined;
        else
            next = shape.type === "structure" ? shape.members?.[step.slice(1)] : undefined;
        if (!next)
            throw new Error(`${apiPath}: ${current.name} (${shape.type}) has no ${step}`);
        current = { name: next.shape, shape: model.shapes[next.shape], documentation: next.documentation ?? model.shapes[next.shape]?.documentation };
        if (!current.shape)
            throw new Error(`${apiPath}: the model has no shape ${next.shape}`);
    }
    return current;
}
/** A member shape of a structure, list or map, for walking a JSON document along the model. */
function childShape(service, parent, step) {
    const model = serviceModel(service);
    const ref = step === "[]" ? parent.member : step === "{}" ? parent.value : step === "{key}" ? parent.key : parent.members?.[step];
    return ref && { name: ref.shape, shape: model.shapes[ref.shape], documentation: ref.documentation };
}
/** Java's POSIX classes (US-ASCII), which JavaScript lacks, as the ranges of a character class. */
const JAVA_CLASSES = {
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
function javaToJavaScript(pattern) {
    let out = "";
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
        const rest = pattern.slice(i);
        const posix = /^\\p\{([A-Za-z]+)\}/.exec(rest);
        if (posix && posix[1] in JAVA_CLASSES) {
            out += inClass ? JAVA_CLASSES[posix[1]] : `[${JAVA_CLASSES[posix[1]]}]`;
            i += posix[0].length - 1;
        }
        else if (pattern[i] === "\\") {
            out += pattern.slice(i, i + 2);
            i++;
        }
        else {
            if (pattern[i] === "[")
                inClass = true;
            else if (pattern[i] === "]")
                inClass = false;
            out += pattern[i];
        }
    }
    return out;
}
/**
 * A model's pattern as a JavaScript expression that must match the whole value, as AWS's services
 * apply it (DLM's documentation: "The characters ^[0-9A-Za-z _-]+$ are supported").
 */
function modelPattern(pattern) {
    try {
        return new RegExp(`^(?:${javaToJavaScript(pattern)})$`, "u");
    }
    catch (error) {
        throw new Error(`botocore's pattern ${pattern} does not compile as a JavaScript expression: ${error.message}`);
    }
}
//# sourceMappingURL=models.js.map