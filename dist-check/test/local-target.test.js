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
// The local target under mocks: the Docker graph, what the containers get (the same renderings
// as the EC2 host), the outputs, and an AWS graph that the local target leaves unchanged.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const node_test_1 = require("node:test");
const endpoint_1 = require("../lib/render/endpoint");
const containers_1 = require("../lib/render/containers");
const htpasswd_1 = require("../lib/render/htpasswd");
const settings_1 = require("../lib/settings");
const render_1 = require("../scripts/render");
const pulumiProgram_1 = require("./support/pulumiProgram");
const CONTAINER = "docker:index/container:Container";
const NETWORK = "docker:index/network:Network";
const VOLUME = "docker:index/volume:Volume";
const IMAGE = "docker:index/remoteImage:RemoteImage";
const container = (run, name) => {
    const found = run.ofType(CONTAINER).find(c => c.name === name);
    strict_1.default.ok(found, `container ${name}`);
    return found;
};
const upload = (nginx, file) => {
    const found = nginx.inputs.uploads.filter(u => u.file === file);
    strict_1.default.equal(found.length, 1, `one upload to ${file}`);
    return found[0];
};
const pemBlocks = (text) => text.match(/-----BEGIN [^-]+-----\n[\s\S]*?-----END [^-]+-----\n/g) ?? [];
const publishedPorts = (c) => c.inputs.ports
    ?.map(p => `${p.ip}:${p.external}->${p.internal}/${p.protocol}`).sort();
