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
exports.Monitoring = exports.METRIC_NAMESPACE = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const arns_1 = require("../shared/arns");
const schedule_1 = require("../../lib/render/schedule");
Object.defineProperty(exports, "METRIC_NAMESPACE", { enumerable: true, get: function () { return schedule_1.METRIC_NAMESPACE; } });
/**
 * Self-healing and alarms: EC2 recovers the instance onto healthy hardware when AWS's system
 * check fails; with an e-mail address, alarms fire when /health fails or the data volume fills.
 */
class Monitoring extends pulumi.ComponentResource {
    topicArn;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:Monitoring", name, {}, opts);
        const { instanceId, alarmEmail, diskAlarmPercent, tags } = { diskAlarmPercent: schedule_1.DISK_WARN_PERCENT, tags: {}, ...args };
        const parent = { parent: this };
        const stack = pulumi.getStack();
        const region = aws.getRegionOutput({}, parent).region;
        const partition = (0, arns_1.partitionOf)(parent);
        let notify = [];
        if (alarmEmail) {
            const topic = new aws.sns.Topic(`${name}-alarms`, { tags }, parent);
            new aws.sns.TopicSubscription(`${name}-alarms-email`, { topic: topic.arn, protocol: "email", endpoint: alarmEmail }, parent);
            this.topicArn = topic.arn;
            notify = [topic.arn];
        }
        new aws.cloudwatch.MetricAlarm(`${name}-recover`, {
            alarmDescription: "EC2 system status check failed: recover the MLflow host onto healthy hardware",
            namespace: "AWS/EC2",
            metricName: "StatusCheckFailed_System",
            dimensions: { InstanceId: instanceId },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 2,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            alarmActions: [pulumi.interpolate `arn:${partition}:automate:${region}:ec2:recover`, ...notify],
            tags,
        }, parent);
        if (alarmEmail) {
            new aws.cloudwatch.MetricAlarm(`${name}-health`, {
                alarmDescription: "MLflow's /health through nginx has failed for 15 minutes",
                namespace: schedule_1.METRIC_NAMESPACE,
                metricName: "HealthCheckOk",
                dimensions: { Stack: stack },
                statistic: "Minimum",
                period: 300,
                evaluationPeriods: 3,
                threshold: 1,
                comparisonOperator: "LessThanThreshold",
                // A new or replaced host reports its first value minutes after boot; counting the
                // gap as a failure would fire on every deployment. A host that stops reporting
                // leaves the alarm in INSUFFICIENT_DATA; failed hardware is the recovery alarm's case.
                treatMissingData: "missing",
                alarmActions: notify,
                okActions: notify,
                tags,
            }, parent);
            new aws.cloudwatch.MetricAlarm(`${name}-disk`, {
                alarmDescription: `The MLflow data volume is over ${diskAlarmPercent}% full: raise dataVolumeGiB, run pulumi up, then restart mlflow.service on the host (it grows the filesystem)`,
                namespace: schedule_1.METRIC_NAMESPACE,
                metricName: "DataVolumeUsedPercent",
                dimensions: { Stack: stack },
                statistic: "Maximum",
                period: 300,
                evaluationPeriods: 2,
                threshold: diskAlarmPercent,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                alarmActions: notify,
                okActions: notify,
                tags,
            }, parent);
        }
        this.registerOutputs({ topicArn: this.topicArn });
    }
}
exports.Monitoring = Monitoring;
//# sourceMappingURL=monitoring.js.map