import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, partitionOf, regionalArns, SESSION_CHANNEL_ACTIONS } from "../shared/arns";

export interface EcsClusterArgs {
    /** ARNs of the secrets tasks receive at start (the htpasswd parameter, the database's secret): the execution role may read exactly these. */
    readonly ssmParameterArns: pulumi.Input<string>[];
    readonly secretsManagerArns: pulumi.Input<string>[];
    /** Days CloudWatch Logs keeps the containers' output (0: for ever). */
    readonly logRetentionDays?: number;
    /** Keep the log group on destroy, with the data. */
    readonly protectData?: boolean;
    readonly tags?: Record<string, string>;
}

/**
 * What every task of the tier runs on: the cluster, the log group, the execution role (ECS's
 * own: image pulls, logs, the secrets handed to containers) and MLflow's task role (what
 * MLflow itself may do: its bucket, granted by the bucket, and ECS Exec's channel). No key
 * pair, no SSH: a shell is ECS Exec, through Session Manager's channel, logged as API calls.
 */
export class EcsCluster extends pulumi.ComponentResource {
    readonly clusterArn: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    readonly executionRoleArn: pulumi.Output<string>;
    readonly taskRoleArn: pulumi.Output<string>;
    readonly taskRoleName: pulumi.Output<string>;

    constructor(name: string, args: EcsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:EcsCluster", name, {}, opts);
        const { ssmParameterArns, secretsManagerArns, logRetentionDays, protectData, tags } = { logRetentionDays: 30, protectData: false, tags: {}, ...args };
        const parent = { parent: this };

        const partition = partitionOf(parent);
        const logs = new aws.cloudwatch.LogGroup(name, { retentionInDays: logRetentionDays, tags }, { ...parent, retainOnDelete: protectData });
        const cluster = new aws.ecs.Cluster(name, {
            // Container Insights off: its per-task metrics cost more than the tier's alarms need.
            settings: [{ name: "containerInsights", value: "disabled" }],
            // ECS Exec sessions are logged, next to the containers' output: who ran what in a task
            // is worth keeping. The task role writes them (its exec policy below).
            configuration: {
                executeCommandConfiguration: {
                    logging: "OVERRIDE",
                    logConfiguration: { cloudWatchLogGroupName: logs.name, cloudWatchEncryptionEnabled: false },
                },
            },
            tags,
        }, parent);

        const tasksMayAssume = aws.iam.assumeRolePolicyForPrincipal({ Service: "ecs-tasks.amazonaws.com" });
        const execution = new aws.iam.Role(`${name}-execution`, { assumeRolePolicy: tasksMayAssume, tags }, parent);
        new aws.iam.RolePolicyAttachment(`${name}-execution`, {
            role: execution.name,
            policyArn: managedPolicyArn(partition, "service-role/AmazonECSTaskExecutionRolePolicy"),
        }, parent);
        new aws.iam.RolePolicy(`${name}-execution-secrets`, {
            role: execution.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ssmParameterArns },
                    { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretsManagerArns },
                ],
            }),
        }, parent);

        const task = new aws.iam.Role(`${name}-task`, { assumeRolePolicy: tasksMayAssume, tags }, parent);
        // ECS Exec: the agent in the container opens Session Manager's data channel, and writes the
        // session's log into the cluster's log group (the agent checks the group exists first).
        new aws.iam.RolePolicy(`${name}-task-exec`, {
            role: task.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: [...SESSION_CHANNEL_ACTIONS], Resource: "*" },
                    { Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: regionalArns(partition, parent)("logs", "log-group:*") },
                    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logs.arn}:*` },
                ],
            }),
        }, parent);

        this.clusterArn = cluster.arn;
        this.clusterName = cluster.name;
        this.logGroupName = logs.name;
        this.executionRoleArn = execution.arn;
        this.taskRoleArn = task.arn;
        this.taskRoleName = task.name;
        this.registerOutputs({
            clusterArn: this.clusterArn,
            clusterName: this.clusterName,
            logGroupName: this.logGroupName,
            executionRoleArn: this.executionRoleArn,
            taskRoleArn: this.taskRoleArn,
            taskRoleName: this.taskRoleName,
        });
    }
}
