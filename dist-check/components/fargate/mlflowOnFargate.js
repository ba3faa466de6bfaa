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
exports.MlflowOnFargate = void 0;
const fs_1 = require("fs");
const path = __importStar(require("path"));
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const endpoint_1 = require("../../lib/render/endpoint");
const rdsCa_1 = require("../../lib/render/rdsCa");
const taskContainers_1 = require("../../lib/render/taskContainers");
const projectRoot_1 = require("../../lib/projectRoot");
const taskNginx_1 = require("../../lib/render/taskNginx");
const artifactBucket_1 = require("../shared/artifactBucket");
const credentials_1 = require("../shared/credentials");
const database_1 = require("../shared/database");
const storesRetention_1 = require("../shared/storesRetention");
const tags_1 = require("../shared/tags");
const cluster_1 = require("./cluster");
const loadBalancer_1 = require("./loadBalancer");
const mlflowService_1 = require("./mlflowService");
const monitoring_1 = require("./monitoring");
const network_1 = require("./network");
const schemaUpgrade_1 = require("./schemaUpgrade");
const deployment_1 = require("../deployment");
/**
 * The scaled tier: MLflow in ECS tasks on Fargate behind an Application Load Balancer in two
 * zones, its runs in RDS for PostgreSQL, its artifacts in S3. The same nginx settings, the same
 * credentials and the same outputs as the host tier.
 */
