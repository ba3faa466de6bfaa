// The stateless host (compute ec2 with backendStore rds and artifactStore s3) under
// pulumi.runtime.setMocks: the database and the bucket as on the scaled tier, reachable and usable
// by this host alone; the host's user data on PostgreSQL and S3 without a secret in it; the
// outputs; and a stack that switches to it keeps its volume, network and address.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { parse } from "yaml";
import { deliveredHost } from "./support/hostDelivery";
import { HOST_BUNDLE_PARAMETERS } from "../lib/render/hostBundle";
import { rdsCaBundle } from "../lib/render/rdsCa";
import { MOCK_REGION, ProgramRun, RecordedResource, runProgram } from "./support/pulumiProgram";

const STATELESS = { backendStore: "rds", artifactStore: "s3" } as const;
const DB_ADDRESS = `mlflow-db-physical.c0ffee.${MOCK_REGION}.rds.amazonaws.com`;
const DB_SECRET = `arn:aws:secretsmanager:${MOCK_REGION}:123456789012:secret:rds!db-mlflow-db-AbCdEf`;
const HOST_ROLE_ARN = "arn:aws:iam::123456789012:role/mlflow";

const named = (run: ProgramRun, type: string, name: string): RecordedResource => {
    const found = run.ofType(type).find(r => r.name === name);
    assert.ok(found, `no ${type} named ${name}; have ${run.ofType(type).map(r => r.name).join(", ")}`);
    return found;
};
const statements = (policy: string) => (JSON.parse(policy) as { Statement: Record<string, any>[] }).Statement;

