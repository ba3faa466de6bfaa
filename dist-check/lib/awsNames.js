"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ECS_FAMILY = exports.RDS_IDENTIFIER = exports.COMMON_NAME_PART = exports.DLM_DESCRIPTION = void 0;
exports.nameForAws = nameForAws;
// Names and texts built from the stack name, made fit for the AWS fields that accept fewer
// characters than Pulumi allows in a stack name (^[A-Za-z0-9_.-]{1,100}$: capitals, dots,
// underscores). The argument check (harness/awsRules) holds every such field to its rule.
const crypto_1 = require("crypto");
/** A DLM policy description: ^[0-9A-Za-z _-]+$ (terraform-provider-aws internal/service/dlm/lifecycle_policy.go). */
exports.DLM_DESCRIPTION = { refused: /[^0-9A-Za-z _-]+/g };
/** A part of an X.509 common name (RFC 5280 bounds the name at 64 characters): any stack name's characters, `maxLength` set where it is used. */
exports.COMMON_NAME_PART = { refused: /[^A-Za-z0-9_. -]+/g };
/** An RDS snapshot identifier: letters, digits and single hyphens, no hyphen at the end; RDS keeps it in lower case. */
exports.RDS_IDENTIFIER = { refused: /[^a-z0-9]+/g, lowercase: true, trimHyphens: true };
/** An ECS task definition family: letters, digits, "_" and "-" (ECS's RegisterTaskDefinition). */
exports.ECS_FAMILY = { refused: /[^A-Za-z0-9_-]+/g };
/**
 * `name` as the field accepts it. A name the field accepts stays as it is, so that the stacks that
 * exist keep their resources' names; one that had to change gets 6 hex characters of its hash, so
 * that "prod.eu" and "prod_eu" stay apart.
 */
function nameForAws(name, rule) {
    let fitted = (rule.lowercase ? name.toLowerCase() : name).replace(rule.refused, "-");
    if (rule.trimHyphens)
        fitted = fitted.replace(/^-+|-+$/g, "");
    if (fitted === name && fitted.length <= (rule.maxLength ?? Infinity))
        return name;
    const hash = (0, crypto_1.createHash)("sha256").update(name).digest("hex").slice(0, 6);
    if (rule.maxLength !== undefined)
        fitted = fitted.slice(0, rule.maxLength - hash.length - 1);
    if (rule.trimHyphens)
        fitted = fitted.replace(/-+$/, "");
    return fitted === "" ? hash : `${fitted}-${hash}`;
}
//# sourceMappingURL=awsNames.js.map