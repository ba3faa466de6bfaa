"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// The stateless host (compute ec2 with backendStore rds and artifactStore s3) under
// pulumi.runtime.setMocks: the database and the bucket as on the scaled tier, reachable and usable
// by this host alone; the host's user data on PostgreSQL and S3 without a secret in it; the
// outputs; and a stack that switches to it keeps its volume, network and address.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_zlib_1 = require("node:zlib");
const node_test_1 = require("node:test");
const yaml_1 = require("yaml");
const rdsCa_1 = require("../lib/render/rdsCa");
const pulumiProgram_1 = require("./support/pulumiProgram");
const STATELESS = { backendStore: "rds", artifactStore: "s3" };
const DB_ADDRESS = `mlflow-db-physical.c0ffee.${pulumiProgram_1.MOCK_REGION}.rds.amazonaws.com`;
const DB_SECRET = `arn:aws:secretsmanager:${pulumiProgram_1.MOCK_REGION}:123456789012:secret:rds!db-mlflow-db-AbCdEf`;
const HOST_ROLE_ARN = "arn:aws:iam::123456789012:role/mlflow";
const named = (run, type, name) => {
    const found = run.ofType(type).find(r => r.name === name);
    strict_1.default.ok(found, `no ${type} named ${name}; have ${run.ofType(type).map(r => r.name).join(", ")}`);
    return found;
};
const statements = (policy) => JSON.parse(policy).Statement;
const writtenFiles = (run) => {
    const userData = run.one("aws:ec2/instance:Instance").inputs.userDataBase64;
    const cloudConfig = (0, node_zlib_1.gunzipSync)(Buffer.from(userData, "base64")).toString("utf8");
    const config = (0, yaml_1.parse)(cloudConfig);
    return { cloudConfig, config, file: (path) => config.write_files.find(f => f.path === path)?.content };
};
(0, node_test_1.describe)("stateless host: ec2 with rds and s3", () => {
    let run;
    (0, node_test_1.before)(async () => { run = await (0, pulumiProgram_1.runProgram)({ ...STATELESS }); });
    (0, node_test_1.test)("one host with its volume and address, the database and the bucket; no scaled-tier compute", () => {
        for (const type of ["aws:ec2/instance:Instance", "aws:ebs/volume:Volume", "aws:ec2/eip:Eip", "aws:rds/instance:Instance", "aws:s3/bucket:Bucket"]) {
            strict_1.default.equal(run.ofType(type).length, 1, type);
        }
        for (const type of ["aws:ecs/cluster:Cluster", "aws:lb/loadBalancer:LoadBalancer", "aws:ec2/natGateway:NatGateway"])
            strict_1.default.equal(run.ofType(type).length, 0, type);
    });
    (0, node_test_1.test)("IAM before first use: the host starts after every right of its role, the bucket's grant included", () => {
        strict_1.default.deepEqual(run.one("aws:ec2/instance:Instance").dependsOn, ["mlflow-session-manager", "mlflow-secrets-and-metrics", "mlflow-artifacts"]);
    });
    (0, node_test_1.test)("the database: private, encrypted, TLS forced, password kept by RDS, in isolated subnets of two zones, next to the host", () => {
        const db = run.one("aws:rds/instance:Instance").inputs;
        strict_1.default.deepEqual([db.engine, db.engineVersion, db.storageEncrypted, db.publiclyAccessible, db.manageMasterUserPassword], ["postgres", "17", true, false, true]);
        strict_1.default.equal(db.password, undefined);
        strict_1.default.equal(db.instanceClass, "db.t4g.micro");
        strict_1.default.equal(db.backupRetentionPeriod, 14);
        strict_1.default.deepEqual(run.one("aws:rds/parameterGroup:ParameterGroup").inputs.parameters, [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }]);
        const hostZone = named(run, "aws:ec2/subnet:Subnet", "mlflow-public").inputs.availabilityZone;
        strict_1.default.equal(db.availabilityZone, hostZone, "queries stay in the host's zone");
        const subnets = run.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds;
        strict_1.default.deepEqual(subnets, ["mlflow-isolated-0-id", "mlflow-isolated-1-id"]);
        const zones = subnets.map(id => named(run, "aws:ec2/subnet:Subnet", id.replace(/-id$/, "")).inputs.availabilityZone);
        strict_1.default.equal(zones[0], hostZone);
        strict_1.default.notEqual(zones[1], hostZone, "RDS wants two zones");
        const cidrs = subnets.map(id => named(run, "aws:ec2/subnet:Subnet", id.replace(/-id$/, "")).inputs.cidrBlock);
        strict_1.default.deepEqual(cidrs, ["10.80.11.0/24", "10.80.12.0/24"]);
        const isolated = named(run, "aws:ec2/routeTable:RouteTable", "mlflow-isolated").inputs;
        strict_1.default.equal(isolated.routes, undefined, "no route out of the database's subnets");
        const associations = run.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter(a => a.name.startsWith("mlflow-isolated"));
        strict_1.default.deepEqual(associations.map(a => [a.inputs.subnetId, a.inputs.routeTableId]), subnets.map(id => [id, "mlflow-isolated-id"]));
    });
    (0, node_test_1.test)("the database admits PostgreSQL from the host's group and nothing else; the host still only 80 and 443", () => {
        const rules = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs);
        const intoDatabase = rules.filter(r => r.securityGroupId === "mlflow-database-id");
        strict_1.default.deepEqual(intoDatabase.map(r => [r.ipProtocol, r.fromPort, r.toPort, r.referencedSecurityGroupId, r.cidrIpv4 ?? null]), [["tcp", 5432, 5432, "mlflow-id", null]]);
        strict_1.default.deepEqual(run.one("aws:rds/instance:Instance").inputs.vpcSecurityGroupIds, ["mlflow-database-id"]);
        const intoHost = rules.filter(r => r.securityGroupId === "mlflow-id").map(r => `${r.fromPort} ${r.cidrIpv4}`).sort();
        strict_1.default.deepEqual(intoHost, ["443 0.0.0.0/0", "80 0.0.0.0/0"]);
        const egress = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(r => r.inputs.securityGroupId);
        strict_1.default.ok(!egress.includes("mlflow-database-id"), "the database opens nothing outwards");
    });
    (0, node_test_1.test)("the bucket admits the host's role alone, over TLS, and that role may use this bucket's artifact prefix only", () => {
        const [tls, others] = statements(run.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        strict_1.default.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
        strict_1.default.deepEqual(others.Condition, { StringNotEquals: { "aws:PrincipalArn": [HOST_ROLE_ARN] } });
        const grant = named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-artifacts-user-0");
        strict_1.default.equal(grant.inputs.role, "mlflow-physical");
        strict_1.default.deepEqual(statements(grant.inputs.policy).flatMap(s => [s.Resource].flat()), ["arn:aws:s3:::mlflow-artifacts-physical", "arn:aws:s3:::mlflow-artifacts-physical/artifacts/*"]);
        const block = run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        strict_1.default.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        strict_1.default.equal(run.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status, "Enabled");
    });
    (0, node_test_1.test)("the host's role reads exactly the database's secret, and may snapshot only this database under the upgrade's names", () => {
        const policy = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-secrets-and-metrics").inputs.policy);
        const allowed = (action) => policy.filter(s => [s.Action].flat().includes(action)).flatMap(s => [s.Resource].flat());
        strict_1.default.deepEqual(allowed("secretsmanager:GetSecretValue"), [DB_SECRET]);
        const dbArn = `arn:aws:rds:${pulumiProgram_1.MOCK_REGION}:123456789012:db:mlflow-db-physical`;
        const snapshots = `arn:aws:rds:${pulumiProgram_1.MOCK_REGION}:123456789012:snapshot:mlflow-db-physical-before-mlflow-*`;
        strict_1.default.deepEqual(allowed("rds:CreateDBSnapshot"), [dbArn, snapshots]);
        strict_1.default.deepEqual(allowed("rds:DescribeDBSnapshots"), [snapshots]);
        strict_1.default.deepEqual(allowed("rds:DescribeDBInstances"), [dbArn]);
        const everything = run.ofType("aws:iam/rolePolicy:RolePolicy").flatMap(p => statements(p.inputs.policy));
        strict_1.default.ok(!everything.some(s => [s.Action].flat().some((a) => /^(rds|secretsmanager|s3):/.test(a)) && [s.Resource].flat().includes("*")), "no store action on *");
    });
    (0, node_test_1.test)("IMDSv2 with a hop limit of 2: the MLflow container, one hop behind the host, gets the role's credentials for S3", () => {
        strict_1.default.deepEqual(run.one("aws:ec2/instance:Instance").inputs.metadataOptions, { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 2 });
    });
    (0, node_test_1.test)("user data: MLflow's -full image on PostgreSQL (verify-full) and the bucket; no password; no SQLite backup; the region's RDS CAs", () => {
        const { cloudConfig, config, file } = writtenFiles(run);
        strict_1.default.ok(Buffer.from(run.one("aws:ec2/instance:Instance").inputs.userDataBase64, "base64").length < 16384);
        const compose = (0, yaml_1.parse)(file("/etc/mlflow/compose.yaml"));
        const mlflow = compose.services.mlflow;
        strict_1.default.equal(mlflow.image, "ghcr.io/mlflow/mlflow:v3.17.2-full");
        const option = (name) => mlflow.command[mlflow.command.indexOf(name) + 1];
        strict_1.default.equal(option("--backend-store-uri"), `postgresql+psycopg2://mlflow@${DB_ADDRESS}:5432/mlflow?sslmode=verify-full&sslrootcert=/tmp/rds-ca.pem`);
        strict_1.default.equal(option("--artifacts-destination"), "s3://mlflow-artifacts-physical/artifacts");
        strict_1.default.equal(mlflow.environment.PGPASSFILE, "/run/secrets/pgpass");
        strict_1.default.equal(mlflow.environment.MLFLOW_SQLALCHEMYSTORE_POOLCLASS, undefined, "PostgreSQL keeps the pool");
        strict_1.default.deepEqual(mlflow.volumes, ["/etc/mlflow/tls/rds-ca.pem:/tmp/rds-ca.pem:ro", "/etc/mlflow/secrets/pgpass:/run/secrets/pgpass:ro"]);
        strict_1.default.ok(!compose.services.nginx.volumes.some(v => v.includes("artifacts")), "nginx reads no artifact store");
        strict_1.default.doesNotMatch(file("/etc/mlflow/nginx.conf"), /alias \/srv\/mlflow\/artifacts/);
        strict_1.default.equal(file("/etc/mlflow/tls/rds-ca.pem"), (0, rdsCa_1.rdsCaBundle)(pulumiProgram_1.MOCK_REGION));
        const env = file("/etc/mlflow/host.env");
        strict_1.default.match(env, /^BACKEND_STORE=rds$/m);
        strict_1.default.ok(env.includes(`DATABASE_SECRET_ARN='${DB_SECRET}'`), env);
        strict_1.default.match(env, /^DATABASE_IDENTIFIER=mlflow-db-physical$/m);
        strict_1.default.equal(file("/usr/local/sbin/mlflow-backup"), undefined);
        strict_1.default.equal(file("/etc/systemd/system/mlflow-backup.timer"), undefined);
        strict_1.default.ok(!config.runcmd.flat().includes("mlflow-backup.timer"));
        const password = run.outputs.passwords.value.admin;
        strict_1.default.ok(!cloudConfig.includes(password));
        strict_1.default.doesNotMatch(cloudConfig, /PRIVATE KEY|PGPASSWORD/);
    });
    (0, node_test_1.test)("outputs: the host's, and the stores' under the scaled tier's names; what destroy does to each store", () => {
        const { outputs } = run;
        strict_1.default.equal(outputs.artifactBucket.value, "mlflow-artifacts-physical");
        strict_1.default.equal(outputs.artifactsDestination.value, "s3://mlflow-artifacts-physical/artifacts");
        strict_1.default.equal(outputs.databaseEndpoint.value, `${DB_ADDRESS}:5432`);
        strict_1.default.equal(outputs.databaseSecretArn.value, DB_SECRET);
        strict_1.default.equal(outputs.dataVolumeId.value, "mlflow-data-id");
        strict_1.default.match(outputs.dataRetention.value, /deletes the database mlflow-db-physical with its automated backups, and the artifact bucket mlflow-artifacts-physical/);
        const password = outputs.passwords.value.admin;
        for (const [key, output] of Object.entries(outputs)) {
            if (!output.secret)
                strict_1.default.ok(!JSON.stringify(output.value).includes(password), `${key} leaks the password`);
        }
    });
    (0, node_test_1.test)("protectData: deletion protection and a final snapshot, the bucket kept", async () => {
        const protectedRun = await (0, pulumiProgram_1.runProgram)({ ...STATELESS, protectData: true });
        const db = protectedRun.one("aws:rds/instance:Instance").inputs;
        strict_1.default.deepEqual([db.deletionProtection, db.skipFinalSnapshot, db.deleteAutomatedBackups], [true, false, false]);
        strict_1.default.equal(protectedRun.one("aws:s3/bucket:Bucket").options.retainOnDelete, true);
        strict_1.default.match(protectedRun.outputs.dataRetention.value, /keeps the artifact bucket .* stops at the database mlflow-db-physical, which has deletion protection/);
    });
});
(0, node_test_1.describe)("a host stack that becomes stateless keeps its volume, network and address", () => {
    const KEPT = {
        "mlflow-data": ["aws:ebs/volume:Volume", ["availabilityZone", "encrypted", "snapshotId"]],
        "mlflow-public": ["aws:ec2/subnet:Subnet", ["vpcId", "cidrBlock", "availabilityZone"]],
        "mlflow": ["aws:ec2/vpc:Vpc", ["cidrBlock"]],
    };
    const identity = (run) => [
        ...Object.entries(KEPT).map(([name, [type, inputs]]) => {
            const resource = named(run, type, name);
            return { urn: resource.urn, inputs: Object.fromEntries(inputs.map(input => [input, resource.inputs[input] ?? null])) };
        }),
        { urn: run.one("aws:ec2/eip:Eip").urn, inputs: { domain: run.one("aws:ec2/eip:Eip").inputs.domain } },
    ];
    (0, node_test_1.test)("same URNs and replace-sensitive inputs before and after", async () => {
        const before = await (0, pulumiProgram_1.runProgram)({});
        const after = await (0, pulumiProgram_1.runProgram)({ ...STATELESS }, "test", { deployed: before });
        strict_1.default.deepEqual(identity(after), identity(before));
    });
});
//# sourceMappingURL=stateless-host.test.js.map