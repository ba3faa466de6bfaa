import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { COMMON_NAME_PART, nameForAws } from "../../lib/awsNames";

export interface PrivateCaArgs {
    /** Names in the server certificate: IP addresses and DNS names, the first one also its common name. */
    serverNames: pulumi.Input<string[]>;
    /** How long the server certificate lasts; a `pulumi up` within the last 30 days issues a new one. */
    serverValidityHours?: number;
}

const isIp = (name: string) => /^[0-9.]+$/.test(name) || name.includes(":");

/** X.509 bounds a common name at 64 characters (RFC 5280, ub-common-name); ACM imports the CA's certificate on the scaled tier. */
const COMMON_NAME_MAX = 64;
const CA_PREFIX = "MLflow private CA (";

/** The CA's common name, with the stack's name in it: shortened, a hash keeping stacks apart, where a long stack name would break the bound. */
export const caCommonName = (stack: string) =>
    `${CA_PREFIX}${nameForAws(stack, { ...COMMON_NAME_PART, maxLength: COMMON_NAME_MAX - CA_PREFIX.length - 1 })})`;

/**
 * The project's own certificate authority. Without a domain it signs the certificate that clients
 * verify through the caCertPem output; with a domain it signs the certificate nginx serves until
 * Let's Encrypt's is issued. Its key stays in the Pulumi state and never reaches the host.
 */
export class PrivateCa extends pulumi.ComponentResource {
    readonly caCertPem: pulumi.Output<string>;
    /** The server certificate alone (ACM imports it and the chain separately). */
    readonly serverCertPem: pulumi.Output<string>;
    /** Server certificate followed by the CA certificate. */
    readonly serverChainPem: pulumi.Output<string>;
    /** Secret. */
    readonly serverKeyPem: pulumi.Output<string>;

    constructor(name: string, args: PrivateCaArgs, opts?: pulumi.ComponentResourceOptions) {
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
            subject: { commonName: caCommonName(pulumi.getStack()), organization: "mlflow-on-aws" },
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
        this.serverChainPem = pulumi.interpolate`${serverCert.certPem}${caCert.certPem}`;
        this.serverKeyPem = pulumi.secret(serverKey.privateKeyPem);
        this.registerOutputs({ caCertPem: this.caCertPem, serverCertPem: this.serverCertPem, serverChainPem: this.serverChainPem, serverKeyPem: this.serverKeyPem });
    }
}
