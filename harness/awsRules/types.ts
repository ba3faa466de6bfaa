// The shape of the argument rules: for each resource type and data source the program uses,
// which argument becomes which AWS API parameter, and what AWS and the provider accept there.

/**
 * A constraint beyond AWS's API model (the provider's own validator, or AWS's documentation where
 * the model states none). `source` names where it comes from, e.g.
 * "terraform-provider-aws internal/service/dlm/lifecycle_policy.go: validation.StringMatch(`^[0-9A-Za-z _-]+$`)".
 */
export interface Constraint {
    readonly pattern?: RegExp;
    /** Characters of a string, items of a list, or the value of a number. */
    readonly min?: number;
    readonly max?: number;
    readonly enum?: readonly string[];
    readonly source: string;
}

/**
 * How an argument reaches AWS. Argument paths are the Pulumi input's property path: `a.b` for a
 * nested object, `a[]` for each element of a list, `a{}` for each value of a map and `a{key}` for
 * each of its keys. API paths are "<botocore service>:<Operation>.<Member>.<Member>", with the
 * same `[]`, `{}` and `{key}` steps, e.g. "ec2:RunInstances.BlockDeviceMappings[].Ebs.VolumeSize".
 */
export type ArgumentRule =
    /** Sent to AWS as this API parameter: checked against its shape (pattern, min/max, enum) and `also`. */
    | { readonly api: string; readonly also?: readonly Constraint[] }
    /** A JSON document the provider parses and sends as this parameter's structure (e.g. ECS container definitions): every field checked against the model. */
    | { readonly json: string; readonly also?: readonly Constraint[] }
    /** Consumed by the provider itself (never sent as such), with the provider's validators. */
    | { readonly provider: readonly Constraint[]; readonly why: string }
    /**
     * An id, ARN or name that another resource or a data source returned (its real value is
     * AWS's own), sent as this API parameter. Under mocks its value is the mock's, so it is
     * checked to be one the mocks produced rather than a literal of the program.
     */
    | { readonly reference: string; readonly api: string };

export interface ResourceRules {
    /** The call that creates the resource, "<service>:<Operation>" (for documentation; arguments name their own). */
    readonly creates: string;
    readonly arguments: Readonly<Record<string, ArgumentRule>>;
    /**
     * The property Pulumi fills with "<logical name>-<7 random characters>" when the program
     * leaves it out, and the rule of the parameter it becomes.
     */
    readonly autoname?: { readonly property: string; readonly rule: ArgumentRule; readonly lowercase?: boolean };
}

/** A type that is not an AWS resource (tls, random, docker), with why no AWS rule applies. */
export interface OutsideAws {
    readonly outsideAws: string;
}

export type TypeRules = ResourceRules | OutsideAws;