(0, node_test_1.describe)("local target with default settings", () => {
    let run;
    let renderDir;
    (0, node_test_1.before)(async () => {
        run = await (0, pulumiProgram_1.runProgram)({ target: "local" }, "local");
        renderDir = (0, node_fs_1.mkdtempSync)(path.join(os.tmpdir(), "mlflow-local-render-"));
        (0, render_1.render)({ stack: "local", out: renderDir });
    });
    (0, node_test_1.after)(() => (0, node_fs_1.rmSync)(renderDir, { recursive: true, force: true }));
    (0, node_test_1.test)("no AWS resource and no AWS invoke", () => {
        strict_1.default.deepEqual(run.resources.filter(r => r.type.startsWith("aws:")).map(r => r.type), []);
        strict_1.default.deepEqual(run.invokes.filter(i => i.token.startsWith("aws:")).map(i => i.token), []);
    });
    (0, node_test_1.test)("one network, one data volume, two pinned images kept in the local cache, two containers", () => {
        strict_1.default.equal(run.ofType(NETWORK).length, 1);
        strict_1.default.equal(run.ofType(VOLUME).length, 1);
        const images = run.ofType(IMAGE).map(i => i.inputs);
        strict_1.default.deepEqual(images.map(i => i.name).sort(), [`ghcr.io/mlflow/mlflow:v${settings_1.DEFAULTS.mlflowVersion}`, `nginx:${settings_1.DEFAULTS.nginxVersion}-alpine`]);
        strict_1.default.ok(images.every(i => i.keepLocally === true), "destroy leaves the image cache alone");
        strict_1.default.deepEqual(run.ofType(CONTAINER).map(c => c.name).sort(), ["mlflow-mlflow", "mlflow-nginx"]);
    });
    (0, node_test_1.test)("only nginx publishes ports, on 127.0.0.1 only: 443 -> localHttpsPort, 80 -> localHttpPort", () => {
        strict_1.default.equal(publishedPorts(container(run, "mlflow-mlflow")), undefined, "MLflow publishes nothing");
        strict_1.default.deepEqual(publishedPorts(container(run, "mlflow-nginx")), ["127.0.0.1:8080->80/tcp", "127.0.0.1:8443->443/tcp"]);
    });
    (0, node_test_1.test)("MLflow: on the stack's network as \"mlflow\", data volume at /mlflow, command, env and healthcheck of the shared description", () => {
        const settings = (0, settings_1.validateSettings)({ target: "local" });
        const spec = (0, containers_1.mlflowContainer)((0, endpoint_1.containerInput)(settings, (0, endpoint_1.localEndpoint)(settings.localHttpsPort)));
        const mlflow = container(run, "mlflow-mlflow").inputs;
        const network = run.one(NETWORK);
        strict_1.default.deepEqual(mlflow.networksAdvanced, [{ name: `${network.name}-physical`, aliases: ["mlflow"] }]);
        strict_1.default.deepEqual(container(run, "mlflow-nginx").inputs.networksAdvanced, [{ name: `${network.name}-physical` }]);
        strict_1.default.deepEqual(mlflow.volumes, [{ volumeName: run.one(VOLUME).inputs.name, containerPath: "/mlflow" }]);
        // nginx serves artifact downloads from the same volume, read-only, at the path its configuration reads.
        strict_1.default.deepEqual(container(run, "mlflow-nginx").inputs.volumes, [{ volumeName: run.one(VOLUME).inputs.name, containerPath: "/srv/mlflow", readOnly: true }]);
        const command = spec.command ?? [];
        const destination = command[command.indexOf("--artifacts-destination") + 1];
        const aliases = [...upload(container(run, "mlflow-nginx"), "/etc/nginx/nginx.conf").content.matchAll(/^\s*alias (\S+);$/gm)].map(m => m[1]);
        strict_1.default.deepEqual([...new Set(aliases)], [`/srv/mlflow${destination.slice("/mlflow".length)}/`]);
        strict_1.default.equal(run.one(VOLUME).inputs.name, "mlflow-on-aws-local-mlflow-data");
        strict_1.default.deepEqual(mlflow.command, spec.command);
        strict_1.default.deepEqual(mlflow.envs, Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`));
        strict_1.default.ok(mlflow.envs.includes("MLFLOW_SERVER_ALLOWED_HOSTS=localhost,127.0.0.1"));
        strict_1.default.deepEqual(mlflow.healthcheck, {
            tests: spec.healthcheck.test, interval: "30s", timeout: "10s", retries: 3, startPeriod: "120s",
        });
        strict_1.default.equal(mlflow.restart, "unless-stopped");
    });
    (0, node_test_1.test)("nginx: healthcheck of the shared description, restarts, waits for healthy, starts after MLflow", () => {
        const settings = (0, settings_1.validateSettings)({ target: "local" });
        const spec = (0, containers_1.nginxContainer)((0, endpoint_1.containerInput)(settings, (0, endpoint_1.localEndpoint)(settings.localHttpsPort)));
        const nginx = container(run, "mlflow-nginx");
        strict_1.default.deepEqual(nginx.inputs.healthcheck.tests, spec.healthcheck.test);
        strict_1.default.equal(nginx.inputs.healthcheck.startPeriod, spec.healthcheck.startPeriod);
        strict_1.default.equal(nginx.inputs.restart, "unless-stopped");
        strict_1.default.equal(nginx.inputs.wait, true);
        strict_1.default.ok(nginx.inputs.waitTimeout >= 120);
        strict_1.default.equal(nginx.inputs.command, undefined, "the image's own command");
        strict_1.default.equal(nginx.options.dependsOn.length, 1);
    });
    (0, node_test_1.test)("the uploaded nginx.conf is byte for byte what `npm run render -- --stack local` writes", () => {
        const rendered = (0, node_fs_1.readFileSync)(path.join(renderDir, "files/etc/mlflow/nginx.conf"));
        const uploaded = upload(container(run, "mlflow-nginx"), "/etc/nginx/nginx.conf").content;
        strict_1.default.ok(Buffer.from(uploaded, "utf8").equals(rendered));
        strict_1.default.match(uploaded, /server_name localhost 127\.0\.0\.1;/);
        strict_1.default.match(uploaded, /return 301 https:\/\/\$host:8443\$request_uri;/);
        // Browsers apply HSTS to every port of a host: none for localhost.
        strict_1.default.doesNotMatch(uploaded, /Strict-Transport-Security/);
    });
    (0, node_test_1.test)("htpasswd, certificate chain and key: the Credentials and PrivateCa outputs, the CA key never", () => {
        const nginx = container(run, "mlflow-nginx");
        strict_1.default.equal(upload(nginx, "/etc/nginx/auth/htpasswd").content, (0, htpasswd_1.renderHtpasswd)(run.outputs.passwords.value));
        const chain = pemBlocks(upload(nginx, "/etc/nginx/tls/fullchain.pem").content);
        strict_1.default.equal(chain.length, 2, "server certificate, then the CA");
        strict_1.default.equal(chain[1], run.outputs.caCertPem.value);
        const body = chain[0].split("\n").slice(1, -2).join("");
        strict_1.default.equal(Buffer.from(body, "base64").toString(), "mock certificate mlflow-server", "the LocallySignedCert's certificate");
        const key = upload(nginx, "/etc/nginx/tls/privkey.pem");
        strict_1.default.equal(key.content, run.one("tls:index/certRequest:CertRequest").inputs.privateKeyPem, "the key the certificate was requested for");
        strict_1.default.notEqual(key.content, run.one("tls:index/selfSignedCert:SelfSignedCert").inputs.privateKeyPem);
        strict_1.default.equal(key.permissions, "0600");
        const request = run.one("tls:index/certRequest:CertRequest").inputs;
        strict_1.default.deepEqual([request.dnsNames, request.ipAddresses], [["localhost"], ["127.0.0.1"]]);
    });
    (0, node_test_1.test)("the uploads reach the engine as a secret (htpasswd and key inside)", () => {
        strict_1.default.ok(run.secretInputs.includes("mlflow-nginx.uploads"));
        strict_1.default.deepEqual(run.secretInputs.filter(s => s.startsWith("mlflow-mlflow.")), []);
    });
    (0, node_test_1.test)("outputs: the local URL, secret passwords and tracking env with the CA, no AWS outputs", () => {
        const { outputs } = run;
        strict_1.default.equal(outputs.url.value, "https://localhost:8443");
        strict_1.default.equal(outputs.healthUrl.value, "https://localhost:8443/health");
        strict_1.default.deepEqual(outputs.users.value, ["admin"]);
        strict_1.default.equal(outputs.passwords.secret, true);
        strict_1.default.equal(outputs.trackingEnv.secret, true);
        const env = outputs.trackingEnv.value;
        strict_1.default.match(env, /^export MLFLOW_TRACKING_URI='https:\/\/localhost:8443'$/m);
        strict_1.default.match(env, /^export MLFLOW_TRACKING_USERNAME='admin'$/m);
        strict_1.default.ok(env.includes(`MLFLOW_TRACKING_PASSWORD='${outputs.passwords.value.admin}'`));
        strict_1.default.match(env, /^export MLFLOW_TRACKING_SERVER_CERT_PATH='mlflow-ca.pem'/m);
        strict_1.default.match(outputs.caCertPem.value, /^-----BEGIN CERTIFICATE-----/);
        for (const key of ["publicIp", "instanceId", "sessionCommand", "dataVolumeId"]) {
            strict_1.default.equal(outputs[key].value, undefined, key);
        }
    });
    (0, node_test_1.test)("destroy deletes the data volume unless protectData is set", () => {
        strict_1.default.equal(run.one(VOLUME).options.retainOnDelete, false);
    });
});
(0, node_test_1.describe)("local target with custom ports and protected data", () => {
    (0, node_test_1.test)("the ports, the URL, the redirect and the allowed origins follow the settings; the volume survives destroy", async () => {
        const run = await (0, pulumiProgram_1.runProgram)({ target: "local", localHttpsPort: 9443, localHttpPort: 9080, protectData: true }, "local");
        strict_1.default.deepEqual(publishedPorts(container(run, "mlflow-nginx")), ["127.0.0.1:9080->80/tcp", "127.0.0.1:9443->443/tcp"]);
        strict_1.default.equal(publishedPorts(container(run, "mlflow-mlflow")), undefined);
        strict_1.default.equal(run.outputs.url.value, "https://localhost:9443");
        strict_1.default.match(upload(container(run, "mlflow-nginx"), "/etc/nginx/nginx.conf").content, /return 301 https:\/\/\$host:9443\$request_uri;/);
        strict_1.default.ok(container(run, "mlflow-mlflow").inputs.envs.includes("MLFLOW_SERVER_CORS_ALLOWED_ORIGINS=https://localhost:9443,https://127.0.0.1:9443"));
        strict_1.default.equal(run.one(VOLUME).options.retainOnDelete, true);
    });
});
(0, node_test_1.describe)("the AWS target is unchanged by the local one", () => {
    (0, node_test_1.test)("default settings: the same AWS resource types as before, nothing from Docker", async () => {
        const run = await (0, pulumiProgram_1.runProgram)({});
        const types = [...new Set(run.resources.map(r => r.type))].filter(t => !t.startsWith("pulumi:")).sort();
        strict_1.default.deepEqual(types, [
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
        strict_1.default.equal(run.outputs.url.value, `https://${pulumiProgram_1.MOCK_PUBLIC_IP}`);
        strict_1.default.equal(typeof run.outputs.instanceId.value, "string");
    });
});
//# sourceMappingURL=local-target.test.js.map