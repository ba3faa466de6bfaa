// The local target under mocks: the Docker graph, what the containers get (the same renderings
// as the EC2 host), the outputs, and an AWS graph that the local target leaves unchanged.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { containerInput, localEndpoint } from "../lib/render/endpoint";
import { MLFLOW_SERVERS, mlflowContainer, nginxContainer } from "../lib/render/containers";
import { renderHtpasswd } from "../lib/render/htpasswd";
import { DEFAULTS, validateSettings } from "../lib/settings";
import { render } from "../scripts/render";
import { MOCK_PUBLIC_IP, ProgramRun, RecordedResource, runProgram } from "./support/pulumiProgram";

/** The local target's MLflow containers: the first keeps the single server's name, the others are numbered. */
const MLFLOW_SERVER_NAMES = Array.from({ length: MLFLOW_SERVERS }, (_, i) => (i === 0 ? "mlflow-mlflow" : `mlflow-mlflow-${i + 1}`));

const CONTAINER = "docker:index/container:Container";
const NETWORK = "docker:index/network:Network";
const VOLUME = "docker:index/volume:Volume";
const IMAGE = "docker:index/remoteImage:RemoteImage";

const container = (run: ProgramRun, name: string) => {
    const found = run.ofType(CONTAINER).find(c => c.name === name);
    assert.ok(found, `container ${name}`);
    return found;
};
const upload = (nginx: RecordedResource, file: string): { content: string; permissions: string } => {
    const found = (nginx.inputs.uploads as { file: string; content: string; permissions: string }[]).filter(u => u.file === file);
    assert.equal(found.length, 1, `one upload to ${file}`);
    return found[0];
};
const pemBlocks = (text: string) => text.match(/-----BEGIN [^-]+-----\n[\s\S]*?-----END [^-]+-----\n/g) ?? [];
const publishedPorts = (c: RecordedResource) =>
    (c.inputs.ports as { internal: number; external: number; ip: string; protocol: string }[] | undefined)
        ?.map(p => `${p.ip}:${p.external}->${p.internal}/${p.protocol}`).sort();

