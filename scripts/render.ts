// npm run render -- --stack <name> --out <dir> [--public-ip <addr>]
// Writes, without AWS, the exact files an EC2 host of that stack holds once booted, with sample
// values for what only a deployment knows (listed in <dir>/sample-values.json), the user data and
// the host bundle's SSM parameters that deliver them.
import { randomBytes, randomInt } from "crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { renderHtpasswd } from "../lib/render/htpasswd";
import { HOST } from "../lib/render/layout";
import { renderAuthEnv, renderAuthUsers } from "../lib/render/mlflowAuth";
import { renderOidcEnv } from "../lib/render/oidc";
import { hostEndpoint, localEndpoint } from "../lib/render/endpoint";
import { HostFacts, hostFiles, hostParameterNames, HostStores, renderCloudConfig, renderHostBundle, secretFiles } from "../lib/render/hostBundle";
import { rdsCaBundle } from "../lib/render/rdsCa";
import { artifactsDestination } from "../lib/render/stores";
import { issueCertificate } from "../lib/sampleTls";
import { RawConfig, runsAuthApp, Settings, validateSettings } from "../lib/settings";
import { DATABASE_NAME, DATABASE_PORT, DATABASE_USER } from "../components/shared/database";
import { readStackFile } from "../lib/stackConfig";
import { PASSWORD_ALPHABET, PASSWORD_LENGTH } from "../lib/credentials";

export const SAMPLE_PUBLIC_IP = "203.0.113.10";
const SAMPLE_VOLUME_ID = "vol-0123456789abcdef0";
/** <dir>/host-bundle/<index>: the host bundle's parameters. */
export const HOST_BUNDLE_DIR = "host-bundle";

/** <dir>/sample-values.json: the values used in place of what only a deployment knows. */
export interface SampleValues {
    stack: string;
    publicIp: string;
    domain: string | null;
    dataVolumeId: string;
    /** User name to sample password. */
    users: Record<string, string>;
    /** A stateless host's sample database password (what the pgpass file holds). */
    databasePassword?: string;
    /** The CA certificate, relative to the render directory. */
    caCertFile: string;
}

const SAMPLE_VALUES_FILE = "sample-values.json";

export function readSampleValues(renderDir: string): SampleValues {
    return JSON.parse(readFileSync(path.join(renderDir, SAMPLE_VALUES_FILE), "utf8")) as SampleValues;
}

export interface RenderOptions {
    stack: string;
    out: string;
    publicIp?: string;
    /** Settings on top of the stack file's, e.g. a stateless host's backendStore and artifactStore. */
    overrides?: RawConfig;
}

