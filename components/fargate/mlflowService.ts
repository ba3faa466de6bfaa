import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fargateTaskShape } from "./taskShape";
import { CONTAINER_NAMES, EcsContainerDefinition, TASK_LISTEN_PORT } from "../../lib/render/taskContainers";

export interface MlflowServiceArgs {
    /** The task's containers (serviceContainers): MLflow's servers and nginx. */
    readonly containers: pulumi.Input<EcsContainerDefinition[]>;
    /** CPU units and MiB of a task (a pair Fargate offers; lib/settings.ts checks it). */
    readonly cpu: number;
    readonly memory: number;
    readonly clusterArn: pulumi.Input<string>;
    readonly clusterName: pulumi.Input<string>;
    readonly executionRoleArn: pulumi.Input<string>;
    readonly taskRoleArn: pulumi.Input<string>;
    /** Subnets in two zones; tasks get a public address there for their way out (FargateNetwork explains why). */
    readonly subnetIds: pulumi.Input<string>[];
    readonly securityGroupId: pulumi.Input<string>;
    readonly targetGroupArn: pulumi.Input<string>;
    /** The listener that forwards to the target group: ECS refuses a target group no load balancer uses yet. */
    readonly listener: pulumi.Resource;
    /** Tasks at the first deployment, and the bounds target tracking keeps the count within. */
    readonly desiredCount: number;
    readonly minCount: number;
    readonly maxCount: number;
    /** What must have happened before a new task definition may be registered (the schema upgrade). */
    readonly after: pulumi.Input<pulumi.Resource>[];
    /** Average CPU the autoscaling keeps the tasks at. */
    readonly targetCpuPercent?: number;
    readonly tags?: Record<string, string>;
}

/**
 * MLflow's ECS service: Graviton tasks behind the load balancer in two zones, rolling deployments
 * that never drop below full capacity (new tasks start before old ones stop), the circuit breaker
 * rolling a release back when its tasks do not become healthy, target tracking on CPU between the
 * bounds, and ECS Exec for a shell.
 */
export class MlflowService extends pulumi.ComponentResource {
    readonly serviceName: pulumi.Output<string>;
    readonly taskDefinitionArn: pulumi.Output<string>;

    constructor(name: string, args: MlflowServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:MlflowService", name, {}, opts);
        const { cpu, memory, desiredCount, minCount, maxCount, targetCpuPercent, tags } = { targetCpuPercent: 60, tags: {}, ...args };
        if (!(minCount <= desiredCount && desiredCount <= maxCount)) throw new Error(`MlflowService: ${minCount} <= ${desiredCount} <= ${maxCount} does not hold`);
        const parent = { parent: this };

        // Registered only after the schema upgrade: a release whose migration failed never
        // becomes a task definition, so the service cannot roll to it.
        const taskDefinition = new aws.ecs.TaskDefinition(name, {
            ...fargateTaskShape(name, { cpu, memory }),
            executionRoleArn: args.executionRoleArn,
            taskRoleArn: args.taskRoleArn,
            containerDefinitions: pulumi.jsonStringify(args.containers),
            tags,
        }, { ...parent, dependsOn: args.after });

        const service = new aws.ecs.Service(name, {
            cluster: args.clusterArn,
            taskDefinition: taskDefinition.arn,
            launchType: "FARGATE",
            platformVersion: "LATEST",
            desiredCount,
            networkConfiguration: { subnets: args.subnetIds, securityGroups: [args.securityGroupId], assignPublicIp: true },
            loadBalancers: [{ targetGroupArn: args.targetGroupArn, containerName: CONTAINER_NAMES.nginx, containerPort: TASK_LISTEN_PORT }],
            // MLflow's first start (imports, database connection) takes a while; the target group's checks wait this long.
            healthCheckGracePeriodSeconds: 180,
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            availabilityZoneRebalancing: "ENABLED",
            enableExecuteCommand: true,
            propagateTags: "SERVICE",
            // `pulumi up` reports a failed rollout (the circuit breaker's rollback) instead of succeeding early.
            waitForSteadyState: true,
            tags,
        }, {
            ...parent,
            dependsOn: [args.listener],
            // Autoscaling owns the count after the first deployment.
            ignoreChanges: ["desiredCount"],
        });

        const target = new aws.appautoscaling.Target(name, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${args.clusterName}/${service.name}`,
            minCapacity: minCount,
            maxCapacity: maxCount,
            tags,
        }, parent);
        new aws.appautoscaling.Policy(`${name}-cpu`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                targetValue: targetCpuPercent,
                scaleOutCooldown: 60,
                // Slow to scale in: a leaving task's transfers get the target group's deregistration delay, not more.
                scaleInCooldown: 300,
            },
        }, parent);

        this.serviceName = service.name;
        this.taskDefinitionArn = taskDefinition.arn;
        this.registerOutputs({ serviceName: this.serviceName, taskDefinitionArn: this.taskDefinitionArn });
    }
}
