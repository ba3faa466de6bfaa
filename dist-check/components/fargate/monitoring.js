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
exports.FargateMonitoring = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
/**
 * Alarms of the scaled tier, from metrics AWS publishes itself (nothing runs in the tasks for
 * them): no healthy task behind the balancer for 5 minutes, and the database's storage running
 * out. Task failures and restarts need no alarm of their own: ECS replaces failed tasks, and a
 * failed release rolls back (the circuit breaker) while `pulumi up` reports it.
 */
class FargateMonitoring extends pulumi.ComponentResource {
    topicArn;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:FargateMonitoring", name, {}, opts);
        const { alarmEmail, dbStorageGiB, dbFreeStoragePercent, tags } = { dbFreeStoragePercent: 15, tags: {}, ...args };
        const parent = { parent: this };
        const topic = new aws.sns.Topic(`${name}-alarms`, { tags }, parent);
        new aws.sns.TopicSubscription(`${name}-alarms-email`, { topic: topic.arn, protocol: "email", endpoint: alarmEmail }, parent);
        new aws.cloudwatch.MetricAlarm(`${name}-healthy-tasks`, {
            alarmDescription: "No MLflow task has passed the load balancer's /health check for 5 minutes",
            namespace: "AWS/ApplicationELB",
            metricName: "HealthyHostCount",
            dimensions: { LoadBalancer: args.loadBalancerDimension, TargetGroup: args.targetGroupDimension },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 5,
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            // Not "breaching": a new stack has no data until its first tasks register (FACTS.md).
            treatMissingData: "missing",
            alarmActions: [topic.arn],
            okActions: [topic.arn],
            tags,
        }, parent);
        new aws.cloudwatch.MetricAlarm(`${name}-db-storage`, {
            alarmDescription: `The MLflow database has less than ${dbFreeStoragePercent} % of its ${dbStorageGiB} GiB free`,
            namespace: "AWS/RDS",
            metricName: "FreeStorageSpace",
            dimensions: { DBInstanceIdentifier: args.dbInstanceIdentifier },
            statistic: "Minimum",
            period: 300,
            evaluationPeriods: 3,
            threshold: dbStorageGiB * 1024 ** 3 * dbFreeStoragePercent / 100,
            comparisonOperator: "LessThanThreshold",
            alarmActions: [topic.arn],
            okActions: [topic.arn],
            tags,
        }, parent);
        this.topicArn = topic.arn;
        this.registerOutputs({ topicArn: this.topicArn });
    }
}
exports.FargateMonitoring = FargateMonitoring;
//# sourceMappingURL=monitoring.js.map