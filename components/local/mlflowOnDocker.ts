import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerSpec, HealthCheck, mlflowContainer, nginxContainer } from "../../lib/render/containers";
import { containerInput, endpointUrl, localEndpoint, renderProxyConf } from "../../lib/render/endpoint";
import { MLFLOW, NGINX } from "../../lib/render/layout";
import { Settings } from "../../lib/settings";
import { CA_CERT_FILE, Credentials } from "../shared/credentials";
import { PrivateCa } from "../shared/privateCa";

export interface MlflowOnDockerArgs {
    /** Validated stack settings (lib/settings.ts); target "local". */
    settings: Settings;
    /**
     * How long `pulumi up` waits for nginx to report healthy. nginx's check goes through to
     * MLflow's /health, so a finished `up` means the URL answers; MLflow's first start creates its
     * database, and a check runs every 30 s.
     */
    healthyTimeoutSeconds?: number;
}

/** The loopback address: the local target is for this machine only, never for its network. */
const LOOPBACK = "127.0.0.1";

const envList = (environment: Record<string, string>) => Object.entries(environment).map(([key, value]) => `${key}=${value}`);

const healthcheck = (check: HealthCheck): docker.types.input.ContainerHealthcheck => ({
    tests: check.test,
    interval: check.interval,
    timeout: check.timeout,
    retries: check.retries,
    startPeriod: check.startPeriod,
    startInterval: check.startInterval,
});

/**
 * The same two containers as on the EC2 host, on the local Docker engine: MLflow on a private
 * network only, nginx in front of it on loopback ports, with the private CA's certificate (no
 * Let's Encrypt: nothing public can reach localhost) and the data in a Docker volume.
 */
export class MlflowOnDocker extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly healthUrl: pulumi.Output<string>;
    readonly users: string[];
    /** Secret. */
    readonly passwords: pulumi.Output<Record<string, string>>;
    /** Secret. */
    readonly trackingEnv: pulumi.Output<string>;
    readonly caCertPem: pulumi.Output<string>;

    constructor(name: string, args: MlflowOnDockerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:MlflowOnDocker", name, {}, opts);
        const { settings, healthyTimeoutSeconds } = { healthyTimeoutSeconds: 300, ...args };
        const parent = { parent: this };
        const endpoint = localEndpoint(settings.localHttpsPort);
        const input = containerInput(settings, endpoint);
        const mlflowSpec = mlflowContainer(input);
        const nginxSpec = nginxContainer(input);

        const credentials = new Credentials(name, { users: settings.users }, parent);
        const ca = new PrivateCa(name, { serverNames: endpoint.names }, parent);

        const network = new docker.Network(name, {}, parent);
        // A fixed name: with protectData a destroyed stack leaves the volume behind, and the next
        // `up` creates the same name, which Docker answers with the existing volume and its data.
        const data = new docker.Volume(`${name}-data`, {
            name: `${pulumi.getProject()}-${pulumi.getStack()}-mlflow-data`,
        }, { ...parent, retainOnDelete: settings.protectData });
        // keepLocally: the images are shared with anything else on this machine and large to pull
        // again; destroy removes the containers, not the cache.
        const image = (spec: ContainerSpec, suffix: string) =>
            new docker.RemoteImage(`${name}-${suffix}`, { name: spec.image, keepLocally: true }, parent);
        const mlflowImage = image(mlflowSpec, "mlflow");
        const nginxImage = image(nginxSpec, "nginx");

        // No ports: only nginx reaches MLflow, by the service name its configuration resolves, which
        // Docker's DNS answers with every server's address. The first server keeps the name it had
        // when there was one, and is healthy before the others start: on a new volume it creates
        // the database, and servers creating one schema at once fail.
        const mlflowServer = (index: number, after: docker.Container[]) =>
            new docker.Container(index === 0 ? `${name}-mlflow` : `${name}-mlflow-${index + 1}`, {
                image: mlflowImage.imageId,
                command: mlflowSpec.command,
                envs: envList(mlflowSpec.environment),
                healthcheck: healthcheck(mlflowSpec.healthcheck),
                restart: "unless-stopped",
                networksAdvanced: [{ name: network.name, aliases: [MLFLOW.service] }],
                volumes: [{ volumeName: data.name, containerPath: MLFLOW.dataDir }],
                ...(index === 0 ? { wait: true, waitTimeout: healthyTimeoutSeconds } : {}),
            }, { ...parent, dependsOn: after });
        const firstServer = mlflowServer(0, []);
        const mlflowServers = [firstServer, ...Array.from({ length: (mlflowSpec.replicas ?? 1) - 1 }, (_, i) => mlflowServer(i + 1, [firstServer]))];

        // Uploads are written into the container before it starts, and every upload field is
        // ForceNew in the provider: a changed file recreates nginx (the provider deletes the old
        // container first, which frees the ports). The provider marks no upload field sensitive,
        // so the secret ones are wrapped here: the engine then keeps them encrypted in the state
        // and shows the container's uploads as [secret]. nginx.conf and the chain stay readable in
        // a diff. The key is read by nginx's master (root) only; the htpasswd file by its workers.
        const uploads: docker.types.input.ContainerUpload[] = [
            { file: NGINX.conf, content: renderProxyConf(endpoint, settings.maxUploadSize, true, settings.auth), permissions: "0644" },
            { file: NGINX.htpasswd, content: pulumi.secret(credentials.htpasswd), permissions: "0644" },
            { file: NGINX.certificate, content: ca.serverChainPem, permissions: "0644" },
            { file: NGINX.certificateKey, content: pulumi.secret(ca.serverKeyPem), permissions: "0600" },
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
            volumes: [{ volumeName: data.name, containerPath: NGINX.mlflowDataDir, readOnly: true }],
            uploads,
            wait: true,
            waitTimeout: healthyTimeoutSeconds,
        }, { ...parent, dependsOn: mlflowServers });

        this.url = pulumi.output(endpointUrl(endpoint));
        this.healthUrl = pulumi.interpolate`${this.url}/health`;
        this.users = settings.users;
        this.passwords = credentials.passwords;
        this.trackingEnv = credentials.trackingEnv(this.url, CA_CERT_FILE);
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
