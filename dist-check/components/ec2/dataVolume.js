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
exports.DataVolume = exports.SNAPSHOT_TIME_UTC = exports.BACKUP_TAG = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const awsNames_1 = require("../../lib/awsNames");
const schedule_1 = require("../../lib/render/schedule");
Object.defineProperty(exports, "SNAPSHOT_TIME_UTC", { enumerable: true, get: function () { return schedule_1.SNAPSHOT_TIME_UTC; } });
const arns_1 = require("../shared/arns");
/** The tag Data Lifecycle Manager selects volumes by. */
exports.BACKUP_TAG = "mlflow-on-aws:backup";
/**
 * The encrypted EBS volume that holds MLflow's database, its artifacts and the issued
 * certificates, and its daily snapshots. It outlives every host: the instance is replaced around it.
 */
class DataVolume extends pulumi.ComponentResource {
    volumeId;
    volumeArn;
    /** Value of BACKUP_TAG on the volume and its snapshots. */
    backupSelector;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:DataVolume", name, {}, opts);
        const { availabilityZone, sizeGiB, snapshotId, protectData, backupRetentionDays, tags } = { tags: {}, ...args };
        const parent = { parent: this };
        const backupSelector = `${pulumi.getProject()}-${pulumi.getStack()}`;
        const volume = new aws.ebs.Volume(name, {
            availabilityZone,
            size: sizeGiB,
            type: "gp3",
            encrypted: true,
            snapshotId,
            tags: { ...tags, Name: name, [exports.BACKUP_TAG]: backupSelector },
        }, {
            ...parent,
            // retainOnDelete: with protectData, `pulumi destroy` (and a replacement) leaves the
            // volume in AWS instead of deleting it.
            retainOnDelete: protectData,
            // A volume never changes zones; a changed zone input must not replace it by a blank one.
            ignoreChanges: ["availabilityZone"],
        });
        const role = new aws.iam.Role(`${name}-dlm`, {
            assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "dlm.amazonaws.com" }),
            tags,
        }, parent);
        new aws.iam.RolePolicyAttachment(`${name}-dlm`, {
            role: role.name,
            policyArn: (0, arns_1.managedPolicyArn)((0, arns_1.partitionOf)(parent), "service-role/AWSDataLifecycleManagerServiceRole"),
        }, parent);
        new aws.dlm.LifecyclePolicy(`${name}-daily`, {
            // DLM accepts letters, digits, spaces, "_" and "-" here: no dots, which stack names may have.
            description: `Daily snapshots of the MLflow data volume of ${(0, awsNames_1.nameForAws)(backupSelector, awsNames_1.DLM_DESCRIPTION)}`,
            executionRoleArn: role.arn,
            state: "ENABLED",
            policyDetails: {
                resourceTypes: ["VOLUME"],
                targetTags: { [exports.BACKUP_TAG]: backupSelector },
                schedules: [{
                        name: "daily",
                        createRule: { interval: 24, intervalUnit: "HOURS", times: schedule_1.SNAPSHOT_TIME_UTC },
                        retainRule: { count: backupRetentionDays },
                        // The snapshots carry the volume's tags, BACKUP_TAG among them (how restores find them).
                        copyTags: true,
                    }],
            },
            tags,
        }, parent);
        this.backupSelector = backupSelector;
        this.volumeId = volume.id;
        this.volumeArn = volume.arn;
        this.registerOutputs({ volumeId: this.volumeId, volumeArn: this.volumeArn });
    }
}
exports.DataVolume = DataVolume;
//# sourceMappingURL=dataVolume.js.map