// AWS argument rules for the scaled tier's container platform: the ECS cluster, task definitions
// and service, Application Auto Scaling's target and policy, and the Application Load Balancer
// with its target group and listeners (components/fargate/*.ts; the containers of the task
// definitions come from lib/render/taskContainers.ts).
//
// Sources:
// - botocore 1.44.8 models (ecs 2014-11-13, elbv2 2015-12-01, application-autoscaling 2016-02-06),
//   cited as "botocore <service> model, documentation of <Shape>.<member>".
// - terraform-provider-aws, read from the Go module snapshot of its main branch of 2026-06-02
//   (CHANGELOG: 6.48.0 unreleased; pulumi-aws 7.48 bridges a 6.4x release, 6.46.0 having landed
//   in pulumi-aws on 2026-05-22). Cited as TF below.
// - pulumi-aws provider/autonaming.go (every resource with an input `name` gets
//   tfbridge.AutoName("name", 255, "-") unless overridden) and provider/aliases.go
//   (aws_lb_target_group: "name": tfbridge.AutoName("name", 32, "-")).
import { Constraint, TypeRules } from "../types";

const TF = "terraform-provider-aws (main, 2026-06-02)";

/** ECS documents the same reserved prefix for tag keys and values of clusters, task definitions and services. */
const ecsTagPrefix = (shape: string): Constraint => ({
    pattern: /^(?![aA][wW][sS]:)/,
    source: `botocore ecs model, documentation of ${shape}.tags: "Do not use aws:, AWS:, or any upper or lowercase combination of such as a prefix for either keys or values as it is reserved for Amazon Web Services use."`,
});

/** "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed." */
const ecsName = (where: string): Constraint => ({
    pattern: /^[A-Za-z0-9_-]{1,255}$/,
    source: `botocore ecs model, documentation of ${where}: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."`,
});

const FARGATE_MEMORY_DOC = "botocore ecs model, documentation of RegisterTaskDefinitionRequest.memory: \"If using the Fargate launch type, this field is required and you must use one of the following values ... 512 (0.5 GB), 1024 (1 GB), 2048 (2 GB) - Available cpu values: 256 (.25 vCPU) | 1024 (1 GB), 2048 (2 GB), 3072 (3 GB), 4096 (4 GB) - Available cpu values: 512 (.5 vCPU) | 2048 ... 8192 (8 GB) - Available cpu values: 1024 (1 vCPU) | Between 4096 (4 GB) and 16384 (16 GB) in increments of 1024 (1 GB) - Available cpu values: 2048 (2 vCPU) | Between 8192 (8 GB) and 30720 (30 GB) in increments of 1024 (1 GB) - Available cpu values: 4096 (4 vCPU) | Between 16 GB and 60 GB in 4 GB increments - Available cpu values: 8192 (8 vCPU) | Between 32GB and 120 GB in 8 GB increments - Available cpu values: 16384 (16 vCPU)\" (the integer form the program uses; the API also takes \"1 vCPU\"/\"1 GB\" strings)";

const range = (from: number, to: number, step: number): number[] => {
    const values: number[] = [];
    for (let value = from; value <= to; value += step) values.push(value);
    return values;
};

/** Every task memory (MiB) Fargate offers for some CPU size, as the memory documentation lists them. */
const FARGATE_MEMORY_MIB: readonly string[] = [...new Set([
    512, 1024, 2048,
    1024, 2048, 3072, 4096,
    ...range(2048, 8192, 1024),
    ...range(4096, 16384, 1024),
    ...range(8192, 30720, 1024),
    ...range(16384, 61440, 4096),
    ...range(32768, 122880, 8192),
])].sort((a, b) => a - b).map(String);

const FARGATE_CPU_UNITS: readonly string[] = ["256", "512", "1024", "2048", "4096", "8192", "16384"];

const fargateTaskSize = {
    cpu: { enum: FARGATE_CPU_UNITS, source: FARGATE_MEMORY_DOC } satisfies Constraint,
    memory: { enum: FARGATE_MEMORY_MIB, source: FARGATE_MEMORY_DOC } satisfies Constraint,
};

const family: Constraint[] = [
    { min: 1, max: 255, source: `${TF} internal/service/ecs/task_definition.go, family: validation.All(validation.StringLenBetween(1, 255), validation.StringMatch(regexache.MustCompile("^[0-9A-Za-z_-]+$"), "see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html"))` },
    { pattern: /^[0-9A-Za-z_-]+$/, source: `${TF} internal/service/ecs/task_definition.go, family: validation.StringMatch(regexache.MustCompile("^[0-9A-Za-z_-]+$"), ...); botocore ecs model, documentation of RegisterTaskDefinitionRequest.family: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."` },
];

