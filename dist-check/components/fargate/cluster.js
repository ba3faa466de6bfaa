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
exports.EcsCluster = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const arns_1 = require("../shared/arns");
/**
 * What every task of the tier runs on: the cluster, the log group, the execution role (ECS's
 * own: image pulls, logs, the secrets handed to containers) and MLflow's task role (what
 * MLflow itself may do: its bucket, granted by the bucket, and ECS Exec's channel). No key
 * pair, no SSH: a shell is ECS Exec, through Session Manager's channel, logged as API calls.
 */
class EcsCluster extends pulumi.ComponentResource {
    clusterArn;
    clusterName;
    logGroupName;
    executionRoleArn;
    taskRoleArn;
    taskRoleName;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:EcsCluster", name, {}, opts);
        const { ssmParameterArns, secretsManagerArns, logRetentionDays, tags } = { logRetentionDays: 30, tags: {}, ...args };
        const parent = { parent: this };
        const partition = (0, arns_1.partitionOf)(parent);
        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const logs = new aws.cloudwatch.LogGroup(name, { retentionInDays: logRetentionDays, tags }, parent);
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
            policyArn: (0, arns_1.managedPolicyArn)(partition, "service-role/AmazonECSTaskExecutionRolePolicy"),
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
                    {
                        Effect: "Allow",
                        Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
                        Resource: "*",
                    },
                    { Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: pulumi.interpolate `arn:${partition}:logs:${region}:${account}:log-group:*` },
                    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource: pulumi.interpolate `${logs.arn}:*` },
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
exports.EcsCluster = EcsCluster;
//# sourceMappingURL=cluster.js.map