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
exports.MlflowOnAws = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const endpoint_1 = require("../../lib/render/endpoint");
const artifactBucket_1 = require("../shared/artifactBucket");
const credentials_1 = require("../shared/credentials");
const database_1 = require("../shared/database");
const dataVolume_1 = require("./dataVolume");
const mlflowHost_1 = require("./mlflowHost");
const monitoring_1 = require("./monitoring");
const network_1 = require("./network");
const placement_1 = require("./placement");
const privateCa_1 = require("../shared/privateCa");
const storesRetention_1 = require("../shared/storesRetention");
const tags_1 = require("../shared/tags");
const deployment_1 = require("../deployment");
const dataVolumeName = (name) => `${name}-data`;
/**
 * The whole AWS deployment: network, Elastic IP, credentials, certificates, data volume with
 * backups, the host, DNS and alarms, and the outputs a team needs to connect.
 */
class MlflowOnAws extends pulumi.ComponentResource {
    url;
    healthUrl;
    users;
    /** Secret. */
    passwords;
    /** Secret. */
    trackingEnv;
    /** The private CA: what clients trust without a domain, and with one until Let's Encrypt's certificate is served. */
    caCertPem;
    publicIp;
    instanceId;
    sessionCommand;
    dataVolumeId;
    /** What `pulumi destroy` keeps, and the commands that delete it. */
    dataRetention;
    /** A stateless host's stores (backendStore rds, artifactStore s3). */
    artifactBucket;
    artifactsDestination;
    databaseIdentifier;
    databaseEndpoint;
    databaseSecretArn;
    /**
     * Chooses the availability zone first (the data volume's, when the stack has one), so that an
     * instance type the zone lacks is a settings error before any resource is declared.
     */
    static async create(name, settings, opts) {
        const availabilityZone = await (0, placement_1.lookUpZone)(settings, dataVolumeName(name));
        return new MlflowOnAws(name, { settings, availabilityZone }, opts);
    }
    constructor(name, args, opts) {
        super(deployment_1.TIER_COMPONENT_TYPES.ec2, name, {}, opts);
        const { settings, availabilityZone } = args;
        const parent = { parent: this };
        const tags = (0, tags_1.stackTags)();
        if (settings.domain && !settings.route53ZoneId && !settings.allowedCidrs.includes("0.0.0.0/0")) {
            pulumi.log.warn(`domain ${settings.domain} with allowedCidrs ${settings.allowedCidrs.join(", ")} and no route53ZoneId: ` +
                "Let's Encrypt's HTTP-01 check comes from addresses outside allowedCidrs and cannot reach the host, so the server keeps " +
                "the private CA's certificate (clients need the caCertPem output). Set route53ZoneId to get the certificate through DNS-01.", this);
        }
        // lib/settings.ts allows rds only together with s3 on a host: a stateless host.
        const stateless = settings.backendStore === "rds";
        const network = new network_1.Network(name, {
            allowedCidrs: settings.allowedCidrs,
            subnetId: settings.subnetId,
            availabilityZone,
            database: stateless,
            tags,
        }, parent);
        // The address outlives every host: clients, DNS and the certificate keep pointing at it.
        const eip = new aws.ec2.Eip(name, { domain: "vpc", tags: { ...tags, Name: name } }, parent);
        const endpoint = eip.publicIp.apply(ip => (0, endpoint_1.hostEndpoint)(settings.domain, ip));
        const names = endpoint.names;
        const credentials = new credentials_1.Credentials(name, { users: settings.users }, { ...parent, aliases: (0, deployment_1.fromOtherTier)(name, "fargate") });
        const ca = new privateCa_1.PrivateCa(name, { serverNames: names }, parent);
        const data = new dataVolume_1.DataVolume(dataVolumeName(name), {
            availabilityZone: network.availabilityZone,
            sizeGiB: settings.dataVolumeGiB,
            snapshotId: settings.dataSnapshotId,
            protectData: settings.protectData,
            backupRetentionDays: settings.backupRetentionDays,
            tags,
        }, parent);
        const database = stateless ? new database_1.Database(`${name}-db`, {
            subnetIds: network.databaseSubnetIds,
            securityGroupId: network.databaseSecurityGroupId,
            instanceClass: settings.dbInstanceClass,
            storageGiB: settings.dbStorageGiB,
            backupRetentionDays: settings.backupRetentionDays,
            protectData: settings.protectData,
            availabilityZone: network.availabilityZone,
            tags,
        }, parent) : undefined;
        const host = new mlflowHost_1.MlflowHost(name, {
            settings,
            subnetId: network.subnetId,
            securityGroupId: network.securityGroupId,
            dataVolumeId: data.volumeId,
            eipAllocationId: eip.allocationId,
            publicIp: eip.publicIp,
            htpasswd: credentials.htpasswd,
            caCertPem: ca.caCertPem,
            serverChainPem: ca.serverChainPem,
            serverKeyPem: ca.serverKeyPem,
            stores: database && {
                database,
                bucketFor: role => new artifactBucket_1.ArtifactBucket(`${name}-artifacts`, {
                    users: [role],
                    protectData: settings.protectData,
                    noncurrentVersionDays: settings.backupRetentionDays,
                    tags,
                }, parent),
            },
            tags,
        }, parent);
        new monitoring_1.Monitoring(name, { instanceId: host.instanceId, alarmEmail: settings.alarmEmail, tags }, parent);
        if (settings.domain && settings.route53ZoneId) {
            new aws.route53.Record(name, {
                zoneId: settings.route53ZoneId,
                name: settings.domain,
                type: "A",
                ttl: 300,
                records: [eip.publicIp],
            }, parent);
        }
        this.url = endpoint.apply(endpoint_1.endpointUrl);
        this.healthUrl = pulumi.interpolate `${this.url}/health`;
        this.users = settings.users;
        this.passwords = credentials.passwords;
        this.trackingEnv = credentials.trackingEnv(this.url, settings.domain ? undefined : credentials_1.CA_CERT_FILE);
        this.caCertPem = ca.caCertPem;
        this.publicIp = eip.publicIp;
        this.instanceId = host.instanceId;
        const region = aws.getRegionOutput({}, parent).region;
        this.sessionCommand = pulumi.interpolate `aws ssm start-session --region ${region} --target ${host.instanceId}`;
        this.dataVolumeId = data.volumeId;
        const snapshots = pulumi.interpolate `aws ec2 describe-snapshots --region ${region} --owner-ids self --filters Name=tag:${dataVolume_1.BACKUP_TAG},Values=${data.backupSelector}`;
        const volumeRetention = settings.protectData
            ? pulumi.interpolate `pulumi destroy keeps the data volume ${data.volumeId} and its daily snapshots (protectData). Delete them when no longer needed: aws ec2 delete-volume --region ${region} --volume-id ${data.volumeId}; list the snapshots with: ${snapshots}`
            : pulumi.interpolate `pulumi destroy deletes the data volume ${data.volumeId}. Its daily snapshots stay until you delete them; list them with: ${snapshots}`;
        const bucket = host.artifactBucket;
        if (database && bucket) {
            this.dataRetention = pulumi.interpolate `${volumeRetention} It ${(0, storesRetention_1.storesRetention)(region, database, bucket.bucketName, settings.protectData)}`;
            this.artifactBucket = bucket.bucketName;
            this.artifactsDestination = bucket.artifactsDestination;
            this.databaseIdentifier = database.identifier;
            this.databaseEndpoint = pulumi.interpolate `${database.address}:${database.port}`;
            this.databaseSecretArn = database.secretArn;
        }
        else {
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
exports.MlflowOnAws = MlflowOnAws;
//# sourceMappingURL=mlflowOnAws.js.map