import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { endpointUrl, hostEndpoint } from "../../lib/render/endpoint";
import { COOKIE_SECRET, renderOidcEnv } from "../../lib/render/oidc";
import { runsAuthApp, Settings } from "../../lib/settings";
import { ArtifactBucket } from "../shared/artifactBucket";
import { CA_CERT_FILE, Credentials } from "../shared/credentials";
import { Database } from "../shared/database";
import { BACKUP_TAG, DataVolume } from "./dataVolume";
import { MlflowHost } from "./mlflowHost";
import { Monitoring } from "./monitoring";
import { Network } from "./network";
import { lookUpZone } from "./placement";
import { PrivateCa } from "../shared/privateCa";
import { logsTailCommand } from "../shared/logsCommand";
import { storesRetention } from "../shared/storesRetention";
import { stackTags } from "../shared/tags";
import { fromOtherTier, TIER_COMPONENT_TYPES } from "../deployment";

export interface MlflowOnAwsArgs {
    /** Validated stack settings (lib/settings.ts). */
    readonly settings: Settings;
    /** Where the subnet and the data volume are: MlflowOnAws.create() looks it up. */
    readonly availabilityZone: string;
}

const dataVolumeName = (name: string) => `${name}-data`;


/**
 * The whole AWS deployment: network, Elastic IP, credentials, certificates, data volume with
 * backups, the host, DNS and alarms, and the outputs a team needs to connect.
 */
