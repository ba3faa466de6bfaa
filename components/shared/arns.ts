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
