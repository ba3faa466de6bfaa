// The scaled tier under pulumi.runtime.setMocks: every security property of the bucket, the
// database, the network, the load balancer and the service, the schema upgrade's ordering, and
// the outputs.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { MOCK_REGION, ProgramRun, RecordedResource, runProgram } from "./support/pulumiProgram";
import { SCALED } from "./support/scaledTask";
import { OIDC_OVERRIDES } from "./support/renderOnce";
import { gunzipSync } from "node:zlib";
import { readFileSync } from "fs";
import * as path from "path";
import { projectRoot } from "../lib/projectRoot";

const LB_DNS = `mlflow-1234567890.${MOCK_REGION}.elb.amazonaws.com`;

type Container = { name: string; image: string; command?: string[]; entryPoint?: string[]; environment: { name: string; value: string }[]; secrets: { name: string; valueFrom: string }[]; [key: string]: any };
const containersOf = (definition: RecordedResource): Container[] => JSON.parse(definition.inputs.containerDefinitions);
const named = (run: ProgramRun, type: string, name: string) => {
    const found = run.ofType(type).find(r => r.name === name);
    assert.ok(found, `no ${type} named ${name}; have ${run.ofType(type).map(r => r.name).join(", ")}`);
    return found;
};
const serviceTask = (run: ProgramRun) => named(run, "aws:ecs/taskDefinition:TaskDefinition", "mlflow");
const upgradeTask = (run: ProgramRun) => named(run, "aws:ecs/taskDefinition:TaskDefinition", "mlflow-schema-upgrade");
const group = (run: ProgramRun, suffix: string) => `${named(run, "aws:ec2/securityGroup:SecurityGroup", `mlflow-${suffix}`).name}-id`;
const statements = (policy: string) => (JSON.parse(policy) as { Statement: Record<string, any>[] }).Statement;

