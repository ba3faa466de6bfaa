import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { artifactsDestination, S3_ARTIFACT_PREFIX } from "../../lib/render/stores";

/** A role that may read and write the artifacts: MLflow's (the task's, or the host's). */
export interface BucketUser {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
}

export interface ArtifactBucketArgs {
    /** The roles that read and write artifacts; every other principal is denied object access. */
    readonly users: readonly BucketUser[];
    /** Keep the bucket and its objects on `pulumi destroy`; without it, destroy empties and deletes it. */
    readonly protectData: boolean;
    /** Days an overwritten or deleted artifact's previous version is kept (the undo window). */
    readonly noncurrentVersionDays: number;
    readonly tags?: Record<string, string>;
}

/** What MLflow does with its artifact store: list, read, write, delete, and multipart uploads of large files. */
const OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
/** Object access denied to everyone but the users (reads and writes of data, old versions included). */
const DENIED_TO_OTHERS = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"];

/**
 * MLflow's artifact store on S3: private (public access blocked, ACLs disabled), encrypted,
 * versioned so that an overwrite or delete can be undone for noncurrentVersionDays, reachable
 * over TLS only, and readable and writable by MLflow's role alone. Administration (the
 * bucket's own settings) stays with the account, so Pulumi and an administrator can manage it.
 */
export class ArtifactBucket extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    /** s3://<bucket>/<prefix>: MLflow's --artifacts-destination. */
    readonly artifactsDestination: pulumi.Output<string>;

    constructor(name: string, args: ArtifactBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:ArtifactBucket", name, {}, opts);
        const { users, protectData, noncurrentVersionDays, tags } = { tags: {}, ...args };
        if (users.length === 0) throw new Error("ArtifactBucket: at least one role must be able to use the bucket");
        const parent = { parent: this };

        // retainOnDelete with protectData, as for the data volume; otherwise destroy takes the
        // artifacts with it (forceDestroy), as it takes the volume.
        const bucket = new aws.s3.Bucket(name, { forceDestroy: !protectData, tags }, { ...parent, retainOnDelete: protectData });
        const access = new aws.s3.BucketPublicAccessBlock(name, {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, parent);
        new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
        // S3-managed keys: no KMS key to pay for or to grant; SSE-C (keys a client would send) is refused.
        new aws.s3.BucketServerSideEncryptionConfiguration(name, {
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }],
        }, parent);
        const versioning = new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
        new aws.s3.BucketLifecycleConfiguration(name, {
            bucket: bucket.id,
            rules: [{
                id: "old-versions-and-abandoned-uploads",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionDays },
                // An interrupted multi-GB upload leaves parts that are billed until aborted.
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                expiration: { expiredObjectDeleteMarker: true },
            }],
        }, { ...parent, dependsOn: [versioning] });

        const userArns = pulumi.all(users.map(user => user.arn));
        new aws.s3.BucketPolicy(name, {
            bucket: bucket.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "TlsOnly",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                    {
                        Sid: "ObjectsForMlflowOnly",
                        Effect: "Deny",
                        Principal: "*",
                        Action: DENIED_TO_OTHERS,
                        Resource: pulumi.interpolate`${bucket.arn}/*`,
                        Condition: { StringNotEquals: { "aws:PrincipalArn": userArns } },
                    },
                ],
            }),
        }, { ...parent, dependsOn: [access] });

        users.forEach((user, index) => {
            new aws.iam.RolePolicy(`${name}-user-${index}`, {
                role: user.name,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucket.arn },
                        { Effect: "Allow", Action: OBJECT_ACTIONS, Resource: pulumi.interpolate`${bucket.arn}/${S3_ARTIFACT_PREFIX}/*` },
                    ],
                }),
            }, parent);
        });

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.artifactsDestination = bucket.bucket.apply(artifactsDestination);
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, artifactsDestination: this.artifactsDestination });
    }
}
