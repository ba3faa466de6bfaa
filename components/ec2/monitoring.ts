import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../shared/arns";
import { DISK_WARN_PERCENT, METRIC_NAMESPACE } from "../../lib/render/schedule";

export interface MonitoringArgs {
    instanceId: pulumi.Input<string>;
    /** Receives the alarms by e-mail (the subscription must be confirmed once); without it only automatic recovery is set up. */
    alarmEmail?: string;
    /** Percentage of the data volume at which the disk alarm fires. */
    diskAlarmPercent?: number;
    tags?: Record<string, string>;
}

/** Namespace of the metrics the host publishes (mlflow-monitor gets it through host.env). */
export { METRIC_NAMESPACE };

/**
 * Self-healing and alarms: EC2 recovers the instance onto healthy hardware when AWS's system
 * check fails; with an e-mail address, alarms fire when /health fails or the data volume fills.
 */
export class Monitoring extends pulumi.ComponentResource {
    readonly topicArn?: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:Monitoring", name, {}, opts);
        const { instanceId, alarmEmail, diskAlarmPercent, tags } = { diskAlarmPercent: DISK_WARN_PERCENT, tags: {}, ...args };
        const parent = { parent: this };
        const stack = pulumi.getStack();
        const region = aws.getRegionOutput({}, parent).region;
        const partition = partitionOf(parent);

        let notify: pulumi.Output<string>[] = [];
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
            alarmActions: [pulumi.interpolate`arn:${partition}:automate:${region}:ec2:recover`, ...notify],
            tags,
        }, parent);

        if (alarmEmail) {
            new aws.cloudwatch.MetricAlarm(`${name}-health`, {
                alarmDescription: "MLflow's /health through nginx has failed for 15 minutes",
                namespace: METRIC_NAMESPACE,
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
                namespace: METRIC_NAMESPACE,
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
