// Names and texts built from the stack name, made fit for the AWS fields that accept fewer
// characters than Pulumi allows in a stack name (^[A-Za-z0-9_.-]{1,100}$: capitals, dots,
// underscores). The argument check (harness/awsRules) holds every such field to its rule.
import { createHash } from "crypto";

/** What one kind of AWS field accepts. */
export interface NameRule {
    /** The characters the field refuses (a global expression); each run of them becomes one "-". */
    readonly refused: RegExp;
    /** Fields that AWS stores in lower case (RDS identifiers): written so from the start. */
    readonly lowercase?: boolean;
    /** No "-" at the start or the end (RDS identifiers). */
    readonly trimHyphens?: boolean;
    /** The longest the name may be, its hash included. */
    readonly maxLength?: number;
}

/** A DLM policy description: ^[0-9A-Za-z _-]+$ (terraform-provider-aws internal/service/dlm/lifecycle_policy.go). */
export const DLM_DESCRIPTION: NameRule = { refused: /[^0-9A-Za-z _-]+/g };
/** A part of an X.509 common name (RFC 5280 bounds the name at 64 characters): any stack name's characters, `maxLength` set where it is used. */
export const COMMON_NAME_PART: NameRule = { refused: /[^A-Za-z0-9_. -]+/g };
/** An RDS snapshot identifier: letters, digits and single hyphens, no hyphen at the end; RDS keeps it in lower case. */
export const RDS_IDENTIFIER: NameRule = { refused: /[^a-z0-9]+/g, lowercase: true, trimHyphens: true };
/** An ECS task definition family: letters, digits, "_" and "-" (ECS's RegisterTaskDefinition). */
export const ECS_FAMILY: NameRule = { refused: /[^A-Za-z0-9_-]+/g };

/**
 * `name` as the field accepts it. A name the field accepts stays as it is, so that the stacks that
 * exist keep their resources' names; one that had to change gets 6 hex characters of its hash, so
 * that "prod.eu" and "prod_eu" stay apart.
 */
export function nameForAws(name: string, rule: NameRule): string {
    let fitted = (rule.lowercase ? name.toLowerCase() : name).replace(rule.refused, "-");
    if (rule.trimHyphens) fitted = fitted.replace(/^-+|-+$/g, "");
    if (fitted === name && fitted.length <= (rule.maxLength ?? Infinity)) return name;
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
    if (rule.maxLength !== undefined) fitted = fitted.slice(0, rule.maxLength - hash.length - 1);
    if (rule.trimHyphens) fitted = fitted.replace(/-+$/, "");
    return fitted === "" ? hash : `${fitted}-${hash}`;
}
