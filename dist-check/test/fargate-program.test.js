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
// The scaled tier under pulumi.runtime.setMocks: every security property of the bucket, the
// database, the network, the load balancer and the service, the schema upgrade's ordering, and
// the outputs.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const pulumi = __importStar(require("@pulumi/pulumi"));
const pulumiProgram_1 = require("./support/pulumiProgram");
const scaledTask_1 = require("./support/scaledTask");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const projectRoot_1 = require("../lib/projectRoot");
const LB_DNS = `mlflow-1234567890.${pulumiProgram_1.MOCK_REGION}.elb.amazonaws.com`;
const containersOf = (definition) => JSON.parse(definition.inputs.containerDefinitions);
const named = (run, type, name) => {
    const found = run.ofType(type).find(r => r.name === name);
    strict_1.default.ok(found, `no ${type} named ${name}; have ${run.ofType(type).map(r => r.name).join(", ")}`);
    return found;
};
const serviceTask = (run) => named(run, "aws:ecs/taskDefinition:TaskDefinition", "mlflow");
const upgradeTask = (run) => named(run, "aws:ecs/taskDefinition:TaskDefinition", "mlflow-schema-upgrade");
const group = (run, suffix) => `${named(run, "aws:ec2/securityGroup:SecurityGroup", `mlflow-${suffix}`).name}-id`;
const statements = (policy) => JSON.parse(policy).Statement;
(0, node_test_1.describe)("scaled tier, defaults (no domain)", () => {
    let run;
    (0, node_test_1.before)(async () => { run = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED }); });
    (0, node_test_1.test)("no EC2 host, no data volume, no Elastic IP, no NAT gateway; no alarms without alarmEmail", () => {
        strict_1.default.equal(run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
        for (const type of ["aws:ec2/instance:Instance", "aws:ebs/volume:Volume", "aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway", "aws:dlm/lifecyclePolicy:LifecyclePolicy"]) {
            strict_1.default.equal(run.ofType(type).length, 0, type);
        }
    });
    (0, node_test_1.test)("the outputs keep their names, secrets stay secret, and no plain output holds a password", () => {
        for (const key of ["url", "healthUrl", "users", "passwords", "trackingEnv", "caCertPem", "sessionCommand", "dataRetention"])
            strict_1.default.ok(key in run.outputs, key);
        strict_1.default.equal(run.outputs.url.value, `https://${LB_DNS}`);
        strict_1.default.equal(run.outputs.passwords.secret, true);
        strict_1.default.equal(run.outputs.trackingEnv.secret, true);
        strict_1.default.match(run.outputs.trackingEnv.value, /MLFLOW_TRACKING_SERVER_CERT_PATH='mlflow-ca.pem'/);
        strict_1.default.match(run.outputs.caCertPem.value, /BEGIN CERTIFICATE/);
        strict_1.default.match(run.outputs.sessionCommand.value, /^aws ecs execute-command --region eu-central-1 --cluster mlflow-physical --container mlflow --interactive --command \/bin\/sh --task "\$\(aws ecs list-tasks .*--service-name mlflow-physical/);
        const password = run.outputs.passwords.value.admin;
        for (const [key, output] of Object.entries(run.outputs)) {
            if (!output.secret)
                strict_1.default.ok(!String(JSON.stringify(output.value)).includes(password), `${key} holds a password`);
        }
        strict_1.default.equal(run.outputs.publicIp?.value, undefined, "no host");
        strict_1.default.equal(run.outputs.artifactsDestination.value, "s3://mlflow-artifacts-physical/artifacts");
    });
    (0, node_test_1.test)("the bucket: public access blocked, ACLs off, encrypted, versioned with expiry of old versions, kept only with protectData", () => {
        const bucket = run.one("aws:s3/bucket:Bucket");
        strict_1.default.equal(bucket.inputs.forceDestroy, true, "without protectData destroy takes the artifacts, as it takes the volume");
        strict_1.default.notEqual(bucket.options.retainOnDelete, true);
        const block = run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        strict_1.default.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        strict_1.default.equal(run.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership, "BucketOwnerEnforced");
        const sse = run.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules[0];
        strict_1.default.equal(sse.applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
        strict_1.default.deepEqual(sse.blockedEncryptionTypes, ["SSE-C"]);
        strict_1.default.equal(run.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status, "Enabled");
        const rule = run.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0];
        strict_1.default.equal(rule.status, "Enabled");
        strict_1.default.equal(rule.noncurrentVersionExpiration.noncurrentDays, 14, "backupRetentionDays");
        strict_1.default.equal(rule.abortIncompleteMultipartUpload.daysAfterInitiation, 7);
    });
    (0, node_test_1.test)("the bucket policy: TLS only, and object access for MLflow's task role alone", () => {
        const policy = run.one("aws:s3/bucketPolicy:BucketPolicy");
        const [tls, others] = statements(policy.inputs.policy);
        strict_1.default.deepEqual([tls.Effect, tls.Principal, tls.Action], ["Deny", "*", "s3:*"]);
        strict_1.default.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
        strict_1.default.deepEqual(tls.Resource, ["arn:aws:s3:::mlflow-artifacts-physical", "arn:aws:s3:::mlflow-artifacts-physical/*"]);
        strict_1.default.equal(others.Effect, "Deny");
        strict_1.default.ok(others.Action.includes("s3:GetObject") && others.Action.includes("s3:PutObject") && others.Action.includes("s3:DeleteObjectVersion"));
        strict_1.default.deepEqual(others.Condition, { StringNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::123456789012:role/mlflow-task"] } });
        strict_1.default.ok(policy.dependsOn?.includes("mlflow-artifacts"), "after the public access block");
    });
    (0, node_test_1.test)("MLflow's role may use that bucket only, under the artifact prefix", () => {
        const grant = named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-artifacts-user-0");
        strict_1.default.equal(grant.inputs.role, "mlflow-task-physical");
        const resources = statements(grant.inputs.policy).flatMap(s => [s.Resource].flat());
        strict_1.default.deepEqual(resources, ["arn:aws:s3:::mlflow-artifacts-physical", "arn:aws:s3:::mlflow-artifacts-physical/artifacts/*"]);
        const everyPolicy = run.ofType("aws:iam/rolePolicy:RolePolicy").flatMap(p => statements(p.inputs.policy));
        strict_1.default.ok(!everyPolicy.some(s => [s.Action].flat().some((a) => a.startsWith("s3:")) && [s.Resource].flat().includes("*")), "no S3 action on *");
    });
    (0, node_test_1.test)("the database: PostgreSQL 17, encrypted, private, backed up, TLS forced, password managed by RDS and not rotated under running tasks", () => {
        const db = run.one("aws:rds/instance:Instance").inputs;
        strict_1.default.deepEqual([db.engine, db.engineVersion, db.allowMajorVersionUpgrade], ["postgres", "17", false]);
        strict_1.default.equal(db.storageEncrypted, true);
        strict_1.default.equal(db.publiclyAccessible, false);
        strict_1.default.equal(db.manageMasterUserPassword, true);
        strict_1.default.equal(db.password, undefined, "no password in the program or its state");
        strict_1.default.equal(db.backupRetentionPeriod, 14);
        strict_1.default.equal(db.caCertIdentifier, "rds-ca-rsa2048-g1");
        strict_1.default.equal(db.engineLifecycleSupport, "open-source-rds-extended-support-disabled");
        strict_1.default.deepEqual([db.deletionProtection, db.skipFinalSnapshot, db.deleteAutomatedBackups], [false, true, true]);
        const parameters = run.one("aws:rds/parameterGroup:ParameterGroup").inputs;
        strict_1.default.equal(parameters.family, "postgres17");
        strict_1.default.deepEqual(parameters.parameters, [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }]);
        const subnets = run.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds;
        strict_1.default.deepEqual(subnets, ["mlflow-isolated-0-id", "mlflow-isolated-1-id"]);
        const zones = subnets.map((id) => named(run, "aws:ec2/subnet:Subnet", id.replace(/-id$/, "")).inputs.availabilityZone);
        strict_1.default.deepEqual(zones, [`${pulumiProgram_1.MOCK_REGION}a`, `${pulumiProgram_1.MOCK_REGION}b`], "two zones");
        strict_1.default.equal(run.one("aws:secretsmanager/secretRotation:SecretRotation").inputs.rotationEnabled, false);
        strict_1.default.deepEqual(db.vpcSecurityGroupIds, [group(run, "database")]);
    });
    (0, node_test_1.test)("the isolated subnets have no route out; the public ones route through the internet gateway", () => {
        const isolated = named(run, "aws:ec2/routeTable:RouteTable", "mlflow-isolated");
        strict_1.default.equal(isolated.inputs.routes, undefined);
        const associations = run.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter(a => a.name.includes("isolated"));
        strict_1.default.ok(associations.every(a => a.inputs.routeTableId === "mlflow-isolated-id") && associations.length === 2);
        strict_1.default.equal(named(run, "aws:ec2/routeTable:RouteTable", "mlflow-public").inputs.routes[0].gatewayId, "mlflow-id");
    });
    (0, node_test_1.test)("security groups chain allowedCidrs -> load balancer -> tasks -> database, and nothing else gets in", () => {
        const ingress = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs);
        const egress = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(r => r.inputs);
        const lb = group(run, "load-balancer"), task = group(run, "task"), upgrade = group(run, "schema-upgrade"), db = group(run, "database");
        const describe = (rule) => `${rule.securityGroupId} ${rule.ipProtocol} ${rule.fromPort}-${rule.toPort} ${rule.cidrIpv4 ?? rule.referencedSecurityGroupId}`;
        strict_1.default.deepEqual(ingress.map(describe).sort(), [
            `${db} tcp 5432-5432 ${task}`,
            `${db} tcp 5432-5432 ${upgrade}`,
            `${lb} tcp 443-443 0.0.0.0/0`,
            `${lb} tcp 80-80 0.0.0.0/0`,
            `${task} tcp 80-80 ${lb}`,
        ].sort());
        strict_1.default.deepEqual(egress.map(describe).sort(), [
            `${lb} tcp 80-80 ${task}`,
            `${task} tcp 443-443 0.0.0.0/0`,
            `${task} tcp 5432-5432 ${db}`,
            `${upgrade} tcp 443-443 0.0.0.0/0`,
            `${upgrade} tcp 5432-5432 ${db}`,
        ].sort());
        for (const type of ["aws:ec2/securityGroup:SecurityGroup"]) {
            for (const sg of run.ofType(type))
                strict_1.default.equal(sg.inputs.ingress, undefined, `${sg.name}: no inline rules`);
        }
    });
    (0, node_test_1.test)("the load balancer: HTTPS with TLS 1.2+/1.3, HTTP only redirects, invalid headers dropped, idle timeout for long transfers", () => {
        const lb = run.one("aws:lb/loadBalancer:LoadBalancer").inputs;
        strict_1.default.equal(lb.internal, false);
        strict_1.default.equal(lb.dropInvalidHeaderFields, true);
        strict_1.default.ok(lb.idleTimeout >= 600);
        strict_1.default.deepEqual(lb.subnets, ["mlflow-public-0-id", "mlflow-public-1-id"]);
        strict_1.default.deepEqual(lb.securityGroups, [group(run, "load-balancer")]);
        const https = named(run, "aws:lb/listener:Listener", "mlflow-https").inputs;
        strict_1.default.deepEqual([https.port, https.protocol], [443, "HTTPS"]);
        strict_1.default.match(https.sslPolicy, /^ELBSecurityPolicy-TLS13-1-2-/);
        strict_1.default.equal(https.defaultActions[0].type, "forward");
        const http = named(run, "aws:lb/listener:Listener", "mlflow-http").inputs;
        strict_1.default.deepEqual([http.port, http.protocol], [80, "HTTP"]);
        strict_1.default.deepEqual(http.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        const targets = run.one("aws:lb/targetGroup:TargetGroup").inputs;
        strict_1.default.deepEqual([targets.targetType, targets.protocol, targets.port, targets.healthCheck.path], ["ip", "HTTP", 80, "/health"]);
    });
    (0, node_test_1.test)("without a domain, the private CA signs the balancer's DNS name and ACM serves it", () => {
        strict_1.default.deepEqual(run.one("tls:index/certRequest:CertRequest").inputs.dnsNames, [LB_DNS]);
        const certificate = run.one("aws:acm/certificate:Certificate");
        strict_1.default.match(certificate.inputs.privateKey, /BEGIN PRIVATE KEY/);
        strict_1.default.ok(run.secretInputs.includes("mlflow-private-ca.privateKey"), "the key is a secret input");
        strict_1.default.equal(certificate.inputs.certificateChain, run.outputs.caCertPem.value);
        strict_1.default.equal(named(run, "aws:lb/listener:Listener", "mlflow-https").inputs.certificateArn, `arn:aws:acm:${pulumiProgram_1.MOCK_REGION}:123456789012:certificate/mlflow-private-ca`);
        strict_1.default.equal(run.ofType("aws:route53/record:Record").length, 0);
    });
    (0, node_test_1.test)("the service: Fargate, rolling at full capacity, circuit breaker with rollback, ECS Exec, reachable only through the balancer", () => {
        const service = run.one("aws:ecs/service:Service");
        const s = service.inputs;
        strict_1.default.equal(s.launchType, "FARGATE");
        strict_1.default.deepEqual([s.deploymentMinimumHealthyPercent, s.deploymentMaximumPercent], [100, 200]);
        strict_1.default.deepEqual(s.deploymentCircuitBreaker, { enable: true, rollback: true });
        strict_1.default.equal(s.enableExecuteCommand, true);
        strict_1.default.equal(s.waitForSteadyState, true);
        strict_1.default.equal(s.desiredCount, 2);
        strict_1.default.deepEqual(s.networkConfiguration, { subnets: ["mlflow-public-0-id", "mlflow-public-1-id"], securityGroups: [group(run, "task")], assignPublicIp: true });
        strict_1.default.deepEqual(s.loadBalancers, [{ targetGroupArn: `arn:aws:elasticloadbalancing:${pulumiProgram_1.MOCK_REGION}:123456789012:targetgroup/mlflow/0123456789abcdef`, containerName: "nginx", containerPort: 80 }]);
        strict_1.default.deepEqual(service.options.ignoreChanges, ["desiredCount"], "autoscaling owns the count");
        strict_1.default.deepEqual(service.dependsOn, ["mlflow-https"], "the target group has a listener before the service uses it");
    });
    (0, node_test_1.test)("autoscaling: target tracking on CPU between minTaskCount and maxTaskCount", () => {
        const target = run.one("aws:appautoscaling/target:Target").inputs;
        strict_1.default.deepEqual([target.minCapacity, target.maxCapacity, target.scalableDimension, target.serviceNamespace], [2, 4, "ecs:service:DesiredCount", "ecs"]);
        strict_1.default.equal(target.resourceId, "service/mlflow-physical/mlflow-physical");
        const policy = run.one("aws:appautoscaling/policy:Policy").inputs;
        strict_1.default.equal(policy.policyType, "TargetTrackingScaling");
        strict_1.default.equal(policy.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType, "ECSServiceAverageCPUUtilization");
    });
    (0, node_test_1.test)("logs are kept for a bounded time; the task role has ECS Exec's channel and no SSH anywhere", () => {
        for (const logGroup of run.ofType("aws:cloudwatch/logGroup:LogGroup"))
            strict_1.default.equal(logGroup.inputs.retentionInDays, 30, logGroup.name);
        const [exec, ...sessionLogs] = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-task-exec").inputs.policy);
        strict_1.default.deepEqual([...exec.Action].sort(), ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]);
        // ECS Exec logs each session into the cluster's log group, as the task role: it must be allowed to.
        const cluster = run.one("aws:ecs/cluster:Cluster").inputs;
        strict_1.default.deepEqual(cluster.configuration.executeCommandConfiguration, {
            logging: "OVERRIDE", logConfiguration: { cloudWatchLogGroupName: "mlflow-physical", cloudWatchEncryptionEnabled: false },
        });
        strict_1.default.deepEqual(sessionLogs, [
            { Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "arn:aws:logs:eu-central-1:123456789012:log-group:*" },
            { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource: "arn:aws:logs:eu-central-1:123456789012:log-group:mlflow-physical:*" },
        ]);
        const ports = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs.fromPort);
        strict_1.default.ok(!ports.includes(22));
    });
    (0, node_test_1.test)("the task: Graviton, nginx and MLflow (-full image) with PostgreSQL over verify-full and S3, secrets only as container secrets", () => {
        const definition = serviceTask(run);
        strict_1.default.deepEqual(definition.inputs.runtimePlatform, { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" });
        strict_1.default.deepEqual([definition.inputs.cpu, definition.inputs.memory, definition.inputs.networkMode], ["512", "1024", "awsvpc"]);
        strict_1.default.deepEqual(definition.inputs.requiresCompatibilities, ["FARGATE"]);
        strict_1.default.equal(definition.inputs.taskRoleArn, "arn:aws:iam::123456789012:role/mlflow-task");
        const [mlflow, nginx] = containersOf(definition);
        strict_1.default.equal(mlflow.image, "ghcr.io/mlflow/mlflow:v3.17.2-full");
        const script = mlflow.command[0];
        strict_1.default.match(script, /'--host' '127\.0\.0\.1'/, "MLflow on the task's loopback only");
        strict_1.default.match(script, /'--backend-store-uri' 'postgresql\+psycopg2:\/\/mlflow@mlflow-db-physical\.c0ffee\.eu-central-1\.rds\.amazonaws\.com:5432\/mlflow\?sslmode=verify-full&sslrootcert=\/tmp\/rds-ca\.pem'/);
        strict_1.default.match(script, /'--artifacts-destination' 's3:\/\/mlflow-artifacts-physical\/artifacts'/);
        strict_1.default.match(script, /'--serve-artifacts'/, "proxied: clients keep the HTTPS URL and basic auth");
        const bundle = mlflow.environment.find(e => e.name === "RDS_CA_BUNDLE").value;
        strict_1.default.equal(bundle.match(/BEGIN CERTIFICATE/g).length, 3, "the region's three root CAs");
        strict_1.default.deepEqual(mlflow.secrets, [{ name: "PGPASSWORD", valueFrom: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-mlflow-db-AbCdEf:password::" }]);
        strict_1.default.equal(nginx.image, "nginx:1.30.6-alpine");
        strict_1.default.deepEqual(nginx.secrets, [{ name: "HTPASSWD", valueFrom: "arn:aws:ssm:eu-central-1:123456789012:parameter/mlflow-on-aws/test/task-htpasswd" }]);
        strict_1.default.deepEqual(nginx.portMappings, [{ containerPort: 80, protocol: "tcp" }]);
        strict_1.default.deepEqual(nginx.dependsOn, [{ containerName: "mlflow", condition: "HEALTHY" }]);
        for (const container of [mlflow, nginx]) {
            strict_1.default.equal(container.logConfiguration.options["awslogs-group"], "mlflow-physical");
            strict_1.default.equal(container.linuxParameters.initProcessEnabled, true);
        }
    });
    (0, node_test_1.test)("no password, hash or key in any task definition's plain fields", () => {
        const password = run.outputs.passwords.value.admin;
        const htpasswd = run.one("aws:ssm/parameter:Parameter").inputs.value;
        strict_1.default.ok(run.secretInputs.includes("mlflow-htpasswd.value"));
        for (const definition of run.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
            const text = definition.inputs.containerDefinitions;
            strict_1.default.ok(!text.includes(password), `${definition.name}: a password`);
            strict_1.default.ok(!text.includes(htpasswd.split(":")[1].trim()), `${definition.name}: the htpasswd hash`);
            strict_1.default.doesNotMatch(text, /PRIVATE KEY/);
            for (const container of containersOf(definition)) {
                strict_1.default.ok(!container.environment.some(e => /PASSWORD|HTPASSWD/.test(e.name)), `${container.name}: a secret in the environment`);
            }
        }
    });
    (0, node_test_1.test)("nginx in the task: basic auth, trusts forwarded headers from the balancer's subnets only, leaves artifact downloads to MLflow", () => {
        const nginx = containersOf(serviceTask(run))[1];
        const conf = nginx.environment.find(e => e.name === "NGINX_CONF").value;
        strict_1.default.match(conf, /set_real_ip_from 10\.80\.1\.0\/24;\n\s*set_real_ip_from 10\.80\.2\.0\/24;/);
        strict_1.default.match(conf, /server_name mlflow-1234567890\.eu-central-1\.elb\.amazonaws\.com;/);
        strict_1.default.match(conf, /auth_basic_user_file \/etc\/nginx\/auth\/htpasswd;/);
        strict_1.default.match(conf, /proxy_set_header X-Forwarded-Proto \$forwarded_proto;/);
        strict_1.default.doesNotMatch(conf, /X-Forwarded-Proto \$scheme/);
        strict_1.default.doesNotMatch(conf, /alias |ssl_certificate|listen 443/, "no local store, no TLS in the task");
    });
    (0, node_test_1.test)("the execution role reads exactly the htpasswd parameter and the database secret", () => {
        const [ssm, secrets] = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-execution-secrets").inputs.policy);
        strict_1.default.deepEqual(ssm.Resource, ["arn:aws:ssm:eu-central-1:123456789012:parameter/mlflow-on-aws/test/task-htpasswd"]);
        strict_1.default.deepEqual(secrets.Resource, ["arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-mlflow-db-AbCdEf"]);
    });
});
(0, node_test_1.describe)("schema upgrades", () => {
    let run;
    (0, node_test_1.before)(async () => { run = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED }); });
    (0, node_test_1.test)("snapshot, then upgrade, then the service's task definition: the service never rolls to an unmigrated release", () => {
        strict_1.default.deepEqual(serviceTask(run).dependsOn, ["mlflow-schema-upgrade-upgrade"]);
        strict_1.default.deepEqual(named(run, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-upgrade").dependsOn, ["mlflow-schema-upgrade-snapshot", "mlflow", "mlflow", "mlflow-artifacts"], "after the snapshot, the network (its rules lead to the database), the cluster (its role may read the task's secrets) and the bucket (its policy, for a migration)");
        const upgradeOptions = named(run, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-upgrade").options.dependsOn;
        strict_1.default.deepEqual(upgradeOptions.slice(1).map(r => r.constructor.name), ["FargateNetwork", "EcsCluster", "ArtifactBucket"]);
        strict_1.default.equal(run.ofType("aws:lambda/invocation:Invocation").length, 2, "no migration without migrateFromSnapshot");
        // IAM before first use: the function's first invocation needs its rights and its logging.
        strict_1.default.deepEqual(named(run, "aws:lambda/function:Function", "mlflow-schema-upgrade").dependsOn, ["mlflow-schema-upgrade", "mlflow-schema-upgrade"]);
        const fnOptions = named(run, "aws:lambda/function:Function", "mlflow-schema-upgrade").options.dependsOn;
        strict_1.default.deepEqual(fnOptions.map(r => r.constructor.name), ["RolePolicy", "RolePolicyAttachment"]);
        const snapshot = JSON.parse(named(run, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-snapshot").inputs.input);
        const upgrade = JSON.parse(named(run, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-upgrade").inputs.input);
        strict_1.default.equal(snapshot.step, "snapshot");
        strict_1.default.equal(upgrade.step, "upgrade");
        for (const event of [snapshot, upgrade]) {
            strict_1.default.equal(event.mlflowVersion, "3.17.2");
            strict_1.default.equal(event.dbInstanceIdentifier, "mlflow-db-physical");
            strict_1.default.equal(event.taskDefinition, "arn:aws:ecs:eu-central-1:123456789012:task-definition/mlflow-schema-upgrade-test:1");
        }
        strict_1.default.deepEqual(upgrade.securityGroups, [group(run, "schema-upgrade")]);
    });
    (0, node_test_1.test)("the upgrade task: the server's -full image running `mlflow db upgrade` with the same verified connection", () => {
        const [container] = containersOf(upgradeTask(run));
        strict_1.default.equal(container.image, "ghcr.io/mlflow/mlflow:v3.17.2-full");
        strict_1.default.match(container.command[0], /exec 'mlflow' 'db' 'upgrade' 'postgresql\+psycopg2:\/\/mlflow@[^']*sslmode=verify-full/);
        strict_1.default.deepEqual(container.secrets.map(s => s.name), ["PGPASSWORD"]);
        strict_1.default.equal(upgradeTask(run).inputs.taskRoleArn, undefined, "the upgrade needs no AWS permissions of its own");
    });
    (0, node_test_1.test)("the function: Node 22 with Lambda's full 15 minutes, allowed to snapshot this database and run this task definition only", () => {
        const fn = run.one("aws:lambda/function:Function").inputs;
        strict_1.default.deepEqual([fn.runtime, fn.timeout, fn.handler], ["nodejs22.x", 900, "index.handler"]);
        const policy = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-schema-upgrade").inputs.policy);
        const resources = policy.flatMap(s => [s.Resource].flat());
        strict_1.default.ok(!resources.includes("*"));
        const runTask = policy.find(s => s.Action.includes("ecs:RunTask"));
        strict_1.default.equal(runTask.Resource, "arn:aws:ecs:eu-central-1:123456789012:task-definition/mlflow-schema-upgrade-test:*");
        strict_1.default.deepEqual(runTask.Condition, { ArnEquals: { "ecs:cluster": "arn:aws:ecs:eu-central-1:123456789012:cluster/mlflow-physical" } });
        const passRole = policy.find(s => s.Action.includes("iam:PassRole"));
        strict_1.default.equal(passRole.Resource, "arn:aws:iam::123456789012:role/mlflow-execution");
    });
    (0, node_test_1.test)("runs again for a new MLflow release, not for an nginx release or a bigger task", async () => {
        const inputs = (r) => run.ofType("aws:lambda/invocation:Invocation").map(i => named(r, i.type, i.name).inputs.input);
        const upgradeContainers = (r) => upgradeTask(r).inputs.containerDefinitions;
        const nginx = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED, nginxVersion: "1.30.3", taskCpu: 1024, taskMemory: 2048, desiredCount: 3 });
        strict_1.default.deepEqual(inputs(nginx), inputs(run));
        strict_1.default.equal(upgradeContainers(nginx), upgradeContainers(run), "the upgrade task definition, whose ARN the invocations hold, is unchanged");
        const mlflow = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED, mlflowVersion: "3.18.0" });
        strict_1.default.notDeepEqual(inputs(mlflow), inputs(run));
        strict_1.default.match(upgradeContainers(mlflow), /mlflow:v3\.18\.0-full/);
    });
});
(0, node_test_1.describe)("moving between the tiers", () => {
    (0, node_test_1.test)("the generated passwords stay: each tier's Credentials answers to the other tier's URN, which the engine moves with its children", async () => {
        const host = await (0, pulumiProgram_1.runProgram)({});
        const scaled = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED });
        const credentials = (r) => r.one("mlflow-on-aws:index:Credentials");
        /** The URN an alias { parent } names: the parent's type chain, then the child's type and name, as the engine forms it. */
        const aliasUrns = async (resource) => Promise.all((resource.options.aliases ?? []).map(async (alias) => {
            const parent = await new Promise(resolve => pulumi.output(alias.parent).apply(resolve));
            const [prefix, parentName] = [parent.slice(0, parent.lastIndexOf("::")), parent.slice(parent.lastIndexOf("::") + 2)];
            strict_1.default.equal(parentName, "mlflow");
            return `${prefix}$${resource.type}::${resource.name}`;
        }));
        strict_1.default.deepEqual(await aliasUrns(credentials(scaled)), [credentials(host).urn]);
        strict_1.default.deepEqual(await aliasUrns(credentials(host)), [credentials(scaled).urn]);
        const passwordTypes = (r) => r.ofType("random:index/randomPassword:RandomPassword").map(p => `${p.name} under ${p.parentName}`);
        strict_1.default.deepEqual(passwordTypes(scaled), passwordTypes(host), "the same children, named alike");
    });
});
(0, node_test_1.describe)("migration from a host's data snapshot (migrateFromSnapshot)", () => {
    const SNAPSHOT = "snap-0123456789abcdef0";
    let run;
    (0, node_test_1.before)(async () => { run = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED, migrateFromSnapshot: SNAPSHOT }); });
    const migrateTask = () => named(run, "aws:ecs/taskDefinition:TaskDefinition", "mlflow-schema-upgrade-migrate");
    const migrateInvocation = (r) => named(r, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-migrate");
    (0, node_test_1.test)("snapshot, upgrade, migration, then the service: the service starts on the moved data only", () => {
        strict_1.default.deepEqual(migrateInvocation(run).dependsOn, ["mlflow-schema-upgrade-upgrade", "mlflow-schema-upgrade-volumes"], "after the upgrade, and after ECS's volume role has its policy (ECS makes the volume with it)");
        strict_1.default.deepEqual(serviceTask(run).dependsOn, ["mlflow-schema-upgrade-migrate"]);
        const event = JSON.parse(migrateInvocation(run).inputs.input);
        strict_1.default.equal(event.step, "migrate");
        strict_1.default.equal(event.taskDefinition, "mlflow-schema-upgrade-migrate-test", "the family: the input does not change with a new revision");
        strict_1.default.equal(event.container, "mlflow-migrate-store");
        strict_1.default.deepEqual(event.hostData, { volumeName: "host-data", snapshotId: SNAPSHOT, filesystemType: "ext4", infrastructureRoleArn: "arn:aws:iam::123456789012:role/mlflow-schema-upgrade-volumes" });
        strict_1.default.deepEqual(event.securityGroups, [group(run, "schema-upgrade")]);
    });
    (0, node_test_1.test)("runs once per snapshot: a new MLflow release leaves the migration's input as it was", async () => {
        const later = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED, migrateFromSnapshot: SNAPSHOT, mlflowVersion: "3.18.0", nginxVersion: "1.30.3" });
        strict_1.default.equal(migrateInvocation(later).inputs.input, migrateInvocation(run).inputs.input);
    });
    (0, node_test_1.test)("the task: the -full image runs scripts/migrate-store.py on the snapshot's volume at the host's mount point, as MLflow's role, with the verified connection", () => {
        const task = migrateTask().inputs;
        strict_1.default.deepEqual(task.volumes, [{ name: "host-data", configureAtLaunch: true }]);
        strict_1.default.equal(task.taskRoleArn, "arn:aws:iam::123456789012:role/mlflow-task", "the role the bucket lets write");
        const [container] = containersOf(migrateTask());
        strict_1.default.equal(container.image, "ghcr.io/mlflow/mlflow:v3.17.2-full");
        strict_1.default.deepEqual(container.mountPoints, [{ sourceVolume: "host-data", containerPath: "/srv/mlflow-data", readOnly: false }]);
        strict_1.default.match(container.command[0], /exec 'python' '\/tmp\/migrate-store\.py' '--sqlite' '\/srv\/mlflow-data\/mlflow\/mlflow\.db' '--artifacts' '\/srv\/mlflow-data\/mlflow\/artifacts' '--postgres' 'postgresql\+psycopg2:\/\/mlflow@[^']*sslmode=verify-full[^']*' '--s3' 's3:\/\/mlflow-artifacts-physical\/artifacts'$/);
        const script = container.environment.find(e => e.name === "MIGRATE_STORE_PY").value;
        strict_1.default.equal(script, (0, fs_1.readFileSync)(path.join((0, projectRoot_1.projectRoot)(), "scripts", "migrate-store.py"), "utf8"));
        strict_1.default.deepEqual(container.secrets.map(s => s.name), ["PGPASSWORD"]);
    });
    (0, node_test_1.test)("the finished migration's mark: the function may set that one tag on the database, and a refreshed stack keeps it", () => {
        const policy = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-schema-upgrade").inputs.policy);
        const tagging = policy.filter(s => s.Action.includes("rds:AddTagsToResource") && s.Resource === "arn:aws:rds:eu-central-1:123456789012:db:mlflow-db-physical");
        strict_1.default.deepEqual(tagging.map(s => s.Condition), [{ "ForAllValues:StringEquals": { "aws:TagKeys": ["mlflow-on-aws:migrated-from"] } }]);
        strict_1.default.deepEqual(run.one("aws:rds/instance:Instance").options.ignoreChanges, ['tags["mlflow-on-aws:migrated-from"]']);
        const listing = policy.filter(s => s.Action.includes("ecs:ListTasks"));
        strict_1.default.deepEqual(listing, [{ Effect: "Allow", Action: ["ecs:ListTasks"], Resource: "*", Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:eu-central-1:123456789012:cluster/mlflow-physical" } } }]);
    });
    (0, node_test_1.test)("the function may start this task, pass MLflow's role to it and the volume role to ECS, nothing more", () => {
        const policy = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-schema-upgrade").inputs.policy);
        strict_1.default.ok(policy.some(s => s.Action.includes("ecs:RunTask") && s.Resource === "arn:aws:ecs:eu-central-1:123456789012:task-definition/mlflow-schema-upgrade-migrate-test:*"));
        const passRoles = policy.filter(s => s.Action.includes("iam:PassRole"));
        strict_1.default.deepEqual(passRoles.map(s => [s.Resource, s.Condition.StringEquals["iam:PassedToService"]]), [
            [["arn:aws:iam::123456789012:role/mlflow-execution", "arn:aws:iam::123456789012:role/mlflow-task"], "ecs-tasks.amazonaws.com"],
            ["arn:aws:iam::123456789012:role/mlflow-schema-upgrade-volumes", "ecs.amazonaws.com"],
        ]);
        const attachments = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(a => a.name === "mlflow-schema-upgrade-volumes");
        strict_1.default.deepEqual(attachments.map(a => a.inputs.policyArn), ["arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForVolumes"]);
    });
});
(0, node_test_1.describe)("scaled tier with a domain, Route 53 and protected data", () => {
    let run;
    (0, node_test_1.before)(async () => {
        run = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED, domain: "mlflow.example.com", route53ZoneId: "Z0123456789ABCDEFGHIJ", protectData: true, backupRetentionDays: 30, users: ["admin", "ci"], allowedCidrs: ["192.0.2.0/24"], alarmEmail: "ops@example.com" });
    });
    (0, node_test_1.test)("alarms from AWS's own metrics: no healthy task, database storage running out, mailed to alarmEmail", () => {
        const alarms = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map(a => a.inputs);
        strict_1.default.deepEqual(alarms.map(a => `${a.namespace} ${a.metricName}`).sort(), ["AWS/ApplicationELB HealthyHostCount", "AWS/RDS FreeStorageSpace"]);
        const healthy = alarms.find(a => a.metricName === "HealthyHostCount");
        strict_1.default.deepEqual(healthy.dimensions, { LoadBalancer: "app/mlflow/0123456789abcdef", TargetGroup: "targetgroup/mlflow/0123456789abcdef" });
        strict_1.default.deepEqual([healthy.comparisonOperator, healthy.threshold, healthy.treatMissingData], ["LessThanThreshold", 1, "missing"]);
        strict_1.default.equal(alarms.find(a => a.metricName === "FreeStorageSpace").threshold, 20 * 1024 ** 3 * 0.15);
        strict_1.default.equal(run.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "ops@example.com");
    });
    (0, node_test_1.test)("ACM's certificate, validated through the zone; an alias record; no private CA and an empty caCertPem", () => {
        const certificate = run.one("aws:acm/certificate:Certificate").inputs;
        strict_1.default.deepEqual([certificate.domainName, certificate.validationMethod], ["mlflow.example.com", "DNS"]);
        const records = run.ofType("aws:route53/record:Record");
        const validation = records.find(r => r.name === "mlflow-validation").inputs;
        strict_1.default.deepEqual([validation.zoneId, validation.type, validation.records], ["Z0123456789ABCDEFGHIJ", "CNAME", ["_x2.acm-validations.aws."]]);
        strict_1.default.deepEqual(run.one("aws:acm/certificateValidation:CertificateValidation").inputs.validationRecordFqdns, ["_x1.mlflow.example.com."]);
        const alias = records.find(r => r.name === "mlflow").inputs;
        strict_1.default.deepEqual([alias.name, alias.type, alias.aliases[0].name], ["mlflow.example.com", "A", LB_DNS]);
        strict_1.default.equal(run.ofType("mlflow-on-aws:index:PrivateCa").length, 0);
        strict_1.default.equal(run.outputs.caCertPem.value, "");
        strict_1.default.equal(run.outputs.url.value, "https://mlflow.example.com");
        strict_1.default.doesNotMatch(run.outputs.trackingEnv.value, /SERVER_CERT_PATH/);
        strict_1.default.match(containersOf(serviceTask(run))[0].environment.find(e => e.name === "MLFLOW_SERVER_ALLOWED_HOSTS").value, /^mlflow\.example\.com$/);
    });
    (0, node_test_1.test)("protectData: deletion protection, a final snapshot, backups kept; the bucket stays and is never force-emptied", () => {
        const db = run.one("aws:rds/instance:Instance").inputs;
        strict_1.default.deepEqual([db.deletionProtection, db.skipFinalSnapshot, db.finalSnapshotIdentifier, db.deleteAutomatedBackups], [true, false, "mlflow-db-test-final", false]);
        strict_1.default.equal(db.backupRetentionPeriod, 30);
        const bucket = run.one("aws:s3/bucket:Bucket");
        strict_1.default.equal(bucket.options.retainOnDelete, true);
        strict_1.default.equal(bucket.inputs.forceDestroy, false);
        strict_1.default.match(run.outputs.dataRetention.value, /keeps the artifact bucket mlflow-artifacts-physical .*deletion protection.*--no-deletion-protection.*final snapshot, mlflow-db-test-final/);
    });
    (0, node_test_1.test)("only the allowed block reaches the balancer", () => {
        const sources = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs.cidrIpv4).filter(Boolean);
        strict_1.default.deepEqual(sources, ["192.0.2.0/24", "192.0.2.0/24"]);
    });
});
(0, node_test_1.describe)("the scaled tier's stateful resources keep their identity", () => {
    const PINNED_URNS = [
        "urn:pulumi:test::mlflow-on-aws::mlflow-on-aws:index:MlflowOnFargate$mlflow-on-aws:index:ArtifactBucket$aws:s3/bucket:Bucket::mlflow-artifacts",
        "urn:pulumi:test::mlflow-on-aws::mlflow-on-aws:index:MlflowOnFargate$mlflow-on-aws:index:Database$aws:rds/instance:Instance::mlflow-db",
    ];
    /** Inputs whose change replaces the resource: a new, empty bucket or database. */
    const REPLACING_INPUTS = {
        "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
        "aws:rds/instance:Instance": ["identifier", "identifierPrefix", "engine", "dbName", "username", "storageEncrypted", "kmsKeyId", "availabilityZone", "dbSubnetGroupName", "snapshotIdentifier"],
    };
    const identity = (run) => Object.entries(REPLACING_INPUTS).map(([type, inputs]) => {
        const resource = run.one(type);
        return { urn: resource.urn, inputs: Object.fromEntries(inputs.map(input => [input, resource.inputs[input] ?? null])) };
    });
    const CHANGES = {
        "another MLflow release": { mlflowVersion: "3.18.0" },
        "another nginx release": { nginxVersion: "1.30.3" },
        "bigger tasks, more of them": { taskCpu: 1024, taskMemory: 4096, desiredCount: 3, maxTaskCount: 6 },
        "a bigger database class and more storage": { dbInstanceClass: "db.t4g.small", dbStorageGiB: 50 },
        "more users": { users: ["admin", "ci"] },
        "protectData": { protectData: true },
        "a domain": { domain: "mlflow.example.com", route53ZoneId: "Z0123456789ABCDEFGHIJ" },
        "longer backups": { backupRetentionDays: 35 },
    };
    let base;
    (0, node_test_1.before)(async () => { base = await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED }); });
    (0, node_test_1.test)("the URNs are the pinned ones", () => {
        strict_1.default.deepEqual(identity(base).map(i => i.urn), PINNED_URNS);
    });
    for (const [change, settings] of Object.entries(CHANGES)) {
        (0, node_test_1.test)(change, async () => strict_1.default.deepEqual(identity(await (0, pulumiProgram_1.runProgram)({ ...scaledTask_1.SCALED, ...settings })), identity(base)));
    }
});
(0, node_test_1.describe)("the host tier", () => {
    (0, node_test_1.test)("exports none of the scaled tier's store outputs (each would be an undefined-output warning on every run)", async () => {
        const run = await (0, pulumiProgram_1.runProgram)({});
        for (const key of ["artifactBucket", "artifactsDestination", "databaseIdentifier", "databaseEndpoint", "databaseSecretArn", "clusterName", "serviceName"]) {
            strict_1.default.ok(!(key in run.outputs), key);
        }
        strict_1.default.equal(run.ofType("aws:rds/instance:Instance").length + run.ofType("aws:s3/bucket:Bucket").length + run.ofType("aws:ecs/service:Service").length, 0);
    });
});
(0, node_test_1.describe)("bad scaled-tier configuration", () => {
    (0, node_test_1.test)("fails before any resource is created", async () => {
        await strict_1.default.rejects((0, pulumiProgram_1.runProgram)({ compute: "fargate" }), (error) => {
            strict_1.default.ok(pulumi.RunError.isInstance(error));
            strict_1.default.deepEqual(error.resourcesBeforeError, []);
            strict_1.default.match(error.message, /backendStore = "sqlite": compute fargate needs rds/);
            strict_1.default.match(error.message, /artifactStore = "volume": compute fargate needs s3/);
            return true;
        });
    });
});
//# sourceMappingURL=fargate-program.test.js.map