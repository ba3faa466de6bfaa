// Every type and data source the program uses, with its rules: a type missing here fails the
// argument check (test/aws-arguments.test.ts), so a new resource cannot go unchecked.
import { TypeRules } from "../types";
import { CONTAINERS_RULES } from "./containers";
import { EC2_RULES } from "./ec2";
import { IDENTITY_RULES } from "./identity";
import { OUTSIDE_AWS_RULES } from "./outsideAws";
import { STORES_RULES } from "./stores";

export const AWS_RULES: Readonly<Record<string, TypeRules>> = {
    ...EC2_RULES,
    ...IDENTITY_RULES,
    ...STORES_RULES,
    ...CONTAINERS_RULES,
    ...OUTSIDE_AWS_RULES,
};
