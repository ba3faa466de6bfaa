import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameForAws, RDS_IDENTIFIER } from "../../lib/awsNames";
import { RDS_CA_IDENTIFIER } from "../../lib/render/rdsCa";
import { MIGRATED_FROM_TAG } from "../../lib/schemaUpgrade";

export interface DatabaseArgs {
    /** Subnets in at least two availability zones (RDS requires it of a subnet group), without a route to the internet. */
    readonly subnetIds: pulumi.Input<string>[];
    /** The database's own security group; who may connect is decided where the group is made (the tier's network). */
    readonly securityGroupId: pulumi.Input<string>;
    readonly instanceClass: string;
    readonly storageGiB: number;
    /** Days of automated backups and point-in-time recovery (RDS: 1 to 35). */
    readonly backupRetentionDays: number;
    /** Deletion protection, a final snapshot, and automated backups kept after deletion. */
    readonly protectData: boolean;
    /** The zone of the single-AZ instance (a stateless host's, so that queries do not cross zones); RDS picks one without it. */
    readonly availabilityZone?: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/** Pinned major version; RDS applies minor releases in the maintenance window. */
export const POSTGRES_MAJOR_VERSION = "17";
export const DATABASE_NAME = "mlflow";
export const DATABASE_USER = "mlflow";
export const DATABASE_PORT = 5432;

/**
 * The snapshots taken before schema upgrades, as an ARN pattern: they are named
 * <instance>-before-mlflow-<version>-<time> (lib/schemaUpgrade.ts, host/mlflow-db-upgrade), and an
 * instance's ARN is its snapshots' but for "db" in place of "snapshot".
 */
export const upgradeSnapshotsArn = (dbInstanceArn: pulumi.Input<string>): pulumi.Output<string> =>
    pulumi.output(dbInstanceArn).apply(arn => `${arn.replace(/:db:/, ":snapshot:")}-before-mlflow-*`);

/**
 * MLflow's backend store on RDS for PostgreSQL: encrypted, private, TLS required by the server
 * (rds.force_ssl), backed up daily with point-in-time recovery, the master password generated
 * and kept by RDS in Secrets Manager (never in Pulumi's state or a task definition).
 */
export class Database extends pulumi.ComponentResource {
    readonly identifier: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    /** ARN of the Secrets Manager secret RDS keeps the password in ({"username", "password"}). */
    readonly secretArn: pulumi.Output<string>;
    /** The snapshot a deletion takes (protectData only). */
    readonly finalSnapshotIdentifier?: string;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:Database", name, {}, opts);
        const { subnetIds, securityGroupId, instanceClass, storageGiB, backupRetentionDays, protectData, availabilityZone, tags } = { tags: {}, ...args };
        const parent = { parent: this };
        if (subnetIds.length < 2) throw new Error("Database: RDS needs subnets in two availability zones");

        this.finalSnapshotIdentifier = protectData ? `${name}-${nameForAws(pulumi.getStack(), RDS_IDENTIFIER)}-final` : undefined;
        const subnets = new aws.rds.SubnetGroup(name, { subnetIds, description: "MLflow's database: private subnets in two zones", tags }, parent);
        const parameters = new aws.rds.ParameterGroup(name, {
            family: `postgres${POSTGRES_MAJOR_VERSION}`,
            description: "MLflow's database: TLS required",
            // The default of PostgreSQL 15 and later already, set so that it cannot silently change.
            parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }],
            tags,
        }, parent);

        const instance = new aws.rds.Instance(name, {
            engine: "postgres",
            engineVersion: POSTGRES_MAJOR_VERSION,
            allowMajorVersionUpgrade: false,
            autoMinorVersionUpgrade: true,
            // Without this, RDS moves a major version past its standard support into paid
            // extended support (per vCPU-hour) instead of letting the upgrade be planned.
            engineLifecycleSupport: "open-source-rds-extended-support-disabled",
            instanceClass,
            allocatedStorage: storageGiB,
            storageType: "gp3",
            storageEncrypted: true,
            dbName: DATABASE_NAME,
            username: DATABASE_USER,
            manageMasterUserPassword: true,
            port: DATABASE_PORT,
            publiclyAccessible: false,
            dbSubnetGroupName: subnets.name,
            vpcSecurityGroupIds: [securityGroupId],
            parameterGroupName: parameters.name,
            caCertIdentifier: RDS_CA_IDENTIFIER,
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
            ignoreChanges: [`tags["${MIGRATED_FROM_TAG}"]`],
        });

        const secretArn = instance.masterUserSecrets.apply(secrets => {
            if (!secrets?.[0]?.secretArn) throw new Error("RDS reported no managed master user secret");
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
