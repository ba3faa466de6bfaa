import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { projectRoot } from "../lib/projectRoot";
import { architectureOf, cidrProblem, DEFAULTS, SECRET_SETTINGS, SettingKey, SettingsError, validateSettings } from "../lib/settings";
import { readStackFile, toRawConfig } from "../lib/stackConfig";

const root = projectRoot();
/** A complete auth oidc configuration. */
const OIDC: Record<string, string> = { auth: "oidc", oidcIssuerUrl: "https://idp.example.com", oidcClientId: "mlflow", oidcClientSecret: "client-secret-0123456789" };

function problemsOf(raw: Record<string, string>): string[] {
    try {
        validateSettings(raw);
    } catch (error) {
        assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${error}`);
        return error.problems;
    }
    assert.fail(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe("settings", () => {
    test("defaults give a Graviton host, one admin, everyone allowed, current versions", () => {
        const settings = validateSettings({});
        assert.equal(settings.target, "aws");
        assert.equal(settings.instanceType, "t4g.small");
        assert.equal(settings.architecture, "arm64");
        assert.deepEqual(settings.users, ["admin"]);
        assert.deepEqual(settings.allowedCidrs, ["0.0.0.0/0"], "IPv4 only: the stack's network has no IPv6");
        assert.equal(settings.mlflowVersion, "3.17.2");
        assert.equal(settings.nginxVersion, "1.30.6");
        assert.equal(settings.protectData, false);
        assert.equal(settings.domain, undefined);
    });

    // Each bad value: the error names the key, repeats the value and says what is accepted.
    const cases: Array<[SettingKey, string, RegExp, Record<string, string>?]> = [
        ["target", "kubernetes", /accepted: aws or local/],
        ["domain", "Not A Domain", /fully qualified domain name/],
        ["domain", "mlflow.example.com.", /fully qualified domain name/],
        ["route53ZoneId", "zone-1", /hosted zone id/, { domain: "mlflow.example.com" }],
        ["acmeEmail", "not-an-email", /e-mail address/, { domain: "mlflow.example.com" }],
        ["instanceType", "small", /EC2 instance type/],
        ["instanceType", "mac2.metal", /not mac/],
        ["amiId", "ubuntu", /AMI id/],
        ["allowedCidrs", "10.0.0.0/8", /list of strings/],
        ["allowedCidrs", JSON.stringify(["10.0.0.1/8"]), /bits set past its prefix/],
        ["allowedCidrs", JSON.stringify(["300.1.1.0/24"]), /not a CIDR block/],
        ["allowedCidrs", JSON.stringify(["2001:db8::/129"]), /prefix longer than 128/],
        ["allowedCidrs", JSON.stringify([]), /at least one CIDR/],
        ["subnetId", "subnet-xyz", /subnet id/],
        ["mlflowVersion", "latest", /MLflow release 3.0.0 or later/],
        ["mlflowVersion", "2.22.0", /MLflow release 3.0.0 or later/],
        ["nginxVersion", "1.27.5", /CVE-2026-42945/],
        ["nginxVersion", "1.30.0", /1.30.2 or later/],
        ["nginxVersion", "1.30.1", /1.30.2 or later/],
        ["instanceType", "t2.micro", /Nitro instance type/],
        ["instanceType", "m4.large", /Nitro instance type/],
        ["instanceType", "c4.xlarge", /Nitro instance type/],
        ["instanceType", "r4.large", /Nitro instance type/],
        ["instanceType", "i3.large", /Nitro instance type/],
        ["allowedCidrs", JSON.stringify(["::/0"]), /IPv4 blocks only/],
        ["allowedCidrs", JSON.stringify(["2001:db8::/32", "192.0.2.0/24"]), /IPv4 blocks only/],
        ["dataVolumeGiB", "0", /whole number from 1 to 16384/],
        ["dataVolumeGiB", "20.5", /whole number/],
        ["dataSnapshotId", "vol-0123456789abcdef0", /snapshot id/],
        ["users", JSON.stringify(["Admin"]), /starting with a letter/],
        ["users", JSON.stringify(["ci", "ci"]), /each name once/],
        ["users", JSON.stringify([]), /1 to 50 user names/],
        ["maxUploadSize", "5 GB", /nginx syntax/],
        ["protectData", "yes", /true or false/],
        ["backupRetentionDays", "0", /from 1 to 1000/],
        ["alarmEmail", "ops", /e-mail address/],
        ["logRetentionDays", "4", /one of CloudWatch Logs' periods 0, 1, 3, 5, 7, 14, 30/],
        ["logRetentionDays", "-1", /from 0 to 3653/],
        ["localHttpsPort", "70000", /from 1 to 65535/],
        // AWS's own bounds (harness/awsRules holds every argument to them; these are the settings that reach one).
        ["domain", `${"a".repeat(61)}.com`, /at most 64 characters .*ACM/],
        ["route53ZoneId", `Z${"A".repeat(32)}`, /at most 32 characters/, { domain: "mlflow.example.com" }],
        ["allowedCidrs", JSON.stringify(Array.from({ length: 31 }, (_, i) => `10.${i}.0.0/16`)), /at most 30 blocks .*60 inbound rules/],
        ["allowedCidrs", JSON.stringify(["10.0.0.0/8", "192.0.2.0/24", "10.0.0.0/8"]), /each block once/],
        ["auth", "saml", /accepted: basic or mlflow or oidc/],
        ["auth", "oidc", /accepted with target aws \(the host and the scaled tier\)/, { ...OIDC, target: "local" }],
        ["oidcIssuerUrl", "http://idp.example.com", /accepted: the provider's https issuer URL/, { ...OIDC }],
        ["oidcIssuerUrl", "https://idp.example.com/?tenant=1", /accepted: the provider's https issuer URL/, { ...OIDC }],
        ["oidcClientId", "has space", /printable characters without spaces/, { ...OIDC }],
        ["oidcScopes", JSON.stringify(["email", "profile"]), /holds openid/, { ...OIDC }],
        ["oidcScopes", JSON.stringify(["bad scope", "openid"]), /scope names as OAuth 2.0 spells them/, { ...OIDC }],
        ["oidcGroupsClaim", "groups claim", /a claim name such as groups or cognito:groups/, { ...OIDC }],
        ["oidcAdminGroups", JSON.stringify(["ops,admins"]), /without commas/, { ...OIDC }],
        ["oidcAllowedGroups", JSON.stringify(Array.from({ length: 21 }, (_, index) => `team-${index}`)), /at most 20 groups/, { ...OIDC }],
        ["oidcEmailDomains", JSON.stringify([]), /at least one domain/, { ...OIDC }],
        ["oidcEmailDomains", JSON.stringify(["Example.COM"]), /lower-case domains/, { ...OIDC }],
        ["oidcSessionHours", "200", /from 1 to 168/, { ...OIDC }],
        ["oidcEmailDomains", JSON.stringify(["*"]), /any Google account could sign in/, { ...OIDC, oidcIssuerUrl: "https://accounts.google.com" }],
        ["oidcClientId", "mlflow", /only means something with auth oidc/],
        ["auth", "mlflow", /accepted with target aws \(the host and the scaled tier\)/, { target: "local" }],
        ["auth", "mlflow", /needs mlflowVersion 3\.16\.1 or later .*CVE-2026-2635/, { mlflowVersion: "3.16.0" }],
        ["authDefaultPermission", "WRITE", /accepted: READ or EDIT or MANAGE or NO_PERMISSIONS/, { auth: "mlflow" }],
        ["authDefaultPermission", "NO_PERMISSIONS", /only means something with auth mlflow/],
    ];
    for (const [key, value, accepted, context] of cases) {
        test(`${key} = ${value} is rejected with a message naming key, value and what is accepted`, () => {
            const problems = problemsOf({ ...context, [key]: value });
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], new RegExp(`^${key} = `));
            // The value as given, or the offending list item.
            const offending = value.startsWith("[") ? (JSON.parse(value) as string[])[0] ?? "[]" : value;
            assert.ok(problems[0].includes(offending), `${problems[0]} should repeat ${offending}`);
            assert.match(problems[0], accepted);
        });
    }

    test("auth mlflow on the host and the scaled tier takes its default permission; basic stays the default", () => {
        assert.equal(validateSettings({}).auth, "basic");
        for (const tier of [{ backendStore: "rds", artifactStore: "s3" }, { compute: "fargate", backendStore: "rds", artifactStore: "s3" }]) {
            const settings = validateSettings({ auth: "mlflow", authDefaultPermission: "NO_PERMISSIONS", ...tier });
            assert.equal(settings.auth, "mlflow");
            assert.equal(settings.authDefaultPermission, "NO_PERMISSIONS");
        }
    });

    test("auth oidc: the provider's settings with their defaults; the client secret is checked but never kept or shown", () => {
        const settings = validateSettings({ ...OIDC, oidcAdminGroups: JSON.stringify(["mlflow-admins"]), authDefaultPermission: "NO_PERMISSIONS" });
        assert.equal(settings.auth, "oidc");
        assert.deepEqual(settings.oidc, {
            issuerUrl: "https://idp.example.com", clientId: "mlflow", scopes: ["openid", "email", "profile"], groupsClaim: "groups",
            adminGroups: ["mlflow-admins"], allowedGroups: [], emailDomains: ["*"], sessionHours: 12,
        });
        assert.ok(!JSON.stringify(settings).includes(OIDC.oidcClientSecret), "the client secret is part of the settings");
        assert.equal(validateSettings({}).oidc, undefined);
        assert.equal(validateSettings({ ...OIDC, compute: "fargate", backendStore: "rds", artifactStore: "s3" }).auth, "oidc", "the scaled tier takes it");
        const required = problemsOf({ auth: "oidc" });
        for (const key of ["oidcIssuerUrl", "oidcClientId", "oidcClientSecret"]) assert.ok(required.some(p => p.startsWith(`${key}`) && /needed with auth oidc/.test(p)), `${key}: ${required.join("; ")}`);
        const badSecret = "has 'quotes' in it";
        const secretProblems = problemsOf({ ...OIDC, oidcClientSecret: badSecret });
        assert.match(secretProblems.join("\n"), /oidcClientSecret \(a secret, not shown\): accepted/);
        assert.ok(!secretProblems.join("\n").includes(badSecret), "the error shows the secret");
        const leftOver = problemsOf({ oidcClientSecret: "client-secret-0123456789" });
        assert.match(leftOver[0], /oidcClientSecret \(a secret, not shown\): only means something with auth oidc/);
        assert.ok(!leftOver[0].includes("client-secret-0123456789"));
        // Lists equal to their defaults, as Pulumi hands declared defaults over, are not "set".
        assert.equal(validateSettings({ oidcScopes: JSON.stringify(["openid", "email", "profile"]), oidcAdminGroups: "[]" }).auth, "basic");
    });

    test("settings that only make sense together are checked together", () => {
        assert.match(problemsOf({ route53ZoneId: "Z123ABC" })[0], /needs `domain`/);
        assert.match(problemsOf({ acmeEmail: "ops@example.com" })[0], /needs `domain`/);
        assert.match(problemsOf({ localHttpPort: "9000", localHttpsPort: "9000" })[0], /other than localHttpsPort/);
    });

    test("every problem is reported in one pass", () => {
        const problems = problemsOf({ instanceType: "x", users: JSON.stringify(["A"]), dataVolumeGiB: "-1" });
        assert.deepEqual(problems.map(p => p.split(" ")[0]).sort(), ["dataVolumeGiB", "instanceType", "users"]);
        const error = new SettingsError(problems);
        assert.match(error.message, /pulumi config set/);
    });

    test("the instance type decides the architecture", () => {
        for (const type of ["t4g.small", "m7g.large", "c7gn.xlarge", "r8gd.2xlarge", "g5g.xlarge", "a1.medium", "m6gd.large"]) {
            assert.equal(architectureOf(type), "arm64", type);
        }
        for (const type of ["t3.small", "t3a.medium", "m7i.large", "c6in.xlarge", "g5.xlarge", "m5zn.large", "inf2.xlarge"]) {
            assert.equal(architectureOf(type), "x86_64", type);
        }
        assert.equal(architectureOf("mac2.metal"), undefined);
    });

    test("Nitro types are accepted, the newest and the oldest Nitro families alike", () => {
        for (const instanceType of ["t3.micro", "t3a.small", "m5.large", "c5.large", "r5.large", "i3.metal", "i3en.large", "t4g.nano", "a1.medium", "m7i-flex.large"]) {
            assert.equal(validateSettings({ instanceType }).instanceType, instanceType);
        }
    });

    test("CIDR blocks are checked for both families", () => {
        assert.equal(cidrProblem("0.0.0.0/0"), undefined);
        assert.equal(cidrProblem("::/0"), undefined);
        assert.equal(cidrProblem("2001:db8::/32"), undefined);
        assert.equal(cidrProblem("192.0.2.0/24"), undefined);
        assert.match(cidrProblem("2001:db8::1/64")!, /bits set/);
        assert.match(cidrProblem("192.0.2.0")!, /not a CIDR/);
    });

    test("Pulumi.yaml declares every setting with a description and the same default", () => {
        const declared = (parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default: unknown; description: string; type: string; secret?: boolean }> }).config;
        assert.deepEqual(Object.keys(declared).sort(), [...Object.keys(DEFAULTS), ...SECRET_SETTINGS].sort());
        for (const [key, declaration] of Object.entries(declared)) {
            assert.ok(declaration.description.length > 20, `${key} needs a description`);
            if ((SECRET_SETTINGS as readonly string[]).includes(key)) {
                // A secret has no default a stack could inherit, and Pulumi refuses it unencrypted.
                assert.deepEqual([declaration.secret, "default" in declaration], [true, false], `${key} is declared secret, without a default`);
            } else {
                assert.deepEqual(declaration.default, DEFAULTS[key as SettingKey], `default of ${key}`);
            }
        }
    });

    test("README's settings table lists every setting with its default", () => {
        // The full table lives in docs/settings.md, linked from README's short one.
        const settingsDoc = readFileSync(path.join(root, "docs", "settings.md"), "utf8");
        const rows = new Map([...settingsDoc.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)].map(m => [m[1], m[2].trim()]));
        for (const [key, value] of Object.entries(DEFAULTS)) {
            assert.ok(rows.has(key), `docs/settings.md lacks a row for ${key}`);
            const expected = value === "" ? "(none)" : `\`${typeof value === "object" ? JSON.stringify(value).replace(/,/g, ", ") : value}\``;
            assert.equal(rows.get(key), expected, `docs/settings.md default of ${key}`);
        }
    });

    test("the shipped stack files are valid, and prod protects its data", () => {
        const dev = validateSettings(readStackFile("dev").raw);
        assert.equal(dev.domain, undefined);
        const prod = validateSettings(readStackFile("prod").raw);
        assert.equal(prod.domain, "mlflow.example.com");
        assert.equal(prod.protectData, true);
        assert.notEqual(prod.instanceType, dev.instanceType);
    });

    test("an unknown key in the project's namespace is an error, other namespaces are ignored", () => {
        assert.throws(() => toRawConfig("mlflow-on-aws", { "mlflow-on-aws:instancetype": "t3.small" }, "Pulumi.x.yaml"),
            /mlflow-on-aws:instancetype \(in Pulumi.x.yaml\) is not a setting/);
        assert.deepEqual(toRawConfig("mlflow-on-aws", { "aws:region": "eu-west-1", "mlflow-on-aws:users": ["a", "b"] }, "x"),
            { users: '["a","b"]' });
    });
});
