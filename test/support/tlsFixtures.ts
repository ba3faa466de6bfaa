// Certificates for the tests: throwaway ones from lib/sampleTls.ts, and PEM helpers.
export { issueCertificate, IssuedCertificate } from "../../lib/sampleTls";

/** The PEM blocks of a certificate bundle, in order. */
export function pemBlocks(pem: string): string[] {
    return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}