describe("scaled tier, defaults (no domain)", () => {
    let run: ProgramRun;
    before(async () => { run = await runProgram({ ...SCALED }); });

    test("no EC2 host, no data volume, no Elastic IP, no NAT gateway; no alarms without alarmEmail", () => {
        assert.equal(run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
        for (const type of ["aws:ec2/instance:Instance", "aws:ebs/volume:Volume", "aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway", "aws:dlm/lifecyclePolicy:LifecyclePolicy"]) {
            assert.equal(run.ofType(type).length, 0, type);
        }
    });

    test("the outputs keep their names, secrets stay secret, and no plain output holds a password", () => {
        for (const key of ["url", "healthUrl", "users", "passwords", "trackingEnv", "caCertPem", "sessionCommand", "dataRetention"]) assert.ok(key in run.outputs, key);
        assert.equal(run.outputs.url.value, `https://${LB_DNS}`);
        assert.equal(run.outputs.passwords.secret, true);
        assert.equal(run.outputs.trackingEnv.secret, true);
        assert.match(run.outputs.trackingEnv.value, /MLFLOW_TRACKING_SERVER_CERT_PATH='mlflow-ca.pem'/);
        assert.match(run.outputs.caCertPem.value, /BEGIN CERTIFICATE/);
        assert.match(run.outputs.sessionCommand.value, /^aws ecs execute-command --region eu-central-1 --cluster mlflow-physical --container mlflow --interactive --command \/bin\/sh --task "\$\(aws ecs list-tasks .*--service-name mlflow-physical/);
        const password = run.outputs.passwords.value.admin as string;
        for (const [key, output] of Object.entries(run.outputs)) {
            if (!output.secret) assert.ok(!String(JSON.stringify(output.value)).includes(password), `${key} holds a password`);
        }
        assert.equal(run.outputs.publicIp?.value, undefined, "no host");
        assert.equal(run.outputs.artifactsDestination.value, "s3://mlflow-artifacts-physical/artifacts");
    });

    test("garbage collection: host/mlflow-gc.py daily at 04:00 UTC as one task, started by a schedule whose role runs exactly that task", () => {
        const task = named(run, "aws:ecs/taskDefinition:TaskDefinition", "mlflow-gc");
        const [container] = containersOf(task);
        const program = readFileSync(path.join(projectRoot(), "host", "mlflow-gc.py"), "utf8");
        assert.equal(container.environment.find(e => e.name === "MLFLOW_GC_PY")?.value, program, "the host's program, byte for byte");
        assert.match(container.command![0], /^printf '%s' "\$MLFLOW_GC_PY" > \/tmp\/mlflow-gc\.py && .* && exec 'python' '\/tmp\/mlflow-gc\.py' 'postgresql\+psycopg2:\/\/mlflow@[^']+\?sslmode=verify-full&sslrootcert=\/tmp\/rds-ca\.pem' 's3:\/\/mlflow-artifacts-physical\/artifacts' '30'$/);
        assert.deepEqual(container.secrets.map(secret => secret.name), ["PGPASSWORD"], "the password only as a secret");
        assert.equal(task.inputs.taskRoleArn, serviceTask(run).inputs.taskRoleArn, "MLflow's task role: the one the bucket lets delete");
        const schedule = run.one("aws:scheduler/schedule:Schedule").inputs;
        assert.equal(schedule.scheduleExpression, "cron(0 4 * * ? *)");
        assert.equal(schedule.scheduleExpressionTimezone, "UTC");
        assert.equal(schedule.target.ecsParameters.launchType, "FARGATE");
        assert.equal(schedule.target.ecsParameters.taskCount, 1);
        assert.deepEqual(schedule.target.ecsParameters.networkConfiguration.securityGroups, [group(run, "schema-upgrade")]);
        assert.equal(schedule.target.ecsParameters.networkConfiguration.assignPublicIp, true);
        const role = named(run, "aws:iam/role:Role", "mlflow-gc");
        const trust = statements(role.inputs.assumeRolePolicy);
        assert.deepEqual(trust.map(statement => [statement.Principal.Service, statement.Condition.StringEquals["aws:SourceAccount"]]), [["scheduler.amazonaws.com", "123456789012"]]);
        const rights = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-gc").inputs.policy);
        assert.deepEqual(rights.map(statement => statement.Action), [["ecs:RunTask"], ["iam:PassRole"]]);
        assert.match(rights[0].Resource, /:task-definition\/mlflow-gc-[^:]+:\*$/, "every revision of the gc family, nothing else");
        assert.ok(rights[0].Condition.ArnEquals["ecs:cluster"], "in the stack's cluster only");
        assert.equal(rights[1].Resource.length, 2, "the task's two roles");
        assert.deepEqual(run.one("aws:scheduler/schedule:Schedule").dependsOn, ["mlflow-gc"], "the role may run the task before the schedule exists");
    });

    test("the bucket: public access blocked, ACLs off, encrypted, versioned with expiry of old versions, kept only with protectData", () => {
        const bucket = run.one("aws:s3/bucket:Bucket");
        assert.equal(bucket.inputs.forceDestroy, true, "without protectData destroy takes the artifacts, as it takes the volume");
        assert.notEqual(bucket.options.retainOnDelete, true);
        const block = run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        assert.equal(run.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership, "BucketOwnerEnforced");
        const sse = run.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules[0];
        assert.equal(sse.applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
        assert.deepEqual(sse.blockedEncryptionTypes, ["SSE-C"]);
        assert.equal(run.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status, "Enabled");
        const rule = run.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0];
        assert.equal(rule.status, "Enabled");
        assert.equal(rule.noncurrentVersionExpiration.noncurrentDays, 14, "backupRetentionDays");
        assert.equal(rule.abortIncompleteMultipartUpload.daysAfterInitiation, 7);
    });

    test("the bucket policy: TLS only, and object access for MLflow's task role alone", () => {
        const policy = run.one("aws:s3/bucketPolicy:BucketPolicy");
        const [tls, others] = statements(policy.inputs.policy);
        assert.deepEqual([tls.Effect, tls.Principal, tls.Action], ["Deny", "*", "s3:*"]);
        assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.deepEqual(tls.Resource, ["arn:aws:s3:::mlflow-artifacts-physical", "arn:aws:s3:::mlflow-artifacts-physical/*"]);
        assert.equal(others.Effect, "Deny");
        assert.ok(others.Action.includes("s3:GetObject") && others.Action.includes("s3:PutObject") && others.Action.includes("s3:DeleteObjectVersion"));
        assert.deepEqual(others.Condition, { StringNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::123456789012:role/mlflow-task"] } });
        assert.ok(policy.dependsOn?.includes("mlflow-artifacts"), "after the public access block");
    });

    test("MLflow's role may use that bucket only, under the artifact prefix", () => {
        const grant = named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-artifacts-user-0");
        assert.equal(grant.inputs.role, "mlflow-task-physical");
        const resources = statements(grant.inputs.policy).flatMap(s => [s.Resource].flat());
        assert.deepEqual(resources, ["arn:aws:s3:::mlflow-artifacts-physical", "arn:aws:s3:::mlflow-artifacts-physical/artifacts/*"]);
        const everyPolicy = run.ofType("aws:iam/rolePolicy:RolePolicy").flatMap(p => statements(p.inputs.policy));
        assert.ok(!everyPolicy.some(s => [s.Action].flat().some((a: string) => a.startsWith("s3:")) && [s.Resource].flat().includes("*")), "no S3 action on *");
    });

    test("the database: PostgreSQL 17, encrypted, private, backed up, TLS forced, password managed by RDS and not rotated under running tasks", () => {
        const db = run.one("aws:rds/instance:Instance").inputs;
        assert.deepEqual([db.engine, db.engineVersion, db.allowMajorVersionUpgrade], ["postgres", "17", false]);
        assert.equal(db.storageEncrypted, true);
        assert.equal(db.publiclyAccessible, false);
        assert.equal(db.manageMasterUserPassword, true);
        assert.equal(db.password, undefined, "no password in the program or its state");
        assert.equal(db.backupRetentionPeriod, 14);
        assert.equal(db.caCertIdentifier, "rds-ca-rsa2048-g1");
        assert.equal(db.engineLifecycleSupport, "open-source-rds-extended-support-disabled");
        assert.deepEqual([db.deletionProtection, db.skipFinalSnapshot, db.deleteAutomatedBackups], [false, true, true]);
        const parameters = run.one("aws:rds/parameterGroup:ParameterGroup").inputs;
        assert.equal(parameters.family, "postgres17");
        assert.deepEqual(parameters.parameters, [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }]);
        const subnets = run.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds;
        assert.deepEqual(subnets, ["mlflow-isolated-0-id", "mlflow-isolated-1-id"]);
        const zones = subnets.map((id: string) => named(run, "aws:ec2/subnet:Subnet", id.replace(/-id$/, "")).inputs.availabilityZone);
        assert.deepEqual(zones, [`${MOCK_REGION}a`, `${MOCK_REGION}b`], "two zones");
        assert.equal(run.one("aws:secretsmanager/secretRotation:SecretRotation").inputs.rotationEnabled, false);
        assert.deepEqual(db.vpcSecurityGroupIds, [group(run, "database")]);
    });

    test("the isolated subnets have no route out; the public ones route through the internet gateway", () => {
        const isolated = named(run, "aws:ec2/routeTable:RouteTable", "mlflow-isolated");
        assert.equal(isolated.inputs.routes, undefined);
        const associations = run.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter(a => a.name.includes("isolated"));
        assert.ok(associations.every(a => a.inputs.routeTableId === "mlflow-isolated-id") && associations.length === 2);
        assert.equal(named(run, "aws:ec2/routeTable:RouteTable", "mlflow-public").inputs.routes[0].gatewayId, "mlflow-id");
    });

    test("security groups chain allowedCidrs -> load balancer -> tasks -> database, and nothing else gets in", () => {
        const ingress = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs);
        const egress = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(r => r.inputs);
        const lb = group(run, "load-balancer"), task = group(run, "task"), upgrade = group(run, "schema-upgrade"), db = group(run, "database");
        const describe = (rule: any) => `${rule.securityGroupId} ${rule.ipProtocol} ${rule.fromPort}-${rule.toPort} ${rule.cidrIpv4 ?? rule.referencedSecurityGroupId}`;
        assert.deepEqual(ingress.map(describe).sort(), [
            `${db} tcp 5432-5432 ${task}`,
            `${db} tcp 5432-5432 ${upgrade}`,
            `${lb} tcp 443-443 0.0.0.0/0`,
            `${lb} tcp 80-80 0.0.0.0/0`,
            `${task} tcp 80-80 ${lb}`,
        ].sort());
        assert.deepEqual(egress.map(describe).sort(), [
            `${lb} tcp 80-80 ${task}`,
            `${task} tcp 443-443 0.0.0.0/0`,
            `${task} tcp 5432-5432 ${db}`,
            `${upgrade} tcp 443-443 0.0.0.0/0`,
            `${upgrade} tcp 5432-5432 ${db}`,
        ].sort());
        for (const type of ["aws:ec2/securityGroup:SecurityGroup"]) {
            for (const sg of run.ofType(type)) assert.equal(sg.inputs.ingress, undefined, `${sg.name}: no inline rules`);
        }
    });

    test("the load balancer: HTTPS with TLS 1.2+/1.3, HTTP only redirects, invalid headers dropped, idle timeout for long transfers", () => {
        const lb = run.one("aws:lb/loadBalancer:LoadBalancer").inputs;
        assert.equal(lb.internal, false);
        assert.equal(lb.dropInvalidHeaderFields, true);
        assert.ok(lb.idleTimeout >= 600);
        assert.deepEqual(lb.subnets, ["mlflow-public-0-id", "mlflow-public-1-id"]);
        assert.deepEqual(lb.securityGroups, [group(run, "load-balancer")]);
        const https = named(run, "aws:lb/listener:Listener", "mlflow-https").inputs;
        assert.deepEqual([https.port, https.protocol], [443, "HTTPS"]);
        assert.match(https.sslPolicy, /^ELBSecurityPolicy-TLS13-1-2-/);
        assert.equal(https.defaultActions[0].type, "forward");
        const http = named(run, "aws:lb/listener:Listener", "mlflow-http").inputs;
        assert.deepEqual([http.port, http.protocol], [80, "HTTP"]);
        assert.deepEqual(http.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        const targets = run.one("aws:lb/targetGroup:TargetGroup").inputs;
        assert.deepEqual([targets.targetType, targets.protocol, targets.port, targets.healthCheck.path], ["ip", "HTTP", 80, "/health"]);
    });

    test("without a domain, the private CA signs the balancer's DNS name and ACM serves it", () => {
        assert.deepEqual(run.one("tls:index/certRequest:CertRequest").inputs.dnsNames, [LB_DNS]);
        const certificate = run.one("aws:acm/certificate:Certificate");
        assert.match(certificate.inputs.privateKey, /BEGIN PRIVATE KEY/);
        assert.ok(run.secretInputs.includes("mlflow-private-ca.privateKey"), "the key is a secret input");
        assert.equal(certificate.inputs.certificateChain, run.outputs.caCertPem.value);
        assert.equal(named(run, "aws:lb/listener:Listener", "mlflow-https").inputs.certificateArn, `arn:aws:acm:${MOCK_REGION}:123456789012:certificate/mlflow-private-ca`);
        assert.equal(run.ofType("aws:route53/record:Record").length, 0);
    });

    test("the service: Fargate, rolling at full capacity, circuit breaker with rollback, ECS Exec, reachable only through the balancer", () => {
        const service = run.one("aws:ecs/service:Service");
        const s = service.inputs;
        assert.equal(s.launchType, "FARGATE");
        assert.deepEqual([s.deploymentMinimumHealthyPercent, s.deploymentMaximumPercent], [100, 200]);
        assert.deepEqual(s.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.equal(s.enableExecuteCommand, true);
        assert.equal(s.waitForSteadyState, true);
        assert.equal(s.desiredCount, 2);
        assert.deepEqual(s.networkConfiguration, { subnets: ["mlflow-public-0-id", "mlflow-public-1-id"], securityGroups: [group(run, "task")], assignPublicIp: true });
        assert.deepEqual(s.loadBalancers, [{ targetGroupArn: `arn:aws:elasticloadbalancing:${MOCK_REGION}:123456789012:targetgroup/mlflow/0123456789abcdef`, containerName: "nginx", containerPort: 80 }]);
        assert.deepEqual(service.options.ignoreChanges, ["desiredCount"], "autoscaling owns the count");
        assert.deepEqual(service.dependsOn, ["mlflow-https"], "the target group has a listener before the service uses it");
    });

    test("autoscaling: target tracking on CPU between minTaskCount and maxTaskCount", () => {
        const target = run.one("aws:appautoscaling/target:Target").inputs;
        assert.deepEqual([target.minCapacity, target.maxCapacity, target.scalableDimension, target.serviceNamespace], [2, 4, "ecs:service:DesiredCount", "ecs"]);
        assert.equal(target.resourceId, "service/mlflow-physical/mlflow-physical");
        const policy = run.one("aws:appautoscaling/policy:Policy").inputs;
        assert.equal(policy.policyType, "TargetTrackingScaling");
        assert.equal(policy.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType, "ECSServiceAverageCPUUtilization");
    });

    test("logs are kept for a bounded time; the task role has ECS Exec's channel and no SSH anywhere", () => {
        for (const logGroup of run.ofType("aws:cloudwatch/logGroup:LogGroup")) assert.equal(logGroup.inputs.retentionInDays, 30, logGroup.name);
        const [exec, ...sessionLogs] = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-task-exec").inputs.policy);
        assert.deepEqual([...exec.Action].sort(), ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]);
        // ECS Exec logs each session into the cluster's log group, as the task role: it must be allowed to.
        const cluster = run.one("aws:ecs/cluster:Cluster").inputs;
        assert.deepEqual(cluster.configuration.executeCommandConfiguration, {
            logging: "OVERRIDE", logConfiguration: { cloudWatchLogGroupName: "mlflow-physical", cloudWatchEncryptionEnabled: false },
        });
        assert.deepEqual(sessionLogs, [
            { Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "arn:aws:logs:eu-central-1:123456789012:log-group:*" },
            { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource: "arn:aws:logs:eu-central-1:123456789012:log-group:mlflow-physical:*" },
        ]);
        const ports = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs.fromPort);
        assert.ok(!ports.includes(22));
    });

    test("the task: Graviton, nginx and MLflow (-full image) with PostgreSQL over verify-full and S3, secrets only as container secrets", () => {
        const definition = serviceTask(run);
        assert.deepEqual(definition.inputs.runtimePlatform, { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" });
        assert.deepEqual([definition.inputs.cpu, definition.inputs.memory, definition.inputs.networkMode], ["512", "1024", "awsvpc"]);
        assert.deepEqual(definition.inputs.requiresCompatibilities, ["FARGATE"]);
        assert.equal(definition.inputs.taskRoleArn, "arn:aws:iam::123456789012:role/mlflow-task");
        assert.deepEqual(containersOf(definition).map(container => container.name), ["mlflow", "nginx"], "half a vCPU: one MLflow server");
        const [mlflow, nginx] = containersOf(definition);
        assert.equal(mlflow.image, "ghcr.io/mlflow/mlflow:v3.17.2-full");
        const script = mlflow.command![0];
        assert.match(script, /'--host' '127\.0\.0\.1'/, "MLflow on the task's loopback only");
        assert.match(script, /'--backend-store-uri' 'postgresql\+psycopg2:\/\/mlflow@mlflow-db-physical\.c0ffee\.eu-central-1\.rds\.amazonaws\.com:5432\/mlflow\?sslmode=verify-full&sslrootcert=\/tmp\/rds-ca\.pem'/);
        assert.match(script, /'--artifacts-destination' 's3:\/\/mlflow-artifacts-physical\/artifacts'/);
        assert.match(script, /'--serve-artifacts'/, "proxied: clients keep the HTTPS URL and basic auth");
        const bundle = mlflow.environment.find(e => e.name === "RDS_CA_BUNDLE")!.value;
        assert.equal(bundle.match(/BEGIN CERTIFICATE/g)!.length, 1, "the region's root of the CA the database pins");
        assert.deepEqual(mlflow.secrets, [{ name: "PGPASSWORD", valueFrom: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-mlflow-db-AbCdEf:password::" }]);
        assert.equal(nginx.image, "nginx:1.30.6-alpine");
        assert.deepEqual(nginx.secrets, [{ name: "HTPASSWD", valueFrom: "arn:aws:ssm:eu-central-1:123456789012:parameter/mlflow-on-aws/test/task-htpasswd" }]);
        assert.deepEqual(nginx.portMappings, [{ containerPort: 80, protocol: "tcp" }]);
        assert.deepEqual(nginx.dependsOn, [{ containerName: "mlflow", condition: "HEALTHY" }]);
        for (const container of [mlflow, nginx]) {
            assert.equal(container.logConfiguration.options["awslogs-group"], "mlflow-physical");
            assert.equal(container.linuxParameters.initProcessEnabled, true);
        }
    });

    test("a task of 2 vCPU runs two MLflow servers, on ports 5000 and 5001, and its nginx spreads requests over both once both are healthy", async () => {
        const containers = containersOf(serviceTask(await runProgram({ ...SCALED, taskCpu: 2048, taskMemory: 4096 })));
        assert.deepEqual(containers.map(container => container.name), ["mlflow", "mlflow-2", "nginx"]);
        assert.match(containers[0].command![0], /'--port' '5000'/);
        assert.match(containers[1].command![0], /'--port' '5001'/);
        const nginx = containers[2];
        assert.deepEqual(nginx.dependsOn, [{ containerName: "mlflow", condition: "HEALTHY" }, { containerName: "mlflow-2", condition: "HEALTHY" }]);
        assert.match(nginx.environment.find(e => e.name === "NGINX_CONF")!.value, /upstream mlflow \{\n\s*least_conn;\n\s*server 127\.0\.0\.1:5000 fail_timeout=2s;\n\s*server 127\.0\.0\.1:5001 fail_timeout=2s;\n/);
    });

    test("no password, hash or key in any task definition's plain fields", () => {
        const password = run.outputs.passwords.value.admin as string;
        const htpasswd = run.one("aws:ssm/parameter:Parameter").inputs.value as string;
        assert.ok(run.secretInputs.includes("mlflow-htpasswd.value"));
        for (const definition of run.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
            const text = definition.inputs.containerDefinitions as string;
            assert.ok(!text.includes(password), `${definition.name}: a password`);
            assert.ok(!text.includes(htpasswd.split(":")[1].trim()), `${definition.name}: the htpasswd hash`);
            assert.doesNotMatch(text, /PRIVATE KEY/);
            for (const container of containersOf(definition)) {
                assert.ok(!container.environment.some(e => /PASSWORD|HTPASSWD/.test(e.name)), `${container.name}: a secret in the environment`);
            }
        }
    });

    test("nginx in the task: basic auth, trusts forwarded headers from the balancer's subnets only, leaves artifact downloads to MLflow", () => {
        const nginx = containersOf(serviceTask(run))[1];
        const conf = nginx.environment.find(e => e.name === "NGINX_CONF")!.value;
        assert.match(conf, /set_real_ip_from 10\.80\.1\.0\/24;\n\s*set_real_ip_from 10\.80\.2\.0\/24;/);
        assert.match(conf, /server_name mlflow-1234567890\.eu-central-1\.elb\.amazonaws\.com;/);
        assert.match(conf, /auth_basic_user_file \/etc\/nginx\/auth\/htpasswd;/);
        assert.match(conf, /proxy_set_header X-Forwarded-Proto \$forwarded_proto;/);
        assert.doesNotMatch(conf, /X-Forwarded-Proto \$scheme/);
        assert.doesNotMatch(conf, /alias |ssl_certificate|listen 443/, "no local store, no TLS in the task");
    });

    test("the execution role reads exactly the htpasswd parameter and the database secret", () => {
        const [ssm, secrets] = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-execution-secrets").inputs.policy);
        assert.deepEqual(ssm.Resource, ["arn:aws:ssm:eu-central-1:123456789012:parameter/mlflow-on-aws/test/task-htpasswd"]);
        assert.deepEqual(secrets.Resource, ["arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-mlflow-db-AbCdEf"]);
    });
});

describe("schema upgrades", () => {
    let run: ProgramRun;
    before(async () => { run = await runProgram({ ...SCALED }); });

    test("snapshot, then upgrade, then the service's task definition: the service never rolls to an unmigrated release", () => {
        assert.deepEqual(serviceTask(run).dependsOn, ["mlflow-schema-upgrade-upgrade"]);
        assert.deepEqual(named(run, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-upgrade").dependsOn, ["mlflow-schema-upgrade-snapshot", "mlflow", "mlflow", "mlflow-artifacts"],
            "after the snapshot, the network (its rules lead to the database), the cluster (its role may read the task's secrets) and the bucket (its policy, for a migration)");
        const upgradeOptions = named(run, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-upgrade").options.dependsOn as pulumi.Resource[];
        assert.deepEqual(upgradeOptions.slice(1).map(r => r.constructor.name), ["FargateNetwork", "EcsCluster", "ArtifactBucket"]);
        assert.equal(run.ofType("aws:lambda/invocation:Invocation").length, 2, "no migration without migrateFromSnapshot");
        // IAM before first use: the function's first invocation needs its rights and its logging.
        assert.deepEqual(named(run, "aws:lambda/function:Function", "mlflow-schema-upgrade").dependsOn, ["mlflow-schema-upgrade", "mlflow-schema-upgrade"]);
        const fnOptions = named(run, "aws:lambda/function:Function", "mlflow-schema-upgrade").options.dependsOn as pulumi.Resource[];
        assert.deepEqual(fnOptions.map(r => r.constructor.name), ["RolePolicy", "RolePolicyAttachment"]);
        const snapshot = JSON.parse(named(run, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-snapshot").inputs.input);
        const upgrade = JSON.parse(named(run, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-upgrade").inputs.input);
        assert.equal(snapshot.step, "snapshot");
        assert.equal(upgrade.step, "upgrade");
        for (const event of [snapshot, upgrade]) {
            assert.equal(event.mlflowVersion, "3.17.2");
            assert.equal(event.dbInstanceIdentifier, "mlflow-db-physical");
            assert.equal(event.taskDefinition, "arn:aws:ecs:eu-central-1:123456789012:task-definition/mlflow-schema-upgrade-test:1");
        }
        assert.deepEqual(upgrade.securityGroups, [group(run, "schema-upgrade")]);
    });

    test("the upgrade task: the server's -full image running `mlflow db upgrade` with the same verified connection", () => {
        const [container] = containersOf(upgradeTask(run));
        assert.equal(container.image, "ghcr.io/mlflow/mlflow:v3.17.2-full");
        assert.match(container.command![0], /&& 'mlflow' 'db' 'upgrade' 'postgresql\+psycopg2:\/\/mlflow@[^']*sslmode=verify-full[^']*' && exec 'python' '-c' '[^']*DROP TABLE IF EXISTS \w+[^']*' '[^']+'$/);
        assert.deepEqual(container.secrets.map(s => s.name), ["PGPASSWORD"]);
        assert.equal(upgradeTask(run).inputs.taskRoleArn, undefined, "the upgrade needs no AWS permissions of its own");
    });

    test("the function: Node 22 with Lambda's full 15 minutes, allowed to snapshot this database and run this task definition only", () => {
        const fn = run.one("aws:lambda/function:Function").inputs;
        assert.deepEqual([fn.runtime, fn.timeout, fn.handler], ["nodejs22.x", 900, "index.handler"]);
        const policy = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-schema-upgrade").inputs.policy);
        const resources = policy.flatMap(s => [s.Resource].flat());
        assert.ok(!resources.includes("*"));
        const runTask = policy.find(s => s.Action.includes("ecs:RunTask"))!;
        assert.equal(runTask.Resource, "arn:aws:ecs:eu-central-1:123456789012:task-definition/mlflow-schema-upgrade-test:*");
        assert.deepEqual(runTask.Condition, { ArnEquals: { "ecs:cluster": "arn:aws:ecs:eu-central-1:123456789012:cluster/mlflow-physical" } });
        const passRole = policy.find(s => s.Action.includes("iam:PassRole"))!;
        assert.equal(passRole.Resource, "arn:aws:iam::123456789012:role/mlflow-execution");
    });

    test("runs again for a new MLflow release, not for an nginx release or a bigger task", async () => {
        const inputs = (r: ProgramRun) => run.ofType("aws:lambda/invocation:Invocation").map(i => named(r, i.type, i.name).inputs.input);
        const upgradeContainers = (r: ProgramRun) => upgradeTask(r).inputs.containerDefinitions;
        const nginx = await runProgram({ ...SCALED, nginxVersion: "1.30.3", taskCpu: 1024, taskMemory: 2048, desiredCount: 3 });
        assert.deepEqual(inputs(nginx), inputs(run));
        assert.equal(upgradeContainers(nginx), upgradeContainers(run), "the upgrade task definition, whose ARN the invocations hold, is unchanged");
        const mlflow = await runProgram({ ...SCALED, mlflowVersion: "3.18.0" });
        assert.notDeepEqual(inputs(mlflow), inputs(run));
        assert.match(upgradeContainers(mlflow), /mlflow:v3\.18\.0-full/);
    });
});

describe("moving between the tiers", () => {
    test("the generated passwords stay: each tier's Credentials answers to the other tier's URN, which the engine moves with its children", async () => {
        const host = await runProgram({});
        const scaled = await runProgram({ ...SCALED });
        const credentials = (r: ProgramRun) => r.one("mlflow-on-aws:index:Credentials");
        /** The URN an alias { parent } names: the parent's type chain, then the child's type and name, as the engine forms it. */
        const aliasUrns = async (resource: RecordedResource) => Promise.all((resource.options.aliases ?? []).map(async alias => {
            const parent = await new Promise<string>(resolve => pulumi.output((alias as { parent: pulumi.Input<string> }).parent).apply(resolve));
            const [prefix, parentName] = [parent.slice(0, parent.lastIndexOf("::")), parent.slice(parent.lastIndexOf("::") + 2)];
            assert.equal(parentName, "mlflow");
            return `${prefix}$${resource.type}::${resource.name}`;
        }));
        assert.deepEqual(await aliasUrns(credentials(scaled)), [credentials(host).urn]);
        assert.deepEqual(await aliasUrns(credentials(host)), [credentials(scaled).urn]);
        const passwordTypes = (r: ProgramRun) => r.ofType("random:index/randomPassword:RandomPassword").map(p => `${p.name} under ${p.parentName}`);
        assert.deepEqual(passwordTypes(scaled), passwordTypes(host), "the same children, named alike");
    });
});

describe("scaled tier with auth mlflow", () => {
    const users = ["admin", "alice"];
    let run: ProgramRun;
    before(async () => { run = await runProgram({ ...SCALED, auth: "mlflow", users: JSON.stringify(users) }); });
    const parameterArn = (name: string) => `arn:aws:ssm:eu-central-1:123456789012:parameter/mlflow-on-aws/test/${name}`;

    test("the secret key and the users' passwords are SecureString parameters the execution role alone reads", () => {
        const parameters = run.ofType("aws:ssm/parameter:Parameter").map(p => [p.inputs.name, p.inputs.type]);
        assert.deepEqual(parameters.sort(), [
            ["/mlflow-on-aws/test/task-auth-secret-key", "SecureString"], ["/mlflow-on-aws/test/task-auth-users", "SecureString"], ["/mlflow-on-aws/test/task-htpasswd", "SecureString"],
        ]);
        const [ssm] = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-execution-secrets").inputs.policy);
        assert.deepEqual(ssm.Resource, ["task-auth-secret-key", "task-auth-users"].map(parameterArn), "not the htpasswd, which nothing reads then");
        assert.ok(run.secretInputs.includes("mlflow-auth-secret-key.value") && run.secretInputs.includes("mlflow-auth-users.value"), run.secretInputs.join(", "));
        assert.deepEqual(Object.keys(JSON.parse(named(run, "aws:ssm/parameter:Parameter", "mlflow-auth-users").inputs.value)), users, "the admin first");
    });

    test("the servers get the key as a container secret and the auth app's configuration in the environment; the upgrade creates the users", () => {
        const [mlflow, nginx] = containersOf(serviceTask(run));
        assert.match(mlflow.command![0], /'--app-name' 'basic-auth'/);
        assert.deepEqual(mlflow.secrets.find(secret => secret.name === "MLFLOW_FLASK_SERVER_SECRET_KEY")?.valueFrom, parameterArn("task-auth-secret-key"));
        const config = mlflow.environment.find(variable => variable.name === "MLFLOW_AUTH_CONFIG")!.value;
        assert.match(config, /^admin_username = admin$/m);
        assert.match(config, /^database_uri = postgresql\+psycopg2:\/\/mlflow@[^\n]*sslmode=verify-full/m);
        assert.deepEqual(nginx.secrets, []);
        assert.doesNotMatch(nginx.environment.find(variable => variable.name === "NGINX_CONF")!.value, /auth_basic/);
        const [upgrade] = containersOf(upgradeTask(run));
        assert.deepEqual(upgrade.secrets.find(secret => secret.name === "MLFLOW_AUTH_USERS")?.valueFrom, parameterArn("task-auth-users"));
        assert.doesNotMatch(upgrade.command![0], /--forget/);
    });

    test("new users: the schema upgrade's task definition changes (the setup runs again), the service's does not", async () => {
        const more = await runProgram({ ...SCALED, auth: "mlflow", users: JSON.stringify([...users, "bob"]) }, undefined, { deployed: run });
        const usersVersion = (r: ProgramRun) => containersOf(upgradeTask(r))[0].environment.find(variable => variable.name === "MLFLOW_AUTH_USERS_VERSION")?.value;
        assert.deepEqual([usersVersion(run), usersVersion(more)], ["1", "2"]);
        assert.equal(serviceTask(more).inputs.containerDefinitions, serviceTask(run).inputs.containerDefinitions);
        assert.ok(!serviceTask(run).inputs.containerDefinitions.includes("MLFLOW_AUTH_USERS"));
    });

    test("the auth app's secret key is generated beside the passwords, named alike on both tiers", async () => {
        const host = await runProgram({ auth: "mlflow", users: JSON.stringify(users) });
        const passwordTypes = (r: ProgramRun) => r.ofType("random:index/randomPassword:RandomPassword").map(p => `${p.name} under ${p.parentName}`);
        assert.deepEqual(passwordTypes(run), passwordTypes(host));
        assert.ok(passwordTypes(run).includes("mlflow-auth-secret-key under Credentials"), passwordTypes(run).join(", "));
    });
});

describe("scaled tier with auth oidc", () => {
    let run: ProgramRun;
    before(async () => { run = await runProgram({ ...SCALED, ...OIDC_OVERRIDES, taskCpu: 16384, taskMemory: 32768 }); });
    const parameterArn = (name: string) => `arn:aws:ssm:eu-central-1:123456789012:parameter/mlflow-on-aws/test/${name}`;

    test("oauth2-proxy's client secret and cookie key are SecureString parameters, the identity module a String one; the execution role reads them with the auth app's", () => {
        const parameters = run.ofType("aws:ssm/parameter:Parameter").map(p => [p.inputs.name, p.inputs.type]);
        assert.deepEqual(parameters.sort(), [
            ["/mlflow-on-aws/test/task-auth-secret-key", "SecureString"], ["/mlflow-on-aws/test/task-auth-users", "SecureString"], ["/mlflow-on-aws/test/task-htpasswd", "SecureString"],
            ["/mlflow-on-aws/test/task-identity-module", "String"], ["/mlflow-on-aws/test/task-oidc-client-secret", "SecureString"], ["/mlflow-on-aws/test/task-oidc-cookie-secret", "SecureString"],
        ]);
        const [ssm] = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-execution-secrets").inputs.policy);
        assert.deepEqual(ssm.Resource, ["task-auth-secret-key", "task-auth-users", "task-oidc-client-secret", "task-oidc-cookie-secret", "task-identity-module"].map(parameterArn));
        for (const secret of ["mlflow-oidc-client-secret", "mlflow-oidc-cookie-secret"]) assert.ok(run.secretInputs.includes(`${secret}.value`), `${secret} is sent as a secret`);
        assert.equal(named(run, "aws:ssm/parameter:Parameter", "mlflow-oidc-client-secret").inputs.value, OIDC_OVERRIDES.oidcClientSecret);
        const module = named(run, "aws:ssm/parameter:Parameter", "mlflow-identity-module").inputs.value as string;
        assert.equal(gunzipSync(Buffer.from(module, "base64")).toString("utf8"), readFileSync(path.join(projectRoot(), "host", "mlflow_on_aws_identity.py"), "utf8"));
    });

    test("16 vCPU: 8 MLflow servers, oauth2-proxy and nginx, ECS's 10; no secret of oauth2-proxy in the task definition; the provider sends people back to the load balancer's name", () => {
        const containers = containersOf(serviceTask(run));
        assert.deepEqual(containers.map(container => container.name), [...Array.from({ length: 8 }, (_, i) => (i === 0 ? "mlflow" : `mlflow-${i + 1}`)), "oauth2-proxy", "nginx"]);
        const cookieKey = named(run, "aws:ssm/parameter:Parameter", "mlflow-oidc-cookie-secret").inputs.value as string;
        for (const secret of [cookieKey, OIDC_OVERRIDES.oidcClientSecret!]) assert.ok(!serviceTask(run).inputs.containerDefinitions.includes(secret));
        const proxy = containers.find(container => container.name === "oauth2-proxy")!;
        assert.ok(proxy.command!.includes(`--redirect-url=https://${new URL(run.outputs.url.value).hostname}/oauth2/callback`), proxy.command!.join(" "));
        assert.match(new URL(run.outputs.url.value).hostname, /\.elb\.amazonaws\.com$/);
        assert.deepEqual(proxy.environment, [{ name: "SECRET_VERSIONS", value: "client-secret:1,cookie-secret:1" }]);
    });

    test("a new identity module or new admin groups give the servers a new task definition, and only the service's; the one-off tasks stay as they were", async () => {
        const withAdmins = await runProgram({ ...SCALED, ...OIDC_OVERRIDES, taskCpu: 16384, taskMemory: 32768, oidcAdminGroups: ["mlflow-admins"] }, undefined, { deployed: run });
        assert.notEqual(serviceTask(withAdmins).inputs.containerDefinitions, serviceTask(run).inputs.containerDefinitions);
        assert.equal(upgradeTask(withAdmins).inputs.containerDefinitions, upgradeTask(run).inputs.containerDefinitions);
        const [mlflow] = containersOf(serviceTask(withAdmins));
        assert.deepEqual(mlflow.secrets.find(secret => secret.name === "MLFLOW_IDENTITY_ADMIN_GROUPS")?.valueFrom, parameterArn("task-oidc-admin-groups"));
        assert.equal(named(withAdmins, "aws:ssm/parameter:Parameter", "mlflow-oidc-admin-groups").inputs.value, "mlflow-admins");
    });
});

describe("migration from a host's data snapshot (migrateFromSnapshot)", () => {
    const SNAPSHOT = "snap-0123456789abcdef0";
    let run: ProgramRun;
    before(async () => { run = await runProgram({ ...SCALED, migrateFromSnapshot: SNAPSHOT }); });
    const migrateTask = () => named(run, "aws:ecs/taskDefinition:TaskDefinition", "mlflow-schema-upgrade-migrate");
    const migrateInvocation = (r: ProgramRun) => named(r, "aws:lambda/invocation:Invocation", "mlflow-schema-upgrade-migrate");

    test("snapshot, upgrade, migration, then the service: the service starts on the moved data only", () => {
        assert.deepEqual(migrateInvocation(run).dependsOn, ["mlflow-schema-upgrade-upgrade", "mlflow-schema-upgrade-volumes"],
            "after the upgrade, and after ECS's volume role has its policy (ECS makes the volume with it)");
        assert.deepEqual(serviceTask(run).dependsOn, ["mlflow-schema-upgrade-migrate"]);
        const event = JSON.parse(migrateInvocation(run).inputs.input);
        assert.equal(event.step, "migrate");
        assert.equal(event.taskDefinition, "mlflow-schema-upgrade-migrate-test", "the family: the input does not change with a new revision");
        assert.equal(event.container, "mlflow-migrate-store");
        assert.deepEqual(event.hostData, { volumeName: "host-data", snapshotId: SNAPSHOT, filesystemType: "ext4", infrastructureRoleArn: "arn:aws:iam::123456789012:role/mlflow-schema-upgrade-volumes" });
        assert.deepEqual(event.securityGroups, [group(run, "schema-upgrade")]);
    });

    test("runs once per snapshot: a new MLflow release leaves the migration's input as it was", async () => {
        const later = await runProgram({ ...SCALED, migrateFromSnapshot: SNAPSHOT, mlflowVersion: "3.18.0", nginxVersion: "1.30.3" });
        assert.equal(migrateInvocation(later).inputs.input, migrateInvocation(run).inputs.input);
    });

    test("the task: the -full image runs scripts/migrate-store.py on the snapshot's volume at the host's mount point, as MLflow's role, with the verified connection", () => {
        const task = migrateTask().inputs;
        assert.deepEqual(task.volumes, [{ name: "host-data", configureAtLaunch: true }]);
        assert.equal(task.taskRoleArn, "arn:aws:iam::123456789012:role/mlflow-task", "the role the bucket lets write");
        const [container] = containersOf(migrateTask());
        assert.equal(container.image, "ghcr.io/mlflow/mlflow:v3.17.2-full");
        assert.deepEqual(container.mountPoints, [{ sourceVolume: "host-data", containerPath: "/srv/mlflow-data", readOnly: false }]);
        assert.match(container.command![0], /exec 'python' '\/tmp\/migrate-store\.py' '--sqlite' '\/srv\/mlflow-data\/mlflow\/mlflow\.db' '--artifacts' '\/srv\/mlflow-data\/mlflow\/artifacts' '--postgres' 'postgresql\+psycopg2:\/\/mlflow@[^']*sslmode=verify-full[^']*' '--s3' 's3:\/\/mlflow-artifacts-physical\/artifacts' '--auth-seeded-file' '\/srv\/mlflow-data\/mlflow\/\.auth-seeded-users' '--auth-seeded-table' '\w+'$/);
        const script = container.environment.find(e => e.name === "MIGRATE_STORE_PY")!.value;
        assert.equal(script, readFileSync(path.join(projectRoot(), "scripts", "migrate-store.py"), "utf8"));
        assert.deepEqual(container.secrets.map(s => s.name), ["PGPASSWORD"]);
    });

    test("the finished migration's mark: the function may set that one tag on the database, and a refreshed stack keeps it", () => {
        const policy = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-schema-upgrade").inputs.policy);
        const tagging = policy.filter(s => s.Action.includes("rds:AddTagsToResource") && s.Resource === "arn:aws:rds:eu-central-1:123456789012:db:mlflow-db-physical");
        assert.deepEqual(tagging.map(s => s.Condition), [{ "ForAllValues:StringEquals": { "aws:TagKeys": ["mlflow-on-aws:migrated-from"] } }]);
        assert.deepEqual(run.one("aws:rds/instance:Instance").options.ignoreChanges, ['tags["mlflow-on-aws:migrated-from"]']);
        const listing = policy.filter(s => s.Action.includes("ecs:ListTasks"));
        assert.deepEqual(listing, [{ Effect: "Allow", Action: ["ecs:ListTasks"], Resource: "*", Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:eu-central-1:123456789012:cluster/mlflow-physical" } } }]);
    });

    test("the function may start this task, pass MLflow's role to it and the volume role to ECS, nothing more", () => {
        const policy = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-schema-upgrade").inputs.policy);
        assert.ok(policy.some(s => s.Action.includes("ecs:RunTask") && s.Resource === "arn:aws:ecs:eu-central-1:123456789012:task-definition/mlflow-schema-upgrade-migrate-test:*"));
        const passRoles = policy.filter(s => s.Action.includes("iam:PassRole"));
        assert.deepEqual(passRoles.map(s => [s.Resource, s.Condition.StringEquals["iam:PassedToService"]]), [
            [["arn:aws:iam::123456789012:role/mlflow-execution", "arn:aws:iam::123456789012:role/mlflow-task"], "ecs-tasks.amazonaws.com"],
            ["arn:aws:iam::123456789012:role/mlflow-schema-upgrade-volumes", "ecs.amazonaws.com"],
        ]);
        const attachments = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(a => a.name === "mlflow-schema-upgrade-volumes");
        assert.deepEqual(attachments.map(a => a.inputs.policyArn), ["arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForVolumes"]);
    });
});

describe("scaled tier with a domain, Route 53 and protected data", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ ...SCALED, domain: "mlflow.example.com", route53ZoneId: "Z0123456789ABCDEFGHIJ", protectData: true, backupRetentionDays: 30, users: ["admin", "ci"], allowedCidrs: ["192.0.2.0/24"], alarmEmail: "ops@example.com" });
    });

    test("alarms from AWS's own metrics: no healthy task, database storage running out, mailed to alarmEmail", () => {
        const alarms = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map(a => a.inputs);
        assert.deepEqual(alarms.map(a => `${a.namespace} ${a.metricName}`).sort(), ["AWS/ApplicationELB HealthyHostCount", "AWS/RDS FreeStorageSpace"]);
        const healthy = alarms.find(a => a.metricName === "HealthyHostCount")!;
        assert.deepEqual(healthy.dimensions, { LoadBalancer: "app/mlflow/0123456789abcdef", TargetGroup: "targetgroup/mlflow/0123456789abcdef" });
        assert.deepEqual([healthy.comparisonOperator, healthy.threshold, healthy.treatMissingData], ["LessThanThreshold", 1, "missing"]);
        assert.equal(alarms.find(a => a.metricName === "FreeStorageSpace")!.threshold, 20 * 1024 ** 3 * 0.15);
        assert.equal(run.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "ops@example.com");
    });

    test("ACM's certificate, validated through the zone; an alias record; no private CA and an empty caCertPem", () => {
        const certificate = run.one("aws:acm/certificate:Certificate").inputs;
        assert.deepEqual([certificate.domainName, certificate.validationMethod], ["mlflow.example.com", "DNS"]);
        const records = run.ofType("aws:route53/record:Record");
        const validation = records.find(r => r.name === "mlflow-validation")!.inputs;
        assert.deepEqual([validation.zoneId, validation.type, validation.records], ["Z0123456789ABCDEFGHIJ", "CNAME", ["_x2.acm-validations.aws."]]);
        assert.deepEqual(run.one("aws:acm/certificateValidation:CertificateValidation").inputs.validationRecordFqdns, ["_x1.mlflow.example.com."]);
        const alias = records.find(r => r.name === "mlflow")!.inputs;
        assert.deepEqual([alias.name, alias.type, alias.aliases[0].name], ["mlflow.example.com", "A", LB_DNS]);
        assert.equal(run.ofType("mlflow-on-aws:index:PrivateCa").length, 0);
        assert.equal(run.outputs.caCertPem.value, "");
        assert.equal(run.outputs.url.value, "https://mlflow.example.com");
        assert.doesNotMatch(run.outputs.trackingEnv.value, /SERVER_CERT_PATH/);
        assert.match(containersOf(serviceTask(run))[0].environment.find(e => e.name === "MLFLOW_SERVER_ALLOWED_HOSTS")!.value, /^mlflow\.example\.com$/);
    });

    test("protectData: deletion protection, a final snapshot, backups kept; the bucket stays and is never force-emptied", () => {
        const db = run.one("aws:rds/instance:Instance").inputs;
        assert.deepEqual([db.deletionProtection, db.skipFinalSnapshot, db.finalSnapshotIdentifier, db.deleteAutomatedBackups], [true, false, "mlflow-db-test-final", false]);
        assert.equal(db.backupRetentionPeriod, 30);
        const bucket = run.one("aws:s3/bucket:Bucket");
        assert.equal(bucket.options.retainOnDelete, true);
        assert.equal(bucket.inputs.forceDestroy, false);
        assert.match(run.outputs.dataRetention.value, /keeps the artifact bucket mlflow-artifacts-physical .*deletion protection.*--no-deletion-protection.*final snapshot, mlflow-db-test-final/);
    });

    test("only the allowed block reaches the balancer", () => {
        const sources = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs.cidrIpv4).filter(Boolean);
        assert.deepEqual(sources, ["192.0.2.0/24", "192.0.2.0/24"]);
    });
});

describe("the scaled tier's stateful resources keep their identity", () => {
    const PINNED_URNS = [
        "urn:pulumi:test::mlflow-on-aws::mlflow-on-aws:index:MlflowOnFargate$mlflow-on-aws:index:ArtifactBucket$aws:s3/bucket:Bucket::mlflow-artifacts",
        "urn:pulumi:test::mlflow-on-aws::mlflow-on-aws:index:MlflowOnFargate$mlflow-on-aws:index:Database$aws:rds/instance:Instance::mlflow-db",
    ];
    /** Inputs whose change replaces the resource: a new, empty bucket or database. */
    const REPLACING_INPUTS: Record<string, string[]> = {
        "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
        "aws:rds/instance:Instance": ["identifier", "identifierPrefix", "engine", "dbName", "username", "storageEncrypted", "kmsKeyId", "availabilityZone", "dbSubnetGroupName", "snapshotIdentifier"],
    };
    const identity = (run: ProgramRun) => Object.entries(REPLACING_INPUTS).map(([type, inputs]) => {
        const resource = run.one(type);
        return { urn: resource.urn, inputs: Object.fromEntries(inputs.map(input => [input, resource.inputs[input] ?? null])) };
    });
    const CHANGES: Record<string, Record<string, string | string[] | number | boolean>> = {
        "another MLflow release": { mlflowVersion: "3.18.0" },
        "another nginx release": { nginxVersion: "1.30.3" },
        "bigger tasks, more of them": { taskCpu: 1024, taskMemory: 4096, desiredCount: 3, maxTaskCount: 6 },
        "a bigger database class and more storage": { dbInstanceClass: "db.t4g.small", dbStorageGiB: 50 },
        "more users": { users: ["admin", "ci"] },
        "protectData": { protectData: true },
        "a domain": { domain: "mlflow.example.com", route53ZoneId: "Z0123456789ABCDEFGHIJ" },
        "longer backups": { backupRetentionDays: 35 },
    };

    let base: ProgramRun;
    before(async () => { base = await runProgram({ ...SCALED }); });

    test("the URNs are the pinned ones", () => {
        assert.deepEqual(identity(base).map(i => i.urn), PINNED_URNS);
    });
    for (const [change, settings] of Object.entries(CHANGES)) {
        test(change, async () => assert.deepEqual(identity(await runProgram({ ...SCALED, ...settings })), identity(base)));
    }
});

describe("the host tier", () => {
    test("exports none of the scaled tier's store outputs (each would be an undefined-output warning on every run)", async () => {
        const run = await runProgram({});
        for (const key of ["artifactBucket", "artifactsDestination", "databaseIdentifier", "databaseEndpoint", "databaseSecretArn", "clusterName", "serviceName"]) {
            assert.ok(!(key in run.outputs), key);
        }
        assert.equal(run.ofType("aws:rds/instance:Instance").length + run.ofType("aws:s3/bucket:Bucket").length + run.ofType("aws:ecs/service:Service").length, 0);
    });
});

describe("bad scaled-tier configuration", () => {
    test("fails before any resource is created", async () => {
        await assert.rejects(runProgram({ compute: "fargate" }), (error: Error & { resourcesBeforeError: unknown[] }) => {
            assert.ok(pulumi.RunError.isInstance(error));
            assert.deepEqual(error.resourcesBeforeError, []);
            assert.match(error.message, /backendStore = "sqlite": compute fargate needs rds/);
            assert.match(error.message, /artifactStore = "volume": compute fargate needs s3/);
            return true;
        });
    });
});
