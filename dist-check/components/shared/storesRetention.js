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
exports.storesRetention = storesRetention;
const pulumi = __importStar(require("@pulumi/pulumi"));
/**
 * What `pulumi destroy` does to the database and the artifact bucket, with the commands that go
 * with it, as a phrase after "pulumi destroy" (the scaled tier) or "It" (a stateless host): both
 * AWS tiers with these stores say it in the same words.
 */
function storesRetention(region, database, bucketName, protectData) {
    const snapshots = pulumi.interpolate `aws rds describe-db-snapshots --region ${region} --db-instance-identifier ${database.identifier} --snapshot-type manual`;
    const stores = protectData
        ? pulumi.interpolate `keeps the artifact bucket ${bucketName} (protectData) and stops at the database ${database.identifier}, which has deletion protection. To delete the database: aws rds modify-db-instance --region ${region} --db-instance-identifier ${database.identifier} --no-deletion-protection --apply-immediately, then pulumi destroy again (it takes a final snapshot, ${database.finalSnapshotIdentifier}).`
        : pulumi.interpolate `deletes the database ${database.identifier} with its automated backups, and the artifact bucket ${bucketName} with every artifact.`;
    return pulumi.interpolate `${stores} Snapshots taken before schema upgrades stay until you delete them; list them with: ${snapshots}`;
}
//# sourceMappingURL=storesRetention.js.map