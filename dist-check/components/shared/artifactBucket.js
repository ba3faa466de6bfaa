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
exports.ArtifactBucket = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const stores_1 = require("../../lib/render/stores");
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
class ArtifactBucket extends pulumi.ComponentResource {
    bucketName;
    bucketArn;
    /** s3://<bucket>/<prefix>: MLflow's --artifacts-destination. */
    artifactsDestination;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:ArtifactBucket", name, {}, opts);
        const { users, protectData, noncurrentVersionDays, tags } = { tags: {}, ...args };
        if (users.length === 0)
            throw new Error("ArtifactBucket: at least one role must be able to use the bucket");
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
                        Resource: [bucket.arn, pulumi.interpolate `${bucket.arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                    {
                        Sid: "ObjectsForMlflowOnly",
                        Effect: "Deny",
                        Principal: "*",
                        Action: DENIED_TO_OTHERS,
                        Resource: pulumi.interpolate `${bucket.arn}/*`,
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
                        { Effect: "Allow", Action: OBJECT_ACTIONS, Resource: pulumi.interpolate `${bucket.arn}/${stores_1.S3_ARTIFACT_PREFIX}/*` },
                    ],
                }),
            }, parent);
        });
        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.artifactsDestination = bucket.bucket.apply(stores_1.artifactsDestination);
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, artifactsDestination: this.artifactsDestination });
    }
}
exports.ArtifactBucket = ArtifactBucket;
//# sourceMappingURL=artifactBucket.js.map