describe("local target with default settings", () => {
    let run: ProgramRun;
    let renderDir: string;
    before(async () => {
        run = await runProgram({ target: "local" }, "local");
        renderDir = mkdtempSync(path.join(os.tmpdir(), "mlflow-local-render-"));
        render({ stack: "local", out: renderDir });
    });
    after(() => rmSync(renderDir, { recursive: true, force: true }));

    test("no AWS resource and no AWS invoke", () => {
        assert.deepEqual(run.resources.filter(r => r.type.startsWith("aws:")).map(r => r.type), []);
        assert.deepEqual(run.invokes.filter(i => i.token.startsWith("aws:")).map(i => i.token), []);
    });

    test("one network, one data volume, two pinned images kept in the local cache, nginx and MLflow's servers", () => {
        assert.equal(run.ofType(NETWORK).length, 1);
        assert.equal(run.ofType(VOLUME).length, 1);
        const images = run.ofType(IMAGE).map(i => i.inputs);
        assert.deepEqual(images.map(i => i.name).sort(),
            [`ghcr.io/mlflow/mlflow:v${DEFAULTS.mlflowVersion}`, `nginx:${DEFAULTS.nginxVersion}-alpine`]);
        assert.ok(images.every(i => i.keepLocally === true), "destroy leaves the image cache alone");
        // The first server keeps the name (and URN) of the single server before it.
        assert.deepEqual(run.ofType(CONTAINER).map(c => c.name).sort(), [...MLFLOW_SERVER_NAMES, "mlflow-nginx"].sort());
    });

    test("only nginx publishes ports, on 127.0.0.1 only: 443 -> localHttpsPort, 80 -> localHttpPort", () => {
        assert.equal(publishedPorts(container(run, "mlflow-mlflow")), undefined, "MLflow publishes nothing");
        assert.deepEqual(publishedPorts(container(run, "mlflow-nginx")), ["127.0.0.1:8080->80/tcp", "127.0.0.1:8443->443/tcp"]);
    });

    test("MLflow: on the stack's network as \"mlflow\", data volume at /mlflow, command, env and healthcheck of the shared description", () => {
        const settings = validateSettings({ target: "local" });
        const spec = mlflowContainer(containerInput(settings, localEndpoint(settings.localHttpsPort)));
        const mlflow = container(run, "mlflow-mlflow").inputs;
        const network = run.one(NETWORK);
        // Every server the same, under the one name nginx resolves; the first healthy before the next starts.
        const { wait, waitTimeout, ...first } = mlflow;
        assert.equal(wait, true);
        assert.ok(waitTimeout >= 120);
        for (const name of MLFLOW_SERVER_NAMES.slice(1)) {
            assert.deepEqual(container(run, name).inputs, first, name);
            assert.deepEqual(container(run, name).dependsOn, ["mlflow-mlflow"], name);
        }
        assert.deepEqual(mlflow.networksAdvanced, [{ name: `${network.name}-physical`, aliases: ["mlflow"] }]);
        assert.deepEqual(container(run, "mlflow-nginx").inputs.networksAdvanced, [{ name: `${network.name}-physical` }]);
        assert.deepEqual(mlflow.volumes, [{ volumeName: run.one(VOLUME).inputs.name, containerPath: "/mlflow" }]);
        // nginx serves artifact downloads from the same volume, read-only, at the path its configuration reads.
        assert.deepEqual(container(run, "mlflow-nginx").inputs.volumes, [{ volumeName: run.one(VOLUME).inputs.name, containerPath: "/srv/mlflow", readOnly: true }]);
        const command = spec.command ?? [];
        const destination = command[command.indexOf("--artifacts-destination") + 1];
        const aliases = [...upload(container(run, "mlflow-nginx"), "/etc/nginx/nginx.conf").content.matchAll(/^\s*alias (\S+);$/gm)].map(m => m[1]);
        assert.deepEqual([...new Set(aliases)], [`/srv/mlflow${destination.slice("/mlflow".length)}/`]);
        assert.equal(run.one(VOLUME).inputs.name, "mlflow-on-aws-local-mlflow-data");
        assert.deepEqual(mlflow.command, spec.command);
        assert.deepEqual(mlflow.envs, Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`));
        assert.ok(mlflow.envs.includes("MLFLOW_SERVER_ALLOWED_HOSTS=localhost,127.0.0.1"));
        assert.deepEqual(mlflow.healthcheck, {
            tests: spec.healthcheck.test, interval: "30s", timeout: "10s", retries: 3, startPeriod: "120s", startInterval: "2s",
        });
        assert.equal(mlflow.restart, "unless-stopped");
    });

    test("nginx: healthcheck of the shared description, restarts, waits for healthy, starts after MLflow", () => {
        const settings = validateSettings({ target: "local" });
        const spec = nginxContainer(containerInput(settings, localEndpoint(settings.localHttpsPort)));
        const nginx = container(run, "mlflow-nginx");
        assert.deepEqual(nginx.inputs.healthcheck.tests, spec.healthcheck.test);
        assert.equal(nginx.inputs.healthcheck.startPeriod, spec.healthcheck.startPeriod);
        assert.equal(nginx.inputs.restart, "unless-stopped");
        assert.equal(nginx.inputs.wait, true);
        assert.ok(nginx.inputs.waitTimeout >= 120);
        assert.equal(nginx.inputs.command, undefined, "the image's own command");
        assert.deepEqual(nginx.dependsOn, MLFLOW_SERVER_NAMES, "after every MLflow server");
    });

    test("the uploaded nginx.conf is byte for byte what `npm run render -- --stack local` writes", () => {
        const rendered = readFileSync(path.join(renderDir, "files/etc/mlflow/nginx.conf"));
        const uploaded = upload(container(run, "mlflow-nginx"), "/etc/nginx/nginx.conf").content;
        assert.ok(Buffer.from(uploaded, "utf8").equals(rendered));
        assert.match(uploaded, /server_name localhost 127\.0\.0\.1;/);
        assert.match(uploaded, /return 301 https:\/\/\$host:8443\$request_uri;/);
        // Browsers apply HSTS to every port of a host: none for localhost.
        assert.doesNotMatch(uploaded, /Strict-Transport-Security/);
    });

    test("htpasswd, certificate chain and key: the Credentials and PrivateCa outputs, the CA key never", () => {
        const nginx = container(run, "mlflow-nginx");
        assert.equal(upload(nginx, "/etc/nginx/auth/htpasswd").content, renderHtpasswd(run.outputs.passwords.value));

        const chain = pemBlocks(upload(nginx, "/etc/nginx/tls/fullchain.pem").content);
        assert.equal(chain.length, 2, "server certificate, then the CA");
        assert.equal(chain[1], run.outputs.caCertPem.value);
        const body = chain[0].split("\n").slice(1, -2).join("");
        assert.equal(Buffer.from(body, "base64").toString(), "mock certificate mlflow-server", "the LocallySignedCert's certificate");

        const key = upload(nginx, "/etc/nginx/tls/privkey.pem");
        assert.equal(key.content, run.one("tls:index/certRequest:CertRequest").inputs.privateKeyPem, "the key the certificate was requested for");
        assert.notEqual(key.content, run.one("tls:index/selfSignedCert:SelfSignedCert").inputs.privateKeyPem);
        assert.equal(key.permissions, "0600");
        const request = run.one("tls:index/certRequest:CertRequest").inputs;
        assert.deepEqual([request.dnsNames, request.ipAddresses], [["localhost"], ["127.0.0.1"]]);
    });

    test("the uploads reach the engine as a secret (htpasswd and key inside)", () => {
        assert.ok(run.secretInputs.includes("mlflow-nginx.uploads"));
        assert.deepEqual(run.secretInputs.filter(s => s.startsWith("mlflow-mlflow.")), []);
    });

    test("outputs: the local URL, secret passwords and tracking env with the CA, no AWS outputs", () => {
        const { outputs } = run;
        assert.equal(outputs.url.value, "https://localhost:8443");
        assert.equal(outputs.healthUrl.value, "https://localhost:8443/health");
        assert.deepEqual(outputs.users.value, ["admin"]);
        assert.equal(outputs.passwords.secret, true);
        assert.equal(outputs.trackingEnv.secret, true);
        const env = outputs.trackingEnv.value as string;
        assert.match(env, /^export MLFLOW_TRACKING_URI='https:\/\/localhost:8443'$/m);
        assert.match(env, /^export MLFLOW_TRACKING_USERNAME='admin'$/m);
        assert.ok(env.includes(`MLFLOW_TRACKING_PASSWORD='${outputs.passwords.value.admin}'`));
        assert.match(env, /^export MLFLOW_TRACKING_SERVER_CERT_PATH='mlflow-ca.pem'/m);
        assert.match(outputs.caCertPem.value, /^-----BEGIN CERTIFICATE-----/);
        for (const key of ["publicIp", "instanceId", "sessionCommand", "bootReportCommand", "dataVolumeId"]) {
            assert.equal(outputs[key].value, undefined, key);
        }
    });

    test("destroy deletes the data volume unless protectData is set", () => {
        assert.equal(run.one(VOLUME).options.retainOnDelete, false);
    });
});

describe("local target with custom ports and protected data", () => {
    test("the ports, the URL, the redirect and the allowed origins follow the settings; the volume survives destroy", async () => {
        const run = await runProgram({ target: "local", localHttpsPort: 9443, localHttpPort: 9080, protectData: true }, "local");
        assert.deepEqual(publishedPorts(container(run, "mlflow-nginx")), ["127.0.0.1:9080->80/tcp", "127.0.0.1:9443->443/tcp"]);
        assert.equal(publishedPorts(container(run, "mlflow-mlflow")), undefined);
        assert.equal(run.outputs.url.value, "https://localhost:9443");
        assert.match(upload(container(run, "mlflow-nginx"), "/etc/nginx/nginx.conf").content, /return 301 https:\/\/\$host:9443\$request_uri;/);
        assert.ok(container(run, "mlflow-mlflow").inputs.envs.includes(
            "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS=https://localhost:9443,https://127.0.0.1:9443"));
        assert.equal(run.one(VOLUME).options.retainOnDelete, true);
    });
});

describe("the AWS target is unchanged by the local one", () => {
    test("default settings: the same AWS resource types as before, nothing from Docker", async () => {
        const run = await runProgram({});
        const types = [...new Set(run.resources.map(r => r.type))].filter(t => !t.startsWith("pulumi:")).sort();
        assert.deepEqual(types, [
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "aws:dlm/lifecyclePolicy:LifecyclePolicy",
            "aws:ebs/volume:Volume",
            "aws:ec2/eip:Eip",
            "aws:ec2/eipAssociation:EipAssociation",
            "aws:ec2/instance:Instance",
            "aws:ec2/internetGateway:InternetGateway",
            "aws:ec2/routeTable:RouteTable",
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ec2/subnet:Subnet",
            "aws:ec2/volumeAttachment:VolumeAttachment",
            "aws:ec2/vpc:Vpc",
            "aws:iam/instanceProfile:InstanceProfile",
            "aws:iam/role:Role",
            "aws:iam/rolePolicy:RolePolicy",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:ssm/parameter:Parameter",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "mlflow-on-aws:index:Credentials",
            "mlflow-on-aws:index:DataVolume",
            "mlflow-on-aws:index:MlflowHost",
            "mlflow-on-aws:index:MlflowOnAws",
            "mlflow-on-aws:index:Monitoring",
            "mlflow-on-aws:index:Network",
            "mlflow-on-aws:index:PrivateCa",
            "random:index/randomPassword:RandomPassword",
            "tls:index/certRequest:CertRequest",
            "tls:index/locallySignedCert:LocallySignedCert",
            "tls:index/privateKey:PrivateKey",
            "tls:index/selfSignedCert:SelfSignedCert",
        ]);
        assert.equal(run.outputs.url.value, `https://${MOCK_PUBLIC_IP}`);
        assert.equal(typeof run.outputs.instanceId.value, "string");
    });
});
