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
Object.defineProperty(exports, "__esModule", { value: true });
exports.MlflowOnDocker = void 0;
const docker = __importStar(require("@pulumi/docker"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const containers_1 = require("../../lib/render/containers");
const endpoint_1 = require("../../lib/render/endpoint");
const layout_1 = require("../../lib/render/layout");
const credentials_1 = require("../shared/credentials");
const privateCa_1 = require("../shared/privateCa");
/** The loopback address: the local target is for this machine only, never for its network. */
const LOOPBACK = "127.0.0.1";
const envList = (environment) => Object.entries(environment).map(([key, value]) => `${key}=${value}`);
const healthcheck = (check) => ({
    tests: check.test,
    interval: check.interval,
    timeout: check.timeout,
    retries: check.retries,
    startPeriod: check.startPeriod,
});
/**
 * The same two containers as on the EC2 host, on the local Docker engine: MLflow on a private
 * network only, nginx in front of it on loopback ports, with the private CA's certificate (no
 * Let's Encrypt: nothing public can reach localhost) and the data in a Docker volume.
 */
class MlflowOnDocker extends pulumi.ComponentResource {
    url;
    healthUrl;
    users;
    /** Secret. */
    passwords;
    /** Secret. */
    trackingEnv;
    caCertPem;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:MlflowOnDocker", name, {}, opts);
        const { settings, healthyTimeoutSeconds } = { healthyTimeoutSeconds: 300, ...args };
        const parent = { parent: this };
        const endpoint = (0, endpoint_1.localEndpoint)(settings.localHttpsPort);
        const input = (0, endpoint_1.containerInput)(settings, endpoint);
        const mlflowSpec = (0, containers_1.mlflowContainer)(input);
        const nginxSpec = (0, containers_1.nginxContainer)(input);
        const credentials = new credentials_1.Credentials(name, { users: settings.users }, parent);
        const ca = new privateCa_1.PrivateCa(name, { serverNames: endpoint.names }, parent);
        const network = new docker.Network(name, {}, parent);
        // A fixed name: with protectData a destroyed stack leaves the volume behind, and the next
        // `up` creates the same name, which Docker answers with the existing volume and its data.
        const data = new docker.Volume(`${name}-data`, {
            name: `${pulumi.getProject()}-${pulumi.getStack()}-mlflow-data`,
        }, { ...parent, retainOnDelete: settings.protectData });
        // keepLocally: the images are shared with anything else on this machine and large to pull
        // again; destroy removes the containers, not the cache.
        const image = (spec, suffix) => new docker.RemoteImage(`${name}-${suffix}`, { name: spec.image, keepLocally: true }, parent);
        const mlflowImage = image(mlflowSpec, "mlflow");
        const nginxImage = image(nginxSpec, "nginx");
        // No ports: only nginx reaches MLflow, by the service name its configuration resolves.
        const mlflow = new docker.Container(`${name}-mlflow`, {
            image: mlflowImage.imageId,
            command: mlflowSpec.command,
            envs: envList(mlflowSpec.environment),
            healthcheck: healthcheck(mlflowSpec.healthcheck),
            restart: "unless-stopped",
            networksAdvanced: [{ name: network.name, aliases: [layout_1.MLFLOW.service] }],
            volumes: [{ volumeName: data.name, containerPath: layout_1.MLFLOW.dataDir }],
        }, parent);
        // Uploads are written into the container before it starts, and every upload field is
        // ForceNew in the provider: a changed file recreates nginx (the provider deletes the old
        // container first, which frees the ports). The provider marks no upload field sensitive,
        // so the secret ones are wrapped here: the engine then keeps them encrypted in the state
        // and shows the container's uploads as [secret]. nginx.conf and the chain stay readable in
        // a diff. The key is read by nginx's master (root) only; the htpasswd file by its workers.
        const uploads = [
            { file: layout_1.NGINX.conf, content: (0, endpoint_1.renderProxyConf)(endpoint, settings.maxUploadSize, true), permissions: "0644" },
            { file: layout_1.NGINX.htpasswd, content: pulumi.secret(credentials.htpasswd), permissions: "0644" },
            { file: layout_1.NGINX.certificate, content: ca.serverChainPem, permissions: "0644" },
            { file: layout_1.NGINX.certificateKey, content: pulumi.secret(ca.serverKeyPem), permissions: "0600" },
        ];
        new docker.Container(`${name}-nginx`, {
            image: nginxImage.imageId,
            envs: envList(nginxSpec.environment),
            healthcheck: healthcheck(nginxSpec.healthcheck),
            restart: "unless-stopped",
            networksAdvanced: [{ name: network.name }],
            ports: [
                { internal: 443, external: settings.localHttpsPort, ip: LOOPBACK, protocol: "tcp" },
                { internal: 80, external: settings.localHttpPort, ip: LOOPBACK, protocol: "tcp" },
            ],
            // Artifact downloads are read from MLflow's store (lib/render/nginx.ts). The whole
            // volume, read-only: mounting only its artifacts/ needs Docker 26 and a directory
            // that exists before MLflow's first upload.
            volumes: [{ volumeName: data.name, containerPath: layout_1.NGINX.mlflowDataDir, readOnly: true }],
            uploads,
            wait: true,
            waitTimeout: healthyTimeoutSeconds,
        }, { ...parent, dependsOn: [mlflow] });
        this.url = pulumi.output((0, endpoint_1.endpointUrl)(endpoint));
        this.healthUrl = pulumi.interpolate `${this.url}/health`;
        this.users = settings.users;
        this.passwords = credentials.passwords;
        this.trackingEnv = credentials.trackingEnv(this.url, credentials_1.CA_CERT_FILE);
        this.caCertPem = ca.caCertPem;
        this.registerOutputs({
            url: this.url,
            healthUrl: this.healthUrl,
            users: this.users,
            passwords: this.passwords,
            trackingEnv: this.trackingEnv,
            caCertPem: this.caCertPem,
        });
    }
}
exports.MlflowOnDocker = MlflowOnDocker;
//# sourceMappingURL=mlflowOnDocker.js.map