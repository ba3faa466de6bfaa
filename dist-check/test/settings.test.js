"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const node_test_1 = require("node:test");
const yaml_1 = require("yaml");
const projectRoot_1 = require("../lib/projectRoot");
const settings_1 = require("../lib/settings");
const stackConfig_1 = require("../lib/stackConfig");
const root = (0, projectRoot_1.projectRoot)();
function problemsOf(raw) {
    try {
        (0, settings_1.validateSettings)(raw);
    }
    catch (error) {
        strict_1.default.ok(error instanceof settings_1.SettingsError, `expected a SettingsError, got ${error}`);
        return error.problems;
    }
    strict_1.default.fail(`expected ${JSON.stringify(raw)} to be rejected`);
}
(0, node_test_1.describe)("settings", () => {
    (0, node_test_1.test)("defaults give a Graviton host, one admin, everyone allowed, current versions", () => {
        const settings = (0, settings_1.validateSettings)({});
        strict_1.default.equal(settings.target, "aws");
        strict_1.default.equal(settings.instanceType, "t4g.small");
        strict_1.default.equal(settings.architecture, "arm64");
        strict_1.default.deepEqual(settings.users, ["admin"]);
        strict_1.default.deepEqual(settings.allowedCidrs, ["0.0.0.0/0"], "IPv4 only: the stack's network has no IPv6");
        strict_1.default.equal(settings.mlflowVersion, "3.17.2");
        strict_1.default.equal(settings.nginxVersion, "1.30.6");
        strict_1.default.equal(settings.protectData, false);
        strict_1.default.equal(settings.domain, undefined);
    });
    // Each bad value: the error names the key, repeats the value and says what is accepted.
    const cases = [
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
        ["localHttpsPort", "70000", /from 1 to 65535/],
        // AWS's own bounds (harness/awsRules holds every argument to them; these are the settings that reach one).
        ["domain", `${"a".repeat(61)}.com`, /at most 64 characters .*ACM/],
        ["route53ZoneId", `Z${"A".repeat(32)}`, /at most 32 characters/, { domain: "mlflow.example.com" }],
        ["allowedCidrs", JSON.stringify(Array.from({ length: 31 }, (_, i) => `10.${i}.0.0/16`)), /at most 30 blocks .*60 inbound rules/],
        ["allowedCidrs", JSON.stringify(["10.0.0.0/8", "192.0.2.0/24", "10.0.0.0/8"]), /each block once/],
    ];
    for (const [key, value, accepted, context] of cases) {
        (0, node_test_1.test)(`${key} = ${value} is rejected with a message naming key, value and what is accepted`, () => {
            const problems = problemsOf({ ...context, [key]: value });
            strict_1.default.equal(problems.length, 1, problems.join("\n"));
            strict_1.default.match(problems[0], new RegExp(`^${key} = `));
            // The value as given, or the offending list item.
            const offending = value.startsWith("[") ? JSON.parse(value)[0] ?? "[]" : value;
            strict_1.default.ok(problems[0].includes(offending), `${problems[0]} should repeat ${offending}`);
            strict_1.default.match(problems[0], accepted);
        });
    }
    (0, node_test_1.test)("settings that only make sense together are checked together", () => {
        strict_1.default.match(problemsOf({ route53ZoneId: "Z123ABC" })[0], /needs `domain`/);
        strict_1.default.match(problemsOf({ acmeEmail: "ops@example.com" })[0], /needs `domain`/);
        strict_1.default.match(problemsOf({ localHttpPort: "9000", localHttpsPort: "9000" })[0], /other than localHttpsPort/);
    });
    (0, node_test_1.test)("every problem is reported in one pass", () => {
        const problems = problemsOf({ instanceType: "x", users: JSON.stringify(["A"]), dataVolumeGiB: "-1" });
        strict_1.default.deepEqual(problems.map(p => p.split(" ")[0]).sort(), ["dataVolumeGiB", "instanceType", "users"]);
        const error = new settings_1.SettingsError(problems);
        strict_1.default.match(error.message, /pulumi config set/);
    });
    (0, node_test_1.test)("the instance type decides the architecture", () => {
        for (const type of ["t4g.small", "m7g.large", "c7gn.xlarge", "r8gd.2xlarge", "g5g.xlarge", "a1.medium", "m6gd.large"]) {
            strict_1.default.equal((0, settings_1.architectureOf)(type), "arm64", type);
        }
        for (const type of ["t3.small", "t3a.medium", "m7i.large", "c6in.xlarge", "g5.xlarge", "m5zn.large", "inf2.xlarge"]) {
            strict_1.default.equal((0, settings_1.architectureOf)(type), "x86_64", type);
        }
        strict_1.default.equal((0, settings_1.architectureOf)("mac2.metal"), undefined);
    });
    (0, node_test_1.test)("Nitro types are accepted, the newest and the oldest Nitro families alike", () => {
        for (const instanceType of ["t3.micro", "t3a.small", "m5.large", "c5.large", "r5.large", "i3.metal", "i3en.large", "t4g.nano", "a1.medium", "m7i-flex.large"]) {
            strict_1.default.equal((0, settings_1.validateSettings)({ instanceType }).instanceType, instanceType);
        }
    });
    (0, node_test_1.test)("CIDR blocks are checked for both families", () => {
        strict_1.default.equal((0, settings_1.cidrProblem)("0.0.0.0/0"), undefined);
        strict_1.default.equal((0, settings_1.cidrProblem)("::/0"), undefined);
        strict_1.default.equal((0, settings_1.cidrProblem)("2001:db8::/32"), undefined);
        strict_1.default.equal((0, settings_1.cidrProblem)("192.0.2.0/24"), undefined);
        strict_1.default.match((0, settings_1.cidrProblem)("2001:db8::1/64"), /bits set/);
        strict_1.default.match((0, settings_1.cidrProblem)("192.0.2.0"), /not a CIDR/);
    });
    (0, node_test_1.test)("Pulumi.yaml declares every setting with a description and the same default", () => {
        const declared = (0, yaml_1.parse)((0, node_fs_1.readFileSync)(path.join(root, "Pulumi.yaml"), "utf8")).config;
        strict_1.default.deepEqual(Object.keys(declared).sort(), Object.keys(settings_1.DEFAULTS).sort());
        for (const [key, declaration] of Object.entries(declared)) {
            strict_1.default.ok(declaration.description.length > 20, `${key} needs a description`);
            strict_1.default.deepEqual(declaration.default, settings_1.DEFAULTS[key], `default of ${key}`);
        }
    });
    (0, node_test_1.test)("README's settings table lists every setting with its default", () => {
        const readme = (0, node_fs_1.readFileSync)(path.join(root, "README.md"), "utf8");
        const rows = new Map([...readme.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)].map(m => [m[1], m[2].trim()]));
        for (const [key, value] of Object.entries(settings_1.DEFAULTS)) {
            strict_1.default.ok(rows.has(key), `README lacks a row for ${key}`);
            const expected = value === "" ? "(none)" : `\`${typeof value === "object" ? JSON.stringify(value).replace(/,/g, ", ") : value}\``;
            strict_1.default.equal(rows.get(key), expected, `README default of ${key}`);
        }
    });
    (0, node_test_1.test)("the shipped stack files are valid, and prod protects its data", () => {
        const dev = (0, settings_1.validateSettings)((0, stackConfig_1.readStackFile)("dev").raw);
        strict_1.default.equal(dev.domain, undefined);
        const prod = (0, settings_1.validateSettings)((0, stackConfig_1.readStackFile)("prod").raw);
        strict_1.default.equal(prod.domain, "mlflow.example.com");
        strict_1.default.equal(prod.protectData, true);
        strict_1.default.notEqual(prod.instanceType, dev.instanceType);
    });
    (0, node_test_1.test)("an unknown key in the project's namespace is an error, other namespaces are ignored", () => {
        strict_1.default.throws(() => (0, stackConfig_1.toRawConfig)("mlflow-on-aws", { "mlflow-on-aws:instancetype": "t3.small" }, "Pulumi.x.yaml"), /mlflow-on-aws:instancetype \(in Pulumi.x.yaml\) is not a setting/);
        strict_1.default.deepEqual((0, stackConfig_1.toRawConfig)("mlflow-on-aws", { "aws:region": "eu-west-1", "mlflow-on-aws:users": ["a", "b"] }, "x"), { users: '["a","b"]' });
    });
});
//# sourceMappingURL=settings.test.js.map