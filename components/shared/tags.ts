import * as pulumi from "@pulumi/pulumi";

/** Every resource of a stack carries this tag, with stackTagValue() as its value; look-ups find a stack's resources by it. */
export const STACK_TAG = "mlflow-on-aws:stack";
export const stackTagValue = () => `${pulumi.getProject()}-${pulumi.getStack()}`;

/** The tags of every resource of this stack. */
export const stackTags = (): Record<string, string> => ({ [STACK_TAG]: stackTagValue() });
