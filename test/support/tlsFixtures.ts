// Throwaway certificates made with openssl, e.g. a stand-in for a Let's Encrypt certificate.
import { execFileSync } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import * as net from "net";
import * as path from "path";

export interface IssuedCertificate {
    caFile: string;
    caPem: string;
    certFile: string;
    certPem: string;
    /** Leaf followed by the CA certificate. */
    fullchainFile: string;
    keyFile: string;
}

/** A fresh CA (ECDSA P-256) and a server certificate for `names` signed by it, in `dir`. */
export function issueCertificate(dir: string, caName: string, names: string[]): IssuedCertificate {
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    const san = names.map(name => (net.isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(",");
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
    openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", `/CN=${caName}`, "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "privkey.pem");
    openssl("req", "-new", "-key", "privkey.pem", "-subj", `/CN=${names[0]}`, "-out", "server.csr");
    writeFileSync(path.join(dir, "ext.cnf"),
        `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "30",
        "-extfile", "ext.cnf", "-out", "cert.pem");
    const caPem = readFileSync(path.join(dir, "ca.pem"), "utf8");
    const certPem = readFileSync(path.join(dir, "cert.pem"), "utf8");
    writeFileSync(path.join(dir, "fullchain.pem"), certPem + caPem);
    return {
        caFile: path.join(dir, "ca.pem"),
        caPem,
        certFile: path.join(dir, "cert.pem"),
        certPem,
        fullchainFile: path.join(dir, "fullchain.pem"),
        keyFile: path.join(dir, "privkey.pem"),
    };
}

/** The PEM blocks of a certificate bundle, in order. */
export function pemBlocks(pem: string): string[] {
    return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}
