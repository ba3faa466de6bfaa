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
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// The private CA's TLS material as `npm run render` writes it, i.e. as the host holds it: the
// fallback server certificate verifies against the CA, names exactly the server's names, uses a
// strong key, and its private key is readable by root only (on disk and as the host installs it).
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const child_process_1 = require("child_process");
const crypto_1 = require("crypto");
const fs_1 = require("fs");
const os = __importStar(require("os"));
const path = __importStar(require("path"));
const render_1 = require("../scripts/render");
const layout_1 = require("../lib/render/layout");
const projectRoot_1 = require("../lib/projectRoot");
const tlsFixtures_1 = require("./support/tlsFixtures");
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
let workDir;
const stacks = {};
(0, node_test_1.before)(() => {
    workDir = (0, fs_1.mkdtempSync)(path.join(os.tmpdir(), "mlflow-tls-material-"));
    for (const stack of ["dev", "prod"]) {
        const dir = path.join(workDir, stack);
        (0, render_1.render)({ stack, out: dir });
        const values = (0, render_1.readSampleValues)(dir);
        stacks[stack] = { dir, publicIp: values.publicIp, domain: values.domain, file: hostPath => path.join(dir, "files", hostPath) };
    }
});
(0, node_test_1.after)(() => {
    if (workDir)
        (0, fs_1.rmSync)(workDir, { recursive: true, force: true });
});
const openssl = (args) => (0, child_process_1.spawnSync)("openssl", args, { encoding: "utf8", timeout: 30_000 });
for (const [stack, expected] of [["dev", { domain: null }], ["prod", { domain: "mlflow.example.com" }]]) {
    (0, node_test_1.describe)(`TLS material of the ${stack} render`, () => {
        const leafFile = () => {
            const file = path.join(workDir, `${stack}-leaf.pem`);
            (0, fs_1.writeFileSync)(file, (0, tlsFixtures_1.pemBlocks)((0, fs_1.readFileSync)(stacks[stack].file(layout_1.HOST.fallbackCert), "utf8"))[0]);
            return file;
        };
        (0, node_test_1.it)("the fallback chain is the server certificate followed by the CA certificate", () => {
            const chain = (0, tlsFixtures_1.pemBlocks)((0, fs_1.readFileSync)(stacks[stack].file(layout_1.HOST.fallbackCert), "utf8"));
            strict_1.default.equal(chain.length, 2);
            const ca = new crypto_1.X509Certificate((0, fs_1.readFileSync)(stacks[stack].file(layout_1.HOST.caCert)));
            strict_1.default.equal(new crypto_1.X509Certificate(chain[1]).fingerprint256, ca.fingerprint256);
            const leaf = new crypto_1.X509Certificate(chain[0]);
            strict_1.default.equal(leaf.ca, false, "the server certificate is no CA");
            strict_1.default.equal(ca.ca, true, "the CA certificate is a CA");
            strict_1.default.ok(leaf.checkIssued(ca), "issued by the CA");
            strict_1.default.ok(leaf.keyUsage?.includes(SERVER_AUTH), `extendedKeyUsage serverAuth: ${leaf.keyUsage}`);
            const now = Date.now();
            strict_1.default.ok(Date.parse(leaf.validFrom) <= now && now < Date.parse(leaf.validTo), "valid now");
        });
        (0, node_test_1.it)("verifies against the CA with openssl verify, for the server's names only", () => {
            const { publicIp, domain } = stacks[stack];
            strict_1.default.equal(domain, expected.domain);
            const caFile = stacks[stack].file(layout_1.HOST.caCert);
            const leaf = leafFile();
            const ok = openssl(["verify", "-CAfile", caFile, "-purpose", "sslserver", "-verify_ip", publicIp, leaf]);
            strict_1.default.equal(ok.status, 0, ok.stdout + ok.stderr);
            strict_1.default.match(ok.stdout, /: OK$/m);
            if (domain) {
                const named = openssl(["verify", "-CAfile", caFile, "-purpose", "sslserver", "-verify_hostname", domain, leaf]);
                strict_1.default.equal(named.status, 0, named.stdout + named.stderr);
            }
            const otherName = openssl(["verify", "-CAfile", caFile, "-verify_hostname", "evil.example", leaf]);
            strict_1.default.notEqual(otherName.status, 0, "verifies for a name it must not carry");
            const otherStack = stacks[stack === "dev" ? "prod" : "dev"];
            const otherCa = openssl(["verify", "-CAfile", otherStack.file(layout_1.HOST.caCert), leaf]);
            strict_1.default.notEqual(otherCa.status, 0, "verifies against another stack's CA");
        });
        (0, node_test_1.it)(`carries ${expected.domain ? "the domain and the public IP" : "the public IP"} as subjectAltName`, () => {
            const { publicIp, domain } = stacks[stack];
            const leaf = new crypto_1.X509Certificate((0, fs_1.readFileSync)(leafFile()));
            const names = (leaf.subjectAltName ?? "").split(", ").sort();
            const wanted = [`IP Address:${publicIp}`, ...(domain ? [`DNS:${domain}`] : [])].sort();
            strict_1.default.deepEqual(names, wanted);
            strict_1.default.equal(leaf.checkIP(publicIp), publicIp);
            if (domain)
                strict_1.default.equal(leaf.checkHost(domain), domain);
            const text = (0, child_process_1.execFileSync)("openssl", ["x509", "-in", leafFile(), "-noout", "-ext", "subjectAltName"], { encoding: "utf8" });
            strict_1.default.match(text, new RegExp(`IP Address:${publicIp.replace(/\./g, "\\.")}`));
        });
        (0, node_test_1.it)("uses an ECDSA P-256 (or RSA >= 2048) key, and the private key belongs to the certificate", () => {
            const leaf = new crypto_1.X509Certificate((0, fs_1.readFileSync)(leafFile()));
            const key = leaf.publicKey;
            if (key.asymmetricKeyType === "ec")
                strict_1.default.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
            else {
                strict_1.default.equal(key.asymmetricKeyType, "rsa");
                strict_1.default.ok((key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048);
            }
            const privateKey = (0, crypto_1.createPrivateKey)((0, fs_1.readFileSync)(stacks[stack].file(layout_1.HOST.fallbackKey)));
            strict_1.default.ok(leaf.checkPrivateKey(privateKey), "the fallback key matches the fallback certificate");
        });
        (0, node_test_1.it)("writes the private key with mode 0600 and keeps it out of user data", () => {
            const keyFile = stacks[stack].file(layout_1.HOST.fallbackKey);
            strict_1.default.equal(((0, fs_1.statSync)(keyFile).mode & 0o777).toString(8), "600");
            const userData = (0, fs_1.readFileSync)(path.join(stacks[stack].dir, "user-data"), "utf8");
            strict_1.default.doesNotMatch(userData, /PRIVATE KEY/);
            const keyBody = (0, fs_1.readFileSync)(keyFile, "utf8").split("\n").filter(line => line && !line.startsWith("-----")).join("");
            strict_1.default.ok(keyBody.length > 40);
            // The middle of the base64 holds the private scalar (the start is the same for every P-256 key).
            strict_1.default.ok(!userData.replace(/\s/g, "").includes(keyBody.slice(48, 96)), "the key's base64 is in user data");
            strict_1.default.ok(userData.includes((0, tlsFixtures_1.pemBlocks)((0, fs_1.readFileSync)(stacks[stack].file(layout_1.HOST.caCert), "utf8"))[0].split("\n")[1]), "user data does carry the public CA certificate");
        });
    });
}
(0, node_test_1.describe)("private key permissions on the host", () => {
    const script = (name) => (0, fs_1.readFileSync)(path.join((0, projectRoot_1.projectRoot)(), "host", name), "utf8");
    (0, node_test_1.it)("mlflow-fetch-secrets installs the fallback key 0600, created under umask 077 (never readable by others, even briefly)", () => {
        const text = script("mlflow-fetch-secrets");
        strict_1.default.match(text, /^fetch "\$TLS_KEY_PARAMETER" "\$SECRETS_DIR\/fallback-privkey\.pem" 0600 root$/m);
        strict_1.default.match(text, /\(umask 077 && printf '%s\\n' "\$value" >"\$2\.tmp"\)/, "written under umask 077");
        strict_1.default.match(text, /chmod "\$3" "\$2\.tmp"/, "the mode argument is applied before the file is moved into place");
        strict_1.default.match(text, /mv "\$2\.tmp" "\$2"/);
        // ... at the path the rest of the host (mlflow-certificate's FALLBACK_KEY) reads it from.
        const hostEnv = (0, fs_1.readFileSync)(stacks.dev.file(layout_1.HOST.hostEnv), "utf8");
        const secretsDir = /^SECRETS_DIR=(.*)$/m.exec(hostEnv)?.[1];
        const fallbackKey = /^FALLBACK_KEY=(.*)$/m.exec(hostEnv)?.[1];
        strict_1.default.equal(`${secretsDir}/fallback-privkey.pem`, layout_1.HOST.fallbackKey);
        strict_1.default.equal(fallbackKey, layout_1.HOST.fallbackKey);
    });
    (0, node_test_1.it)("mlflow-certificate installs the active key 0600", () => {
        strict_1.default.match(script("mlflow-certificate"), /install -m 0600 "\$key" "\$ACTIVE_TLS_DIR\/privkey\.pem\.new"/);
    });
});
//# sourceMappingURL=tls-material.test.js.map