describe("stateless host: ec2 with rds and s3", () => {
    let run: ProgramRun;
    before(async () => { run = await runProgram({ ...STATELESS }); });

    test("one host with its volume and address, the database and the bucket; no scaled-tier compute", () => {
        for (const type of ["aws:ec2/instance:Instance", "aws:ebs/volume:Volume", "aws:ec2/eip:Eip", "aws:rds/instance:Instance", "aws:s3/bucket:Bucket"]) {
            assert.equal(run.ofType(type).length, 1, type);
        }
        for (const type of ["aws:ecs/cluster:Cluster", "aws:lb/loadBalancer:LoadBalancer", "aws:ec2/natGateway:NatGateway"]) assert.equal(run.ofType(type).length, 0, type);
    });

    test("IAM before first use: the host starts after every right of its role, the bucket's grant included", () => {
        assert.deepEqual(run.one("aws:ec2/instance:Instance").dependsOn,
            ["mlflow-session-manager", "mlflow-secrets-and-metrics", "mlflow-artifacts", ...Array.from({ length: HOST_BUNDLE_PARAMETERS }, (_, i) => `mlflow-bundle-${i}`), "mlflow-bundle"]);
    });

    test("the database: private, encrypted, TLS forced, password kept by RDS, in isolated subnets of two zones, next to the host", () => {
        const db = run.one("aws:rds/instance:Instance").inputs;
        assert.deepEqual([db.engine, db.engineVersion, db.storageEncrypted, db.publiclyAccessible, db.manageMasterUserPassword], ["postgres", "17", true, false, true]);
        assert.equal(db.password, undefined);
        assert.equal(db.instanceClass, "db.t4g.micro");
        assert.equal(db.backupRetentionPeriod, 14);
        assert.deepEqual(run.one("aws:rds/parameterGroup:ParameterGroup").inputs.parameters, [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }]);
        const hostZone = named(run, "aws:ec2/subnet:Subnet", "mlflow-public").inputs.availabilityZone;
        assert.equal(db.availabilityZone, hostZone, "queries stay in the host's zone");
        const subnets = run.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds as string[];
        assert.deepEqual(subnets, ["mlflow-isolated-0-id", "mlflow-isolated-1-id"]);
        const zones = subnets.map(id => named(run, "aws:ec2/subnet:Subnet", id.replace(/-id$/, "")).inputs.availabilityZone);
        assert.equal(zones[0], hostZone);
        assert.notEqual(zones[1], hostZone, "RDS wants two zones");
        const cidrs = subnets.map(id => named(run, "aws:ec2/subnet:Subnet", id.replace(/-id$/, "")).inputs.cidrBlock);
        assert.deepEqual(cidrs, ["10.80.11.0/24", "10.80.12.0/24"]);
        const isolated = named(run, "aws:ec2/routeTable:RouteTable", "mlflow-isolated").inputs;
        assert.equal(isolated.routes, undefined, "no route out of the database's subnets");
        const associations = run.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter(a => a.name.startsWith("mlflow-isolated"));
        assert.deepEqual(associations.map(a => [a.inputs.subnetId, a.inputs.routeTableId]), subnets.map(id => [id, "mlflow-isolated-id"]));
    });

    test("the database admits PostgreSQL from the host's group and nothing else; the host still only 80 and 443", () => {
        const rules = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(r => r.inputs);
        const intoDatabase = rules.filter(r => r.securityGroupId === "mlflow-database-id");
        assert.deepEqual(intoDatabase.map(r => [r.ipProtocol, r.fromPort, r.toPort, r.referencedSecurityGroupId, r.cidrIpv4 ?? null]), [["tcp", 5432, 5432, "mlflow-id", null]]);
        assert.deepEqual(run.one("aws:rds/instance:Instance").inputs.vpcSecurityGroupIds, ["mlflow-database-id"]);
        const intoHost = rules.filter(r => r.securityGroupId === "mlflow-id").map(r => `${r.fromPort} ${r.cidrIpv4}`).sort();
        assert.deepEqual(intoHost, ["443 0.0.0.0/0", "80 0.0.0.0/0"]);
        const egress = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(r => r.inputs.securityGroupId);
        assert.ok(!egress.includes("mlflow-database-id"), "the database opens nothing outwards");
    });

    test("the bucket admits the host's role alone, over TLS, and that role may use this bucket's artifact prefix only", () => {
        const [tls, others] = statements(run.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.deepEqual(others.Condition, { StringNotEquals: { "aws:PrincipalArn": [HOST_ROLE_ARN] } });
        const grant = named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-artifacts-user-0");
        assert.equal(grant.inputs.role, "mlflow-physical");
        assert.deepEqual(statements(grant.inputs.policy).flatMap(s => [s.Resource].flat()),
            ["arn:aws:s3:::mlflow-artifacts-physical", "arn:aws:s3:::mlflow-artifacts-physical/artifacts/*"]);
        const block = run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        assert.equal(run.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status, "Enabled");
    });

    test("the host's role reads exactly the database's secret, and may snapshot only this database under the upgrade's names", () => {
        const policy = statements(named(run, "aws:iam/rolePolicy:RolePolicy", "mlflow-secrets-and-metrics").inputs.policy);
        const allowed = (action: string) => policy.filter(s => [s.Action].flat().includes(action)).flatMap(s => [s.Resource].flat());
        assert.deepEqual(allowed("secretsmanager:GetSecretValue"), [DB_SECRET]);
        const dbArn = `arn:aws:rds:${MOCK_REGION}:123456789012:db:mlflow-db-physical`;
        const snapshots = `arn:aws:rds:${MOCK_REGION}:123456789012:snapshot:mlflow-db-physical-before-mlflow-*`;
        assert.deepEqual(allowed("rds:CreateDBSnapshot"), [dbArn, snapshots]);
        assert.deepEqual(allowed("rds:DescribeDBSnapshots"), [snapshots]);
        assert.deepEqual(allowed("rds:DescribeDBInstances"), [dbArn]);
        const everything = run.ofType("aws:iam/rolePolicy:RolePolicy").flatMap(p => statements(p.inputs.policy));
        assert.ok(!everything.some(s => [s.Action].flat().some((a: string) => /^(rds|secretsmanager|s3):/.test(a)) && [s.Resource].flat().includes("*")), "no store action on *");
    });

    test("IMDSv2 with a hop limit of 2: the MLflow container, one hop behind the host, gets the role's credentials for S3", () => {
        assert.deepEqual(run.one("aws:ec2/instance:Instance").inputs.metadataOptions, { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 2 });
    });

    test("user data: MLflow's -full image on PostgreSQL (verify-full) and the bucket; no password; no SQLite backup; the region's RDS CAs", () => {
        const { cloudConfig, config, file } = deliveredHost(run);
        assert.ok(Buffer.from(run.one("aws:ec2/instance:Instance").inputs.userDataBase64, "base64").length < 16384);
        const compose = parse(file("/etc/mlflow/compose.yaml")!) as { services: Record<string, { image: string; command: string[]; environment: Record<string, string>; volumes: string[] }> };
        const mlflow = compose.services.mlflow;
        assert.equal(mlflow.image, "ghcr.io/mlflow/mlflow:v3.17.2-full");
        const option = (name: string) => mlflow.command[mlflow.command.indexOf(name) + 1];
        assert.equal(option("--backend-store-uri"), `postgresql+psycopg2://mlflow@${DB_ADDRESS}:5432/mlflow?sslmode=verify-full&sslrootcert=/tmp/rds-ca.pem`);
        assert.equal(option("--artifacts-destination"), "s3://mlflow-artifacts-physical/artifacts");
        assert.equal(mlflow.environment.PGPASSFILE, "/run/secrets/pgpass");
        assert.equal(mlflow.environment.MLFLOW_SQLALCHEMYSTORE_POOLCLASS, undefined, "PostgreSQL keeps the pool");
        assert.deepEqual(mlflow.volumes, ["/etc/mlflow/tls/rds-ca.pem:/tmp/rds-ca.pem:ro", "/etc/mlflow/secrets/pgpass:/run/secrets/pgpass:ro"]);
        assert.ok(!compose.services.nginx.volumes.some(v => v.includes("artifacts")), "nginx reads no artifact store");
        assert.doesNotMatch(file("/etc/mlflow/nginx.conf")!, /alias \/srv\/mlflow\/artifacts/);
        assert.equal(file("/etc/mlflow/tls/rds-ca.pem"), rdsCaBundle(MOCK_REGION));
        const env = file("/etc/mlflow/host.env")!;
        assert.match(env, /^BACKEND_STORE=rds$/m);
        assert.ok(env.includes(`DATABASE_SECRET_ARN='${DB_SECRET}'`), env);
        assert.match(env, /^DATABASE_IDENTIFIER=mlflow-db-physical$/m);
        assert.equal(file("/usr/local/sbin/mlflow-backup"), undefined);
        assert.equal(file("/etc/systemd/system/mlflow-backup.timer"), undefined);
        assert.ok(!config.runcmd.flat().includes("mlflow-backup.timer"));
        const password = run.outputs.passwords.value.admin as string;
        assert.ok(!cloudConfig.includes(password));
        assert.doesNotMatch(cloudConfig, /PRIVATE KEY|PGPASSWORD/);
    });

    test("outputs: the host's, and the stores' under the scaled tier's names; what destroy does to each store", () => {
        const { outputs } = run;
        assert.equal(outputs.artifactBucket.value, "mlflow-artifacts-physical");
        assert.equal(outputs.artifactsDestination.value, "s3://mlflow-artifacts-physical/artifacts");
        assert.equal(outputs.databaseEndpoint.value, `${DB_ADDRESS}:5432`);
        assert.equal(outputs.databaseSecretArn.value, DB_SECRET);
        assert.equal(outputs.dataVolumeId.value, "mlflow-data-id");
        assert.match(outputs.dataRetention.value, /deletes the database mlflow-db-physical with its automated backups, and the artifact bucket mlflow-artifacts-physical/);
        const password = outputs.passwords.value.admin as string;
        for (const [key, output] of Object.entries(outputs)) {
            if (!output.secret) assert.ok(!JSON.stringify(output.value).includes(password), `${key} leaks the password`);
        }
    });

    test("protectData: deletion protection and a final snapshot, the bucket kept", async () => {
        const protectedRun = await runProgram({ ...STATELESS, protectData: true });
        const db = protectedRun.one("aws:rds/instance:Instance").inputs;
        assert.deepEqual([db.deletionProtection, db.skipFinalSnapshot, db.deleteAutomatedBackups], [true, false, false]);
        assert.equal(protectedRun.one("aws:s3/bucket:Bucket").options.retainOnDelete, true);
        assert.match(protectedRun.outputs.dataRetention.value, /keeps the artifact bucket .* stops at the database mlflow-db-physical, which has deletion protection/);
    });
});

describe("a host stack that becomes stateless keeps its volume, network and address", () => {
    const KEPT: Record<string, [string, string[]]> = {
        "mlflow-data": ["aws:ebs/volume:Volume", ["availabilityZone", "encrypted", "snapshotId"]],
        "mlflow-public": ["aws:ec2/subnet:Subnet", ["vpcId", "cidrBlock", "availabilityZone"]],
        "mlflow": ["aws:ec2/vpc:Vpc", ["cidrBlock"]],
    };
    const identity = (run: ProgramRun) => [
        ...Object.entries(KEPT).map(([name, [type, inputs]]) => {
            const resource = named(run, type, name);
            return { urn: resource.urn, inputs: Object.fromEntries(inputs.map(input => [input, resource.inputs[input] ?? null])) };
        }),
        { urn: run.one("aws:ec2/eip:Eip").urn, inputs: { domain: run.one("aws:ec2/eip:Eip").inputs.domain } },
    ];

    test("same URNs and replace-sensitive inputs before and after", async () => {
        const before = await runProgram({});
        const after = await runProgram({ ...STATELESS }, "test", { deployed: before });
        assert.deepEqual(identity(after), identity(before));
    });
});
