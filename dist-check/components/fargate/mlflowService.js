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
exports.MlflowService = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const awsNames_1 = require("../../lib/awsNames");
const taskContainers_1 = require("../../lib/render/taskContainers");
/**
 * MLflow's ECS service: Graviton tasks behind the load balancer in two zones, rolling deployments
 * that never drop below full capacity (new tasks start before old ones stop), the circuit breaker
 * rolling a release back when its tasks do not become healthy, target tracking on CPU between the
 * bounds, and ECS Exec for a shell.
 */
class MlflowService extends pulumi.ComponentResource {
    serviceName;
    taskDefinitionArn;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:MlflowService", name, {}, opts);
        const { cpu, memory, desiredCount, minCount, maxCount, targetCpuPercent, tags } = { targetCpuPercent: 60, tags: {}, ...args };
        if (!(minCount <= desiredCount && desiredCount <= maxCount))
            throw new Error(`MlflowService: ${minCount} <= ${desiredCount} <= ${maxCount} does not hold`);
        const parent = { parent: this };
        // Registered only after the schema upgrade: a release whose migration failed never
        // becomes a task definition, so the service cannot roll to it.
        const taskDefinition = new aws.ecs.TaskDefinition(name, {
            family: `${name}-${(0, awsNames_1.nameForAws)(pulumi.getStack(), awsNames_1.ECS_FAMILY)}`,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
            cpu: String(cpu),
            memory: String(memory),
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
            loadBalancers: [{ targetGroupArn: args.targetGroupArn, containerName: taskContainers_1.CONTAINER_NAMES.nginx, containerPort: taskContainers_1.TASK_LISTEN_PORT }],
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
            resourceId: pulumi.interpolate `service/${args.clusterName}/${service.name}`,
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
exports.MlflowService = MlflowService;
//# sourceMappingURL=mlflowService.js.map