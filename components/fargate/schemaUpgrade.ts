import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsContainerDefinition, HOST_DATA_VOLUME } from "../../lib/render/taskContainers";
import { lambdaSource, MIGRATED_FROM_TAG, SchemaUpgradeEvent } from "../../lib/schemaUpgrade";
import { managedPolicyArn, partitionOf, regionalArns } from "../shared/arns";
import { upgradeSnapshotsArn } from "../shared/database";
import { fargateTaskShape } from "./taskShape";

export interface SchemaUpgradeArgs {
    readonly mlflowVersion: string;
    /** The one container of the upgrade task (schemaUpgradeContainer), logging to logGroupName. */
    readonly container: pulumi.Input<EcsContainerDefinition>;
    readonly clusterArn: pulumi.Input<string>;
    readonly clusterName: pulumi.Input<string>;
    readonly executionRoleArn: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    readonly securityGroupId: pulumi.Input<string>;
    readonly dbInstanceIdentifier: pulumi.Input<string>;
    readonly dbInstanceArn: pulumi.Input<string>;
    readonly logGroupName: pulumi.Input<string>;
    /** What must be in place before the task runs: the rules that let it reach the database and the registries, the grants of its secrets. */
    readonly after: pulumi.Resource[];
    /** The move from one host, run once after the upgrade (migrateFromSnapshot). */
    readonly migration?: {
        /** migrationContainer: scripts/migrate-store.py against the host's data volume. */
        readonly container: pulumi.Input<EcsContainerDefinition>;
        /** The snapshot of the host's data volume (ext4, as the host formats it). */
        readonly snapshotId: string;
        /** The role of MLflow's tasks: the one that may write the artifact bucket. */
        readonly taskRoleArn: pulumi.Input<string>;
    };
    readonly tags?: Record<string, string>;
}

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
export class SchemaUpgrade extends pulumi.ComponentResource {
    /** Depend on this to run after a successful upgrade. */
    readonly completed: pulumi.Resource;
    /** The snapshot taken before the last upgrade. */
    readonly snapshotName: pulumi.Output<string>;
    readonly taskDefinitionArn: pulumi.Output<string>;

    constructor(name: string, args: SchemaUpgradeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:SchemaUpgrade", name, {}, opts);
        const { mlflowVersion, container, tags } = { tags: {}, ...args };
        const parent = { parent: this };

        const taskDefinition = new aws.ecs.TaskDefinition(name, {
            ...fargateTaskShape(name, { cpu: 512, memory: 1024 }),
            executionRoleArn: args.executionRoleArn,
            containerDefinitions: pulumi.jsonStringify([container]),
            tags,
        }, parent);

        const migration = args.migration;
        const migrationTask = migration && new aws.ecs.TaskDefinition(`${name}-migrate`, {
            ...fargateTaskShape(`${name}-migrate`, { cpu: 1024, memory: 4096 }),
            executionRoleArn: args.executionRoleArn,
            taskRoleArn: migration.taskRoleArn,
            volumes: [{ name: HOST_DATA_VOLUME, configureAtLaunch: true }],
            containerDefinitions: pulumi.jsonStringify([migration.container]),
            tags,
        }, parent);
        const partition = partitionOf(parent);
        // ECS creates and deletes the task's volume with this role.
        const volumeRole = migration && new aws.iam.Role(`${name}-volumes`, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ecs.amazonaws.com" }), tags }, parent);
        const volumePolicy = volumeRole && new aws.iam.RolePolicyAttachment(`${name}-volumes`, {
            role: volumeRole.name,
            policyArn: managedPolicyArn(partition, "service-role/AmazonECSInfrastructureRolePolicyForVolumes"),
        }, parent);

        const arn = regionalArns(partition, parent);
        const role = new aws.iam.Role(name, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }), tags }, parent);
        const logging = new aws.iam.RolePolicyAttachment(name, { role: role.name, policyArn: managedPolicyArn(partition, "service-role/AWSLambdaBasicExecutionRole") }, parent);
        const snapshots = upgradeSnapshotsArn(args.dbInstanceArn);
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
                        Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": [MIGRATED_FROM_TAG] } },
                    }] : []),
                    { Effect: "Allow", Action: ["rds:CreateDBSnapshot"], Resource: [args.dbInstanceArn, snapshots] },
                    { Effect: "Allow", Action: ["rds:DescribeDBSnapshots", "rds:AddTagsToResource"], Resource: snapshots },
                    {
                        Effect: "Allow",
                        Action: ["ecs:RunTask"],
                        Resource: arn("ecs", pulumi.interpolate`task-definition/${taskDefinition.family}:*`),
                        Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } },
                    },
                    { Effect: "Allow", Action: ["ecs:DescribeTasks"], Resource: arn("ecs", pulumi.interpolate`task/${args.clusterName}/*`) },
                    // A failed task's last lines, for the error pulumi up reports.
                    { Effect: "Allow", Action: ["logs:GetLogEvents"], Resource: arn("logs", pulumi.interpolate`log-group:${args.logGroupName}:log-stream:*`) },
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
                            Resource: arn("ecs", pulumi.interpolate`task-definition/${migrationTask.family}:*`),
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
            code: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.StringAsset(lambdaSource()) }),
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

        const event = (step: SchemaUpgradeEvent["step"], hostData?: { [K in keyof NonNullable<SchemaUpgradeEvent["hostData"]>]: pulumi.Input<string> }) => pulumi.jsonStringify({
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
        } satisfies Record<keyof SchemaUpgradeEvent, unknown>);
        const snapshot = new aws.lambda.Invocation(`${name}-snapshot`, { functionName: fn.name, input: event("snapshot") }, parent);
        const upgrade = new aws.lambda.Invocation(`${name}-upgrade`, { functionName: fn.name, input: event("upgrade") }, { ...parent, dependsOn: [snapshot, ...args.after] });
        const migrate = migration && volumeRole && new aws.lambda.Invocation(`${name}-migrate`, {
            functionName: fn.name,
            input: event("migrate", { volumeName: HOST_DATA_VOLUME, snapshotId: migration.snapshotId, filesystemType: HOST_DATA_FILESYSTEM, infrastructureRoleArn: volumeRole.arn }),
        }, { ...parent, dependsOn: [upgrade, ...(volumePolicy ? [volumePolicy] : [])] });

        this.completed = migrate ?? upgrade;
        this.snapshotName = snapshot.result.apply(result => (JSON.parse(result) as { result: string }).result);
        this.taskDefinitionArn = taskDefinition.arn;
        this.registerOutputs({ snapshotName: this.snapshotName, taskDefinitionArn: this.taskDefinitionArn });
    }
}
