import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { containerInput, Endpoint, endpointUrl, oidcProxyInput } from "../../lib/render/endpoint";
import { IDENTITY_MODULE_FILE } from "../../lib/render/layout";
import { COOKIE_SECRET, packIdentityModule } from "../../lib/render/oidc";
import { rdsCaBundle } from "../../lib/render/rdsCa";
import { CONTAINER_NAMES, gcContainer, migrationContainer, mlflowServersPerTask, schemaUpgradeContainer, serviceContainers, TASK_LISTEN_PORT, TaskAuthApp, TaskContainersInput, TaskOidc } from "../../lib/render/taskContainers";
import { renderAuthConfig } from "../../lib/render/mlflowAuth";
import { backendStoreUri } from "../../lib/render/stores";
import { projectRoot } from "../../lib/projectRoot";
import { renderTaskNginxConf } from "../../lib/render/taskNginx";
import { runsAuthApp, Settings } from "../../lib/settings";
import { ArtifactBucket } from "../shared/artifactBucket";
import { CA_CERT_FILE, Credentials } from "../shared/credentials";
import { Database, DATABASE_NAME, DATABASE_USER } from "../shared/database";
import { AUTH_SETUP_PROGRAM_FILE, GC_PROGRAM_FILE } from "../../lib/render/hostBundle";
import { GC_TIME_UTC } from "../../lib/render/schedule";
import { logsTailCommand } from "../shared/logsCommand";
import { GarbageCollection } from "./garbageCollection";
import { storesRetention } from "../shared/storesRetention";
import { stackTags } from "../shared/tags";
import { EcsCluster } from "./cluster";
import { LoadBalancer } from "./loadBalancer";
import { MlflowService } from "./mlflowService";
import { FargateMonitoring } from "./monitoring";
import { FargateNetwork } from "./network";
import { SchemaUpgrade } from "./schemaUpgrade";
import { fromOtherTier, TIER_COMPONENT_TYPES } from "../deployment";

export interface MlflowOnFargateArgs {
    /** Validated stack settings (lib/settings.ts) with compute fargate, backendStore rds, artifactStore s3. */
    readonly settings: Settings;
}

/**
 * The scaled tier: MLflow in ECS tasks on Fargate behind an Application Load Balancer in two
 * zones, its runs in RDS for PostgreSQL, its artifacts in S3. The same nginx settings, the same
 * credentials and the same outputs as the host tier.
 */
