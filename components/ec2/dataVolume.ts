import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DLM_DESCRIPTION, nameForAws } from "../../lib/awsNames";
import { SNAPSHOT_TIME_UTC } from "../../lib/render/schedule";
import { managedPolicyArn, partitionOf } from "../shared/arns";

export interface DataVolumeArgs {
    availabilityZone: pulumi.Input<string>;
    sizeGiB: number;
    /** Create the volume from this snapshot (a restore). */
    snapshotId?: string;
    /** Keep the volume in AWS when the stack is destroyed or the volume replaced. */
    protectData: boolean;
    /** How many daily snapshots Data Lifecycle Manager keeps. */
    backupRetentionDays: number;
    tags?: Record<string, string>;
}

/** The tag Data Lifecycle Manager selects volumes by. */
export const BACKUP_TAG = "mlflow-on-aws:backup";
/** Daily snapshot time (UTC); the host copies the database before it (BACKUP_TIME_UTC, mlflow-backup.timer). */
export { SNAPSHOT_TIME_UTC };

/**
 * The encrypted EBS volume that holds MLflow's database, its artifacts and the issued
 * certificates, and its daily snapshots. It outlives every host: the instance is replaced around it.
 */
export class DataVolume extends pulumi.ComponentResource {
    readonly volumeId: pulumi.Output<string>;
    readonly volumeArn: pulumi.Output<string>;
    /** Value of BACKUP_TAG on the volume and its snapshots. */
    readonly backupSelector: string;

    constructor(name: string, args: DataVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
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
            tags: { ...tags, Name: name, [BACKUP_TAG]: backupSelector },
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
            policyArn: managedPolicyArn(partitionOf(parent), "service-role/AWSDataLifecycleManagerServiceRole"),
        }, parent);
        new aws.dlm.LifecyclePolicy(`${name}-daily`, {
            // DLM accepts letters, digits, spaces, "_" and "-" here: no dots, which stack names may have.
            description: `Daily snapshots of the MLflow data volume of ${nameForAws(backupSelector, DLM_DESCRIPTION)}`,
            executionRoleArn: role.arn,
            state: "ENABLED",
            policyDetails: {
                resourceTypes: ["VOLUME"],
                targetTags: { [BACKUP_TAG]: backupSelector },
                schedules: [{
                    name: "daily",
                    createRule: { interval: 24, intervalUnit: "HOURS", times: SNAPSHOT_TIME_UTC },
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
