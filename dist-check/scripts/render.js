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
exports.SAMPLE_PUBLIC_IP = void 0;
exports.readSampleValues = readSampleValues;
exports.render = render;
// npm run render -- --stack <name> --out <dir> [--public-ip <addr>]
// Writes, without AWS, the exact files an EC2 host of that stack holds once booted, with sample
// values for what only a deployment knows (listed in <dir>/sample-values.json).
const crypto_1 = require("crypto");
const fs_1 = require("fs");
const net = __importStar(require("net"));
const os = __importStar(require("os"));
const path = __importStar(require("path"));
const htpasswd_1 = require("../lib/render/htpasswd");
const layout_1 = require("../lib/render/layout");
const endpoint_1 = require("../lib/render/endpoint");
const hostBundle_1 = require("../lib/render/hostBundle");
const rdsCa_1 = require("../lib/render/rdsCa");
const stores_1 = require("../lib/render/stores");
const sampleTls_1 = require("../lib/sampleTls");
const settings_1 = require("../lib/settings");
const database_1 = require("../components/shared/database");
const stackConfig_1 = require("../lib/stackConfig");
const credentials_1 = require("../lib/credentials");
exports.SAMPLE_PUBLIC_IP = "203.0.113.10";
const SAMPLE_VOLUME_ID = "vol-0123456789abcdef0";
const SAMPLE_VALUES_FILE = "sample-values.json";
function readSampleValues(renderDir) {
    return JSON.parse((0, fs_1.readFileSync)(path.join(renderDir, SAMPLE_VALUES_FILE), "utf8"));
}
function parseArgs(argv) {
    const options = {};
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined)
            throw new Error(`${flag} needs a value`);
        if (flag === "--stack")
            options.stack = value;
        else if (flag === "--out")
            options.out = value;
        else if (flag === "--public-ip")
            options.publicIp = value;
        else
            throw new Error(`unknown option ${flag}; usage: npm run render -- --stack <name> --out <dir> [--public-ip <addr>]`);
    }
    if (!options.stack || !options.out)
        throw new Error("usage: npm run render -- --stack <name> --out <dir> [--public-ip <addr>]");
    return options;
}
const samplePassword = () => Array.from({ length: credentials_1.PASSWORD_LENGTH }, () => credentials_1.PASSWORD_ALPHABET[(0, crypto_1.randomInt)(credentials_1.PASSWORD_ALPHABET.length)]).join("");
/** A throwaway private CA and server certificate with the same shape as the deployed ones (ECDSA P-256). */
function sampleTls(names) {
    const dir = (0, fs_1.mkdtempSync)(path.join(os.tmpdir(), "mlflow-render-tls-"));
    try {
        const issued = (0, sampleTls_1.issueCertificate)(dir, "MLflow private CA (sample)", names, 825);
        return { caCertPem: issued.caPem, chainPem: issued.fullchainPem, keyPem: issued.keyPem };
    }
    finally {
        (0, fs_1.rmSync)(dir, { recursive: true, force: true });
    }
}
/** What a stateless host would be told of its stores, with sample names in the stack's region. */
function sampleStores(settings, region) {
    if (settings.backendStore !== "rds")
        return undefined;
    return {
        database: { host: `mlflow-db-sample.c0abcdefghij.${region}.rds.amazonaws.com`, port: database_1.DATABASE_PORT, database: database_1.DATABASE_NAME, user: database_1.DATABASE_USER, caBundlePem: (0, rdsCa_1.rdsCaBundle)(region) },
        artifactsDestination: (0, stores_1.artifactsDestination)("mlflow-artifacts-sample"),
        region,
        databaseSecretArn: `arn:aws:secretsmanager:${region}:123456789012:secret:rds!db-sample-AbCdEf`,
        databaseIdentifier: "mlflow-db-sample",
    };
}
function render(options) {
    const stackFile = (0, stackConfig_1.readStackFile)(options.stack);
    const settings = (0, settings_1.validateSettings)({ ...stackFile.raw, ...options.overrides });
    const region = stackFile.region ?? "us-east-1";
    const publicIp = options.publicIp ?? exports.SAMPLE_PUBLIC_IP;
    if (!net.isIP(publicIp))
        throw new Error(`--public-ip ${publicIp}: not an IP address`);
    // The local target runs the same files with the same renderers, reached on localhost.
    const endpoint = settings.target === "local" ? (0, endpoint_1.localEndpoint)(settings.localHttpsPort) : (0, endpoint_1.hostEndpoint)(settings.domain, publicIp);
    const tls = sampleTls(endpoint.names);
    const passwords = Object.fromEntries(settings.users.map(user => [user, samplePassword()]));
    const facts = {
        stack: options.stack,
        region,
        endpoint,
        dataVolumeId: SAMPLE_VOLUME_ID,
        ...(0, hostBundle_1.secretParameterNames)(stackFile.project, options.stack),
        secretVersions: "htpasswd:1,tls-fallback-key:1",
        caCertPem: tls.caCertPem,
        fallbackChainPem: tls.chainPem,
        stores: sampleStores(settings, region),
    };
    const databasePassword = facts.stores ? samplePassword() : undefined;
    const files = [
        ...(0, hostBundle_1.hostFiles)(settings, facts),
        ...(0, hostBundle_1.secretFiles)(facts, { htpasswd: (0, htpasswd_1.renderHtpasswd)(passwords), tlsKeyPem: tls.keyPem, databasePassword }),
    ];
    (0, fs_1.rmSync)(options.out, { recursive: true, force: true });
    (0, fs_1.mkdirSync)(options.out, { recursive: true });
    (0, fs_1.writeFileSync)(path.join(options.out, "user-data"), (0, hostBundle_1.renderCloudConfig)(settings, facts));
    for (const file of files) {
        const target = path.join(options.out, "files", file.path);
        (0, fs_1.mkdirSync)(path.dirname(target), { recursive: true });
        (0, fs_1.writeFileSync)(target, file.content, { mode: parseInt(file.mode, 8) });
    }
    const sample = {
        stack: options.stack,
        publicIp,
        domain: settings.domain ?? null,
        dataVolumeId: SAMPLE_VOLUME_ID,
        users: passwords,
        databasePassword,
        caCertFile: path.join("files", layout_1.HOST.caCert),
    };
    (0, fs_1.writeFileSync)(path.join(options.out, SAMPLE_VALUES_FILE), JSON.stringify(sample, null, 2) + "\n");
}
if (require.main === module) {
    try {
        const options = parseArgs(process.argv.slice(2));
        render(options);
        console.log(`rendered stack ${options.stack} into ${options.out}`);
    }
    catch (error) {
        console.error(`render: ${error.message}`);
        process.exit(1);
    }
}
//# sourceMappingURL=render.js.map