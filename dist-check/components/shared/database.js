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
exports.Database = exports.DATABASE_PORT = exports.DATABASE_USER = exports.DATABASE_NAME = exports.POSTGRES_MAJOR_VERSION = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const awsNames_1 = require("../../lib/awsNames");
const rdsCa_1 = require("../../lib/render/rdsCa");
const schemaUpgrade_1 = require("../../lib/schemaUpgrade");
/** Pinned major version; RDS applies minor releases in the maintenance window. */
exports.POSTGRES_MAJOR_VERSION = "17";
exports.DATABASE_NAME = "mlflow";
exports.DATABASE_USER = "mlflow";
exports.DATABASE_PORT = 5432;
/**
 * MLflow's backend store on RDS for PostgreSQL: encrypted, private, TLS required by the server
 * (rds.force_ssl), backed up daily with point-in-time recovery, the master password generated
 * and kept by RDS in Secrets Manager (never in Pulumi's state or a task definition).
 */
class Database extends pulumi.ComponentResource {
    identifier;
    arn;
    address;
    port;
    /** ARN of the Secrets Manager secret RDS keeps the password in ({"username", "password"}). */
    secretArn;
    /** The snapshot a deletion takes (protectData only). */
    finalSnapshotIdentifier;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:Database", name, {}, opts);
        const { subnetIds, securityGroupId, instanceClass, storageGiB, backupRetentionDays, protectData, availabilityZone, tags } = { tags: {}, ...args };
        const parent = { parent: this };
        if (subnetIds.length < 2)
            throw new Error("Database: RDS needs subnets in two availability zones");
        this.finalSnapshotIdentifier = protectData ? `${name}-${(0, awsNames_1.nameForAws)(pulumi.getStack(), awsNames_1.RDS_IDENTIFIER)}-final` : undefined;
        const subnets = new aws.rds.SubnetGroup(name, { subnetIds, description: "MLflow's database: private subnets in two zones", tags }, parent);
        const parameters = new aws.rds.ParameterGroup(name, {
            family: `postgres${exports.POSTGRES_MAJOR_VERSION}`,
            description: "MLflow's database: TLS required",
            // The default of PostgreSQL 15 and later already, set so that it cannot silently change.
            parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }],
            tags,
        }, parent);
        const instance = new aws.rds.Instance(name, {
            engine: "postgres",
            engineVersion: exports.POSTGRES_MAJOR_VERSION,
            allowMajorVersionUpgrade: false,
            autoMinorVersionUpgrade: true,
            // Without this, RDS moves a major version past its standard support into paid
            // extended support (per vCPU-hour) instead of letting the upgrade be planned.
            engineLifecycleSupport: "open-source-rds-extended-support-disabled",
            instanceClass,
            allocatedStorage: storageGiB,
            storageType: "gp3",
            storageEncrypted: true,
            dbName: exports.DATABASE_NAME,
            username: exports.DATABASE_USER,
            manageMasterUserPassword: true,
            port: exports.DATABASE_PORT,
            publiclyAccessible: false,
            dbSubnetGroupName: subnets.name,
            vpcSecurityGroupIds: [securityGroupId],
            parameterGroupName: parameters.name,
            caCertIdentifier: rdsCa_1.RDS_CA_IDENTIFIER,
            // Single-AZ: a standby doubles the instance price; automated backups, point-in-time
            // recovery and the snapshot before each schema upgrade are the recovery path.
            multiAz: false,
            availabilityZone,
            backupRetentionPeriod: backupRetentionDays,
            // Before the volume tier's snapshot hour (03:00 UTC), outside European working hours.
            backupWindow: "01:30-02:00",
            maintenanceWindow: "sun:02:30-sun:03:30",
            copyTagsToSnapshot: true,
            deletionProtection: protectData,
            skipFinalSnapshot: !protectData,
            finalSnapshotIdentifier: this.finalSnapshotIdentifier,
            deleteAutomatedBackups: !protectData,
            applyImmediately: false,
            tags,
        }, {
            ...parent,
            // A migration's mark (lib/schemaUpgrade.ts), set by the scaled tier's Lambda: a refreshed
            // stack must keep it, or the next change of the migration's input would copy again.
            ignoreChanges: [`tags["${schemaUpgrade_1.MIGRATED_FROM_TAG}"]`],
        });
        const secretArn = instance.masterUserSecrets.apply(secrets => {
            if (!secrets?.[0]?.secretArn)
                throw new Error("RDS reported no managed master user secret");
            return secrets[0].secretArn;
        });
        // RDS rotates its managed password every 7 days by default. Tasks read the password when
        // they start, so a rotation would lock every running task out of the database until its
        // replacement. The database itself is reachable from the tasks' and the schema upgrade's groups only.
        new aws.secretsmanager.SecretRotation(name, { secretId: secretArn, rotationEnabled: false }, parent);
        this.identifier = instance.identifier;
        this.arn = instance.arn;
        this.address = instance.address;
        this.port = instance.port;
        this.secretArn = secretArn;
        this.registerOutputs({ identifier: this.identifier, arn: this.arn, address: this.address, port: this.port, secretArn: this.secretArn });
    }
}
exports.Database = Database;
//# sourceMappingURL=database.js.map