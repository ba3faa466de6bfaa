import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HOST_BUNDLE_PARAMETERS, HostFacts, hostParameterNames, HostStores, renderCloudConfig, renderHostBundle, userDataBase64 } from "../../lib/render/hostBundle";
import { hostEndpoint } from "../../lib/render/endpoint";
import { rdsCaBundle } from "../../lib/render/rdsCa";
import { Settings } from "../../lib/settings";
import { partitionOf, SESSION_CHANNEL_ACTIONS } from "../shared/arns";
import { ArtifactBucket, BucketUser } from "../shared/artifactBucket";
import { AuthAppSecrets } from "../shared/credentials";
import { Database, DATABASE_NAME, DATABASE_USER, upgradeSnapshotsArn } from "../shared/database";
import { METRIC_NAMESPACE } from "./monitoring";

/** A stateless host's stores (backendStore rds, artifactStore s3). */
export interface MlflowHostStores {
    readonly database: Database;
    /** Makes the artifact bucket once the host's role exists: that role is the only one the bucket admits. */
    readonly bucketFor: (role: BucketUser) => ArtifactBucket;
}

export interface MlflowHostArgs {
    settings: Settings;
    subnetId: pulumi.Input<string>;
    securityGroupId: pulumi.Input<string>;
    dataVolumeId: pulumi.Input<string>;
    /** The Elastic IP the host answers on; its address goes into the certificate and MLflow's allowed hosts. */
    eipAllocationId: pulumi.Input<string>;
    publicIp: pulumi.Input<string>;
    /** Secret. */
    htpasswd: pulumi.Input<string>;
    /** With auth mlflow or oidc: what MLflow's auth app receives. */
    authApp?: AuthAppSecrets;
    /** With auth oidc: oauth2-proxy's env file, its client and cookie secrets (renderOidcEnv). Secret. */
    oidcEnv?: pulumi.Input<string>;
    caCertPem: pulumi.Input<string>;
    serverChainPem: pulumi.Input<string>;
    /** Secret. */
    serverKeyPem: pulumi.Input<string>;
    /** Without them MLflow keeps its database and artifacts on the data volume. */
    stores?: MlflowHostStores;
    /** Size of the encrypted root volume (OS, Docker images and logs). */
    rootVolumeGiB?: number;
    tags?: Record<string, string>;
}

/** The value of a host bundle parameter the bundle does not need (SSM takes no empty value). */
const UNUSED_BUNDLE_PARAMETER = "unused";

/** What the SSM agent needs for Session Manager: report the instance, open the session's control and data channels. */
const SESSION_MANAGER_ACTIONS = ["ssm:UpdateInstanceInformation", ...SESSION_CHANNEL_ACTIONS] as const;

/** Debian publishes the id of its newest Debian 13 AMI per architecture as an SSM public parameter. */
export const debianAmiParameter = (architecture: string) =>
    `/aws/service/debian/release/13/latest/${architecture === "arm64" ? "arm64" : "amd64"}`;

/**
 * The EC2 instance and what it needs to boot into a running MLflow: an instance profile that
 * reads exactly its secrets and allows Session Manager, the secrets in SSM Parameter Store,
 * the cloud-init user data, and the attachment of the data volume.
 */
export class MlflowHost extends pulumi.ComponentResource {
    readonly instanceId: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;
    /** Where mlflow-log-shipper writes the host's journal: its units, its boot and both containers. */
    readonly logGroupName: pulumi.Output<string>;
    /** A stateless host's artifact bucket. */
    readonly artifactBucket?: ArtifactBucket;

