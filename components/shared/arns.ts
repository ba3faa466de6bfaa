import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The partition of the stack's region (aws, aws-cn, aws-us-gov): the first field of every ARN the
 * program writes, so that the same program deploys to China and GovCloud regions too.
 */
export const partitionOf = (opts: pulumi.InvokeOutputOptions): pulumi.Output<string> => aws.getPartitionOutput({}, opts).partition;

/** An AWS managed policy's ARN in the partition, e.g. "service-role/AWSLambdaBasicExecutionRole". */
export const managedPolicyArn = (partition: pulumi.Input<string>, name: string): pulumi.Output<string> =>
    pulumi.interpolate`arn:${partition}:iam::aws:policy/${name}`;

/** ARNs of this account and region in the partition: `arn(service, resource)` is arn:<partition>:<service>:<region>:<account>:<resource>. */
export function regionalArns(partition: pulumi.Input<string>, opts: pulumi.InvokeOutputOptions): (service: string, resource: pulumi.Input<string>) => pulumi.Output<string> {
    const region = aws.getRegionOutput({}, opts).region;
    const account = aws.getCallerIdentityOutput({}, opts).accountId;
    return (service, resource) => pulumi.interpolate`arn:${partition}:${service}:${region}:${account}:${resource}`;
}

/**
 * Session Manager's channels, which its agent opens for a shell: on the host (the SSM agent) and
 * in a task (ECS Exec) alike. These actions name no resource.
 */
export const SESSION_CHANNEL_ACTIONS = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"] as const;
