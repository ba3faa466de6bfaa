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
exports.issueCertificate = issueCertificate;
// Throwaway certificates made with openssl, shaped like the deployed ones (ECDSA P-256): the
// sample material of `npm run render`, and the tests' stand-in for a Let's Encrypt certificate.
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const net = __importStar(require("net"));
const path = __importStar(require("path"));
/** A fresh CA and a server certificate for `names` (IPs and DNS names, the first also the CN) signed by it, in `dir`. */
function issueCertificate(dir, caName, names, days = 30) {
    const openssl = (...args) => (0, child_process_1.execFileSync)("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    const san = names.map(name => (net.isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(",");
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
    openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", `/CN=${caName}`, "-days", String(days), "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "privkey.pem");
    openssl("req", "-new", "-key", "privkey.pem", "-subj", `/CN=${names[0]}`, "-out", "server.csr");
    (0, fs_1.writeFileSync)(path.join(dir, "ext.cnf"), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", String(days), "-extfile", "ext.cnf", "-out", "cert.pem");
    const read = (name) => (0, fs_1.readFileSync)(path.join(dir, name), "utf8");
    const caPem = read("ca.pem");
    const certPem = read("cert.pem");
    (0, fs_1.writeFileSync)(path.join(dir, "fullchain.pem"), certPem + caPem);
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
//# sourceMappingURL=sampleTls.js.map