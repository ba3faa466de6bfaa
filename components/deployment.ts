import * as pulumi from "@pulumi/pulumi";

/**
 * What index.ts exports, whichever tier runs the stack (components/ec2, components/fargate,
 * components/local): every deployment has this shape, so the stack outputs keep their names
 * everywhere.
 */
export interface Deployment {
    url: pulumi.Output<string>;
    healthUrl: pulumi.Output<string>;
    users: string[];
    /** Secret. */
    passwords: pulumi.Output<Record<string, string>>;
    /** Secret. */
    trackingEnv: pulumi.Output<string>;
    /** The private CA certificate the server presents unless (and until) a publicly trusted one is served; empty where none is used. */
    caCertPem: pulumi.Output<string>;
    /** A shell command that opens a shell where MLflow runs (Session Manager on a host, ECS Exec in a task); none locally. */
    sessionCommand?: pulumi.Output<string>;
    /** What `pulumi destroy` keeps, and the commands that delete it. */
    dataRetention?: pulumi.Output<string>;
    /** A command that follows the stack's logs in CloudWatch Logs (`aws logs tail`); none locally. */
    logsCommand?: pulumi.Output<string>;
    /** A command that shows how the host's last boot went (its console's mlflow-boot-report lines). */
    bootReportCommand?: pulumi.Output<string>;
    /** The EC2 host's outputs. */
    publicIp?: pulumi.Output<string>;
    instanceId?: pulumi.Output<string>;
    dataVolumeId?: pulumi.Output<string>;
    /** The stores of the scaled tier, named for tools that work on them (a migration from a host, a restore). */
    artifactBucket?: pulumi.Output<string>;
    artifactsDestination?: pulumi.Output<string>;
    databaseIdentifier?: pulumi.Output<string>;
    databaseEndpoint?: pulumi.Output<string>;
    /** ARN of the Secrets Manager secret with the database's user name and password. */
    databaseSecretArn?: pulumi.Output<string>;
    clusterName?: pulumi.Output<string>;
    serviceName?: pulumi.Output<string>;
}

/** The type tokens of the AWS tiers' top components (part of every child's URN). */
export const TIER_COMPONENT_TYPES = {
    ec2: "mlflow-on-aws:index:MlflowOnAws",
    fargate: "mlflow-on-aws:index:MlflowOnFargate",
} as const;

/**
 * The same child under the other AWS tier's top component: moving a stack between the tiers then
 * keeps it and its children (the generated passwords) instead of replacing them.
 */
export function fromOtherTier(name: string, otherTier: keyof typeof TIER_COMPONENT_TYPES): pulumi.Alias[] {
    return [{ parent: pulumi.createUrn(name, TIER_COMPONENT_TYPES[otherTier]) }];
}