export class MlflowOnFargate extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly healthUrl: pulumi.Output<string>;
    readonly users: string[];
    /** Secret. */
    readonly passwords: pulumi.Output<Record<string, string>>;
    /** Secret. */
    readonly trackingEnv: pulumi.Output<string>;
    readonly caCertPem: pulumi.Output<string>;
    readonly sessionCommand: pulumi.Output<string>;
    readonly dataRetention: pulumi.Output<string>;
    /** `aws logs tail` of the tasks' log group (every container, ECS Exec sessions). */
    readonly logsCommand: pulumi.Output<string>;
    readonly artifactBucket: pulumi.Output<string>;
    readonly artifactsDestination: pulumi.Output<string>;
    readonly databaseIdentifier: pulumi.Output<string>;
    readonly databaseEndpoint: pulumi.Output<string>;
    readonly databaseSecretArn: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;

    constructor(name: string, args: MlflowOnFargateArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TIER_COMPONENT_TYPES.fargate, name, {}, opts);
        const { settings } = args;
        if (settings.compute !== "fargate" || settings.backendStore !== "rds" || settings.artifactStore !== "s3") {
            throw new Error("MlflowOnFargate needs compute fargate with backendStore rds and artifactStore s3 (lib/settings.ts enforces it)");
        }
        const parent = { parent: this };
        const tags = stackTags();
        const region = aws.getRegionOutput({}, parent).region;

        const network = new FargateNetwork(name, { allowedCidrs: settings.allowedCidrs, tags }, parent);
        const credentials = new Credentials(name, { users: settings.users, authApp: runsAuthApp(settings.auth) }, { ...parent, aliases: fromOtherTier(name, "ec2") });
        const htpasswd = new aws.ssm.Parameter(`${name}-htpasswd`, {
            // Not the host tier's name: moving a stack between tiers creates this before it deletes that.
            name: `/${pulumi.getProject()}/${pulumi.getStack()}/task-htpasswd`,
            type: "SecureString",
            value: credentials.htpasswd,
            description: "nginx htpasswd file of the MLflow tasks",
            tags,
        }, parent);

        // With auth mlflow: the auth app's secret key (a container secret of MLflow's servers) and
        // the users the schema upgrade creates. Not the host tier's names, as for the htpasswd.
        const authParameters = credentials.authApp && {
            secretKey: new aws.ssm.Parameter(`${name}-auth-secret-key`, {
                name: `/${pulumi.getProject()}/${pulumi.getStack()}/task-auth-secret-key`,
                type: "SecureString",
                value: credentials.authApp.secretKey,
                description: "Secret key of MLflow's auth app in the MLflow tasks",
                tags,
            }, parent),
            users: new aws.ssm.Parameter(`${name}-auth-users`, {
                name: `/${pulumi.getProject()}/${pulumi.getStack()}/task-auth-users`,
                type: "SecureString",
                value: credentials.authApp.users,
                description: "Generated passwords of the MLflow users, created in its auth app by the schema upgrade",
                tags,
            }, parent),
        };

        // With auth oidc: oauth2-proxy's client secret and session cookies' key (container secrets
        // of its container), and the identity module MLflow's servers unpack at start.
        const packedIdentityModule = packIdentityModule(readFileSync(path.join(projectRoot(), "host", IDENTITY_MODULE_FILE), "utf8"));
        const taskParameter = (suffix: string, type: "SecureString" | "String", value: pulumi.Input<string>, description: string) =>
            new aws.ssm.Parameter(`${name}-${suffix}`, { name: `/${pulumi.getProject()}/${pulumi.getStack()}/task-${suffix}`, type, value, description, tags }, parent);
        const oidcParameters = settings.oidc && {
            clientSecret: taskParameter("oidc-client-secret", "SecureString", new pulumi.Config().requireSecret("oidcClientSecret"),
                "Client secret of the MLflow tasks' oauth2-proxy at the OpenID Provider"),
            // Generated once: a session outlives the tasks.
            cookieSecret: taskParameter("oidc-cookie-secret", "SecureString",
                new random.RandomPassword(`${name}-oidc-cookie-secret`, { ...COOKIE_SECRET }, parent).result,
                "Key of the session cookies of the MLflow tasks' oauth2-proxy"),
            identityModule: taskParameter("identity-module", "String", packedIdentityModule,
                "MLflow's authorization function in the MLflow tasks (auth oidc), gzip-compressed and base64"),
            adminGroups: settings.oidc.adminGroups.length > 0
                ? taskParameter("oidc-admin-groups", "String", settings.oidc.adminGroups.join(","), "Groups of the OpenID Provider whose members are MLflow admins")
                : undefined,
        };

        const database = new Database(`${name}-db`, {
            subnetIds: network.isolatedSubnetIds,
            securityGroupId: network.databaseSecurityGroupId,
            instanceClass: settings.dbInstanceClass,
            storageGiB: settings.dbStorageGiB,
            backupRetentionDays: settings.backupRetentionDays,
            protectData: settings.protectData,
            tags,
        }, parent);
        const cluster = new EcsCluster(name, {
            // What the containers receive: nginx's htpasswd with basic auth, the auth app's parameters
            // with auth mlflow, and with oidc oauth2-proxy's and the identity module too.
            ssmParameterArns: [
                ...(authParameters ? [authParameters.secretKey.arn, authParameters.users.arn] : [htpasswd.arn]),
                ...(oidcParameters ? [oidcParameters.clientSecret.arn, oidcParameters.cookieSecret.arn, oidcParameters.identityModule.arn] : []),
                ...(oidcParameters?.adminGroups ? [oidcParameters.adminGroups.arn] : []),
            ],
            secretsManagerArns: [database.secretArn],
            logRetentionDays: settings.logRetentionDays,
            protectData: settings.protectData,
            tags,
        }, parent);
        const bucket = new ArtifactBucket(`${name}-artifacts`, {
            users: [{ name: cluster.taskRoleName, arn: cluster.taskRoleArn }],
            protectData: settings.protectData,
            noncurrentVersionDays: settings.backupRetentionDays,
            tags,
        }, parent);
        const loadBalancer = new LoadBalancer(name, {
            vpcId: network.vpcId,
            subnetIds: network.publicSubnetIds,
            securityGroupId: network.loadBalancerSecurityGroupId,
            domain: settings.domain,
            route53ZoneId: settings.route53ZoneId,
            tags,
        }, parent);

        const endpoint = loadBalancer.serverName.apply((serverName): Endpoint => ({ names: [serverName], httpsPort: 443, strictTransportSecurity: true }));
        const mlflowServers = mlflowServersPerTask(settings.taskCpu, settings.auth);
        const authApp: pulumi.Output<Omit<TaskAuthApp, "config"> | undefined> = authParameters
            ? pulumi.all([authParameters.secretKey.arn, authParameters.users.arn]).apply(([secretKeyArn, usersArn]) => ({
                secretKeyParameterArn: secretKeyArn,
                usersParameterArn: usersArn,
                setupProgram: readFileSync(path.join(projectRoot(), "host", AUTH_SETUP_PROGRAM_FILE), "utf8"),
            }))
            : pulumi.output(undefined);
        const oidcArns: pulumi.Output<Omit<TaskOidc, "proxy"> | undefined> = oidcParameters
            ? pulumi.all([oidcParameters.clientSecret.arn, oidcParameters.cookieSecret.arn, oidcParameters.identityModule.arn, oidcParameters.adminGroups?.arn])
                .apply(([clientSecretArn, cookieSecretArn, moduleArn, adminGroupsArn]) => ({
                    clientSecretParameterArn: clientSecretArn, cookieSecretParameterArn: cookieSecretArn, identityModuleParameterArn: moduleArn,
                    ...(adminGroupsArn ? { adminGroupsParameterArn: adminGroupsArn } : {}),
                    identityDigest: createHash("sha256").update(`${packedIdentityModule}\n${settings.oidc!.adminGroups.join(",")}`).digest("hex"),
                }))
            : pulumi.output(undefined);
        const taskInput: pulumi.Output<TaskContainersInput> = pulumi.all([pulumi.all([
            endpoint, region, database.address, database.port, database.secretArn, bucket.artifactsDestination, htpasswd.arn, cluster.logGroupName,
        ]), authApp, oidcArns]).apply(([[serverEndpoint, regionName, host, port, secretArn, destination, htpasswdArn, logGroup], authParameterArns, oidcParameterArns]) => {
            const database = { host, port, database: DATABASE_NAME, user: DATABASE_USER, caBundlePem: rdsCaBundle(regionName) };
            return {
                container: containerInput(settings, serverEndpoint),
                nginxConf: renderTaskNginxConf({
                    serverNames: serverEndpoint.names,
                    listenPort: TASK_LISTEN_PORT,
                    maxUploadSize: settings.maxUploadSize,
                    mlflowServers,
                    loadBalancerCidrs: network.publicSubnetCidrs,
                    auth: settings.auth,
                }),
                mlflowServers,
                database,
                artifactsDestination: destination,
                htpasswdParameterArn: htpasswdArn,
                authApp: authParameterArns && {
                    ...authParameterArns,
                    config: renderAuthConfig({
                        defaultPermission: settings.authDefaultPermission, adminUsername: settings.users[0], databaseUri: backendStoreUri(database),
                        auth: settings.auth === "oidc" ? "oidc" : "mlflow",
                    }),
                },
                oidc: oidcParameterArns && { ...oidcParameterArns, proxy: oidcProxyInput(settings, serverEndpoint)! },
                // ECS reads one key of the JSON secret RDS keeps: <arn>:<key>:<stage>:<version>.
                databasePasswordFrom: `${secretArn}:password::`,
                region: regionName,
                logGroup,
            };
        });

        // The service's task alone knows the versions of oauth2-proxy's secrets (TaskOidc).
        const serviceInput: pulumi.Output<TaskContainersInput> = pulumi.all([taskInput, oidcParameters?.clientSecret.version, oidcParameters?.cookieSecret.version])
            .apply(([input, clientSecretVersion, cookieSecretVersion]) => ({
                ...input, oidc: input.oidc && { ...input.oidc, secretVersions: `client-secret:${clientSecretVersion},cookie-secret:${cookieSecretVersion}` },
            }));
        // The one-off tasks that create the users also know the users' version (TaskAuthApp).
        const oneOffInput: pulumi.Output<TaskContainersInput> = pulumi.all([taskInput, authParameters?.users.version]).apply(([input, usersVersion]) => ({
            ...input, authApp: input.authApp && { ...input.authApp, usersParameterVersion: usersVersion },
        }));
        const upgrade = new SchemaUpgrade(`${name}-schema-upgrade`, {
            mlflowVersion: settings.mlflowVersion,
            container: oneOffInput.apply(schemaUpgradeContainer),
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
                container: oneOffInput.apply(input => migrationContainer(input, readFileSync(path.join(projectRoot(), "scripts", "migrate-store.py"), "utf8"))),
                snapshotId: settings.migrateFromSnapshot,
                taskRoleArn: cluster.taskRoleArn,
            } : undefined,
            tags,
        }, parent);
        new GarbageCollection(`${name}-gc`, {
            container: taskInput.apply(input => gcContainer(input, readFileSync(path.join(projectRoot(), "host", GC_PROGRAM_FILE), "utf8"), settings.gcRetentionDays)),
            timeUtc: GC_TIME_UTC,
            clusterArn: cluster.clusterArn,
            executionRoleArn: cluster.executionRoleArn,
            taskRoleArn: cluster.taskRoleArn,
            subnetIds: network.publicSubnetIds,
            // The one-off tasks' group: the way to the database, and out to the registries and S3.
            securityGroupId: network.schemaUpgradeSecurityGroupId,
            tags,
        }, { ...parent, dependsOn: [upgrade] });
        const service = new MlflowService(name, {
            containers: serviceInput.apply(serviceContainers),
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
            new FargateMonitoring(name, {
                alarmEmail: settings.alarmEmail,
                loadBalancerDimension: loadBalancer.arnSuffix,
                targetGroupDimension: loadBalancer.targetGroupArnSuffix,
                dbInstanceIdentifier: database.identifier,
                dbStorageGiB: settings.dbStorageGiB,
                tags,
            }, parent);
        }

        this.url = endpoint.apply(endpointUrl);
        this.healthUrl = pulumi.interpolate`${this.url}/health`;
        this.users = settings.users;
        this.passwords = credentials.passwords;
        this.trackingEnv = credentials.trackingEnv(this.url, settings.domain ? undefined : CA_CERT_FILE);
        this.caCertPem = loadBalancer.caCertPem;
        // One line for `eval "$(pulumi stack output sessionCommand)"`: a shell in the first MLflow container of a running task.
        this.sessionCommand = pulumi.interpolate`aws ecs execute-command --region ${region} --cluster ${cluster.clusterName} --container ${CONTAINER_NAMES.mlflow} --interactive --command /bin/sh --task "$(aws ecs list-tasks --region ${region} --cluster ${cluster.clusterName} --service-name ${service.serviceName} --query 'taskArns[0]' --output text)"`;
        this.logsCommand = logsTailCommand(region, cluster.logGroupName);
        const logsRetention = settings.protectData
            ? pulumi.interpolate`It keeps the log group ${cluster.logGroupName} (protectData): aws logs delete-log-group --region ${region} --log-group-name ${cluster.logGroupName}`
            : pulumi.interpolate`It deletes the log group ${cluster.logGroupName}.`;
        this.dataRetention = pulumi.interpolate`pulumi destroy ${storesRetention(region, database, bucket.bucketName, settings.protectData)} ${logsRetention}`;
        this.artifactBucket = bucket.bucketName;
        this.artifactsDestination = bucket.artifactsDestination;
        this.databaseIdentifier = database.identifier;
        this.databaseEndpoint = pulumi.interpolate`${database.address}:${database.port}`;
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
            logsCommand: this.logsCommand,
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
