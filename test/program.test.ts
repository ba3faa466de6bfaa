// The Pulumi program under mocks: the resource graph, resource options, outputs and secrets.
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { projectRoot } from "../lib/projectRoot";
import { deliveredHost } from "./support/hostDelivery";
import { OIDC_OVERRIDES } from "./support/renderOnce";
import { HOST_BUNDLE_PARAMETERS } from "../lib/render/hostBundle";
import { DEFAULT_OFFERINGS, MOCK_AMI, MOCK_PUBLIC_IP, MOCK_REGION, ProgramRun, runProgram } from "./support/pulumiProgram";

const cloudConfigOf = (run: ProgramRun) => {
    const userData = run.one("aws:ec2/instance:Instance").inputs.userDataBase64 as string;
    return gunzipSync(Buffer.from(userData, "base64")).toString("utf8");
};

describe("default stack (no domain)", () => {
    let run: ProgramRun;
    before(async () => { run = await runProgram({}); });

    test("the security group lets in TCP 80 and 443 from the allowed CIDRs, and nothing else", () => {
        const group = run.one("aws:ec2/securityGroup:SecurityGroup");
        assert.equal(group.inputs.ingress, undefined, "no inline rules");
        const ingress = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs);
        const seen = ingress.map(r => `${r.ipProtocol} ${r.fromPort}-${r.toPort} ${r.cidrIpv4 ?? r.cidrIpv6}`).sort();
        assert.deepEqual(seen, ["tcp 443-443 0.0.0.0/0", "tcp 80-80 0.0.0.0/0"]);
        const egress = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(r => r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6);
        assert.deepEqual(egress, ["0.0.0.0/0"], "IPv4 only: the VPC has no IPv6 block or route, so an IPv6 rule would promise nothing");
        assert.equal(run.one("aws:ec2/vpc:Vpc").inputs.assignGeneratedIpv6CidrBlock, undefined);
    });

    test("its own VPC with a public subnet in a zone that offers the instance type", () => {
        const subnet = run.one("aws:ec2/subnet:Subnet");
        assert.equal(subnet.inputs.availabilityZone, "eu-central-1a", "first zone, sorted, that offers t4g.small");
        const offerings = run.invokes.find(i => i.token === "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings")!;
        assert.deepEqual(offerings.inputs.filters, [{ name: "instance-type", values: ["t4g.small"] }]);
        const routes = run.one("aws:ec2/routeTable:RouteTable");
        assert.equal(routes.inputs.routes[0].cidrBlock, "0.0.0.0/0");
        assert.equal(run.ofType("aws:ec2/vpc:Vpc").length, 1);
    });

    test("the instance: Debian 13 AMI of its architecture, a public address from launch, IMDSv2 only, encrypted root, no key pair, Session Manager", () => {
        const instance = run.one("aws:ec2/instance:Instance");
        assert.equal(instance.name, "mlflow-arm64");
        assert.equal(instance.inputs.ami, MOCK_AMI);
        const ami = run.invokes.find(i => i.token === "aws:ssm/getParameter:getParameter")!;
        assert.equal(ami.inputs.name, "/aws/service/debian/release/13/latest/arm64");
        assert.equal(run.one("aws:ec2/subnet:Subnet").inputs.mapPublicIpOnLaunch, false);
        assert.equal(instance.inputs.associatePublicIpAddress, true,
            "cloud-init's apt-get runs before the Elastic IP is associated: without an address of its own the host cannot reach the archive");
        assert.deepEqual(instance.options.ignoreChanges, ["ami"], "a newly published AMI must not replace the host");
        assert.equal(instance.inputs.metadataOptions.httpTokens, "required");
        assert.equal(instance.inputs.metadataOptions.httpPutResponseHopLimit, 1);
        assert.equal(instance.inputs.rootBlockDevice.encrypted, true);
        assert.equal(instance.inputs.keyName, undefined);
        assert.equal(instance.inputs.userDataReplaceOnChange, true);
        assert.equal(instance.inputs.maintenanceOptions.autoRecovery, "default");
        const policies = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(r => r.inputs.policyArn);
        assert.deepEqual(policies, ["arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole"],
            "the snapshot policy's role only: AmazonSSMManagedInstanceCore would let the host read every parameter of the account");
        const sessionManager = JSON.parse(run.ofType("aws:iam/rolePolicy:RolePolicy").find(r => r.name === "mlflow-session-manager")!.inputs.policy);
        assert.deepEqual(sessionManager.Statement, [{ Effect: "Allow", Action: ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource: "*" }]);
        const everyAction = run.ofType("aws:iam/rolePolicy:RolePolicy").flatMap(r => JSON.parse(r.inputs.policy).Statement)
            .filter((statement: { Resource: unknown }) => statement.Resource === "*").flatMap((statement: { Action: string[] }) => statement.Action);
        assert.ok(!everyAction.some(action => action.startsWith("ssm:GetParameter")), "no parameter of the account is readable by the host");
        assert.ok(instance.inputs.iamInstanceProfile, "instance profile set");
        assert.deepEqual(instance.dependsOn, ["mlflow-session-manager", "mlflow-secrets-and-metrics", ...Array.from({ length: HOST_BUNDLE_PARAMETERS }, (_, i) => `mlflow-bundle-${i}`), "mlflow-bundle"],
            "IAM and the host bundle before first use: the first boot reads the bundle and the secrets with the role's policies, so they exist before the instance");
        const bundleReads = JSON.parse(run.ofType("aws:iam/rolePolicy:RolePolicy").find(r => r.name === "mlflow-bundle")!.inputs.policy).Statement;
        assert.equal(bundleReads.length, 1);
        assert.deepEqual(bundleReads[0].Action, ["ssm:GetParameters"]);
        assert.equal(bundleReads[0].Resource.length, HOST_BUNDLE_PARAMETERS, "exactly the bundle's parameters");
        const logs = run.one("aws:cloudwatch/logGroup:LogGroup");
        assert.equal(logs.inputs.retentionInDays, 30);
        const shipping = JSON.parse(run.ofType("aws:iam/rolePolicy:RolePolicy").find(r => r.name === "mlflow-secrets-and-metrics")!.inputs.policy).Statement
            .find((statement: { Action: string[] }) => statement.Action.includes("logs:PutLogEvents"));
        assert.deepEqual(shipping.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
        assert.match(shipping.Resource, /^arn:aws:logs:.*:log-group:.*:\*$/, "its group's streams only");
    });

    test("the data volume: encrypted gp3 in the subnet's zone, attached so that a replaced host gets it", () => {
        const volume = run.one("aws:ebs/volume:Volume");
        assert.equal(volume.inputs.encrypted, true);
        assert.equal(volume.inputs.type, "gp3");
        assert.equal(volume.inputs.size, 20);
        assert.equal(volume.inputs.availabilityZone, run.one("aws:ec2/subnet:Subnet").inputs.availabilityZone);
        assert.equal(volume.options.retainOnDelete, false, "dev stack: destroy deletes the volume");
        const attachment = run.one("aws:ec2/volumeAttachment:VolumeAttachment");
        assert.equal(attachment.options.deleteBeforeReplace, true);
        assert.equal(attachment.inputs.stopInstanceBeforeDetaching, true);
        assert.equal(attachment.inputs.volumeId, "mlflow-data-id");
        assert.equal(attachment.inputs.instanceId, "mlflow-arm64-id");
        assert.equal(run.one("aws:ec2/eipAssociation:EipAssociation").options.deleteBeforeReplace, true);
        assert.equal(run.one("aws:ec2/eip:Eip").inputs.domain, "vpc");
    });

    test("daily snapshots of exactly that volume, kept for backupRetentionDays", () => {
        const volume = run.one("aws:ebs/volume:Volume");
        const policy = run.one("aws:dlm/lifecyclePolicy:LifecyclePolicy").inputs.policyDetails;
        assert.deepEqual(policy.resourceTypes, ["VOLUME"]);
        for (const [key, value] of Object.entries(policy.targetTags)) assert.equal(volume.inputs.tags[key], value);
        assert.equal(policy.schedules[0].copyTags, true, "snapshots carry the volume's tags, the backup tag among them");
        assert.equal(policy.schedules[0].tagsToAdd, undefined, "DLM refuses a tag to add that copyTags already copies");
        assert.equal(policy.schedules[0].retainRule.count, 14);
        assert.equal(policy.schedules[0].createRule.interval, 24);
    });

    test("secrets go to SSM SecureString parameters that only the host role reads", () => {
        const parameters = run.ofType("aws:ssm/parameter:Parameter").filter(p => !p.inputs.name.includes("/host-bundle/"));
        assert.deepEqual(parameters.map(p => p.inputs.name).sort(), ["/mlflow-on-aws/test/htpasswd", "/mlflow-on-aws/test/tls-fallback-key"]);
        for (const parameter of parameters) {
            assert.equal(parameter.inputs.type, "SecureString");
            assert.ok(run.secretInputs.includes(`${parameter.name}.value`), `${parameter.name}.value is sent as a secret`);
        }
        const htpasswd = parameters.find(p => p.inputs.name.endsWith("htpasswd"))!.inputs.value as string;
        assert.match(htpasswd, /^admin:\{SSHA\}[A-Za-z0-9+/]{38}==\n$/);
        const policy = JSON.parse(run.ofType("aws:iam/rolePolicy:RolePolicy").find(r => r.name === "mlflow-secrets-and-metrics")!.inputs.policy);
        const read = policy.Statement.find((s: { Action: string[] }) => s.Action.includes("ssm:GetParameter"));
        assert.equal(read.Resource.length, 2);
        for (const arn of read.Resource) assert.match(arn, /^arn:aws:ssm:eu-central-1:123456789012:parameter\/mlflow-on-aws\/test\//);
    });

    test("outputs: URL on the Elastic IP, CA certificate, session command; passwords and trackingEnv secret", () => {
        const { outputs } = run;
        assert.equal(outputs.url.value, `https://${MOCK_PUBLIC_IP}`);
        assert.equal(outputs.healthUrl.value, `https://${MOCK_PUBLIC_IP}/health`);
        assert.deepEqual(outputs.users.value, ["admin"]);
        assert.match(outputs.caCertPem.value, /BEGIN CERTIFICATE/);
        assert.equal(outputs.publicIp.value, MOCK_PUBLIC_IP);
        assert.match(outputs.sessionCommand.value, /^aws ssm start-session --region eu-central-1 --target mlflow-arm64-id$/);
        assert.equal(outputs.bootReportCommand.value,
            "aws ec2 get-console-output --region eu-central-1 --instance-id mlflow-arm64-id --latest --query Output --output text | grep mlflow-boot-report");
        assert.equal(outputs.dataVolumeId.value, "mlflow-data-id");
        assert.match(outputs.dataRetention.value, /^pulumi destroy deletes the data volume mlflow-data-id and the log group mlflow-physical\. The volume's daily snapshots stay/);
        assert.match(outputs.dataRetention.value, /Name=tag:mlflow-on-aws:backup,Values=mlflow-on-aws-test$/);
        assert.equal(outputs.passwords.secret, true);
        assert.equal(outputs.trackingEnv.secret, true);
        const password = outputs.passwords.value.admin as string;
        assert.equal(password.length, 40);
        const env = outputs.trackingEnv.value as string;
        assert.ok(env.includes(`export MLFLOW_TRACKING_URI='https://${MOCK_PUBLIC_IP}'`));
        assert.ok(env.includes(`export MLFLOW_TRACKING_USERNAME='admin'`));
        assert.ok(env.includes(`export MLFLOW_TRACKING_PASSWORD='${password}'`));
        assert.match(env, /MLFLOW_TRACKING_SERVER_CERT_PATH='mlflow-ca.pem'/);
        for (const [key, output] of Object.entries(outputs)) {
            if (!output.secret) assert.ok(!JSON.stringify(output.value).includes(password), `${key} leaks the password`);
        }
    });

    test("user data: a gzip'd cloud-config under 16 KiB; it and the host bundle without any secret", () => {
        const userData = run.one("aws:ec2/instance:Instance").inputs.userDataBase64 as string;
        assert.ok(Buffer.from(userData, "base64").length < 16384);
        const cloudConfig = cloudConfigOf(run);
        assert.match(cloudConfig, /^#cloud-config\n/);
        const password = run.outputs.passwords.value.admin as string;
        const htpasswd = run.ofType("aws:ssm/parameter:Parameter").find(p => p.inputs.name.endsWith("htpasswd"))!.inputs.value as string;
        const key = run.ofType("aws:ssm/parameter:Parameter").find(p => p.inputs.name.endsWith("key"))!.inputs.value as string;
        assert.ok(key.includes("PRIVATE KEY"));
        const delivered = deliveredHost(run);
        for (const text of [cloudConfig, ...[...delivered.files.values()].map(f => f.content)]) {
            assert.ok(!text.includes(password));
            assert.ok(!text.includes(htpasswd.trim().split(":")[1]));
            assert.ok(!text.includes("PRIVATE KEY"));
        }
        const bundleParameters = run.ofType("aws:ssm/parameter:Parameter").filter(p => p.inputs.name.includes("/host-bundle/"));
        assert.equal(bundleParameters.length, HOST_BUNDLE_PARAMETERS);
        assert.ok(bundleParameters.every(p => p.inputs.type === "String"), "no secret in the bundle, so no SecureString");
        const env = delivered.file("/etc/mlflow/host.env")!;
        assert.match(env, /^DATA_VOLUME_ID=mlflow-data-id$/m);
        assert.match(env, /^HTPASSWD_PARAMETER=\/mlflow-on-aws\/test\/htpasswd$/m);
        assert.match(env, /^SECRET_VERSIONS=htpasswd:1,tls-fallback-key:1$/m);
        const compose = delivered.file("/etc/mlflow/compose.yaml")!;
        assert.ok(compose.includes(`MLFLOW_SERVER_ALLOWED_HOSTS: ${MOCK_PUBLIC_IP}`));
    });
});

describe("auth mlflow: MLflow's auth app on the host", () => {
    let run: ProgramRun;
    before(async () => { run = await runProgram({ auth: "mlflow", users: ["admin", "alice", "ci"] }); });

    test("its secret key and the users' passwords go to SSM SecureString parameters that only the host role reads", () => {
        const parameters = run.ofType("aws:ssm/parameter:Parameter").filter(p => !p.inputs.name.includes("/host-bundle/"));
        assert.deepEqual(parameters.map(p => p.inputs.name).sort(),
            ["/mlflow-on-aws/test/htpasswd", "/mlflow-on-aws/test/mlflow-auth-env", "/mlflow-on-aws/test/mlflow-auth-users", "/mlflow-on-aws/test/tls-fallback-key"]);
        for (const parameter of parameters) {
            assert.equal(parameter.inputs.type, "SecureString");
            assert.ok(run.secretInputs.includes(`${parameter.name}.value`), `${parameter.name}.value is sent as a secret`);
        }
        const value = (suffix: string) => parameters.find(p => p.inputs.name.endsWith(suffix))!.inputs.value as string;
        assert.match(value("mlflow-auth-env"), /^MLFLOW_FLASK_SERVER_SECRET_KEY=[A-Za-z0-9]+\n$/);
        const secretKey = run.ofType("random:index/randomPassword:RandomPassword").find(r => r.name.endsWith("auth-secret-key"))!;
        assert.deepEqual([secretKey.inputs.length, secretKey.inputs.special], [64, false], "64 letters and digits, generated once for every server");
        const passwords = run.outputs.passwords.value as Record<string, string>;
        assert.equal(run.outputs.passwords.secret, true);
        assert.deepEqual(JSON.parse(value("mlflow-auth-users")), passwords, "each user signs in to MLflow with the password of the passwords output");
        assert.deepEqual(Object.keys(JSON.parse(value("mlflow-auth-users"))), ["admin", "alice", "ci"], "the admin first");
        const policy = JSON.parse(run.ofType("aws:iam/rolePolicy:RolePolicy").find(r => r.name === "mlflow-secrets-and-metrics")!.inputs.policy);
        const read = policy.Statement.find((s: { Action: string[] }) => s.Action.includes("ssm:GetParameter"));
        assert.deepEqual(read.Resource.map((arn: string) => arn.split("parameter/")[1]).sort(), parameters.map(p => p.inputs.name.slice(1)).sort());
    });

    test("no password or key in the user data, the bundle or a plain output; the host gets the auth app's configuration", () => {
        const passwords = Object.values(run.outputs.passwords.value as Record<string, string>);
        const secretKey = (run.ofType("aws:ssm/parameter:Parameter").find(p => p.inputs.name.endsWith("mlflow-auth-env"))!.inputs.value as string).split("=")[1].trim();
        const delivered = deliveredHost(run);
        for (const text of [cloudConfigOf(run), ...[...delivered.files.values()].map(f => f.content)]) {
            for (const secret of [...passwords, secretKey]) assert.ok(!text.includes(secret), "a secret in what the host receives in the clear");
        }
        for (const [key, output] of Object.entries(run.outputs)) {
            if (!output.secret) for (const secret of [...passwords, secretKey]) assert.ok(!JSON.stringify(output.value).includes(secret), `${key} leaks a secret`);
        }
        assert.match(delivered.file("/etc/mlflow/mlflow-auth.ini")!, /^admin_username = admin$/m);
        assert.match(delivered.file("/etc/mlflow/mlflow-auth.ini")!, /^default_permission = READ$/m);
        assert.match(delivered.file("/etc/mlflow/host.env")!, /^AUTH=mlflow$/m);
        assert.match(delivered.file("/etc/mlflow/host.env")!, /^SECRET_VERSIONS=htpasswd:1,tls-fallback-key:1,auth-env:1,auth-users:1$/m);
        assert.match(delivered.file("/etc/mlflow/compose.yaml")!, /image: ghcr\.io\/mlflow\/mlflow:v3\.17\.2-full/);
        assert.doesNotMatch(delivered.file("/etc/mlflow/nginx.conf")!, /auth_basic/);
    });
});

describe("auth oidc: people through the company's OpenID Provider, machines with the stack's users", () => {
    let run: ProgramRun;
    before(async () => { run = await runProgram({ ...OIDC_OVERRIDES, users: ["admin", "ci"], oidcAdminGroups: ["mlflow-admins"] }); });

    test("oauth2-proxy's client secret and cookie key go to one SSM SecureString parameter that only the host role reads, with the auth app's", () => {
        const parameters = run.ofType("aws:ssm/parameter:Parameter").filter(p => !p.inputs.name.includes("/host-bundle/"));
        assert.deepEqual(parameters.map(p => p.inputs.name).sort(), ["/mlflow-on-aws/test/htpasswd", "/mlflow-on-aws/test/mlflow-auth-env",
            "/mlflow-on-aws/test/mlflow-auth-users", "/mlflow-on-aws/test/oauth2-proxy-env", "/mlflow-on-aws/test/tls-fallback-key"]);
        const oidcEnv = parameters.find(p => p.inputs.name.endsWith("oauth2-proxy-env"))!;
        assert.equal(oidcEnv.inputs.type, "SecureString");
        assert.ok(run.secretInputs.includes(`${oidcEnv.name}.value`), "the env file is sent as a secret");
        assert.match(oidcEnv.inputs.value, new RegExp(`^OAUTH2_PROXY_CLIENT_SECRET='${OIDC_OVERRIDES.oidcClientSecret}'\nOAUTH2_PROXY_COOKIE_SECRET='[A-Za-z0-9_-]{43}'\n$`));
        const cookieKey = run.ofType("random:index/randomPassword:RandomPassword").find(r => r.name.endsWith("oidc-cookie-secret"))!;
        assert.deepEqual([cookieKey.inputs.length, cookieKey.inputs.overrideSpecial], [43, "-_"], "base64url of 32 bytes, an AES-256 key, generated once: sessions outlive a host");
        // docs/oidc.md names it for `pulumi up --replace`, which ends every session.
        assert.equal(cookieKey.urn, "urn:pulumi:test::mlflow-on-aws::mlflow-on-aws:index:MlflowOnAws$random:index/randomPassword:RandomPassword::mlflow-oidc-cookie-secret");
        assert.ok(readFileSync(path.join(projectRoot(), "docs", "oidc.md"), "utf8").includes(cookieKey.urn.replace("urn:pulumi:test::", "urn:pulumi:<stack>::")));
        const policy = JSON.parse(run.ofType("aws:iam/rolePolicy:RolePolicy").find(r => r.name === "mlflow-secrets-and-metrics")!.inputs.policy);
        const read = policy.Statement.find((s: { Action: string[] }) => s.Action.includes("ssm:GetParameter"));
        assert.deepEqual(read.Resource.map((arn: string) => arn.split("parameter/")[1]).sort(), parameters.map(p => p.inputs.name.slice(1)).sort());
    });

    test("neither secret is in the user data, the bundle or a plain output; the host runs oauth2-proxy, the identity module and nginx's sign-in", () => {
        const envFile = run.ofType("aws:ssm/parameter:Parameter").find(p => p.inputs.name.endsWith("oauth2-proxy-env"))!.inputs.value as string;
        const secrets = [...envFile.matchAll(/='([^']+)'/g)].map(match => match[1]);
        assert.equal(secrets.length, 2);
        const delivered = deliveredHost(run);
        for (const text of [cloudConfigOf(run), ...[...delivered.files.values()].map(f => f.content)]) {
            for (const secret of secrets) assert.ok(!text.includes(secret), "a secret in what the host receives in the clear");
        }
        for (const [key, output] of Object.entries(run.outputs)) {
            if (!output.secret) for (const secret of secrets) assert.ok(!JSON.stringify(output.value).includes(secret), `${key} leaks a secret`);
        }
        assert.match(delivered.file("/etc/mlflow/host.env")!, /^AUTH=oidc$/m);
        assert.match(delivered.file("/etc/mlflow/host.env")!, /^SECRET_VERSIONS=htpasswd:1,tls-fallback-key:1,auth-env:1,auth-users:1,oidc-env:1$/m);
        assert.match(delivered.file("/etc/mlflow/mlflow-auth.ini")!, /^authorization_function = mlflow_on_aws_identity:authenticate$/m);
        const compose = parse(delivered.file("/etc/mlflow/compose.yaml")!) as { services: Record<string, { image: string; command: string[]; env_file?: string[] }> };
        assert.equal(compose.services["oauth2-proxy"].image, "quay.io/oauth2-proxy/oauth2-proxy:v7.15.6");
        assert.ok(compose.services["oauth2-proxy"].command.includes(`--redirect-url=https://${MOCK_PUBLIC_IP}/oauth2/callback`));
        assert.deepEqual(compose.services["oauth2-proxy"].env_file, ["/etc/mlflow/secrets/oauth2-proxy.env"]);
        assert.equal(delivered.file("/usr/local/lib/mlflow-on-aws/python/mlflow_on_aws_identity.py"), readFileSync(path.join(projectRoot(), "host", "mlflow_on_aws_identity.py"), "utf8"));
        assert.match(delivered.file("/etc/mlflow/nginx.conf")!, /^\s*auth_request \/oauth2\/auth;$/m);
    });
});

describe("stack with a domain, Route 53, alarms and protected data", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({
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

    test("the A record points the domain at the Elastic IP, and the URL uses the domain", () => {
        const record = run.one("aws:route53/record:Record");
        assert.equal(record.inputs.name, "mlflow.example.com");
        assert.equal(record.inputs.type, "A");
        assert.deepEqual(record.inputs.records, [MOCK_PUBLIC_IP]);
        assert.equal(run.outputs.url.value, "https://mlflow.example.com");
        assert.match(run.outputs.caCertPem.value, /BEGIN CERTIFICATE/, "what the server presents until Let's Encrypt's certificate arrives");
        assert.doesNotMatch(run.outputs.trackingEnv.value, /SERVER_CERT_PATH/);
    });

    test("DNS-01 through Route 53: the host may change only the TXT challenge record of its domain", () => {
        const policy = run.ofType("aws:iam/rolePolicy:RolePolicy").find(p => p.name === "mlflow-acme-dns");
        assert.ok(policy, "a role policy for certbot's Route 53 plugin");
        const statements = JSON.parse(policy.inputs.policy).Statement as { Action: string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string[]>> }[];
        const change = statements.find(s => s.Action.includes("route53:ChangeResourceRecordSets"))!;
        assert.equal(change.Resource, "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ");
        assert.deepEqual(change.Condition!["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"], ["_acme-challenge.mlflow.example.com"]);
        assert.deepEqual(change.Condition!["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"], ["TXT"]);
        const unscoped = statements.filter(s => s.Resource === "*").flatMap(s => s.Action);
        assert.deepEqual(unscoped.sort(), ["route53:GetChange", "route53:ListHostedZones"], "only look-ups are unscoped");
    });

    test("the fallback certificate names the domain and the address", () => {
        const request = run.one("tls:index/certRequest:CertRequest").inputs;
        assert.deepEqual(request.dnsNames, ["mlflow.example.com"]);
        assert.deepEqual(request.ipAddresses, [MOCK_PUBLIC_IP]);
        for (const key of run.ofType("tls:index/privateKey:PrivateKey")) {
            assert.equal(key.inputs.algorithm, "ECDSA");
            assert.equal(key.inputs.ecdsaCurve, "P256");
        }
    });

    test("x86 instance types get the amd64 image", () => {
        assert.equal(run.one("aws:ec2/instance:Instance").name, "mlflow-x86_64");
        const ami = run.invokes.find(i => i.token === "aws:ssm/getParameter:getParameter")!;
        assert.equal(ami.inputs.name, "/aws/service/debian/release/13/latest/amd64");
    });

    test("protectData keeps the volume on destroy, says so, and retention follows the setting", () => {
        assert.equal(run.one("aws:ebs/volume:Volume").options.retainOnDelete, true);
        assert.match(run.outputs.dataRetention.value, /^pulumi destroy keeps the data volume mlflow-data-id, its daily snapshots and the log group mlflow-physical \(protectData\)\. .*aws ec2 delete-volume --region eu-central-1 --volume-id mlflow-data-id; aws logs delete-log-group --region eu-central-1 --log-group-name mlflow-physical;/);
        assert.equal(run.one("aws:dlm/lifecyclePolicy:LifecyclePolicy").inputs.policyDetails.schedules[0].retainRule.count, 30);
    });

    test("alarms: recovery, health and disk, mailed to alarmEmail", () => {
        const alarms = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(alarms.map(a => a.inputs.metricName).sort(), ["DataVolumeUsedPercent", "HealthCheckOk", "StatusCheckFailed_System"]);
        assert.equal(run.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "ops@example.com");
        const recover = alarms.find(a => a.inputs.metricName === "StatusCheckFailed_System")!;
        assert.ok(recover.inputs.alarmActions.includes("arn:aws:automate:eu-central-1:ec2:recover"));
        assert.equal(alarms.find(a => a.inputs.metricName === "HealthCheckOk")!.inputs.treatMissingData, "missing",
            "a new host's first minutes without a value must not count as failures");
    });

    test("one password per user; only the allowed CIDR gets in", () => {
        assert.deepEqual(Object.keys(run.outputs.passwords.value).sort(), ["admin", "ci"]);
        const htpasswd = run.ofType("aws:ssm/parameter:Parameter").find(p => p.inputs.name.endsWith("htpasswd"))!.inputs.value as string;
        assert.deepEqual(htpasswd.trim().split("\n").map(line => line.split(":")[0]), ["admin", "ci"]);
        const sources = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs.cidrIpv4);
        assert.deepEqual(sources, ["192.0.2.0/24", "192.0.2.0/24"]);
    });
});

describe("existing subnet and a fixed AMI", () => {
    test("uses the subnet's VPC and zone, creates no VPC, and lets a new amiId replace the host", async () => {
        const run = await runProgram({ subnetId: "subnet-0123456789abcdef0", amiId: "ami-0123456789abcdef0" }, "test",
            { offerings: { "t4g.small": [...DEFAULT_OFFERINGS, `${MOCK_REGION}c`] } });
        assert.equal(run.ofType("aws:ec2/vpc:Vpc").length, 0);
        assert.equal(run.ofType("aws:ec2/subnet:Subnet").length, 0);
        assert.equal(run.one("aws:ec2/securityGroup:SecurityGroup").inputs.vpcId, "vpc-0existing000000000");
        assert.equal(run.one("aws:ebs/volume:Volume").inputs.availabilityZone, "eu-central-1c");
        const instance = run.one("aws:ec2/instance:Instance");
        assert.equal(instance.inputs.ami, "ami-0123456789abcdef0");
        assert.equal(instance.inputs.subnetId, "subnet-0123456789abcdef0");
        assert.deepEqual(instance.options.ignoreChanges, []);
        assert.equal(run.invokes.filter(i => i.token === "aws:ssm/getParameter:getParameter").length, 0);
    });
});

describe("no surprise replacements", () => {
    test("the same settings give the same user data and instance inputs on every run", async () => {
        const settings = { domain: "mlflow.example.com", users: ["admin", "ci"] };
        const first = await runProgram(settings);
        const second = await runProgram(settings);
        const instanceInputs = (run: ProgramRun) => JSON.stringify(run.one("aws:ec2/instance:Instance").inputs);
        assert.equal(instanceInputs(first), instanceInputs(second));
        assert.equal(cloudConfigOf(first), cloudConfigOf(second));
    });
});

describe("the availability zone is chosen once and kept", () => {
    const zone = (run: ProgramRun) => run.one("aws:ec2/subnet:Subnet").inputs.availabilityZone;

    test("a zone that newly offers the type does not move a deployed stack", async () => {
        const first = await runProgram({}, "test", { offerings: { "t4g.small": [`${MOCK_REGION}b`] } });
        assert.equal(zone(first), `${MOCK_REGION}b`);
        const later = await runProgram({}, "test", { offerings: { "t4g.small": [`${MOCK_REGION}a`, `${MOCK_REGION}b`] }, deployed: first });
        assert.equal(zone(later), `${MOCK_REGION}b`, "the zone of the stack's data volume, not the first zone that offers the type");
        assert.equal(later.one("aws:ebs/volume:Volume").inputs.availabilityZone, `${MOCK_REGION}b`);
        const fresh = await runProgram({}, "test", { offerings: { "t4g.small": [`${MOCK_REGION}a`, `${MOCK_REGION}b`] } });
        assert.equal(zone(fresh), `${MOCK_REGION}a`, "a new stack takes the first zone that offers the type");
    });

    test("the subnet and the volume ignore a changed zone input, should a look-up ever miss", async () => {
        const run = await runProgram({});
        assert.deepEqual(run.one("aws:ec2/subnet:Subnet").options.ignoreChanges, ["availabilityZone"]);
        assert.deepEqual(run.one("aws:ebs/volume:Volume").options.ignoreChanges, ["availabilityZone"]);
    });

    test("an instance type the kept zone lacks is a settings error before any resource", async () => {
        const first = await runProgram({});
        await assert.rejects(
            runProgram({ instanceType: "m7g.large" }, "test", { offerings: { "m7g.large": [`${MOCK_REGION}c`, `${MOCK_REGION}b`] }, deployed: first }),
            (error: Error & { resourcesBeforeError: unknown[] }) => {
                assert.ok(pulumi.RunError.isInstance(error));
                assert.deepEqual(error.resourcesBeforeError, []);
                assert.match(error.message, /instanceType = "m7g\.large": not offered in eu-central-1a, where this stack's data volume is; .*offered in: eu-central-1b, eu-central-1c/);
                return true;
            });
    });

    test("an existing subnet whose zone lacks the type, or that is not where the data volume is, is a settings error", async () => {
        const subnetId = "subnet-0123456789abcdef0"; // the mock places it in the c zone
        await assert.rejects(runProgram({ subnetId }), (error: Error & { resourcesBeforeError: unknown[] }) => {
            assert.deepEqual(error.resourcesBeforeError, []);
            assert.match(error.message, /instanceType = "t4g\.small": not offered in eu-central-1c, the zone of subnetId subnet-0123456789abcdef0/);
            return true;
        });
        const first = await runProgram({});
        await assert.rejects(runProgram({ subnetId }, "test", { offerings: { "t4g.small": [`${MOCK_REGION}a`, `${MOCK_REGION}c`] }, deployed: first }),
            /subnetId = "subnet-0123456789abcdef0": that subnet is in eu-central-1c, but this stack's data volume is in eu-central-1a and a volume cannot change zones/);
    });
});

describe("stateful resources keep their identity across every setting change that must not replace them", () => {
    /**
     * Inputs whose change makes AWS (and so Pulumi) replace the resource. For the data volume a
     * replacement is a new blank volume; for the Elastic IP a new address that DNS, clients and
     * the certificate do not know.
     */
    const REPLACING_INPUTS: Record<string, string[]> = {
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
    const CHANGES: Record<string, Record<string, string | string[] | number | boolean>> = {
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
        "MLflow's auth app": { auth: "mlflow", authDefaultPermission: "NO_PERMISSIONS" },
        "sign-in through an OpenID Provider": { ...OIDC_OVERRIDES },
    };
    const identity = (run: ProgramRun) => Object.entries(REPLACING_INPUTS).map(([type, inputs]) => {
        const resource = run.one(type);
        return { urn: resource.urn, inputs: Object.fromEntries(inputs.map(input => [input, resource.inputs[input] ?? null])) };
    });

    let base: ProgramRun;
    before(async () => { base = await runProgram({}, "test", { offerings: { "t4g.small": [`${MOCK_REGION}b`] } }); });

    test("the URNs are the pinned ones", () => {
        assert.deepEqual(identity(base).map(i => i.urn), PINNED_URNS);
    });

    for (const [change, settings] of Object.entries(CHANGES)) {
        test(change, async () => {
            // The base run went to the b zone; now the type is also offered in the a zone, which a
            // zone picked afresh would take, moving the volume.
            const offerings = { [String(settings.instanceType ?? "t4g.small")]: [`${MOCK_REGION}a`, `${MOCK_REGION}b`] };
            const changed = await runProgram(settings, "test", { offerings, deployed: base });
            assert.deepEqual(identity(changed), identity(base));
        });
    }
});

describe("bad configuration", () => {
    test("fails before any resource is created, naming each bad key", async () => {
        await assert.rejects(runProgram({ instanceType: "huge", users: ["Bad Name"], nginxVersion: "1.27.0" }), (error: Error & { resourcesBeforeError: unknown[] }) => {
            assert.ok(pulumi.RunError.isInstance(error), "a RunError: Pulumi prints the message without a stack trace");
            assert.deepEqual(error.resourcesBeforeError, []);
            assert.match(error.message, /instanceType = "huge"/);
            assert.match(error.message, /users = "Bad Name"/);
            assert.match(error.message, /nginxVersion = "1.27.0".*CVE-2026-42945/);
            return true;
        });
    });

    test("an unknown key is reported, not ignored", async () => {
        await assert.rejects(runProgram({ instancetype: "t3.small" }), /mlflow-on-aws:instancetype .* is not a setting/);
    });
});