    constructor(name: string, args: MlflowHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:MlflowHost", name, {}, opts);
        const { settings, rootVolumeGiB, tags } = { rootVolumeGiB: 16, tags: {}, ...args };
        const parent = { parent: this };
        const stack = pulumi.getStack();
        const names = hostParameterNames(pulumi.getProject(), stack);

        const htpasswd = new aws.ssm.Parameter(`${name}-htpasswd`, {
            name: names.htpasswdParameter,
            type: "SecureString",
            value: pulumi.secret(args.htpasswd),
            description: "nginx htpasswd file of the MLflow server",
            tags,
        }, parent);
        const tlsKey = new aws.ssm.Parameter(`${name}-tls-fallback-key`, {
            name: names.tlsKeyParameter,
            type: "SecureString",
            value: pulumi.secret(args.serverKeyPem),
            description: "Private key of the MLflow server's private-CA certificate",
            tags,
        }, parent);
        const authParameters = args.authApp && {
            env: new aws.ssm.Parameter(`${name}-auth-env`, {
                name: names.authEnvParameter,
                type: "SecureString",
                value: pulumi.secret(args.authApp.env),
                description: "Secret key of MLflow's auth app",
                tags,
            }, parent),
            users: new aws.ssm.Parameter(`${name}-auth-users`, {
                name: names.authUsersParameter,
                type: "SecureString",
                value: pulumi.secret(args.authApp.users),
                description: "Generated passwords of the MLflow server's users, created in its auth app",
                tags,
            }, parent),
        };
        const oidcEnv = args.oidcEnv && new aws.ssm.Parameter(`${name}-oidc-env`, {
            name: names.oidcEnvParameter,
            type: "SecureString",
            value: pulumi.secret(args.oidcEnv),
            description: "Client secret and cookie key of the MLflow server's oauth2-proxy",
            tags,
        }, parent);
        const secretParameters = [htpasswd, tlsKey, ...(authParameters ? [authParameters.env, authParameters.users] : []), ...(oidcEnv ? [oidcEnv] : [])];

        // Kept with the data on destroy when protectData is on: the logs of what happened to it.
        const logs = new aws.cloudwatch.LogGroup(name, {
            retentionInDays: settings.logRetentionDays,
            tags,
        }, { ...parent, retainOnDelete: settings.protectData });

        const role = new aws.iam.Role(name, {
            assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
            tags,
        }, parent);
        const partition = partitionOf(parent);
        // Everything the role may do: the instance waits for all of it (rolePermissions below).
        const rolePermissions: pulumi.Resource[] = [];
        // Session Manager, and nothing else of Systems Manager: the agent reports the instance and
        // opens the session's channels (AWS's minimal instance policy for Session Manager; these
        // actions name no resource). The managed AmazonSSMManagedInstanceCore would also let the
        // host read every parameter of the account, other stacks' secrets included.
        rolePermissions.push(new aws.iam.RolePolicy(`${name}-session-manager`, {
            role: role.name,
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: [...SESSION_MANAGER_ACTIONS], Resource: "*" }],
            }),
        }, parent));
        const region = aws.getRegionOutput({}, parent).region;
        const database = args.stores?.database;
        rolePermissions.push(new aws.iam.RolePolicy(`${name}-secrets-and-metrics`, {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: secretParameters.map(parameter => parameter.arn) },
                    // mlflow-log-shipper: its streams in its group, nothing else of CloudWatch Logs.
                    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logs.arn}:*` },
                    {
                        Effect: "Allow",
                        Action: ["cloudwatch:PutMetricData"],
                        Resource: "*",
                        Condition: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACE } },
                    },
                    ...(database ? databaseStatements(database) : []),
                ],
            }),
        }, parent));
        this.artifactBucket = args.stores?.bucketFor({ name: role.name, arn: role.arn });
        if (this.artifactBucket) rolePermissions.push(this.artifactBucket);
        if (settings.domain && settings.route53ZoneId) {
            // Let's Encrypt's DNS-01 challenge through certbot's Route 53 plugin: it finds the zone
            // (ListHostedZones), writes one TXT record and waits for it (GetChange). The only record
            // it may change is the challenge record of this domain, so an allowedCidrs that keeps
            // Let's Encrypt's HTTP-01 check out does not keep the certificate out.
            rolePermissions.push(new aws.iam.RolePolicy(`${name}-acme-dns`, {
                role: role.name,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: ["route53:ListHostedZones", "route53:GetChange"], Resource: "*" },
                        {
                            Effect: "Allow",
                            Action: ["route53:ChangeResourceRecordSets"],
                            Resource: pulumi.interpolate`arn:${partition}:route53:::hostedzone/${settings.route53ZoneId}`,
                            Condition: {
                                "ForAllValues:StringEquals": {
                                    "route53:ChangeResourceRecordSetsNormalizedRecordNames": [`_acme-challenge.${settings.domain}`],
                                    "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
                                },
                            },
                        },
                    ],
                }),
            }, parent));
        }
        const profile = new aws.iam.InstanceProfile(name, { role: role.name, tags }, parent);

        const stores: pulumi.Output<HostStores | undefined> = database && this.artifactBucket
            ? pulumi.all([region, database.address, database.port, database.secretArn, database.identifier, this.artifactBucket.artifactsDestination])
                .apply(([regionName, host, port, databaseSecretArn, databaseIdentifier, artifactsDestination]) => ({
                    database: { host, port, database: DATABASE_NAME, user: DATABASE_USER, caBundlePem: rdsCaBundle(regionName) },
                    artifactsDestination,
                    region: regionName,
                    databaseSecretArn,
                    databaseIdentifier,
                }))
            : pulumi.output(undefined);
        const secretVersions = pulumi.interpolate`htpasswd:${htpasswd.version},tls-fallback-key:${tlsKey.version}${authParameters
            ? pulumi.interpolate`,auth-env:${authParameters.env.version},auth-users:${authParameters.users.version}` : ""}${oidcEnv
            ? pulumi.interpolate`,oidc-env:${oidcEnv.version}` : ""}`;
        const facts: pulumi.Output<HostFacts> = pulumi.all([
            region, args.publicIp, args.dataVolumeId, logs.name, secretVersions, args.caCertPem, args.serverChainPem, stores,
        ]).apply(([regionName, publicIp, dataVolumeId, logGroup, versions, caCertPem, fallbackChainPem, hostStores]) => ({
            stack,
            region: regionName,
            endpoint: hostEndpoint(settings.domain, publicIp),
            dataVolumeId,
            logGroup,
            ...names,
            secretVersions: versions,
            caCertPem,
            fallbackChainPem,
            ...(hostStores ? { stores: hostStores } : {}),
        }));
        // The host's files, beyond what user data holds: a fixed number of parameters (so that
        // the plan does not depend on what renders), the ones the bundle does not fill marked unused.
        const bundle = facts.apply(f => renderHostBundle(settings, f));
        const bundleParameters = Array.from({ length: HOST_BUNDLE_PARAMETERS }, (_, index) => new aws.ssm.Parameter(`${name}-bundle-${index}`, {
            name: `${names.bundleParameterPrefix}/${index}`,
            type: "String",
            value: bundle.apply(b => b.chunks[index] ?? UNUSED_BUNDLE_PARAMETER),
            description: `Host bundle of the MLflow server, part ${index + 1} of ${HOST_BUNDLE_PARAMETERS}`,
            tags,
        }, parent));
        rolePermissions.push(...bundleParameters);
        rolePermissions.push(new aws.iam.RolePolicy(`${name}-bundle`, {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: ["ssm:GetParameters"], Resource: bundleParameters.map(parameter => parameter.arn) }],
            }),
        }, parent));
        const userData = facts.apply(f => userDataBase64(renderCloudConfig(settings, f)));

        const ami = settings.amiId ?? aws.ssm.getParameterOutput({ name: debianAmiParameter(settings.architecture) }, parent).insecureValue;
        // The architecture is part of the name: moving between Graviton and x86 creates a host from
        // the matching image, where an in-place change would keep the old image.
        const instance = new aws.ec2.Instance(`${name}-${settings.architecture}`, {
            ami,
            instanceType: settings.instanceType,
            subnetId: args.subnetId,
            // cloud-init installs packages in the first minute, before the Elastic IP is associated
            // (that needs the instance to exist): without an address of its own the host has no
            // way out then. The Elastic IP replaces this address once associated.
            associatePublicIpAddress: true,
            vpcSecurityGroupIds: [args.securityGroupId],
            iamInstanceProfile: profile.name,
            userDataBase64: userData,
            // New user data means new configuration or versions: build a fresh host around the data volume.
            userDataReplaceOnChange: true,
            // A stateless host's MLflow container reaches S3 with the host role's credentials, one hop
            // further than the host (Docker's bridge): IMDSv2 answers it only with a limit of 2.
            // A host on its volume gives no container the role.
            metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: args.stores ? 2 : 1 },
            rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: rootVolumeGiB, deleteOnTermination: true },
            maintenanceOptions: { autoRecovery: "default" },
            monitoring: false,
            tags: { ...tags, Name: name },
        }, {
            ...parent,
            // Without a fixed amiId, a newly published Debian image must not replace a running host.
            ignoreChanges: settings.amiId ? [] : ["ami"],
            // The first boot reads the secrets and publishes metrics with the role: its policies must
            // exist before the instance does. IAM is eventually consistent (AWS names no bound:
            // seconds are usual, minutes happen), which the host's own retries cover
            // (mlflow-fetch-secrets tries for three minutes).
            dependsOn: rolePermissions,
        });

        // deleteBeforeReplace: an EBS volume attaches to one instance at a time, so the old
        // attachment goes first; stopInstanceBeforeDetaching stops the old host (flushing and
        // unmounting the filesystem) before the volume leaves it.
        new aws.ec2.VolumeAttachment(`${name}-data`, {
            instanceId: instance.id,
            volumeId: args.dataVolumeId,
            deviceName: "/dev/sdf",
            stopInstanceBeforeDetaching: true,
        }, { ...parent, deleteBeforeReplace: true });

        // deleteBeforeReplace: a new association moves the address to the new host; deleting the
        // old one afterwards would then take the address away again.
        new aws.ec2.EipAssociation(name, { allocationId: args.eipAllocationId, instanceId: instance.id },
            { ...parent, deleteBeforeReplace: true });

        this.instanceId = instance.id;
        this.roleName = role.name;
        this.logGroupName = logs.name;
        this.registerOutputs({ instanceId: this.instanceId, roleName: this.roleName, logGroupName: this.logGroupName });
    }
}

/**
 * What a stateless host does with its database: read the password from the secret RDS keeps, and
 * snapshot the instance before a schema upgrade (host/mlflow-db-upgrade names the snapshots
 * <instance>-before-mlflow-<version>-<time>, as the scaled tier's upgrade does).
 */
function databaseStatements(database: Database) {
    const snapshots = upgradeSnapshotsArn(database.arn);
    return [
        { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: database.secretArn },
        { Effect: "Allow", Action: ["rds:DescribeDBInstances"], Resource: database.arn },
        { Effect: "Allow", Action: ["rds:CreateDBSnapshot"], Resource: [database.arn, snapshots] },
        { Effect: "Allow", Action: ["rds:DescribeDBSnapshots", "rds:AddTagsToResource"], Resource: snapshots },
    ];
}
