import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsContainerDefinition } from "../../lib/render/taskContainers";
import { lambdaSource, SchemaUpgradeEvent } from "../../lib/schemaUpgrade";

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
    readonly tags?: Record<string, string>;
}

/**
 * The schema upgrade, run by `pulumi up` itself, before the service may change:
 *
 *   upgrade task definition --> snapshot invocation --> upgrade invocation --> service's task definition
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
            family: `${name}-${pulumi.getStack()}`,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
            cpu: "512",
            memory: "1024",
            executionRoleArn: args.executionRoleArn,
            containerDefinitions: pulumi.jsonStringify([container]),
            tags,
        }, parent);

        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const role = new aws.iam.Role(name, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }), tags }, parent);
        new aws.iam.RolePolicyAttachment(name, { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }, parent);
        const snapshots = pulumi.interpolate`arn:aws:rds:${region}:${account}:snapshot:${args.dbInstanceIdentifier}-before-mlflow-*`;
        new aws.iam.RolePolicy(name, {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["rds:DescribeDBInstances"], Resource: args.dbInstanceArn },
                    { Effect: "Allow", Action: ["rds:CreateDBSnapshot"], Resource: [args.dbInstanceArn, snapshots] },
                    { Effect: "Allow", Action: ["rds:DescribeDBSnapshots", "rds:AddTagsToResource"], Resource: snapshots },
                    {
                        Effect: "Allow",
                        Action: ["ecs:RunTask"],
                        Resource: pulumi.interpolate`arn:aws:ecs:${region}:${account}:task-definition/${taskDefinition.family}:*`,
                        Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } },
                    },
                    { Effect: "Allow", Action: ["ecs:DescribeTasks"], Resource: pulumi.interpolate`arn:aws:ecs:${region}:${account}:task/${args.clusterName}/*` },
                    {
                        Effect: "Allow",
                        Action: ["iam:PassRole"],
                        Resource: args.executionRoleArn,
                        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
                    },
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
        }, parent);

        const event = (step: SchemaUpgradeEvent["step"]) => pulumi.jsonStringify({
            step,
            mlflowVersion,
            dbInstanceIdentifier: args.dbInstanceIdentifier,
            cluster: args.clusterArn,
            taskDefinition: taskDefinition.arn,
            container: pulumi.output(container).name,
            subnets: args.subnetIds,
            securityGroups: [args.securityGroupId],
            logGroup: args.logGroupName,
        } satisfies Record<keyof SchemaUpgradeEvent, unknown>);
        const snapshot = new aws.lambda.Invocation(`${name}-snapshot`, { functionName: fn.name, input: event("snapshot") }, parent);
        const upgrade = new aws.lambda.Invocation(`${name}-upgrade`, { functionName: fn.name, input: event("upgrade") }, { ...parent, dependsOn: [snapshot, ...args.after] });

        this.completed = upgrade;
        this.snapshotName = snapshot.result.apply(result => (JSON.parse(result) as { result: string }).result);
        this.taskDefinitionArn = taskDefinition.arn;
        this.registerOutputs({ snapshotName: this.snapshotName, taskDefinitionArn: this.taskDefinitionArn });
    }
}