/** The arguments both kinds of task definition share (the service's, the schema upgrade's and the migration's). */
const taskDefinitionArguments = {
    family: { api: "ecs:RegisterTaskDefinition.family", also: family },
    "requiresCompatibilities[]": {
        api: "ecs:RegisterTaskDefinition.requiresCompatibilities[]",
        also: [{ enum: ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"], source: `${TF} internal/service/ecs/task_definition.go, requires_compatibilities: validation.StringInSlice([]string{"EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"}, false)` }],
    },
    networkMode: { api: "ecs:RegisterTaskDefinition.networkMode" },
    "runtimePlatform.cpuArchitecture": { api: "ecs:RegisterTaskDefinition.runtimePlatform.cpuArchitecture" },
    "runtimePlatform.operatingSystemFamily": { api: "ecs:RegisterTaskDefinition.runtimePlatform.operatingSystemFamily" },
    cpu: { api: "ecs:RegisterTaskDefinition.cpu", also: [fargateTaskSize.cpu] },
    memory: { api: "ecs:RegisterTaskDefinition.memory", also: [fargateTaskSize.memory] },
    executionRoleArn: { reference: "aws:iam/role:Role.arn", api: "ecs:RegisterTaskDefinition.executionRoleArn" },
    taskRoleArn: { reference: "aws:iam/role:Role.arn", api: "ecs:RegisterTaskDefinition.taskRoleArn" },
    // terraform-provider-aws validates the string with validTaskDefinitionContainerDefinitions, which is
    // expandContainerDefinitions: encoding/json into []awstypes.ContainerDefinition (unknown fields are
    // dropped silently, field names match case-insensitively, wrong JSON types are refused), then it refuses
    // an all-zero definition and a versionConsistency outside the enum. No other field is checked.
    containerDefinitions: { json: "ecs:RegisterTaskDefinition.containerDefinitions" },
    "volumes[].name": { api: "ecs:RegisterTaskDefinition.volumes[].name", also: [ecsName("Volume.name")] },
    "volumes[].configureAtLaunch": { api: "ecs:RegisterTaskDefinition.volumes[].configuredAtLaunch" },
    "tags{key}": { api: "ecs:RegisterTaskDefinition.tags[].key", also: [ecsTagPrefix("RegisterTaskDefinitionRequest")] },
    "tags{}": { api: "ecs:RegisterTaskDefinition.tags[].value", also: [ecsTagPrefix("RegisterTaskDefinitionRequest")] },
} as const;

/** ALB listener and target group protocols. */
const albProtocols = (shape: string): Constraint => ({
    enum: ["HTTP", "HTTPS"],
    source: `botocore elbv2 model, documentation of ${shape}.Protocol: "For Application Load Balancers, the supported protocols are HTTP and HTTPS."`,
});

const elbv2Tags = (operation: string) => ({
    "tags{key}": { api: `elbv2:${operation}.Tags[].Key` },
    "tags{}": { api: `elbv2:${operation}.Tags[].Value` },
});

const policyName: Constraint = { min: 0, max: 255, source: `${TF} internal/service/appautoscaling/policy.go, name: validation.StringLenBetween(0, 255)` };

export const CONTAINERS_RULES: Readonly<Record<string, TypeRules>> = {
    "aws:ecs/cluster:Cluster": {
        creates: "ecs:CreateCluster",
        arguments: {
            "settings[].name": { api: "ecs:CreateCluster.settings[].name" },
            "settings[].value": {
                api: "ecs:CreateCluster.settings[].value",
                also: [{ enum: ["enhanced", "enabled", "disabled"], source: "botocore ecs model, documentation of ClusterSetting.value: \"The supported values are enhanced, enabled, and disabled.\"" }],
            },
            // ECS Exec's session logging (not passed yet; the program will add it).
            "configuration.executeCommandConfiguration.logging": {
                api: "ecs:CreateCluster.configuration.executeCommandConfiguration.logging",
                also: [{ enum: ["NONE", "DEFAULT", "OVERRIDE"], source: `${TF} internal/service/ecs/cluster.go, execute_command_configuration.logging: ValidateDiagFunc: enum.Validate[awstypes.ExecuteCommandLogging]() (Default: awstypes.ExecuteCommandLoggingDefault)` }],
            },
            "configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName": {
                reference: "aws:cloudwatch/logGroup:LogGroup.name",
                api: "ecs:CreateCluster.configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName",
            },
            "configuration.executeCommandConfiguration.logConfiguration.cloudWatchEncryptionEnabled": {
                api: "ecs:CreateCluster.configuration.executeCommandConfiguration.logConfiguration.cloudWatchEncryptionEnabled",
            },
            "tags{key}": { api: "ecs:CreateCluster.tags[].key", also: [ecsTagPrefix("CreateClusterRequest")] },
            "tags{}": { api: "ecs:CreateCluster.tags[].value", also: [ecsTagPrefix("CreateClusterRequest")] },
        },
        autoname: {
            property: "name",
            rule: {
                api: "ecs:CreateCluster.clusterName",
                also: [
                    { min: 1, max: 255, source: `${TF} internal/service/ecs/validate.go, validateClusterName: validation.StringLenBetween(1, 255)` },
                    { pattern: /^[0-9A-Za-z_-]+$/, source: `${TF} internal/service/ecs/validate.go, validateClusterName: validation.StringMatch(regexache.MustCompile("^[0-9A-Za-z_-]+$"), "The cluster name must consist of alphanumerics, hyphens, and underscores.")` },
                ],
            },
        },
    },

    "aws:ecs/taskDefinition:TaskDefinition": {
        creates: "ecs:RegisterTaskDefinition",
        arguments: taskDefinitionArguments,
    },

    // The scaled tier's daily garbage collection (components/fargate/garbageCollection.ts).
    "aws:scheduler/schedule:Schedule": {
        creates: "scheduler:CreateSchedule",
        arguments: {
            description: {
                api: "scheduler:CreateSchedule.Description",
                also: [{ max: 512, source: `${TF} internal/service/scheduler/schedule.go, description: validation.StringLenBetween(0, 512)` }],
            },
            scheduleExpression: {
                api: "scheduler:CreateSchedule.ScheduleExpression",
                also: [{
                    pattern: /^cron\((\d{1,2}) (\d{1,2}) \* \* \? \*\)$/,
                    source: "EventBridge Scheduler User Guide, Schedule types, cron-based schedules: cron(minutes hours day-of-month month day-of-week year), with ? in one of the day fields (the daily form this program writes)",
                }],
            },
            scheduleExpressionTimezone: { api: "scheduler:CreateSchedule.ScheduleExpressionTimezone" },
            "flexibleTimeWindow.mode": {
                api: "scheduler:CreateSchedule.FlexibleTimeWindow.Mode",
                also: [{ enum: ["OFF", "FLEXIBLE"], source: `${TF} internal/service/scheduler/schedule.go, flexible_time_window.mode: enum.Validate[awstypes.FlexibleTimeWindowMode]()` }],
            },
            "target.arn": { reference: "aws:ecs/cluster:Cluster.arn", api: "scheduler:CreateSchedule.Target.Arn" },
            "target.roleArn": { reference: "aws:iam/role:Role.arn", api: "scheduler:CreateSchedule.Target.RoleArn" },
            "target.ecsParameters.taskDefinitionArn": { reference: "aws:ecs/taskDefinition:TaskDefinition.arn", api: "scheduler:CreateSchedule.Target.EcsParameters.TaskDefinitionArn" },
            "target.ecsParameters.launchType": {
                api: "scheduler:CreateSchedule.Target.EcsParameters.LaunchType",
                also: [{ enum: ["EC2", "FARGATE", "EXTERNAL"], source: `${TF} internal/service/scheduler/schedule.go, ecs_parameters.launch_type: enum.Validate[awstypes.LaunchType]()` }],
            },
            "target.ecsParameters.taskCount": {
                api: "scheduler:CreateSchedule.Target.EcsParameters.TaskCount",
                also: [{ min: 0, max: 10, source: `${TF} internal/service/scheduler/schedule.go, ecs_parameters.task_count: validation.IntBetween(0, 10)` }],
            },
            "target.ecsParameters.networkConfiguration.subnets": { api: "scheduler:CreateSchedule.Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.Subnets" },
            "target.ecsParameters.networkConfiguration.subnets[]": { reference: "aws:ec2/subnet:Subnet.id", api: "scheduler:CreateSchedule.Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.Subnets[]" },
            "target.ecsParameters.networkConfiguration.securityGroups": { api: "scheduler:CreateSchedule.Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.SecurityGroups" },
            "target.ecsParameters.networkConfiguration.securityGroups[]": { reference: "aws:ec2/securityGroup:SecurityGroup.id", api: "scheduler:CreateSchedule.Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.SecurityGroups[]" },
            "target.retryPolicy.maximumRetryAttempts": {
                api: "scheduler:CreateSchedule.Target.RetryPolicy.MaximumRetryAttempts",
                also: [{ min: 0, max: 185, source: `${TF} internal/service/scheduler/schedule.go, retry_policy.maximum_retry_attempts: validation.IntBetween(0, 185)` }],
            },
        },
        autoname: {
            property: "name",
            rule: {
                api: "scheduler:CreateSchedule.Name",
                also: [{ pattern: /^[0-9A-Za-z_.-]{1,64}$/, source: `${TF} internal/service/scheduler/schedule.go, name: validation.StringLenBetween(1, 64) and validation.StringMatch(\`^[0-9A-Za-z_.-]+$\`)` }],
            },
        },
    },

    "aws:ecs/service:Service": {
        creates: "ecs:CreateService",
        arguments: {
            cluster: { reference: "aws:ecs/cluster:Cluster.arn", api: "ecs:CreateService.cluster" },
            taskDefinition: { reference: "aws:ecs/taskDefinition:TaskDefinition.arn", api: "ecs:CreateService.taskDefinition" },
            launchType: {
                api: "ecs:CreateService.launchType",
                also: [{ enum: ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"], source: `${TF} internal/service/ecs/service.go, launch_type: ValidateDiagFunc: enum.Validate[awstypes.LaunchType]()` }],
            },
            platformVersion: {
                api: "ecs:CreateService.platformVersion",
                also: [{ pattern: /^(LATEST|\d+\.\d+\.\d+)$/, source: "AWS ECS Developer Guide, Fargate Linux platform versions (platform-linux-fargate.html): \"You can specify a specific version number, for example 1.4.0, or LATEST.\"; botocore ecs model, documentation of CreateServiceRequest.platformVersion (\"If one isn't specified, the LATEST platform version is used.\")" }],
            },
            desiredCount: { api: "ecs:CreateService.desiredCount" },
            "networkConfiguration.subnets": {
                api: "ecs:CreateService.networkConfiguration.awsvpcConfiguration.subnets",
                also: [{ min: 1, max: 16, source: "botocore ecs model, documentation of AwsVpcConfiguration.subnets: \"There's a limit of 16 subnets that can be specified.\"; TF internal/service/ecs/service.go network_configuration.subnets Required" }],
            },
            "networkConfiguration.subnets[]": { reference: "aws:ec2/subnet:Subnet.id", api: "ecs:CreateService.networkConfiguration.awsvpcConfiguration.subnets[]" },
            "networkConfiguration.securityGroups": {
                api: "ecs:CreateService.networkConfiguration.awsvpcConfiguration.securityGroups",
                also: [{ max: 5, source: "botocore ecs model, documentation of AwsVpcConfiguration.securityGroups: \"There's a limit of 5 security groups that can be specified.\"" }],
            },
            "networkConfiguration.securityGroups[]": { reference: "aws:ec2/securityGroup:SecurityGroup.id", api: "ecs:CreateService.networkConfiguration.awsvpcConfiguration.securityGroups[]" },
            "loadBalancers[].targetGroupArn": { reference: "aws:lb/targetGroup:TargetGroup.arn", api: "ecs:CreateService.loadBalancers[].targetGroupArn" },
            "loadBalancers[].containerName": {
                api: "ecs:CreateService.loadBalancers[].containerName",
                also: [ecsName("ContainerDefinition.name (LoadBalancer.containerName is \"the name of the container (as it appears in a container definition)\")")],
            },
            "loadBalancers[].containerPort": {
                api: "ecs:CreateService.loadBalancers[].containerPort",
                also: [{ min: 0, max: 65536, source: `${TF} internal/service/ecs/service.go, load_balancer.container_port: validation.IntBetween(0, 65536)` }],
            },
            healthCheckGracePeriodSeconds: {
                api: "ecs:CreateService.healthCheckGracePeriodSeconds",
                also: [{ min: 0, max: 2147483647, source: `${TF} internal/service/ecs/service.go, health_check_grace_period_seconds: validation.IntBetween(0, math.MaxInt32)` }],
            },
            deploymentMinimumHealthyPercent: { api: "ecs:CreateService.deploymentConfiguration.minimumHealthyPercent" },
            deploymentMaximumPercent: { api: "ecs:CreateService.deploymentConfiguration.maximumPercent" },
            "deploymentCircuitBreaker.enable": { api: "ecs:CreateService.deploymentConfiguration.deploymentCircuitBreaker.enable" },
            "deploymentCircuitBreaker.rollback": { api: "ecs:CreateService.deploymentConfiguration.deploymentCircuitBreaker.rollback" },
            availabilityZoneRebalancing: {
                api: "ecs:CreateService.availabilityZoneRebalancing",
                also: [{ enum: ["ENABLED", "DISABLED"], source: `${TF} internal/service/ecs/service.go, availability_zone_rebalancing: ValidateDiagFunc: enum.Validate[awstypes.AvailabilityZoneRebalancing]()` }],
            },
            enableExecuteCommand: { api: "ecs:CreateService.enableExecuteCommand" },
            propagateTags: {
                api: "ecs:CreateService.propagateTags",
                also: [{ enum: ["TASK_DEFINITION", "SERVICE", "NONE"], source: `${TF} internal/service/ecs/service.go, propagate_tags: ValidateDiagFunc: enum.Validate[awstypes.PropagateTags]()` }],
            },
            waitForSteadyState: { provider: [], why: "terraform-provider-aws waits for the service to become stable after CreateService (wait_for_steady_state, Default false); nothing is sent" },
            "tags{key}": { api: "ecs:CreateService.tags[].key", also: [ecsTagPrefix("CreateServiceRequest")] },
            "tags{}": { api: "ecs:CreateService.tags[].value", also: [ecsTagPrefix("CreateServiceRequest")] },
        },
        // TF's `name` has no ValidateFunc; pulumi-aws autonames it with the default AutoName("name", 255, "-").
        autoname: { property: "name", rule: { api: "ecs:CreateService.serviceName", also: [ecsName("CreateServiceRequest.serviceName")] } },
    },

    "aws:appautoscaling/target:Target": {
        creates: "application-autoscaling:RegisterScalableTarget",
        arguments: {
            serviceNamespace: { api: "application-autoscaling:RegisterScalableTarget.ServiceNamespace" },
            scalableDimension: { api: "application-autoscaling:RegisterScalableTarget.ScalableDimension" },
            resourceId: {
                api: "application-autoscaling:RegisterScalableTarget.ResourceId",
                also: [{ pattern: /^service\/[^/]+\/[^/]+$/, source: "botocore application-autoscaling model, documentation of RegisterScalableTargetRequest.ResourceId: \"ECS service - The resource type is service and the unique identifier is the cluster name and service name. Example: service/my-cluster/my-service.\"" }],
            },
            minCapacity: {
                api: "application-autoscaling:RegisterScalableTarget.MinCapacity",
                also: [{ min: 0, source: "botocore application-autoscaling model, documentation of RegisterScalableTargetRequest.MinCapacity: \"For the following resources, the minimum value allowed is 0. ... ECS services\"" }],
            },
            maxCapacity: { api: "application-autoscaling:RegisterScalableTarget.MaxCapacity" },
            "tags{key}": { api: "application-autoscaling:RegisterScalableTarget.Tags{key}" },
            "tags{}": { api: "application-autoscaling:RegisterScalableTarget.Tags{}" },
        },
    },

    "aws:appautoscaling/policy:Policy": {
        creates: "application-autoscaling:PutScalingPolicy",
        arguments: {
            policyType: {
                api: "application-autoscaling:PutScalingPolicy.PolicyType",
                also: [{ enum: ["StepScaling", "TargetTrackingScaling", "PredictiveScaling"], source: `${TF} internal/service/appautoscaling/policy.go, policy_type: ValidateDiagFunc: enum.Validate[awstypes.PolicyType]()` }],
            },
            // The target's own inputs, passed on (not values AWS makes): checked as the policy sends them.
            serviceNamespace: { api: "application-autoscaling:PutScalingPolicy.ServiceNamespace" },
            scalableDimension: { api: "application-autoscaling:PutScalingPolicy.ScalableDimension" },
            // The target's own input, passed on: checked as the policy sends it.
            resourceId: { api: "application-autoscaling:PutScalingPolicy.ResourceId" },
            "targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType": {
                api: "application-autoscaling:PutScalingPolicy.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType",
            },
            "targetTrackingScalingPolicyConfiguration.targetValue": {
                api: "application-autoscaling:PutScalingPolicy.TargetTrackingScalingPolicyConfiguration.TargetValue",
                also: [{ min: -(2 ** 360), max: 2 ** 360, source: "botocore application-autoscaling model, documentation of TargetTrackingScalingPolicyConfiguration.TargetValue: \"Values must be in the range of -2^360 to 2^360.\"" }],
            },
            "targetTrackingScalingPolicyConfiguration.scaleOutCooldown": { api: "application-autoscaling:PutScalingPolicy.TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown" },
            "targetTrackingScalingPolicyConfiguration.scaleInCooldown": { api: "application-autoscaling:PutScalingPolicy.TargetTrackingScalingPolicyConfiguration.ScaleInCooldown" },
        },
        // pulumi-aws: default AutoName("name", 255, "-"); the model allows 1-256 printable characters.
        autoname: { property: "name", rule: { api: "application-autoscaling:PutScalingPolicy.PolicyName", also: [policyName] } },
    },

    "aws:lb/loadBalancer:LoadBalancer": {
        creates: "elbv2:CreateLoadBalancer",
        arguments: {
            loadBalancerType: {
                api: "elbv2:CreateLoadBalancer.Type",
                also: [{ enum: ["application", "network", "gateway"], source: `${TF} internal/service/elbv2/load_balancer.go, load_balancer_type: ValidateDiagFunc: enum.Validate[awstypes.LoadBalancerTypeEnum]()` }],
            },
            subnets: {
                api: "elbv2:CreateLoadBalancer.Subnets",
                also: [{ min: 2, source: "botocore elbv2 model, documentation of CreateLoadBalancerInput.Subnets: \"[Application Load Balancers] You must specify subnets from at least two Availability Zones.\" (and \"You can specify only one subnet per Availability Zone.\")" }],
            },
            "subnets[]": { reference: "aws:ec2/subnet:Subnet.id", api: "elbv2:CreateLoadBalancer.Subnets[]" },
            "securityGroups[]": { reference: "aws:ec2/securityGroup:SecurityGroup.id", api: "elbv2:CreateLoadBalancer.SecurityGroups[]" },
            // Attributes go to ModifyLoadBalancerAttributes after the create, as {Key, Value} pairs with the value as a string.
            idleTimeout: {
                api: "elbv2:ModifyLoadBalancerAttributes.Attributes[].Value",
                also: [{ min: 1, max: 4000, source: "botocore elbv2 model, documentation of LoadBalancerAttribute.Key: \"idle_timeout.timeout_seconds - The idle timeout value, in seconds. The valid range is 1-4000 seconds.\" (TF internal/service/elbv2/load_balancer.go: idle_timeout has no ValidateFunc; sent as key idle_timeout.timeout_seconds)" }],
            },
            desyncMitigationMode: {
                api: "elbv2:ModifyLoadBalancerAttributes.Attributes[].Value",
                also: [{ enum: ["monitor", "defensive", "strictest"], source: `${TF} internal/service/elbv2/load_balancer.go, desync_mitigation_mode: validation.StringInSlice(httpDesyncMitigationMode_Values(), false) (const.go: "monitor", "defensive", "strictest"); sent as key routing.http.desync_mitigation_mode` }],
            },
            xffHeaderProcessingMode: {
                api: "elbv2:ModifyLoadBalancerAttributes.Attributes[].Value",
                also: [{ enum: ["append", "preserve", "remove"], source: `${TF} internal/service/elbv2/load_balancer.go, xff_header_processing_mode: validation.StringInSlice(httpXFFHeaderProcessingMode_Values(), false) (const.go: "append", "preserve", "remove"); sent as key routing.http.xff_header_processing.mode` }],
            },
            ...elbv2Tags("CreateLoadBalancer"),
        },
        // pulumi-aws leaves aws_lb on the default AutoName("name", 255, "-") (provider/aliases.go gives it no
        // override): a logical name over 24 characters makes an autoname the validator below refuses.
        autoname: {
            property: "name",
            rule: {
                api: "elbv2:CreateLoadBalancer.Name",
                also: [
                    { max: 32, source: `${TF} internal/service/elbv2/validate.go, validName: if len(value) > 32 { "%q cannot be longer than 32 characters" }` },
                    { pattern: /^[0-9A-Za-z-]+$/, source: `${TF} internal/service/elbv2/validate.go, validName: regexache.MustCompile(\`^[0-9A-Za-z-]+$\`) "only alphanumeric characters and hyphens allowed"` },
                    { pattern: /^(?!-)/, source: `${TF} internal/service/elbv2/validate.go, validName: regexache.MustCompile(\`^-\`) "cannot begin with a hyphen"` },
                    { pattern: /[^-]$/, source: `${TF} internal/service/elbv2/validate.go, validName: regexache.MustCompile(\`-$\`) "cannot end with a hyphen"` },
                    { pattern: /^(?!internal-)/, source: `${TF} internal/service/elbv2/validate.go, validName: regexache.MustCompile(\`^internal-\`) "cannot begin with \\"internal-\\""; botocore elbv2 model, documentation of CreateLoadBalancerInput.Name` },
                ],
            },
        },
    },

    "aws:lb/targetGroup:TargetGroup": {
        creates: "elbv2:CreateTargetGroup",
        arguments: {
            vpcId: { reference: "aws:ec2/vpc:Vpc.id", api: "elbv2:CreateTargetGroup.VpcId" },
            targetType: {
                api: "elbv2:CreateTargetGroup.TargetType",
                also: [{ enum: ["instance", "ip", "lambda", "alb"], source: `${TF} internal/service/elbv2/target_group.go, target_type: ValidateDiagFunc: enum.Validate[awstypes.TargetTypeEnum]()` }],
            },
            protocol: { api: "elbv2:CreateTargetGroup.Protocol", also: [albProtocols("CreateTargetGroupInput")] },
            port: {
                api: "elbv2:CreateTargetGroup.Port",
                also: [{ min: 1, max: 65535, source: `${TF} internal/service/elbv2/target_group.go, port: validation.IntBetween(1, 65535)` }],
            },
            "healthCheck.path": {
                api: "elbv2:CreateTargetGroup.HealthCheckPath",
                also: [{ pattern: /^(?:\/[\s\S]{0,1023})?$/, source: `${TF} internal/service/elbv2/target_group.go, health_check.path: validation.Any(validation.All(validation.StringLenBetween(1, 1024), verify.StringHasPrefix("/")), validation.StringIsEmpty)` }],
            },
            "healthCheck.matcher": {
                api: "elbv2:CreateTargetGroup.Matcher.HttpCode",
                also: [{ pattern: /^[2-4]\d\d(?:-[2-4]\d\d)?(?:,[2-4]\d\d(?:-[2-4]\d\d)?)*$/, source: "botocore elbv2 model, documentation of Matcher.HttpCode: \"For Application Load Balancers, you can specify values between 200 and 499, with the default value being 200. You can specify multiple values (for example, \\\"200,202\\\") or a range of values (for example, \\\"200-299\\\").\" (TF health_check.matcher has no ValidateFunc)" }],
            },
            "healthCheck.interval": {
                api: "elbv2:CreateTargetGroup.HealthCheckIntervalSeconds",
                also: [{ min: 5, max: 300, source: `${TF} internal/service/elbv2/target_group.go, health_check.interval: validation.IntBetween(5, 300)` }],
            },
            "healthCheck.timeout": {
                api: "elbv2:CreateTargetGroup.HealthCheckTimeoutSeconds",
                also: [{ min: 2, max: 120, source: `${TF} internal/service/elbv2/target_group.go, health_check.timeout: validation.IntBetween(2, 120)` }],
            },
            "healthCheck.healthyThreshold": {
                api: "elbv2:CreateTargetGroup.HealthyThresholdCount",
                also: [{ min: 2, max: 10, source: `${TF} internal/service/elbv2/target_group.go, health_check.healthy_threshold: validation.IntBetween(2, 10)` }],
            },
            "healthCheck.unhealthyThreshold": {
                api: "elbv2:CreateTargetGroup.UnhealthyThresholdCount",
                also: [{ min: 2, max: 10, source: `${TF} internal/service/elbv2/target_group.go, health_check.unhealthy_threshold: validation.IntBetween(2, 10)` }],
            },
            // An attribute set with ModifyTargetGroupAttributes after the create (key deregistration_delay.timeout_seconds, the value as a string).
            deregistrationDelay: {
                api: "elbv2:ModifyTargetGroupAttributes.Attributes[].Value",
                also: [{ min: 0, max: 3600, source: `${TF} internal/service/elbv2/target_group.go, deregistration_delay: nullable.ValidateTypeStringNullableIntBetween(0, 3600); botocore elbv2 model, documentation of TargetGroupAttribute.Key: "deregistration_delay.timeout_seconds ... The range is 0-3600 seconds."` }],
            },
            ...elbv2Tags("CreateTargetGroup"),
        },
        autoname: {
            property: "name",
            rule: {
                api: "elbv2:CreateTargetGroup.Name",
                also: [
                    { max: 32, source: `${TF} internal/service/elbv2/validate.go, validTargetGroupName: if len(value) > 32 { "%q cannot be longer than 32 characters" }; pulumi-aws provider/aliases.go: "name": tfbridge.AutoName("name", 32, "-")` },
                    { pattern: /^[0-9A-Za-z-]+$/, source: `${TF} internal/service/elbv2/validate.go, validTargetGroupName: regexache.MustCompile(\`^[0-9A-Za-z-]+$\`) "only alphanumeric characters and hyphens allowed"` },
                    { pattern: /^(?!-)/, source: `${TF} internal/service/elbv2/validate.go, validTargetGroupName: regexache.MustCompile(\`^-\`) "cannot begin with a hyphen"` },
                    { pattern: /[^-]$/, source: `${TF} internal/service/elbv2/validate.go, validTargetGroupName: regexache.MustCompile(\`-$\`) "cannot end with a hyphen"` },
                ],
            },
        },
    },

    "aws:lb/listener:Listener": {
        creates: "elbv2:CreateListener",
        arguments: {
            loadBalancerArn: { reference: "aws:lb/loadBalancer:LoadBalancer.arn", api: "elbv2:CreateListener.LoadBalancerArn" },
            port: {
                api: "elbv2:CreateListener.Port",
                also: [{ min: 1, max: 65535, source: `${TF} internal/service/elbv2/listener.go, port: validation.IsPortNumber` }],
            },
            protocol: { api: "elbv2:CreateListener.Protocol", also: [albProtocols("CreateListenerInput")] },
            // No provider validator (ssl_policy: Optional, Computed). ALBs take only predefined policies
            // ("Application Load Balancers do not support custom security policies", describe-ssl-policies.html).
            sslPolicy: { api: "elbv2:CreateListener.SslPolicy" },
            // With a domain, the CertificateValidation's certificateArn (the Certificate's ARN); without one, the imported Certificate's arn.
            certificateArn: { reference: "aws:acm/certificate:Certificate.arn", api: "elbv2:CreateListener.Certificates[].CertificateArn" },
            "defaultActions[].type": {
                api: "elbv2:CreateListener.DefaultActions[].Type",
                also: [{ enum: ["forward", "authenticate-oidc", "authenticate-cognito", "redirect", "fixed-response", "jwt-validation"], source: `${TF} internal/service/elbv2/listener.go, default_action.type: ValidateDiagFunc: enum.ValidateIgnoreCase[awstypes.ActionTypeEnum]() (case-insensitive there; the API's enum is lower case)` }],
            },
            "defaultActions[].targetGroupArn": { reference: "aws:lb/targetGroup:TargetGroup.arn", api: "elbv2:CreateListener.DefaultActions[].TargetGroupArn" },
            "defaultActions[].redirect.protocol": {
                api: "elbv2:CreateListener.DefaultActions[].RedirectConfig.Protocol",
                also: [{ enum: ["#{protocol}", "HTTP", "HTTPS"], source: `${TF} internal/service/elbv2/listener.go, default_action.redirect.protocol: validation.StringInSlice([]string{"#{protocol}", "HTTP", "HTTPS"}, false)` }],
            },
            "defaultActions[].redirect.port": {
                api: "elbv2:CreateListener.DefaultActions[].RedirectConfig.Port",
                also: [{ pattern: /^(?:#\{port\}|[1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5])$/, source: "botocore elbv2 model, documentation of RedirectActionConfig.Port: \"The port. You can specify a value from 1 to 65535 or #{port}.\" (TF default_action.redirect.port has no ValidateFunc)" }],
            },
            "defaultActions[].redirect.statusCode": {
                api: "elbv2:CreateListener.DefaultActions[].RedirectConfig.StatusCode",
                also: [{ enum: ["HTTP_301", "HTTP_302"], source: `${TF} internal/service/elbv2/listener.go, default_action.redirect.status_code: ValidateDiagFunc: enum.Validate[awstypes.RedirectActionStatusCodeEnum]()` }],
            },
            ...elbv2Tags("CreateListener"),
        },
    },
};
