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
// The Pulumi program under mocks: the resource graph, resource options, outputs and secrets.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_zlib_1 = require("node:zlib");
const node_test_1 = require("node:test");
const pulumi = __importStar(require("@pulumi/pulumi"));
const yaml_1 = require("yaml");
const pulumiProgram_1 = require("./support/pulumiProgram");
const cloudConfigOf = (run) => {
    const userData = run.one("aws:ec2/instance:Instance").inputs.userDataBase64;
    return (0, node_zlib_1.gunzipSync)(Buffer.from(userData, "base64")).toString("utf8");
};
(0, node_test_1.describe)("default stack (no domain)", () => {
    let run;
    (0, node_test_1.before)(async () => { run = await (0, pulumiProgram_1.runProgram)({}); });
    (0, node_test_1.test)("the security group lets in TCP 80 and 443 from the allowed CIDRs, and nothing else", () => {
        const group = run.one("aws:ec2/securityGroup:SecurityGroup");
        strict_1.default.equal(group.inputs.ingress, undefined, "no inline rules");
        const ingress = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs);
        const seen = ingress.map(r => `${r.ipProtocol} ${r.fromPort}-${r.toPort} ${r.cidrIpv4 ?? r.cidrIpv6}`).sort();
        strict_1.default.deepEqual(seen, ["tcp 443-443 0.0.0.0/0", "tcp 80-80 0.0.0.0/0"]);
        const egress = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(r => r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6);
        strict_1.default.deepEqual(egress, ["0.0.0.0/0"], "IPv4 only: the VPC has no IPv6 block or route, so an IPv6 rule would promise nothing");
        strict_1.default.equal(run.one("aws:ec2/vpc:Vpc").inputs.assignGeneratedIpv6CidrBlock, undefined);
    });
    (0, node_test_1.test)("its own VPC with a public subnet in a zone that offers the instance type", () => {
        const subnet = run.one("aws:ec2/subnet:Subnet");
        strict_1.default.equal(subnet.inputs.availabilityZone, "eu-central-1a", "first zone, sorted, that offers t4g.small");
        const offerings = run.invokes.find(i => i.token === "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings");
        strict_1.default.deepEqual(offerings.inputs.filters, [{ name: "instance-type", values: ["t4g.small"] }]);
        const routes = run.one("aws:ec2/routeTable:RouteTable");
        strict_1.default.equal(routes.inputs.routes[0].cidrBlock, "0.0.0.0/0");
        strict_1.default.equal(run.ofType("aws:ec2/vpc:Vpc").length, 1);
    });
    (0, node_test_1.test)("the instance: Debian 13 AMI of its architecture, a public address from launch, IMDSv2 only, encrypted root, no key pair, Session Manager", () => {
        const instance = run.one("aws:ec2/instance:Instance");
        strict_1.default.equal(instance.name, "mlflow-arm64");
        strict_1.default.equal(instance.inputs.ami, pulumiProgram_1.MOCK_AMI);
        const ami = run.invokes.find(i => i.token === "aws:ssm/getParameter:getParameter");
        strict_1.default.equal(ami.inputs.name, "/aws/service/debian/release/13/latest/arm64");
        strict_1.default.equal(run.one("aws:ec2/subnet:Subnet").inputs.mapPublicIpOnLaunch, false);
        strict_1.default.equal(instance.inputs.associatePublicIpAddress, true, "cloud-init's apt-get runs before the Elastic IP is associated: without an address of its own the host cannot reach the archive");
        strict_1.default.deepEqual(instance.options.ignoreChanges, ["ami"], "a newly published AMI must not replace the host");
        strict_1.default.equal(instance.inputs.metadataOptions.httpTokens, "required");
        strict_1.default.equal(instance.inputs.metadataOptions.httpPutResponseHopLimit, 1);
        strict_1.default.equal(instance.inputs.rootBlockDevice.encrypted, true);
        strict_1.default.equal(instance.inputs.keyName, undefined);
        strict_1.default.equal(instance.inputs.userDataReplaceOnChange, true);
        strict_1.default.equal(instance.inputs.maintenanceOptions.autoRecovery, "default");
        const policies = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(r => r.inputs.policyArn);
        strict_1.default.deepEqual(policies, ["arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole"], "the snapshot policy's role only: AmazonSSMManagedInstanceCore would let the host read every parameter of the account");
        const sessionManager = JSON.parse(run.ofType("aws:iam/rolePolicy:RolePolicy").find(r => r.name === "mlflow-session-manager").inputs.policy);
        strict_1.default.deepEqual(sessionManager.Statement, [{ Effect: "Allow", Action: ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource: "*" }]);
        const everyAction = run.ofType("aws:iam/rolePolicy:RolePolicy").flatMap(r => JSON.parse(r.inputs.policy).Statement)
            .filter((statement) => statement.Resource === "*").flatMap((statement) => statement.Action);
        strict_1.default.ok(!everyAction.some(action => action.startsWith("ssm:GetParameter")), "no parameter of the account is readable by the host");
        strict_1.default.ok(instance.inputs.iamInstanceProfile, "instance profile set");
        strict_1.default.deepEqual(instance.dependsOn, ["mlflow-session-manager", "mlflow-secrets-and-metrics"], "IAM before first use: the first boot reads the secrets with the role's policies, so they exist before the instance");
    });
    (0, node_test_1.test)("the data volume: encrypted gp3 in the subnet's zone, attached so that a replaced host gets it", () => {
        const volume = run.one("aws:ebs/volume:Volume");
        strict_1.default.equal(volume.inputs.encrypted, true);
        strict_1.default.equal(volume.inputs.type, "gp3");
        strict_1.default.equal(volume.inputs.size, 20);
        strict_1.default.equal(volume.inputs.availabilityZone, run.one("aws:ec2/subnet:Subnet").inputs.availabilityZone);
        strict_1.default.equal(volume.options.retainOnDelete, false, "dev stack: destroy deletes the volume");
        const attachment = run.one("aws:ec2/volumeAttachment:VolumeAttachment");
        strict_1.default.equal(attachment.options.deleteBeforeReplace, true);
        strict_1.default.equal(attachment.inputs.stopInstanceBeforeDetaching, true);
        strict_1.default.equal(attachment.inputs.volumeId, "mlflow-data-id");
        strict_1.default.equal(attachment.inputs.instanceId, "mlflow-arm64-id");
        strict_1.default.equal(run.one("aws:ec2/eipAssociation:EipAssociation").options.deleteBeforeReplace, true);
        strict_1.default.equal(run.one("aws:ec2/eip:Eip").inputs.domain, "vpc");
    });
    (0, node_test_1.test)("daily snapshots of exactly that volume, kept for backupRetentionDays", () => {
        const volume = run.one("aws:ebs/volume:Volume");
        const policy = run.one("aws:dlm/lifecyclePolicy:LifecyclePolicy").inputs.policyDetails;
        strict_1.default.deepEqual(policy.resourceTypes, ["VOLUME"]);
        for (const [key, value] of Object.entries(policy.targetTags))
            strict_1.default.equal(volume.inputs.tags[key], value);
        strict_1.default.equal(policy.schedules[0].copyTags, true, "snapshots carry the volume's tags, the backup tag among them");
        strict_1.default.equal(policy.schedules[0].tagsToAdd, undefined, "DLM refuses a tag to add that copyTags already copies");
        strict_1.default.equal(policy.schedules[0].retainRule.count, 14);
        strict_1.default.equal(policy.schedules[0].createRule.interval, 24);
    });
    (0, node_test_1.test)("secrets go to SSM SecureString parameters that only the host role reads", () => {
        const parameters = run.ofType("aws:ssm/parameter:Parameter");
        strict_1.default.deepEqual(parameters.map(p => p.inputs.name).sort(), ["/mlflow-on-aws/test/htpasswd", "/mlflow-on-aws/test/tls-fallback-key"]);
        for (const parameter of parameters) {
            strict_1.default.equal(parameter.inputs.type, "SecureString");
            strict_1.default.ok(run.secretInputs.includes(`${parameter.name}.value`), `${parameter.name}.value is sent as a secret`);
        }
        const htpasswd = parameters.find(p => p.inputs.name.endsWith("htpasswd")).inputs.value;
        strict_1.default.match(htpasswd, /^admin:\{SSHA\}[A-Za-z0-9+/]{38}==\n$/);
        const policy = JSON.parse(run.ofType("aws:iam/rolePolicy:RolePolicy").find(r => r.name === "mlflow-secrets-and-metrics").inputs.policy);
        const read = policy.Statement.find((s) => s.Action.includes("ssm:GetParameter"));
        strict_1.default.equal(read.Resource.length, 2);
        for (const arn of read.Resource)
            strict_1.default.match(arn, /^arn:aws:ssm:eu-central-1:123456789012:parameter\/mlflow-on-aws\/test\//);
    });
    (0, node_test_1.test)("outputs: URL on the Elastic IP, CA certificate, session command; passwords and trackingEnv secret", () => {
        const { outputs } = run;
        strict_1.default.equal(outputs.url.value, `https://${pulumiProgram_1.MOCK_PUBLIC_IP}`);
        strict_1.default.equal(outputs.healthUrl.value, `https://${pulumiProgram_1.MOCK_PUBLIC_IP}/health`);
        strict_1.default.deepEqual(outputs.users.value, ["admin"]);
        strict_1.default.match(outputs.caCertPem.value, /BEGIN CERTIFICATE/);
        strict_1.default.equal(outputs.publicIp.value, pulumiProgram_1.MOCK_PUBLIC_IP);
        strict_1.default.match(outputs.sessionCommand.value, /^aws ssm start-session --region eu-central-1 --target mlflow-arm64-id$/);
        strict_1.default.equal(outputs.dataVolumeId.value, "mlflow-data-id");
        strict_1.default.match(outputs.dataRetention.value, /^pulumi destroy deletes the data volume mlflow-data-id\. Its daily snapshots stay/);
        strict_1.default.match(outputs.dataRetention.value, /Name=tag:mlflow-on-aws:backup,Values=mlflow-on-aws-test$/);
        strict_1.default.equal(outputs.passwords.secret, true);
        strict_1.default.equal(outputs.trackingEnv.secret, true);
        const password = outputs.passwords.value.admin;
        strict_1.default.equal(password.length, 40);
        const env = outputs.trackingEnv.value;
        strict_1.default.ok(env.includes(`export MLFLOW_TRACKING_URI='https://${pulumiProgram_1.MOCK_PUBLIC_IP}'`));
        strict_1.default.ok(env.includes(`export MLFLOW_TRACKING_USERNAME='admin'`));
        strict_1.default.ok(env.includes(`export MLFLOW_TRACKING_PASSWORD='${password}'`));
        strict_1.default.match(env, /MLFLOW_TRACKING_SERVER_CERT_PATH='mlflow-ca.pem'/);
        for (const [key, output] of Object.entries(outputs)) {
            if (!output.secret)
                strict_1.default.ok(!JSON.stringify(output.value).includes(password), `${key} leaks the password`);
        }
    });
    (0, node_test_1.test)("user data: a gzip'd cloud-config under 16 KiB, without any secret", () => {
        const userData = run.one("aws:ec2/instance:Instance").inputs.userDataBase64;
        strict_1.default.ok(Buffer.from(userData, "base64").length < 16384);
        const cloudConfig = cloudConfigOf(run);
        strict_1.default.match(cloudConfig, /^#cloud-config\n/);
        const password = run.outputs.passwords.value.admin;
        const htpasswd = run.ofType("aws:ssm/parameter:Parameter").find(p => p.inputs.name.endsWith("htpasswd")).inputs.value;
        const key = run.ofType("aws:ssm/parameter:Parameter").find(p => p.inputs.name.endsWith("key")).inputs.value;
        strict_1.default.ok(!cloudConfig.includes(password));
        strict_1.default.ok(!cloudConfig.includes(htpasswd.trim().split(":")[1]));
        strict_1.default.ok(!cloudConfig.includes("PRIVATE KEY"));
        strict_1.default.ok(key.includes("PRIVATE KEY"));
        const config = (0, yaml_1.parse)(cloudConfig);
        const env = config.write_files.find(f => f.path === "/etc/mlflow/host.env").content;
        strict_1.default.match(env, /^DATA_VOLUME_ID=mlflow-data-id$/m);
        strict_1.default.match(env, /^HTPASSWD_PARAMETER=\/mlflow-on-aws\/test\/htpasswd$/m);
        strict_1.default.match(env, /^SECRET_VERSIONS=htpasswd:1,tls-fallback-key:1$/m);
        const compose = config.write_files.find(f => f.path === "/etc/mlflow/compose.yaml").content;
        strict_1.default.ok(compose.includes(`MLFLOW_SERVER_ALLOWED_HOSTS: ${pulumiProgram_1.MOCK_PUBLIC_IP}`));
    });
});
(0, node_test_1.describe)("stack with a domain, Route 53, alarms and protected data", () => {
    let run;
    (0, node_test_1.before)(async () => {
        run = await (0, pulumiProgram_1.runProgram)({
            domain: "mlflow.example.com",
            route53ZoneId: "Z0123456789ABCDEFGHIJ",
            acmeEmail: "ops@example.com",
            instanceType: "t3.medium",
            protectData: true,
            backupRetentionDays: 30,
            alarmEmail: "ops@example.com",
            users: ["admin", "ci"],
            allowedCidrs: ["192.0.2.0/24"],
        });
    });
    (0, node_test_1.test)("the A record points the domain at the Elastic IP, and the URL uses the domain", () => {
        const record = run.one("aws:route53/record:Record");
        strict_1.default.equal(record.inputs.name, "mlflow.example.com");
        strict_1.default.equal(record.inputs.type, "A");
        strict_1.default.deepEqual(record.inputs.records, [pulumiProgram_1.MOCK_PUBLIC_IP]);
        strict_1.default.equal(run.outputs.url.value, "https://mlflow.example.com");
        strict_1.default.match(run.outputs.caCertPem.value, /BEGIN CERTIFICATE/, "what the server presents until Let's Encrypt's certificate arrives");
        strict_1.default.doesNotMatch(run.outputs.trackingEnv.value, /SERVER_CERT_PATH/);
    });
    (0, node_test_1.test)("DNS-01 through Route 53: the host may change only the TXT challenge record of its domain", () => {
        const policy = run.ofType("aws:iam/rolePolicy:RolePolicy").find(p => p.name === "mlflow-acme-dns");
        strict_1.default.ok(policy, "a role policy for certbot's Route 53 plugin");
        const statements = JSON.parse(policy.inputs.policy).Statement;
        const change = statements.find(s => s.Action.includes("route53:ChangeResourceRecordSets"));
        strict_1.default.equal(change.Resource, "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ");
        strict_1.default.deepEqual(change.Condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"], ["_acme-challenge.mlflow.example.com"]);
        strict_1.default.deepEqual(change.Condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"], ["TXT"]);
        const unscoped = statements.filter(s => s.Resource === "*").flatMap(s => s.Action);
        strict_1.default.deepEqual(unscoped.sort(), ["route53:GetChange", "route53:ListHostedZones"], "only look-ups are unscoped");
    });
    (0, node_test_1.test)("the fallback certificate names the domain and the address", () => {
        const request = run.one("tls:index/certRequest:CertRequest").inputs;
        strict_1.default.deepEqual(request.dnsNames, ["mlflow.example.com"]);
        strict_1.default.deepEqual(request.ipAddresses, [pulumiProgram_1.MOCK_PUBLIC_IP]);
        for (const key of run.ofType("tls:index/privateKey:PrivateKey")) {
            strict_1.default.equal(key.inputs.algorithm, "ECDSA");
            strict_1.default.equal(key.inputs.ecdsaCurve, "P256");
        }
    });
    (0, node_test_1.test)("x86 instance types get the amd64 image", () => {
        strict_1.default.equal(run.one("aws:ec2/instance:Instance").name, "mlflow-x86_64");
        const ami = run.invokes.find(i => i.token === "aws:ssm/getParameter:getParameter");
        strict_1.default.equal(ami.inputs.name, "/aws/service/debian/release/13/latest/amd64");
    });
    (0, node_test_1.test)("protectData keeps the volume on destroy, says so, and retention follows the setting", () => {
        strict_1.default.equal(run.one("aws:ebs/volume:Volume").options.retainOnDelete, true);
        strict_1.default.match(run.outputs.dataRetention.value, /^pulumi destroy keeps the data volume mlflow-data-id .*aws ec2 delete-volume --region eu-central-1 --volume-id mlflow-data-id;/);
        strict_1.default.equal(run.one("aws:dlm/lifecyclePolicy:LifecyclePolicy").inputs.policyDetails.schedules[0].retainRule.count, 30);
    });
    (0, node_test_1.test)("alarms: recovery, health and disk, mailed to alarmEmail", () => {
        const alarms = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        strict_1.default.deepEqual(alarms.map(a => a.inputs.metricName).sort(), ["DataVolumeUsedPercent", "HealthCheckOk", "StatusCheckFailed_System"]);
        strict_1.default.equal(run.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "ops@example.com");
        const recover = alarms.find(a => a.inputs.metricName === "StatusCheckFailed_System");
        strict_1.default.ok(recover.inputs.alarmActions.includes("arn:aws:automate:eu-central-1:ec2:recover"));
        strict_1.default.equal(alarms.find(a => a.inputs.metricName === "HealthCheckOk").inputs.treatMissingData, "missing", "a new host's first minutes without a value must not count as failures");
    });
    (0, node_test_1.test)("one password per user; only the allowed CIDR gets in", () => {
        strict_1.default.deepEqual(Object.keys(run.outputs.passwords.value).sort(), ["admin", "ci"]);
        const htpasswd = run.ofType("aws:ssm/parameter:Parameter").find(p => p.inputs.name.endsWith("htpasswd")).inputs.value;
        strict_1.default.deepEqual(htpasswd.trim().split("\n").map(line => line.split(":")[0]), ["admin", "ci"]);
        const sources = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs.cidrIpv4);
        strict_1.default.deepEqual(sources, ["192.0.2.0/24", "192.0.2.0/24"]);
    });
});
(0, node_test_1.describe)("existing subnet and a fixed AMI", () => {
    (0, node_test_1.test)("uses the subnet's VPC and zone, creates no VPC, and lets a new amiId replace the host", async () => {
        const run = await (0, pulumiProgram_1.runProgram)({ subnetId: "subnet-0123456789abcdef0", amiId: "ami-0123456789abcdef0" }, "test", { offerings: { "t4g.small": [...pulumiProgram_1.DEFAULT_OFFERINGS, `${pulumiProgram_1.MOCK_REGION}c`] } });
        strict_1.default.equal(run.ofType("aws:ec2/vpc:Vpc").length, 0);
        strict_1.default.equal(run.ofType("aws:ec2/subnet:Subnet").length, 0);
        strict_1.default.equal(run.one("aws:ec2/securityGroup:SecurityGroup").inputs.vpcId, "vpc-0existing000000000");
        strict_1.default.equal(run.one("aws:ebs/volume:Volume").inputs.availabilityZone, "eu-central-1c");
        const instance = run.one("aws:ec2/instance:Instance");
        strict_1.default.equal(instance.inputs.ami, "ami-0123456789abcdef0");
        strict_1.default.equal(instance.inputs.subnetId, "subnet-0123456789abcdef0");
        strict_1.default.deepEqual(instance.options.ignoreChanges, []);
        strict_1.default.equal(run.invokes.filter(i => i.token === "aws:ssm/getParameter:getParameter").length, 0);
    });
});
(0, node_test_1.describe)("no surprise replacements", () => {
    (0, node_test_1.test)("the same settings give the same user data and instance inputs on every run", async () => {
        const settings = { domain: "mlflow.example.com", users: ["admin", "ci"] };
        const first = await (0, pulumiProgram_1.runProgram)(settings);
        const second = await (0, pulumiProgram_1.runProgram)(settings);
        const instanceInputs = (run) => JSON.stringify(run.one("aws:ec2/instance:Instance").inputs);
        strict_1.default.equal(instanceInputs(first), instanceInputs(second));
        strict_1.default.equal(cloudConfigOf(first), cloudConfigOf(second));
    });
});
(0, node_test_1.describe)("the availability zone is chosen once and kept", () => {
    const zone = (run) => run.one("aws:ec2/subnet:Subnet").inputs.availabilityZone;
    (0, node_test_1.test)("a zone that newly offers the type does not move a deployed stack", async () => {
        const first = await (0, pulumiProgram_1.runProgram)({}, "test", { offerings: { "t4g.small": [`${pulumiProgram_1.MOCK_REGION}b`] } });
        strict_1.default.equal(zone(first), `${pulumiProgram_1.MOCK_REGION}b`);
        const later = await (0, pulumiProgram_1.runProgram)({}, "test", { offerings: { "t4g.small": [`${pulumiProgram_1.MOCK_REGION}a`, `${pulumiProgram_1.MOCK_REGION}b`] }, deployed: first });
        strict_1.default.equal(zone(later), `${pulumiProgram_1.MOCK_REGION}b`, "the zone of the stack's data volume, not the first zone that offers the type");
        strict_1.default.equal(later.one("aws:ebs/volume:Volume").inputs.availabilityZone, `${pulumiProgram_1.MOCK_REGION}b`);
        const fresh = await (0, pulumiProgram_1.runProgram)({}, "test", { offerings: { "t4g.small": [`${pulumiProgram_1.MOCK_REGION}a`, `${pulumiProgram_1.MOCK_REGION}b`] } });
        strict_1.default.equal(zone(fresh), `${pulumiProgram_1.MOCK_REGION}a`, "a new stack takes the first zone that offers the type");
    });
    (0, node_test_1.test)("the subnet and the volume ignore a changed zone input, should a look-up ever miss", async () => {
        const run = await (0, pulumiProgram_1.runProgram)({});
        strict_1.default.deepEqual(run.one("aws:ec2/subnet:Subnet").options.ignoreChanges, ["availabilityZone"]);
        strict_1.default.deepEqual(run.one("aws:ebs/volume:Volume").options.ignoreChanges, ["availabilityZone"]);
    });
    (0, node_test_1.test)("an instance type the kept zone lacks is a settings error before any resource", async () => {
        const first = await (0, pulumiProgram_1.runProgram)({});
        await strict_1.default.rejects((0, pulumiProgram_1.runProgram)({ instanceType: "m7g.large" }, "test", { offerings: { "m7g.large": [`${pulumiProgram_1.MOCK_REGION}c`, `${pulumiProgram_1.MOCK_REGION}b`] }, deployed: first }), (error) => {
            strict_1.default.ok(pulumi.RunError.isInstance(error));
            strict_1.default.deepEqual(error.resourcesBeforeError, []);
            strict_1.default.match(error.message, /instanceType = "m7g\.large": not offered in eu-central-1a, where this stack's data volume is; .*offered in: eu-central-1b, eu-central-1c/);
            return true;
        });
    });
    (0, node_test_1.test)("an existing subnet whose zone lacks the type, or that is not where the data volume is, is a settings error", async () => {
        const subnetId = "subnet-0123456789abcdef0"; // the mock places it in the c zone
        await strict_1.default.rejects((0, pulumiProgram_1.runProgram)({ subnetId }), (error) => {
            strict_1.default.deepEqual(error.resourcesBeforeError, []);
            strict_1.default.match(error.message, /instanceType = "t4g\.small": not offered in eu-central-1c, the zone of subnetId subnet-0123456789abcdef0/);
            return true;
        });
        const first = await (0, pulumiProgram_1.runProgram)({});
        await strict_1.default.rejects((0, pulumiProgram_1.runProgram)({ subnetId }, "test", { offerings: { "t4g.small": [`${pulumiProgram_1.MOCK_REGION}a`, `${pulumiProgram_1.MOCK_REGION}c`] }, deployed: first }), /subnetId = "subnet-0123456789abcdef0": that subnet is in eu-central-1c, but this stack's data volume is in eu-central-1a and a volume cannot change zones/);
    });
});
(0, node_test_1.describe)("stateful resources keep their identity across every setting change that must not replace them", () => {
    /**
     * Inputs whose change makes AWS (and so Pulumi) replace the resource. For the data volume a
     * replacement is a new blank volume; for the Elastic IP a new address that DNS, clients and
     * the certificate do not know.
     */
    const REPLACING_INPUTS = {
        "aws:ebs/volume:Volume": ["availabilityZone", "encrypted", "kmsKeyId", "snapshotId", "outpostArn"],
        "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "outpostArn"],
        "aws:ec2/vpc:Vpc": ["cidrBlock", "instanceTenancy", "ipv4IpamPoolId"],
        "aws:ec2/eip:Eip": ["domain", "address", "networkBorderGroup", "publicIpv4Pool", "customerOwnedIpv4Pool"],
    };
    /** Written out, so that a refactor that renames or re-parents one of them fails here first (then it needs an alias). */
    const PINNED_URNS = [
        "urn:pulumi:test::mlflow-on-aws::mlflow-on-aws:index:MlflowOnAws$mlflow-on-aws:index:DataVolume$aws:ebs/volume:Volume::mlflow-data",
        "urn:pulumi:test::mlflow-on-aws::mlflow-on-aws:index:MlflowOnAws$mlflow-on-aws:index:Network$aws:ec2/subnet:Subnet::mlflow-public",
        "urn:pulumi:test::mlflow-on-aws::mlflow-on-aws:index:MlflowOnAws$mlflow-on-aws:index:Network$aws:ec2/vpc:Vpc::mlflow",
        "urn:pulumi:test::mlflow-on-aws::mlflow-on-aws:index:MlflowOnAws$aws:ec2/eip:Eip::mlflow",
    ];
    const CHANGES = {
        "a bigger Graviton type": { instanceType: "t4g.medium" },
        "another Graviton family": { instanceType: "m7g.large" },
        "an x86 type": { instanceType: "t3.small" },
        "another MLflow release": { mlflowVersion: "3.16.0" },
        "another nginx release": { nginxVersion: "1.30.3" },
        "more users": { users: ["admin", "ci"] },
        "narrower allowedCidrs": { allowedCidrs: ["192.0.2.0/24"] },
        "another upload limit": { maxUploadSize: "1g" },
        "alarms": { alarmEmail: "ops@example.com" },
        "longer backup retention": { backupRetentionDays: 30 },
        "a bigger data volume": { dataVolumeGiB: 40 },
        "protectData": { protectData: true },
        "a domain with Route 53": { domain: "mlflow.example.com", route53ZoneId: "Z0123456789ABCDEFGHIJ", acmeEmail: "ops@example.com" },
        "a fixed AMI": { amiId: "ami-0123456789abcdef0" },
    };
    const identity = (run) => Object.entries(REPLACING_INPUTS).map(([type, inputs]) => {
        const resource = run.one(type);
        return { urn: resource.urn, inputs: Object.fromEntries(inputs.map(input => [input, resource.inputs[input] ?? null])) };
    });
    let base;
    (0, node_test_1.before)(async () => { base = await (0, pulumiProgram_1.runProgram)({}, "test", { offerings: { "t4g.small": [`${pulumiProgram_1.MOCK_REGION}b`] } }); });
    (0, node_test_1.test)("the URNs are the pinned ones", () => {
        strict_1.default.deepEqual(identity(base).map(i => i.urn), PINNED_URNS);
    });
    for (const [change, settings] of Object.entries(CHANGES)) {
        (0, node_test_1.test)(change, async () => {
            // The base run went to the b zone; now the type is also offered in the a zone, which a
            // zone picked afresh would take, moving the volume.
            const offerings = { [String(settings.instanceType ?? "t4g.small")]: [`${pulumiProgram_1.MOCK_REGION}a`, `${pulumiProgram_1.MOCK_REGION}b`] };
            const changed = await (0, pulumiProgram_1.runProgram)(settings, "test", { offerings, deployed: base });
            strict_1.default.deepEqual(identity(changed), identity(base));
        });
    }
});
(0, node_test_1.describe)("bad configuration", () => {
    (0, node_test_1.test)("fails before any resource is created, naming each bad key", async () => {
        await strict_1.default.rejects((0, pulumiProgram_1.runProgram)({ instanceType: "huge", users: ["Bad Name"], nginxVersion: "1.27.0" }), (error) => {
            strict_1.default.ok(pulumi.RunError.isInstance(error), "a RunError: Pulumi prints the message without a stack trace");
            strict_1.default.deepEqual(error.resourcesBeforeError, []);
            strict_1.default.match(error.message, /instanceType = "huge"/);
            strict_1.default.match(error.message, /users = "Bad Name"/);
            strict_1.default.match(error.message, /nginxVersion = "1.27.0".*CVE-2026-42945/);
            return true;
        });
    });
    (0, node_test_1.test)("an unknown key is reported, not ignored", async () => {
        await strict_1.default.rejects((0, pulumiProgram_1.runProgram)({ instancetype: "t3.small" }), /mlflow-on-aws:instancetype .* is not a setting/);
    });
});
//# sourceMappingURL=program.test.js.map