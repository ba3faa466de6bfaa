import * as pulumi from "@pulumi/pulumi";

/** The command that follows a stack's logs in CloudWatch Logs (every stream of its group, newest first from the last hour). */
export function logsTailCommand(region: pulumi.Input<string>, logGroupName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`aws logs tail ${logGroupName} --region ${region} --since 1h --follow`;
}
