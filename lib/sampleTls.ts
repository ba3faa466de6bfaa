// Throwaway certificates made with openssl, shaped like the deployed ones (ECDSA P-256): the
// sample material of `npm run render`, and the tests' stand-in for a Let's Encrypt certificate.
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
    fullchainPem: string;
    keyFile: string;
    keyPem: string;
}

/** A fresh CA and a server certificate for `names` (IPs and DNS names, the first also the CN) signed by it, in `dir`. */
export function issueCertificate(dir: string, caName: string, names: string[], days = 30): IssuedCertificate {
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    const san = names.map(name => (net.isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(",");
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
    openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", `/CN=${caName}`, "-days", String(days),
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "privkey.pem");
    openssl("req", "-new", "-key", "privkey.pem", "-subj", `/CN=${names[0]}`, "-out", "server.csr");
    writeFileSync(path.join(dir, "ext.cnf"),
        `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", String(days),
        "-extfile", "ext.cnf", "-out", "cert.pem");
    const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
    const caPem = read("ca.pem");
    const certPem = read("cert.pem");
    writeFileSync(path.join(dir, "fullchain.pem"), certPem + caPem);
    return {
        caFile: path.join(dir, "ca.pem"),
        caPem,
        certFile: path.join(dir, "cert.pem"),
        certPem,
        fullchainFile: path.join(dir, "fullchain.pem"),
        fullchainPem: certPem + caPem,
        keyFile: path.join(dir, "privkey.pem"),
        keyPem: read("privkey.pem"),
    };
}
