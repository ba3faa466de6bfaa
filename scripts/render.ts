// npm run render -- --stack <name> --out <dir> [--public-ip <addr>]
// Writes, without AWS, the exact files an EC2 host of that stack holds once booted, with sample
// values for what only a deployment knows (listed in <dir>/sample-values.json).
import { execFileSync } from "child_process";
import { randomInt } from "crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { renderHtpasswd } from "../lib/render/htpasswd";
import { HOST } from "../lib/render/layout";
import { publicEndpoint } from "../lib/render/endpoint";
import { HostFacts, hostFiles, renderCloudConfig, secretFiles, secretParameterNames } from "../lib/render/hostBundle";
import { validateSettings } from "../lib/settings";
import { readStackFile } from "../lib/stackConfig";
import { PASSWORD_ALPHABET, PASSWORD_LENGTH } from "../lib/credentials";

export const SAMPLE_PUBLIC_IP = "203.0.113.10";
const SAMPLE_VOLUME_ID = "vol-0123456789abcdef0";

export interface RenderOptions {
    stack: string;
    out: string;
    publicIp?: string;
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
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    try {
        const san = names.map(name => (net.isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(",");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
        openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=MLflow private CA (sample)", "-days", "3650",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "server.key");
        openssl("req", "-new", "-key", "server.key", "-subj", `/CN=${names[0]}`, "-out", "server.csr");
        writeFileSync(path.join(dir, "ext.cnf"),
            `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "825",
            "-extfile", "ext.cnf", "-out", "server.pem");
        const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
        return { caCertPem: read("ca.pem"), chainPem: read("server.pem") + read("ca.pem"), keyPem: read("server.key") };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

export function render(options: RenderOptions): void {
    const stackFile = readStackFile(options.stack);
    const settings = validateSettings(stackFile.raw);
    const publicIp = options.publicIp ?? SAMPLE_PUBLIC_IP;
    if (!net.isIP(publicIp)) throw new Error(`--public-ip ${publicIp}: not an IP address`);
    const tls = sampleTls(publicEndpoint(settings, publicIp).names);
    const passwords = Object.fromEntries(settings.users.map(user => [user, samplePassword()]));
    const facts: HostFacts = {
        stack: options.stack,
        region: stackFile.region ?? "us-east-1",
        publicIp,
        dataVolumeId: SAMPLE_VOLUME_ID,
        ...secretParameterNames(stackFile.project, options.stack),
        secretVersions: "htpasswd:1,tls-fallback-key:1",
        caCertPem: tls.caCertPem,
        fallbackChainPem: tls.chainPem,
    };
    const files = [
        ...hostFiles(settings, facts),
        ...secretFiles(facts, { htpasswd: renderHtpasswd(passwords), tlsKeyPem: tls.keyPem }),
    ];
    rmSync(options.out, { recursive: true, force: true });
    mkdirSync(options.out, { recursive: true });
    writeFileSync(path.join(options.out, "user-data"), renderCloudConfig(settings, facts));
    for (const file of files) {
        const target = path.join(options.out, "files", file.path);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, file.content, { mode: parseInt(file.mode, 8) });
    }
    writeFileSync(path.join(options.out, "sample-values.json"), JSON.stringify({
        stack: options.stack,
        publicIp,
        domain: settings.domain ?? null,
        dataVolumeId: SAMPLE_VOLUME_ID,
        users: passwords,
        caCertFile: path.join("files", HOST.caCert),
    }, null, 2) + "\n");
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
