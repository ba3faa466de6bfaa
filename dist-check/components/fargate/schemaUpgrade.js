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
exports.SchemaUpgrade = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const awsNames_1 = require("../../lib/awsNames");
const taskContainers_1 = require("../../lib/render/taskContainers");
const schemaUpgrade_1 = require("../../lib/schemaUpgrade");
const arns_1 = require("../shared/arns");
/** The file system the host puts on its data volume (host/mlflow-prepare-data). */
const HOST_DATA_FILESYSTEM = "ext4";
/**
 * The schema upgrade, run by `pulumi up` itself, before the service may change:
 *
 *   upgrade task definition --> snapshot invocation --> upgrade invocation [--> migrate invocation] --> service's task definition
 *
 * Both steps are invocations of one Lambda function (lib/schemaUpgrade.ts): the first takes an
 * RDS snapshot and waits until it is available, the second runs `mlflow db upgrade` as a single
 * ECS task and waits for its exit code. An aws.lambda.Invocation runs when it is created or
 * replaced, and its input holds the upgrade task definition's ARN, which changes with the image
 * (that is, with mlflowVersion) or the database's address: so the upgrade runs once per change,
 * never once per task, and not at all when only nginx or the task size changes. A failing step
 * fails the invocation and with it the deployment; the service's new task definition depends on
 * the upgrade, so it is never registered and the service keeps serving the old release. The next
 * `pulumi up` tries again, with a new snapshot. No provider beyond aws, no tooling on the
 * deployer's machine, and each step has Lambda's 15 minutes.
 *
 * With a migration, a third invocation runs scripts/migrate-store.py as one task whose EBS volume
 * ECS creates from the host's data snapshot (and deletes afterwards): its input holds the snapshot
 * id, so it runs once per snapshot. The task is not bound by Lambda's 15 minutes: an invocation
 * waits 14 and then fails the deployment with the task still copying; the next `pulumi up`
 * follows the same task (its startedBy names the snapshot) instead of starting another, a task
 * that finished meanwhile counts, and success tags the database with the snapshot, so that no
 * later run copies again. Into a database that holds other data the script refuses and changes
 * nothing; a copy that fails leaves the target empty. Either fails the deployment like the
 * upgrade, before the service starts.
 */