class MlflowOnFargate extends pulumi.ComponentResource {
    url;
    healthUrl;
    users;
    /** Secret. */
    passwords;
    /** Secret. */
    trackingEnv;
    caCertPem;
    sessionCommand;
    dataRetention;
    artifactBucket;
    artifactsDestination;
    databaseIdentifier;
    databaseEndpoint;
    databaseSecretArn;
    clusterName;
    serviceName;
    constructor(name, args, opts) {
        super(deployment_1.TIER_COMPONENT_TYPES.fargate, name, {}, opts);
        const { settings } = args;
        if (settings.compute !== "fargate" || settings.backendStore !== "rds" || settings.artifactStore !== "s3") {
            throw new Error("MlflowOnFargate needs compute fargate with backendStore rds and artifactStore s3 (lib/settings.ts enforces it)");
        }
        const parent = { parent: this };
        const tags = (0, tags_1.stackTags)();
        const region = aws.getRegionOutput({}, parent).region;
        const network = new network_1.FargateNetwork(name, { allowedCidrs: settings.allowedCidrs, tags }, parent);
        const credentials = new credentials_1.Credentials(name, { users: settings.users }, { ...parent, aliases: (0, deployment_1.fromOtherTier)(name, "ec2") });
        const htpasswd = new aws.ssm.Parameter(`${name}-htpasswd`, {
            // Not the host tier's name: moving a stack between tiers creates this before it deletes that.
            name: `/${pulumi.getProject()}/${pulumi.getStack()}/task-htpasswd`,
            type: "SecureString",
            value: credentials.htpasswd,
            description: "nginx htpasswd file of the MLflow tasks",
            tags,
        }, parent);
        const database = new database_1.Database(`${name}-db`, {
            subnetIds: network.isolatedSubnetIds,
            securityGroupId: network.databaseSecurityGroupId,
            instanceClass: settings.dbInstanceClass,
            storageGiB: settings.dbStorageGiB,
            backupRetentionDays: settings.backupRetentionDays,
            protectData: settings.protectData,
            tags,
        }, parent);
        const cluster = new cluster_1.EcsCluster(name, {
            ssmParameterArns: [htpasswd.arn],
            secretsManagerArns: [database.secretArn],
            tags,
        }, parent);
        const bucket = new artifactBucket_1.ArtifactBucket(`${name}-artifacts`, {
            users: [{ name: cluster.taskRoleName, arn: cluster.taskRoleArn }],
            protectData: settings.protectData,
            noncurrentVersionDays: settings.backupRetentionDays,
            tags,
        }, parent);
        const loadBalancer = new loadBalancer_1.LoadBalancer(name, {
            vpcId: network.vpcId,
            subnetIds: network.publicSubnetIds,
            securityGroupId: network.loadBalancerSecurityGroupId,
            domain: settings.domain,
            route53ZoneId: settings.route53ZoneId,
            tags,
        }, parent);
        const endpoint = loadBalancer.serverName.apply((serverName) => ({ names: [serverName], httpsPort: 443, strictTransportSecurity: true }));
        const taskInput = pulumi.all([
            endpoint, region, database.address, database.port, database.secretArn, bucket.artifactsDestination, htpasswd.arn, cluster.logGroupName,
        ]).apply(([serverEndpoint, regionName, host, port, secretArn, destination, htpasswdArn, logGroup]) => ({
            container: (0, endpoint_1.containerInput)(settings, serverEndpoint),
            nginxConf: (0, taskNginx_1.renderTaskNginxConf)({
                serverNames: serverEndpoint.names,
                listenPort: taskContainers_1.TASK_LISTEN_PORT,
                maxUploadSize: settings.maxUploadSize,
                loadBalancerCidrs: network.publicSubnetCidrs,
            }),
            database: { host, port, database: database_1.DATABASE_NAME, user: database_1.DATABASE_USER, caBundlePem: (0, rdsCa_1.rdsCaBundle)(regionName) },
            artifactsDestination: destination,
            htpasswdParameterArn: htpasswdArn,
            // ECS reads one key of the JSON secret RDS keeps: <arn>:<key>:<stage>:<version>.
            databasePasswordFrom: `${secretArn}:password::`,
            region: regionName,
            logGroup,
        }));
        const upgrade = new schemaUpgrade_1.SchemaUpgrade(`${name}-schema-upgrade`, {
            mlflowVersion: settings.mlflowVersion,
            container: taskInput.apply(taskContainers_1.schemaUpgradeContainer),
            clusterArn: cluster.clusterArn,
            clusterName: cluster.clusterName,
            executionRoleArn: cluster.executionRoleArn,
            subnetIds: network.publicSubnetIds,
            securityGroupId: network.schemaUpgradeSecurityGroupId,
            dbInstanceIdentifier: database.identifier,
            dbInstanceArn: database.arn,
            logGroupName: cluster.logGroupName,
            // Components as dependencies mean all of their resources: the network's rules (the
            // way to the database), the cluster's role policies (the secrets the task receives).
            after: [network, cluster, bucket],
            migration: settings.migrateFromSnapshot ? {
                container: taskInput.apply(input => (0, taskContainers_1.migrationContainer)(input, (0, fs_1.readFileSync)(path.join((0, projectRoot_1.projectRoot)(), "scripts", "migrate-store.py"), "utf8"))),
                snapshotId: settings.migrateFromSnapshot,
                taskRoleArn: cluster.taskRoleArn,
            } : undefined,
            tags,
        }, parent);
        const service = new mlflowService_1.MlflowService(name, {
            containers: taskInput.apply(taskContainers_1.serviceContainers),
            cpu: settings.taskCpu,
            memory: settings.taskMemory,
            clusterArn: cluster.clusterArn,
            clusterName: cluster.clusterName,
            executionRoleArn: cluster.executionRoleArn,
            taskRoleArn: cluster.taskRoleArn,
            subnetIds: network.publicSubnetIds,
            securityGroupId: network.taskSecurityGroupId,
            targetGroupArn: loadBalancer.targetGroupArn,
            listener: loadBalancer.httpsListener,
            desiredCount: settings.desiredCount,
            minCount: settings.minTaskCount,
            maxCount: settings.maxTaskCount,
            after: [upgrade.completed],
            tags,
        }, parent);
        if (settings.alarmEmail) {
            new monitoring_1.FargateMonitoring(name, {
                alarmEmail: settings.alarmEmail,
                loadBalancerDimension: loadBalancer.arnSuffix,
                targetGroupDimension: loadBalancer.targetGroupArnSuffix,
                dbInstanceIdentifier: database.identifier,
                dbStorageGiB: settings.dbStorageGiB,
                tags,
            }, parent);
        }
        this.url = endpoint.apply(endpoint_1.endpointUrl);
        this.healthUrl = pulumi.interpolate `${this.url}/health`;
        this.users = settings.users;
        this.passwords = credentials.passwords;
        this.trackingEnv = credentials.trackingEnv(this.url, settings.domain ? undefined : credentials_1.CA_CERT_FILE);
        this.caCertPem = loadBalancer.caCertPem;
        // One line for `eval "$(pulumi stack output sessionCommand)"`: a shell in the MLflow container of a running task.
        this.sessionCommand = pulumi.interpolate `aws ecs execute-command --region ${region} --cluster ${cluster.clusterName} --container mlflow --interactive --command /bin/sh --task "$(aws ecs list-tasks --region ${region} --cluster ${cluster.clusterName} --service-name ${service.serviceName} --query 'taskArns[0]' --output text)"`;
        this.dataRetention = pulumi.interpolate `pulumi destroy ${(0, storesRetention_1.storesRetention)(region, database, bucket.bucketName, settings.protectData)}`;
        this.artifactBucket = bucket.bucketName;
        this.artifactsDestination = bucket.artifactsDestination;
        this.databaseIdentifier = database.identifier;
        this.databaseEndpoint = pulumi.interpolate `${database.address}:${database.port}`;
        this.databaseSecretArn = database.secretArn;
        this.clusterName = cluster.clusterName;
        this.serviceName = service.serviceName;
        this.registerOutputs({
            url: this.url,
            healthUrl: this.healthUrl,
            users: this.users,
            passwords: this.passwords,
            trackingEnv: this.trackingEnv,
            caCertPem: this.caCertPem,
            sessionCommand: this.sessionCommand,
            dataRetention: this.dataRetention,
            artifactBucket: this.artifactBucket,
            artifactsDestination: this.artifactsDestination,
            databaseIdentifier: this.databaseIdentifier,
            databaseEndpoint: this.databaseEndpoint,
            databaseSecretArn: this.databaseSecretArn,
            clusterName: this.clusterName,
            serviceName: this.serviceName,
        });
    }
}
exports.MlflowOnFargate = MlflowOnFargate;
//# sourceMappingURL=mlflowOnFargate.js.map