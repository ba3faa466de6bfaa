import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsContainerDefinition } from "../../lib/render/taskContainers";
import { fargateTaskShape } from "./taskShape";

export interface GarbageCollectionArgs {
    /** The one container of the task (gcContainer). */
    readonly container: pulumi.Input<EcsContainerDefinition>;
    /** Daily, at this time (HH:MM UTC). */
    readonly timeUtc: string;
    readonly clusterArn: pulumi.Input<string>;
    readonly executionRoleArn: pulumi.Input<string>;
    /** MLflow's task role: the one the artifact bucket lets delete. */
    readonly taskRoleArn: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    /** A group that reaches the database and the internet (images, S3). */
    readonly securityGroupId: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/**
 * The scaled tier's daily garbage collection: host/mlflow-gc.py as one ECS task, started by an
 * EventBridge Scheduler schedule whose role may run exactly this task family in this cluster and
 * hand it its two roles, nothing else.
 */
export class GarbageCollection extends pulumi.ComponentResource {
    readonly taskDefinitionArn: pulumi.Output<string>;

    constructor(name: string, args: GarbageCollectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:GarbageCollection", name, {}, opts);
        const { tags } = { tags: {}, ...args };
        const parent = { parent: this };

        const task = new aws.ecs.TaskDefinition(name, {
            ...fargateTaskShape(name, { cpu: 512, memory: 1024 }),
            executionRoleArn: args.executionRoleArn,
            taskRoleArn: args.taskRoleArn,
            containerDefinitions: pulumi.jsonStringify([args.container]),
            tags,
        }, parent);

        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const role = new aws.iam.Role(name, {
            assumeRolePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: "scheduler.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    // Only schedules of this account (the confused-deputy guard AWS recommends).
                    Condition: { StringEquals: { "aws:SourceAccount": account } },
                }],
            }),
            tags,
        }, parent);
        const rights = new aws.iam.RolePolicy(name, {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: ["ecs:RunTask"],
                        // Every revision of the family: a new revision must not need a new policy first.
                        Resource: task.arn.apply(arn => arn.replace(/:\d+$/, ":*")),
                        Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } },
                    },
                    { Effect: "Allow", Action: ["iam:PassRole"], Resource: [args.executionRoleArn, args.taskRoleArn] },
                ],
            }),
        }, parent);

        const [hours, minutes] = args.timeUtc.split(":").map(Number);
        new aws.scheduler.Schedule(name, {
            description: `Garbage collection of the MLflow server's deleted runs and experiments`,
            scheduleExpression: `cron(${minutes} ${hours} * * ? *)`,
            scheduleExpressionTimezone: "UTC",
            flexibleTimeWindow: { mode: "OFF" },
            target: {
                arn: args.clusterArn,
                roleArn: role.arn,
                ecsParameters: {
                    taskDefinitionArn: task.arn,
                    launchType: "FARGATE",
                    taskCount: 1,
                    // The public subnets and an address of its own: the tier has no NAT gateway.
                    networkConfiguration: { subnets: args.subnetIds, securityGroups: [args.securityGroupId], assignPublicIp: true },
                },
                // A failed collection waits for the next day's.
                retryPolicy: { maximumRetryAttempts: 0 },
            },
        }, { ...parent, dependsOn: [rights] });

        this.taskDefinitionArn = task.arn;
        this.registerOutputs({ taskDefinitionArn: this.taskDefinitionArn });
    }
}
