"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.issueCertificate = void 0;
exports.pemBlocks = pemBlocks;
// Certificates for the tests: throwaway ones from lib/sampleTls.ts, and PEM helpers.
var sampleTls_1 = require("../../lib/sampleTls");
Object.defineProperty(exports, "issueCertificate", { enumerable: true, get: function () { return sampleTls_1.issueCertificate; } });
/** The PEM blocks of a certificate bundle, in order. */
function pemBlocks(pem) {
    return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}
//# sourceMappingURL=tlsFixtures.js.map