function parseArgs(argv: string[]): RenderOptions {
    const options: Partial<RenderOptions> = {};
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${flag} needs a value`);
        if (flag === "--stack") options.stack = value;
        else if (flag === "--out") options.out = value;
        else if (flag === "--public-ip") options.publicIp = value;
        else throw new Error(`unknown option ${flag}; usage: npm run render -- --stack <name> --out <dir> [--public-ip <addr>]`);
    }
    if (!options.stack || !options.out) throw new Error("usage: npm run render -- --stack <name> --out <dir> [--public-ip <addr>]");
    return options as RenderOptions;
}

const samplePassword = () =>
    Array.from({ length: PASSWORD_LENGTH }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join("");

/** A throwaway private CA and server certificate with the same shape as the deployed ones (ECDSA P-256). */
function sampleTls(names: string[]): { caCertPem: string; chainPem: string; keyPem: string } {
    const dir = mkdtempSync(path.join(os.tmpdir(), "mlflow-render-tls-"));
    try {
        const issued = issueCertificate(dir, "MLflow private CA (sample)", names, 825);
        return { caCertPem: issued.caPem, chainPem: issued.fullchainPem, keyPem: issued.keyPem };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** What a stateless host would be told of its stores, with sample names in the stack's region. */
function sampleStores(settings: Settings, region: string): HostStores | undefined {
    if (settings.backendStore !== "rds") return undefined;
    return {
        database: { host: `mlflow-db-sample.c0abcdefghij.${region}.rds.amazonaws.com`, port: DATABASE_PORT, database: DATABASE_NAME, user: DATABASE_USER, caBundlePem: rdsCaBundle(region) },
        artifactsDestination: artifactsDestination("mlflow-artifacts-sample"),
        region,
        databaseSecretArn: `arn:aws:secretsmanager:${region}:123456789012:secret:rds!db-sample-AbCdEf`,
        databaseIdentifier: "mlflow-db-sample",
    };
}

export function render(options: RenderOptions): void {
    const stackFile = readStackFile(options.stack);
    const settings = validateSettings({ ...stackFile.raw, ...options.overrides });
    const region = stackFile.region ?? "us-east-1";
    const publicIp = options.publicIp ?? SAMPLE_PUBLIC_IP;
    if (!net.isIP(publicIp)) throw new Error(`--public-ip ${publicIp}: not an IP address`);
    // The local target runs the same files with the same renderers, reached on localhost.
    const endpoint = settings.target === "local" ? localEndpoint(settings.localHttpsPort) : hostEndpoint(settings.domain, publicIp);
    const tls = sampleTls(endpoint.names);
    const passwords = Object.fromEntries(settings.users.map(user => [user, samplePassword()]));
    const facts: HostFacts = {
        stack: options.stack,
        region,
        endpoint,
        dataVolumeId: SAMPLE_VOLUME_ID,
        logGroup: "mlflow-host-sample",
        ...hostParameterNames(stackFile.project, options.stack),
        secretVersions: "htpasswd:1,tls-fallback-key:1",
        caCertPem: tls.caCertPem,
        fallbackChainPem: tls.chainPem,
        stores: sampleStores(settings, region),
    };
    const databasePassword = facts.stores ? samplePassword() : undefined;
    const authApp = runsAuthApp(settings.auth);
    const clientSecret = options.overrides?.oidcClientSecret ?? stackFile.raw.oidcClientSecret;
    const files = [
        ...hostFiles(settings, facts),
        ...secretFiles(facts, {
            htpasswd: renderHtpasswd(passwords), tlsKeyPem: tls.keyPem, databasePassword,
            authEnv: authApp ? renderAuthEnv(samplePassword()) : undefined,
            authUsers: authApp ? renderAuthUsers(passwords) : undefined,
            oidcEnv: settings.oidc && clientSecret !== undefined ? renderOidcEnv(clientSecret, randomBytes(32).toString("base64url")) : undefined,
        }),
    ];
    rmSync(options.out, { recursive: true, force: true });
    mkdirSync(options.out, { recursive: true });
    writeFileSync(path.join(options.out, "user-data"), renderCloudConfig(settings, facts));
    // The values of the host bundle's SSM parameters, as the host reads them at first boot.
    mkdirSync(path.join(options.out, HOST_BUNDLE_DIR));
    renderHostBundle(settings, facts).chunks.forEach((chunk, index) => writeFileSync(path.join(options.out, HOST_BUNDLE_DIR, String(index)), chunk));
    for (const file of files) {
        const target = path.join(options.out, "files", file.path);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, file.content, { mode: parseInt(file.mode, 8) });
    }
    const sample: SampleValues = {
        stack: options.stack,
        publicIp,
        domain: settings.domain ?? null,
        dataVolumeId: SAMPLE_VOLUME_ID,
        users: passwords,
        databasePassword,
        caCertFile: path.join("files", HOST.caCert),
    };
    writeFileSync(path.join(options.out, SAMPLE_VALUES_FILE), JSON.stringify(sample, null, 2) + "\n");
}

if (require.main === module) {
    try {
        const options = parseArgs(process.argv.slice(2));
        render(options);
        console.log(`rendered stack ${options.stack} into ${options.out}`);
    } catch (error) {
        console.error(`render: ${(error as Error).message}`);
        process.exit(1);
    }
}