export class MlflowOnAws extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly healthUrl: pulumi.Output<string>;
    readonly users: string[];
    /** Secret. */
    readonly passwords: pulumi.Output<Record<string, string>>;
    /** Secret. */
    readonly trackingEnv: pulumi.Output<string>;
    /** The private CA: what clients trust without a domain, and with one until Let's Encrypt's certificate is served. */
    readonly caCertPem: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;
    readonly instanceId: pulumi.Output<string>;
    readonly sessionCommand: pulumi.Output<string>;
    readonly bootReportCommand: pulumi.Output<string>;
    /** `aws logs tail` of the host's log group: its units, its boot and both containers. */
    readonly logsCommand: pulumi.Output<string>;
    readonly dataVolumeId: pulumi.Output<string>;
    /** What `pulumi destroy` keeps, and the commands that delete it. */
    readonly dataRetention: pulumi.Output<string>;
    /** A stateless host's stores (backendStore rds, artifactStore s3). */
    readonly artifactBucket?: pulumi.Output<string>;
    readonly artifactsDestination?: pulumi.Output<string>;
    readonly databaseIdentifier?: pulumi.Output<string>;
    readonly databaseEndpoint?: pulumi.Output<string>;
    readonly databaseSecretArn?: pulumi.Output<string>;

    /**
     * Chooses the availability zone first (the data volume's, when the stack has one), so that an
     * instance type the zone lacks is a settings error before any resource is declared.
     */
    static async create(name: string, settings: Settings, opts?: pulumi.ComponentResourceOptions): Promise<MlflowOnAws> {
        const availabilityZone = await lookUpZone(settings, dataVolumeName(name));
        return new MlflowOnAws(name, { settings, availabilityZone }, opts);
    }

    constructor(name: string, args: MlflowOnAwsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TIER_COMPONENT_TYPES.ec2, name, {}, opts);
        const { settings, availabilityZone } = args;
        const parent = { parent: this };
        const tags = stackTags();

        if (settings.domain && !settings.route53ZoneId && !settings.allowedCidrs.includes("0.0.0.0/0")) {
            pulumi.log.warn(`domain ${settings.domain} with allowedCidrs ${settings.allowedCidrs.join(", ")} and no route53ZoneId: ` +
                "Let's Encrypt's HTTP-01 check comes from addresses outside allowedCidrs and cannot reach the host, so the server keeps " +
                "the private CA's certificate (clients need the caCertPem output). Set route53ZoneId to get the certificate through DNS-01.", this);
        }

        // lib/settings.ts allows rds only together with s3 on a host: a stateless host.
        const stateless = settings.backendStore === "rds";
        const network = new Network(name, {
            allowedCidrs: settings.allowedCidrs,
            subnetId: settings.subnetId,
            availabilityZone,
            database: stateless,
            tags,
        }, parent);
        // The address outlives every host: clients, DNS and the certificate keep pointing at it.
        const eip = new aws.ec2.Eip(name, { domain: "vpc", tags: { ...tags, Name: name } }, parent);
        const endpoint = eip.publicIp.apply(ip => hostEndpoint(settings.domain, ip));
        const names = endpoint.names;

        const credentials = new Credentials(name, { users: settings.users, authApp: runsAuthApp(settings.auth) }, { ...parent, aliases: fromOtherTier(name, "fargate") });
        // The client secret is the stack's secret; the cookie key is generated once, so sessions outlive a host.
        const oidcEnv = settings.oidc && pulumi.secret(pulumi.all([
            new pulumi.Config().requireSecret("oidcClientSecret"),
            new random.RandomPassword(`${name}-oidc-cookie-secret`, { ...COOKIE_SECRET }, parent).result,
        ]).apply(([clientSecret, cookieSecret]) => renderOidcEnv(clientSecret, cookieSecret)));
        const ca = new PrivateCa(name, { serverNames: names }, parent);
        const data = new DataVolume(dataVolumeName(name), {
            availabilityZone: network.availabilityZone,
            sizeGiB: settings.dataVolumeGiB,
            snapshotId: settings.dataSnapshotId,
            protectData: settings.protectData,
            backupRetentionDays: settings.backupRetentionDays,
            tags,
        }, parent);
        const database = stateless ? new Database(`${name}-db`, {
            subnetIds: network.databaseSubnetIds!,
            securityGroupId: network.databaseSecurityGroupId!,
            instanceClass: settings.dbInstanceClass,
            storageGiB: settings.dbStorageGiB,
            backupRetentionDays: settings.backupRetentionDays,
            protectData: settings.protectData,
            availabilityZone: network.availabilityZone,
            tags,
        }, parent) : undefined;
        const host = new MlflowHost(name, {
            settings,
            subnetId: network.subnetId,
            securityGroupId: network.securityGroupId,
            dataVolumeId: data.volumeId,
            eipAllocationId: eip.allocationId,
            publicIp: eip.publicIp,
            htpasswd: credentials.htpasswd,
            authApp: credentials.authApp,
            oidcEnv,
            caCertPem: ca.caCertPem,
            serverChainPem: ca.serverChainPem,
            serverKeyPem: ca.serverKeyPem,
            stores: database && {
                database,
                bucketFor: role => new ArtifactBucket(`${name}-artifacts`, {
                    users: [role],
                    protectData: settings.protectData,
                    noncurrentVersionDays: settings.backupRetentionDays,
                    tags,
                }, parent),
            },
            tags,
        }, parent);
        new Monitoring(name, { instanceId: host.instanceId, alarmEmail: settings.alarmEmail, tags }, parent);

        if (settings.domain && settings.route53ZoneId) {
            new aws.route53.Record(name, {
                zoneId: settings.route53ZoneId,
                name: settings.domain,
                type: "A",
                ttl: 300,
                records: [eip.publicIp],
            }, parent);
        }

        this.url = endpoint.apply(endpointUrl);
        this.healthUrl = pulumi.interpolate`${this.url}/health`;
        this.users = settings.users;
        this.passwords = credentials.passwords;
        this.trackingEnv = credentials.trackingEnv(this.url, settings.domain ? undefined : CA_CERT_FILE);
        this.caCertPem = ca.caCertPem;
        this.publicIp = eip.publicIp;
        this.instanceId = host.instanceId;
        const region = aws.getRegionOutput({}, parent).region;
        this.sessionCommand = pulumi.interpolate`aws ssm start-session --region ${region} --target ${host.instanceId}`;
        // EC2 keeps the instance's console output; host/mlflow-boot-report writes there.
        this.bootReportCommand = pulumi.interpolate`aws ec2 get-console-output --region ${region} --instance-id ${host.instanceId} --latest --query Output --output text | grep mlflow-boot-report`;
        this.logsCommand = logsTailCommand(region, host.logGroupName);
        this.dataVolumeId = data.volumeId;
        const snapshots = pulumi.interpolate`aws ec2 describe-snapshots --region ${region} --owner-ids self --filters Name=tag:${BACKUP_TAG},Values=${data.backupSelector}`;
        const volumeRetention = settings.protectData
            ? pulumi.interpolate`pulumi destroy keeps the data volume ${data.volumeId}, its daily snapshots and the log group ${host.logGroupName} (protectData). Delete them when no longer needed: aws ec2 delete-volume --region ${region} --volume-id ${data.volumeId}; aws logs delete-log-group --region ${region} --log-group-name ${host.logGroupName}; list the snapshots with: ${snapshots}`
            : pulumi.interpolate`pulumi destroy deletes the data volume ${data.volumeId} and the log group ${host.logGroupName}. The volume's daily snapshots stay until you delete them; list them with: ${snapshots}`;
        const bucket = host.artifactBucket;
        if (database && bucket) {
            this.dataRetention = pulumi.interpolate`${volumeRetention} It ${storesRetention(region, database, bucket.bucketName, settings.protectData)}`;
            this.artifactBucket = bucket.bucketName;
            this.artifactsDestination = bucket.artifactsDestination;
            this.databaseIdentifier = database.identifier;
            this.databaseEndpoint = pulumi.interpolate`${database.address}:${database.port}`;
            this.databaseSecretArn = database.secretArn;
        } else {
            this.dataRetention = volumeRetention;
        }
        this.registerOutputs({
            url: this.url,
            healthUrl: this.healthUrl,
            users: this.users,
            passwords: this.passwords,
            trackingEnv: this.trackingEnv,
            caCertPem: this.caCertPem,
            publicIp: this.publicIp,
            instanceId: this.instanceId,
            sessionCommand: this.sessionCommand,
            bootReportCommand: this.bootReportCommand,
            logsCommand: this.logsCommand,
            dataVolumeId: this.dataVolumeId,
            dataRetention: this.dataRetention,
            artifactBucket: this.artifactBucket,
            artifactsDestination: this.artifactsDestination,
            databaseIdentifier: this.databaseIdentifier,
            databaseEndpoint: this.databaseEndpoint,
            databaseSecretArn: this.databaseSecretArn,
        });
    }
}
