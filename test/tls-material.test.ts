// The private CA's TLS material as `npm run render` writes it, i.e. as the host holds it: the
// fallback server certificate verifies against the CA, names exactly the server's names, uses a
// strong key, and its private key is readable by root only (on disk and as the host installs it).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { execFileSync, spawnSync } from "child_process";
import { createPrivateKey, X509Certificate } from "crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { gunzipSync } from "zlib";
import { HOST_BUNDLE_DIR, readSampleValues, render } from "../scripts/render";
import { HOST } from "../lib/render/layout";
import { projectRoot } from "../lib/projectRoot";
import { pemBlocks } from "./support/tlsFixtures";

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

interface Rendered {
    dir: string;
    publicIp: string;
    domain: string | null;
    file(hostPath: string): string;
}

let workDir: string;
const stacks: Record<string, Rendered> = {};

before(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), "mlflow-tls-material-"));
    for (const stack of ["dev", "prod"]) {
        const dir = path.join(workDir, stack);
        render({ stack, out: dir });
        const values = readSampleValues(dir);
        stacks[stack] = { dir, publicIp: values.publicIp, domain: values.domain, file: hostPath => path.join(dir, "files", hostPath) };
    }
});

after(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const openssl = (args: string[]) => spawnSync("openssl", args, { encoding: "utf8", timeout: 30_000 });

for (const [stack, expected] of [["dev", { domain: null }], ["prod", { domain: "mlflow.example.com" }]] as const) {
    describe(`TLS material of the ${stack} render`, () => {
        const leafFile = () => {
            const file = path.join(workDir, `${stack}-leaf.pem`);
            writeFileSync(file, pemBlocks(readFileSync(stacks[stack].file(HOST.fallbackCert), "utf8"))[0]);
            return file;
        };

        it("the fallback chain is the server certificate followed by the CA certificate", () => {
            const chain = pemBlocks(readFileSync(stacks[stack].file(HOST.fallbackCert), "utf8"));
            assert.equal(chain.length, 2);
            const ca = new X509Certificate(readFileSync(stacks[stack].file(HOST.caCert)));
            assert.equal(new X509Certificate(chain[1]).fingerprint256, ca.fingerprint256);
            const leaf = new X509Certificate(chain[0]);
            assert.equal(leaf.ca, false, "the server certificate is no CA");
            assert.equal(ca.ca, true, "the CA certificate is a CA");
            assert.ok(leaf.checkIssued(ca), "issued by the CA");
            assert.ok(leaf.keyUsage?.includes(SERVER_AUTH), `extendedKeyUsage serverAuth: ${leaf.keyUsage}`);
            const now = Date.now();
            assert.ok(Date.parse(leaf.validFrom) <= now && now < Date.parse(leaf.validTo), "valid now");
        });

        it("verifies against the CA with openssl verify, for the server's names only", () => {
            const { publicIp, domain } = stacks[stack];
            assert.equal(domain, expected.domain);
            const caFile = stacks[stack].file(HOST.caCert);
            const leaf = leafFile();
            const ok = openssl(["verify", "-CAfile", caFile, "-purpose", "sslserver", "-verify_ip", publicIp, leaf]);
            assert.equal(ok.status, 0, ok.stdout + ok.stderr);
            assert.match(ok.stdout, /: OK$/m);
            if (domain) {
                const named = openssl(["verify", "-CAfile", caFile, "-purpose", "sslserver", "-verify_hostname", domain, leaf]);
                assert.equal(named.status, 0, named.stdout + named.stderr);
            }
            const otherName = openssl(["verify", "-CAfile", caFile, "-verify_hostname", "evil.example", leaf]);
            assert.notEqual(otherName.status, 0, "verifies for a name it must not carry");
            const otherStack = stacks[stack === "dev" ? "prod" : "dev"];
            const otherCa = openssl(["verify", "-CAfile", otherStack.file(HOST.caCert), leaf]);
            assert.notEqual(otherCa.status, 0, "verifies against another stack's CA");
        });

        it(`carries ${expected.domain ? "the domain and the public IP" : "the public IP"} as subjectAltName`, () => {
            const { publicIp, domain } = stacks[stack];
            const leaf = new X509Certificate(readFileSync(leafFile()));
            const names = (leaf.subjectAltName ?? "").split(", ").sort();
            const wanted = [`IP Address:${publicIp}`, ...(domain ? [`DNS:${domain}`] : [])].sort();
            assert.deepEqual(names, wanted);
            assert.equal(leaf.checkIP(publicIp), publicIp);
            if (domain) assert.equal(leaf.checkHost(domain), domain);
            const text = execFileSync("openssl", ["x509", "-in", leafFile(), "-noout", "-ext", "subjectAltName"], { encoding: "utf8" });
            assert.match(text, new RegExp(`IP Address:${publicIp.replace(/\./g, "\\.")}`));
        });

        it("uses an ECDSA P-256 (or RSA >= 2048) key, and the private key belongs to the certificate", () => {
            const leaf = new X509Certificate(readFileSync(leafFile()));
            const key = leaf.publicKey;
            if (key.asymmetricKeyType === "ec") assert.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
            else {
                assert.equal(key.asymmetricKeyType, "rsa");
                assert.ok((key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048);
            }
            const privateKey = createPrivateKey(readFileSync(stacks[stack].file(HOST.fallbackKey)));
            assert.ok(leaf.checkPrivateKey(privateKey), "the fallback key matches the fallback certificate");
        });

        it("writes the private key with mode 0600 and keeps it out of user data and the host bundle", () => {
            const keyFile = stacks[stack].file(HOST.fallbackKey);
            assert.equal((statSync(keyFile).mode & 0o777).toString(8), "600");
            const bundleDir = path.join(stacks[stack].dir, HOST_BUNDLE_DIR);
            const bundle = readdirSync(bundleDir).sort((a, b) => Number(a) - Number(b)).map(name => readFileSync(path.join(bundleDir, name), "utf8")).join("");
            // What the host receives before it fetches any secret.
            const userData = readFileSync(path.join(stacks[stack].dir, "user-data"), "utf8") + gunzipSync(Buffer.from(bundle, "base64")).toString("utf8").replace(/\\n/g, "\n");
            assert.doesNotMatch(userData, /PRIVATE KEY/);
            const keyBody = readFileSync(keyFile, "utf8").split("\n").filter(line => line && !line.startsWith("-----")).join("");
            assert.ok(keyBody.length > 40);
            // The middle of the base64 holds the private scalar (the start is the same for every P-256 key).
            assert.ok(!userData.replace(/\s/g, "").includes(keyBody.slice(48, 96)), "the key's base64 is in user data");
            assert.ok(userData.includes(pemBlocks(readFileSync(stacks[stack].file(HOST.caCert), "utf8"))[0].split("\n")[1]),
                "the host bundle does carry the public CA certificate");
        });
    });
}

describe("private key permissions on the host", () => {
    const script = (name: string) => readFileSync(path.join(projectRoot(), "host", name), "utf8");

    it("mlflow-fetch-secrets installs the fallback key 0600, created under umask 077 (never readable by others, even briefly)", () => {
        const text = script("mlflow-fetch-secrets");
        assert.match(text, /^fetch "\$TLS_KEY_PARAMETER" "\$SECRETS_DIR\/fallback-privkey\.pem" 0600 root$/m);
        assert.match(text, /\(umask 077 && printf '%s\\n' "\$value" >"\$2\.tmp"\)/, "written under umask 077");
        assert.match(text, /chmod "\$3" "\$2\.tmp"/, "the mode argument is applied before the file is moved into place");
        assert.match(text, /mv "\$2\.tmp" "\$2"/);
        // ... at the path the rest of the host (mlflow-certificate's FALLBACK_KEY) reads it from.
        const hostEnv = readFileSync(stacks.dev.file(HOST.hostEnv), "utf8");
        const secretsDir = /^SECRETS_DIR=(.*)$/m.exec(hostEnv)?.[1];
        const fallbackKey = /^FALLBACK_KEY=(.*)$/m.exec(hostEnv)?.[1];
        assert.equal(`${secretsDir}/fallback-privkey.pem`, HOST.fallbackKey);
        assert.equal(fallbackKey, HOST.fallbackKey);
    });

    it("mlflow-certificate installs the active key 0600", () => {
        assert.match(script("mlflow-certificate"), /install -m 0600 "\$key" "\$ACTIVE_TLS_DIR\/privkey\.pem\.new"/);
    });
});
