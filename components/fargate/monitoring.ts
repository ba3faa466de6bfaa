import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface FargateMonitoringArgs {
    /** Receives the alarms by e-mail (the subscription must be confirmed once). */
    readonly alarmEmail: string;
    /** CloudWatch dimensions of the balancer and its target group (their ARN suffixes). */
    readonly loadBalancerDimension: pulumi.Input<string>;
    readonly targetGroupDimension: pulumi.Input<string>;
    readonly dbInstanceIdentifier: pulumi.Input<string>;
    /** The database's allocated storage, for the free-space threshold. */
    readonly dbStorageGiB: number;
    /** Free share of the database's storage below which the storage alarm fires. */
    readonly dbFreeStoragePercent?: number;
    readonly tags?: Record<string, string>;
}

/**
 * Alarms of the scaled tier, from metrics AWS publishes itself (nothing runs in the tasks for
 * them): no healthy task behind the balancer for 5 minutes, and the database's storage running
 * out. Task failures and restarts need no alarm of their own: ECS replaces failed tasks, and a
 * failed release rolls back (the circuit breaker) while `pulumi up` reports it.
 */
export class FargateMonitoring extends pulumi.ComponentResource {
    readonly topicArn: pulumi.Output<string>;

    constructor(name: string, args: FargateMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
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
