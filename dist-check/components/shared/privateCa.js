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
exports.PrivateCa = exports.caCommonName = void 0;
const pulumi = __importStar(require("@pulumi/pulumi"));
const tls = __importStar(require("@pulumi/tls"));
const awsNames_1 = require("../../lib/awsNames");
const isIp = (name) => /^[0-9.]+$/.test(name) || name.includes(":");
/** X.509 bounds a common name at 64 characters (RFC 5280, ub-common-name); ACM imports the CA's certificate on the scaled tier. */
const COMMON_NAME_MAX = 64;
const CA_PREFIX = "MLflow private CA (";
/** The CA's common name, with the stack's name in it: shortened, a hash keeping stacks apart, where a long stack name would break the bound. */
const caCommonName = (stack) => `${CA_PREFIX}${(0, awsNames_1.nameForAws)(stack, { ...awsNames_1.COMMON_NAME_PART, maxLength: COMMON_NAME_MAX - CA_PREFIX.length - 1 })})`;
exports.caCommonName = caCommonName;
/**
 * The project's own certificate authority. Without a domain it signs the certificate that clients
 * verify through the caCertPem output; with a domain it signs the certificate nginx serves until
 * Let's Encrypt's is issued. Its key stays in the Pulumi state and never reaches the host.
 */
class PrivateCa extends pulumi.ComponentResource {
    caCertPem;
    /** The server certificate alone (ACM imports it and the chain separately). */
    serverCertPem;
    /** Server certificate followed by the CA certificate. */
    serverChainPem;
    /** Secret. */
    serverKeyPem;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:PrivateCa", name, {}, opts);
        const { serverNames, serverValidityHours } = { serverValidityHours: 5 * 365 * 24, ...args };
        const parent = { parent: this };
        // ECDSA P-256: what browsers and Python clients expect of a modern server (the provider's default curve is P-224).
        const keyArgs = { algorithm: "ECDSA", ecdsaCurve: "P256" };
        const caKey = new tls.PrivateKey(`${name}-ca`, keyArgs, parent);
        const caCert = new tls.SelfSignedCert(`${name}-ca`, {
            privateKeyPem: caKey.privateKeyPem,
            isCaCertificate: true,
            validityPeriodHours: 10 * 365 * 24,
            allowedUses: ["cert_signing", "crl_signing"],
            subject: { commonName: (0, exports.caCommonName)(pulumi.getStack()), organization: "mlflow-on-aws" },
        }, parent);
        const serverKey = new tls.PrivateKey(`${name}-server`, keyArgs, parent);
        const names = pulumi.output(serverNames);
        const request = new tls.CertRequest(`${name}-server`, {
            privateKeyPem: serverKey.privateKeyPem,
            subject: { commonName: names.apply(n => n[0]), organization: "mlflow-on-aws" },
            dnsNames: names.apply(n => n.filter(x => !isIp(x))),
            ipAddresses: names.apply(n => n.filter(isIp)),
        }, parent);
        const serverCert = new tls.LocallySignedCert(`${name}-server`, {
            certRequestPem: request.certRequestPem,
            caPrivateKeyPem: caKey.privateKeyPem,
            caCertPem: caCert.certPem,
            validityPeriodHours: serverValidityHours,
            earlyRenewalHours: 30 * 24,
            allowedUses: ["digital_signature", "server_auth"],
        }, parent);
        this.caCertPem = caCert.certPem;
        this.serverCertPem = serverCert.certPem;
        this.serverChainPem = pulumi.interpolate `${serverCert.certPem}${caCert.certPem}`;
        this.serverKeyPem = pulumi.secret(serverKey.privateKeyPem);
        this.registerOutputs({ caCertPem: this.caCertPem, serverCertPem: this.serverCertPem, serverChainPem: this.serverChainPem, serverKeyPem: this.serverKeyPem });
    }
}
exports.PrivateCa = PrivateCa;
//# sourceMappingURL=privateCa.js.map