class SchemaUpgrade extends pulumi.ComponentResource {
    /** Depend on this to run after a successful upgrade. */
    completed;
    /** The snapshot taken before the last upgrade. */
    snapshotName;
    taskDefinitionArn;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:SchemaUpgrade", name, {}, opts);
        const { mlflowVersion, container, tags } = { tags: {}, ...args };
        const parent = { parent: this };
        const taskDefinition = new aws.ecs.TaskDefinition(name, {
            family: `${name}-${(0, awsNames_1.nameForAws)(pulumi.getStack(), awsNames_1.ECS_FAMILY)}`,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
            cpu: "512",
            memory: "1024",
            executionRoleArn: args.executionRoleArn,
            containerDefinitions: pulumi.jsonStringify([container]),
            tags,
        }, parent);
        const migration = args.migration;
        const migrationTask = migration && new aws.ecs.TaskDefinition(`${name}-migrate`, {
            family: `${name}-migrate-${(0, awsNames_1.nameForAws)(pulumi.getStack(), awsNames_1.ECS_FAMILY)}`,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
            cpu: "1024",
            memory: "4096",
            executionRoleArn: args.executionRoleArn,
            taskRoleArn: migration.taskRoleArn,
            volumes: [{ name: taskContainers_1.HOST_DATA_VOLUME, configureAtLaunch: true }],
            containerDefinitions: pulumi.jsonStringify([migration.container]),
            tags,
        }, parent);
        const partition = (0, arns_1.partitionOf)(parent);
        // ECS creates and deletes the task's volume with this role.
        const volumeRole = migration && new aws.iam.Role(`${name}-volumes`, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ecs.amazonaws.com" }), tags }, parent);
        const volumePolicy = volumeRole && new aws.iam.RolePolicyAttachment(`${name}-volumes`, {
            role: volumeRole.name,
            policyArn: (0, arns_1.managedPolicyArn)(partition, "service-role/AmazonECSInfrastructureRolePolicyForVolumes"),
        }, parent);
        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const arn = (service, resource) => pulumi.interpolate `arn:${partition}:${service}:${region}:${account}:${resource}`;
        const role = new aws.iam.Role(name, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }), tags }, parent);
        const logging = new aws.iam.RolePolicyAttachment(name, { role: role.name, policyArn: (0, arns_1.managedPolicyArn)(partition, "service-role/AWSLambdaBasicExecutionRole") }, parent);
        const snapshots = arn("rds", pulumi.interpolate `snapshot:${args.dbInstanceIdentifier}-before-mlflow-*`);
        const rights = new aws.iam.RolePolicy(name, {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["rds:DescribeDBInstances"], Resource: args.dbInstanceArn },
                    // The mark of a finished migration, and no other tag.
                    ...(migration ? [{
                            Effect: "Allow",
                            Action: ["rds:AddTagsToResource"],
                            Resource: args.dbInstanceArn,
                            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": [schemaUpgrade_1.MIGRATED_FROM_TAG] } },
                        }] : []),
                    { Effect: "Allow", Action: ["rds:CreateDBSnapshot"], Resource: [args.dbInstanceArn, snapshots] },
                    { Effect: "Allow", Action: ["rds:DescribeDBSnapshots", "rds:AddTagsToResource"], Resource: snapshots },
                    {
                        Effect: "Allow",
                        Action: ["ecs:RunTask"],
                        Resource: arn("ecs", pulumi.interpolate `task-definition/${taskDefinition.family}:*`),
                        Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } },
                    },
                    { Effect: "Allow", Action: ["ecs:DescribeTasks"], Resource: arn("ecs", pulumi.interpolate `task/${args.clusterName}/*`) },
                    // A failed task's last lines, for the error pulumi up reports.
                    { Effect: "Allow", Action: ["logs:GetLogEvents"], Resource: arn("logs", pulumi.interpolate `log-group:${args.logGroupName}:log-stream:*`) },
                    {
                        Effect: "Allow",
                        Action: ["iam:PassRole"],
                        Resource: migration ? [args.executionRoleArn, migration.taskRoleArn] : args.executionRoleArn,
                        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
                    },
                    ...(migrationTask && volumeRole ? [
                        {
                            Effect: "Allow",
                            Action: ["ecs:RunTask"],
                            Resource: arn("ecs", pulumi.interpolate `task-definition/${migrationTask.family}:*`),
                            Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } },
                        },
                        // A later `pulumi up` finds the migration task the earlier one started.
                        { Effect: "Allow", Action: ["ecs:ListTasks"], Resource: "*", Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } } },
                        { Effect: "Allow", Action: ["iam:PassRole"], Resource: volumeRole.arn, Condition: { StringEquals: { "iam:PassedToService": "ecs.amazonaws.com" } } },
                    ] : []),
                ],
            }),
        }, parent);
        const logs = new aws.cloudwatch.LogGroup(name, { retentionInDays: 30, tags }, parent);
        const fn = new aws.lambda.Function(name, {
            runtime: "nodejs22.x",
            architectures: ["arm64"],
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.StringAsset((0, schemaUpgrade_1.lambdaSource)()) }),
            role: role.arn,
            timeout: 900,
            memorySize: 256,
            loggingConfig: { logFormat: "Text", logGroup: logs.name },
            tags,
        }, {
            ...parent,
            // Its first invocation needs these rights; IAM may take seconds more to apply them
            // everywhere, which the step's own retries cover (IAM_GRACE_MS in lib/schemaUpgrade.ts).
            dependsOn: [rights, logging],
        });
        const event = (step, hostData) => pulumi.jsonStringify({
            step,
            // Not in the migration's input: a new release must not move the data a second time.
            mlflowVersion: step === "migrate" ? "" : mlflowVersion,
            dbInstanceIdentifier: args.dbInstanceIdentifier,
            cluster: args.clusterArn,
            // The migration's family, not a revision: its input then changes only with the snapshot.
            taskDefinition: step === "migrate" && migrationTask ? migrationTask.family : taskDefinition.arn,
            container: pulumi.output(step === "migrate" && migration ? migration.container : container).name,
            subnets: args.subnetIds,
            securityGroups: [args.securityGroupId],
            logGroup: args.logGroupName,
            hostData,
        });
        const snapshot = new aws.lambda.Invocation(`${name}-snapshot`, { functionName: fn.name, input: event("snapshot") }, parent);
        const upgrade = new aws.lambda.Invocation(`${name}-upgrade`, { functionName: fn.name, input: event("upgrade") }, { ...parent, dependsOn: [snapshot, ...args.after] });
        const migrate = migration && volumeRole && new aws.lambda.Invocation(`${name}-migrate`, {
            functionName: fn.name,
            input: event("migrate", { volumeName: taskContainers_1.HOST_DATA_VOLUME, snapshotId: migration.snapshotId, filesystemType: HOST_DATA_FILESYSTEM, infrastructureRoleArn: volumeRole.arn }),
        }, { ...parent, dependsOn: [upgrade, ...(volumePolicy ? [volumePolicy] : [])] });
        this.completed = migrate ?? upgrade;
        this.snapshotName = snapshot.result.apply(result => JSON.parse(result).result);
        this.taskDefinitionArn = taskDefinition.arn;
        this.registerOutputs({ snapshotName: this.snapshotName, taskDefinitionArn: this.taskDefinitionArn });
    }
}
exports.SchemaUpgrade = SchemaUpgrade;
//# sourceMappingURL=schemaUpgrade.js.map