// The scaled tier's task run here from its ECS container definitions, exactly as rendered: each
// MLflow container's entry script (CA bundle written, then `mlflow server` on PostgreSQL and S3,
// on its own port) with the definition's environment, and the nginx container's entry script (its
// nginx.conf and htpasswd from the environment) in real nginx 1.30. Behind them: real PostgreSQL
// of the pinned major version, TLS-only (postgres.ts), standing for RDS at the name the definition
// connects to, and moto's S3 (s3Endpoint.ts) holding the bucket. In front: a TLS-terminating nginx
// standing for the Application Load Balancer (AWS's own, which cannot run here), connecting from
// an address of the balancer's subnets and adding X-Forwarded-For and X-Forwarded-Proto as the ALB
// does.
// What differs from AWS, and only that: the CA bundle is the test CA of the PostgreSQL stand-in,
// the password comes from the environment as ECS's secret would deliver it, boto3 is pointed at
// the local endpoint (MLFLOW_S3_ENDPOINT_URL) with dummy credentials, and each container's /tmp is
// a scratch directory of its own. With auth oidc the task's oauth2-proxy container runs too, as
// oauth2Proxy.ts runs it. Only inside a test's namespace (namespace.ts).
import { ChildProcess, spawn } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { issueCertificate } from "../lib/sampleTls";
import { CONTAINER_NAMES, EcsContainerDefinition } from "../lib/render/taskContainers";
import { NGINX } from "../lib/render/layout";
import { addLoopbackAddress, assertInNamespace, canConnect, run, RunResult, scratchDir, sleep } from "./namespace";
import { resolveNginxRoot } from "./nginxSandbox";
import { Postgres } from "./postgres";
import { Oauth2Proxy } from "./oauth2Proxy";
import { LoggedRequest, RealMlflow } from "./realMlflow";
import { S3_CLIENT_ENV, S3Endpoint } from "./s3Endpoint";
import { pythonEnvDir } from "./pythonEnv";

const ADDRESSES = { database: "127.0.3.1", s3: "127.0.3.2", loadBalancer: "127.0.3.3" } as const;

/** What one-off work before the service has: the stores, and a way to run a one-off task's container. */
export interface OneOffTask {
    /** Another container of the MLflow image (a one-off task's), with local directories for its task volumes. */
    runContainer(definition: EcsContainerDefinition, volumes: Record<string, string>): Promise<RunResult>;
    postgres: Postgres;
    s3: S3Endpoint;
}

export interface ScaledStackOptions {
    /** The service's task definition: MLflow's servers and nginx. */
    containers: EcsContainerDefinition[];
    /** The SSM parameters the containers' secrets name (the htpasswd file, the auth app's), by parameter name, with their values. */
    parameters: Record<string, string>;
    /** The name clients use: the load balancer's DNS name or the domain. */
    serverName: string;
    /** The artifact bucket the definition's --artifacts-destination names. */
    bucket: string;
    /** The schema upgrade's container: run once, to its end, before the service starts. */
    schemaUpgrade?: EcsContainerDefinition;
    /**
     * Runs after the schema upgrade, before the service starts: one-off tasks with the MLflow
     * container's connection, CA bundle, database password and S3 access.
     */
    beforeService?: (task: OneOffTask) => Promise<void>;
    nginxRoot?: string;
    /** With auth oidc: the CA file of the OpenID Provider the task's oauth2-proxy asks. */
    oidcProviderCaFile?: string;
}

/** The option's value in an entry script's quoted command line ('--option' 'value'). */
function optionOf(script: string, option: string): string {
    const match = new RegExp(`'${option}' '([^']*)'`).exec(script);
    if (!match) throw new Error(`the entry script has no ${option}: ${script}`);
    return match[1];
}

const container = (containers: EcsContainerDefinition[], name: string) => {
    const found = containers.find(c => c.name === name);
    if (!found) throw new Error(`the task has no ${name} container; it has ${containers.map(c => c.name).join(", ")}`);
    return found;
};
const envOf = (definition: EcsContainerDefinition) => Object.fromEntries(definition.environment.map(e => [e.name, e.value]));

/**
 * A container's secrets as ECS hands them over, in its environment: the database password from
 * RDS's secret, the others from the SSM parameter the ARN names.
 */
function secretsOf(definition: EcsContainerDefinition, parameters: Record<string, string>, databasePassword: string): Record<string, string> {
    return Object.fromEntries(definition.secrets.map(({ name, valueFrom }) => {
        if (name === "PGPASSWORD") return [name, databasePassword];
        const parameter = Object.keys(parameters).find(parameterName => valueFrom.endsWith(`:parameter${parameterName}`));
        if (parameter === undefined) throw new Error(`${definition.name}'s secret ${name} names ${valueFrom}, no parameter of ${Object.keys(parameters).join(", ")}`);
        return [name, parameters[parameter]];
    }));
}

/** The task's MLflow containers, one server each, seen together. */
export class TaskMlflow {
    constructor(readonly servers: RealMlflow[]) {}

    /** What each server wrote, server after server. */
    get log(): string {
        return this.servers.map(server => server.log).join("\n");
    }

    /** Requests MLflow answered, server after server, each server's oldest first. */
    requests(): LoggedRequest[] {
        return this.servers.flatMap(server => server.requests());
    }

    async stop(): Promise<void> {
        await Promise.all(this.servers.map(server => server.stop()));
    }
}

export class ScaledStack {
    readonly postgres: Postgres;
    readonly s3: S3Endpoint;
    readonly mlflow: TaskMlflow;
    /** The CA a client must trust for the load balancer's certificate. */
    readonly loadBalancerCaPem: string;
    /** The database the MLflow containers connect to, parsed from their backend store URI. */
    readonly database: { host: string; port: number; name: string; user: string };
    /** How the schema upgrade's container ended, when one was given. */
    readonly schemaUpgrade?: RunResult;
    private readonly nginxProcesses: ChildProcess[];
    /** With auth oidc: the task's oauth2-proxy. */
    readonly oauth2Proxy?: Oauth2Proxy;
    private readonly asContainer: (definition: EcsContainerDefinition, volumes?: Record<string, string>) => { command: string[]; env: Record<string, string>; cwd: string };

    private constructor(parts: {
        postgres: Postgres; s3: S3Endpoint; mlflow: TaskMlflow; loadBalancerCaPem: string; database: ScaledStack["database"]; schemaUpgrade?: RunResult; nginx: ChildProcess[];
        oauth2Proxy?: Oauth2Proxy; asContainer: ScaledStack["asContainer"];
    }) {
        this.oauth2Proxy = parts.oauth2Proxy;
        this.asContainer = parts.asContainer;
        this.schemaUpgrade = parts.schemaUpgrade;
        this.postgres = parts.postgres;
        this.s3 = parts.s3;
        this.mlflow = parts.mlflow;
        this.loadBalancerCaPem = parts.loadBalancerCaPem;
        this.database = parts.database;
        this.nginxProcesses = parts.nginx;
    }

    static async start(options: ScaledStackOptions): Promise<ScaledStack> {
        assertInNamespace();
        const nginxDefinition = container(options.containers, CONTAINER_NAMES.nginx);
        const proxyDefinition = options.containers.find(definition => definition.name === CONTAINER_NAMES.oauth2Proxy);
        const mlflowDefinitions = options.containers.filter(definition => definition !== nginxDefinition && definition !== proxyDefinition);
        const uri = new URL(optionOf(container(options.containers, CONTAINER_NAMES.mlflow).command?.[0] ?? "", "--backend-store-uri"));
        const database = { host: uri.hostname, port: Number(uri.port), name: uri.pathname.slice(1), user: decodeURIComponent(uri.username) };
        const work = scratchDir("scaled");

        // Names as the VPC's DNS resolves them, for libpq and the client alike.
        const hosts = path.join(work, "hosts");
        writeFileSync(hosts, `127.0.0.1 localhost\n${ADDRESSES.database} ${database.host}\n${ADDRESSES.loadBalancer} ${options.serverName}\n`);
        await mustRun("mount", ["--bind", hosts, "/etc/hosts"]);

        const dbTls = issueCertificate(mkdirIn(work, "db-tls"), "RDS stand-in CA", [database.host]);
        const password = `pw-${Math.random().toString(36).slice(2)}`;
        const postgres = await Postgres.start({ address: ADDRESSES.database, certPem: dbTls.certPem, keyPem: dbTls.keyPem, database: database.name, user: database.user, password });
        const s3 = await S3Endpoint.start(ADDRESSES.s3, options.bucket);

        const home = mkdirIn(work, "mlflow-home");
        /**
         * A container of the MLflow image as ECS starts it: its entry script, its environment, its
         * secret; its /tmp (its own, as each container has its own filesystem) and its task volumes
         * (`volumes`: volume name -> local directory) mapped onto local directories.
         */
        const asContainer = (definition: EcsContainerDefinition, volumes: Record<string, string> = {}) => {
            const tmp = mkdirIn(work, `${definition.name}-tmp`);
            const inOwnTmp = (text: string) => text.replace(/\/tmp\//g, `${tmp}/`);
            return {
                command: ["/bin/sh", "-c", (definition.mountPoints ?? []).reduce((script, mount) => {
                    const local = volumes[mount.sourceVolume];
                    if (!local) throw new Error(`${definition.name} mounts the task volume ${mount.sourceVolume}: no local directory given`);
                    return script.split(mount.containerPath).join(local);
                }, inOwnTmp(definition.command?.[0] ?? ""))],
                env: {
                    PATH: `${path.join(pythonEnvDir("mlflow"), "bin")}:/usr/bin:/bin`,
                    HOME: home,
                    TMPDIR: tmp,
                    // The container's own /tmp, in the values that name it too (the auth app's configuration).
                    ...Object.fromEntries(Object.entries(envOf(definition)).map(([name, value]) => [name, inOwnTmp(value)])),
                    ...secretsOf(definition, options.parameters, password),
                    RDS_CA_BUNDLE: dbTls.caPem,
                    MLFLOW_S3_ENDPOINT_URL: s3.url,
                    ...S3_CLIENT_ENV,
                },
                cwd: tmp,
            };
        };
        let schemaUpgrade: RunResult | undefined;
        if (options.schemaUpgrade) {
            // As the deployment does: the one-off upgrade task first, the service after it.
            const { command, env, cwd } = asContainer(options.schemaUpgrade);
            schemaUpgrade = await run(command[0], command.slice(1), { env, cwd, timeoutMs: 300_000 });
        }
        if (options.beforeService) {
            await options.beforeService({
                runContainer: (definition, volumes) => {
                    const { command, env, cwd } = asContainer(definition, volumes);
                    return run(command[0], command.slice(1), { env, cwd, timeoutMs: 600_000 });
                },
                postgres,
                s3,
            });
        }
        const mlflow = new TaskMlflow(await Promise.all(mlflowDefinitions.map(definition => RealMlflow.launch({
            ...asContainer(definition), address: "127.0.0.1", port: Number(optionOf(definition.command?.[0] ?? "", "--port")),
        }))));
        let oauth2Proxy: Oauth2Proxy | undefined;
        if (proxyDefinition) {
            if (!options.oidcProviderCaFile) throw new Error("the task runs oauth2-proxy: give the OpenID Provider's CA (oidcProviderCaFile)");
            oauth2Proxy = await Oauth2Proxy.start({
                container: { command: proxyDefinition.command ?? [], env: { ...envOf(proxyDefinition), ...secretsOf(proxyDefinition, options.parameters, "") } },
                caFile: options.oidcProviderCaFile,
            });
        }

        const nginxRoot = resolveNginxRoot(options.nginxRoot);
        for (const dir of ["run", "var/log/nginx", "var/cache/nginx", path.dirname(NGINX.htpasswd).slice(1), "tmp"]) {
            await mustRun("mount", ["-t", "tmpfs", "tmpfs", path.join(nginxRoot, dir)]);
        }
        for (const dir of ["var/cache/nginx/client_temp", "var/cache/nginx/proxy_temp"]) mkdirSync(path.join(nginxRoot, dir), { recursive: true });
        // The entry script writes nginx.conf: onto a copy of this namespace's own.
        const conf = path.join(work, "nginx.conf");
        writeFileSync(conf, "");
        await mustRun("mount", ["--bind", conf, path.join(nginxRoot, NGINX.conf)]);

        const loadBalancerAddress = firstHostOf(trustedCidr(envOf(nginxDefinition).NGINX_CONF ?? ""));
        const taskAddress = "127.0.4.1";
        addLoopbackAddress(loadBalancerAddress);
        addLoopbackAddress(taskAddress);
        addLoopbackAddress(ADDRESSES.loadBalancer);
        const taskNginx = spawn("chroot", [nginxRoot, "/bin/sh", "-c", nginxDefinition.command?.[0] ?? ""], {
            env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...envOf(nginxDefinition), ...secretsOf(nginxDefinition, options.parameters, "") }, stdio: ["ignore", "ignore", "pipe"],
        });

        const albTls = issueCertificate(mkdirIn(work, "alb-tls"), "Load balancer stand-in CA", [options.serverName]);
        writeFileSync(path.join(nginxRoot, "tmp/alb.crt"), albTls.fullchainPem);
        writeFileSync(path.join(nginxRoot, "tmp/alb.key"), albTls.keyPem, { mode: 0o600 });
        writeFileSync(path.join(nginxRoot, "tmp/alb.conf"), loadBalancerConf(ADDRESSES.loadBalancer, loadBalancerAddress, `${taskAddress}:80`));
        const alb = spawn("chroot", [nginxRoot, "nginx", "-c", "/tmp/alb.conf"], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" }, stdio: ["ignore", "ignore", "pipe"] });
        let nginxErrors = "";
        for (const process of [taskNginx, alb]) process.stderr!.on("data", (chunk: Buffer) => { nginxErrors = (nginxErrors + chunk.toString("utf8")).slice(-20_000); });

        const stack = new ScaledStack({
            postgres, s3, mlflow, loadBalancerCaPem: albTls.caPem, database, schemaUpgrade, nginx: [taskNginx, alb], oauth2Proxy,
            asContainer,
        });
        for (let i = 0; !(await canConnect(taskAddress, 80) && await canConnect(ADDRESSES.loadBalancer, 443)); i++) {
            if (i > 100 || taskNginx.exitCode !== null || alb.exitCode !== null) {
                await stack.stop();
                throw new Error(`the task's nginx or the load balancer stand-in did not start (exit ${taskNginx.exitCode}, ${alb.exitCode}):\n${nginxErrors}`);
            }
            await sleep(100);
        }
        return stack;
    }

    /**
     * A one-off task's container (the daily garbage collection, a schema upgrade, a migration) run
     * to its end, as ECS would start it next to the service, with local directories for its task volumes.
     */
    runOneOff(definition: EcsContainerDefinition, volumes: Record<string, string> = {}, timeoutMs = 300_000): Promise<RunResult> {
        const { command, env, cwd } = this.asContainer(definition, volumes);
        return run(command[0], command.slice(1), { env, cwd, timeoutMs });
    }

    /** A URI of the database for a test's own queries (TLS, the stand-in's certificate not verified). */
    get databaseUri(): string {
        const { host, port, name, user } = this.database;
        return `postgresql+psycopg2://${user}:${this.postgres.options.password}@${host}:${port}/${name}?sslmode=require`;
    }

    async stop(): Promise<void> {
        for (const process of this.nginxProcesses) process.kill("SIGQUIT");
        await this.oauth2Proxy?.stop();
        await this.mlflow?.stop();
        this.s3?.stop();
        await this.postgres?.stop();
    }
}

function mkdirIn(parent: string, name: string): string {
    const dir = path.join(parent, name);
    mkdirSync(dir, { recursive: true });
    return dir;
}

async function mustRun(command: string, args: string[]): Promise<void> {
    const result = await run(command, args);
    if (result.code !== 0) throw new Error(`${command} ${args.join(" ")}: exit ${result.code}\n${result.stderr}`);
}

/** The first address block the task's nginx.conf believes the load balancer's headers from. */
function trustedCidr(conf: string): string {
    const match = /set_real_ip_from (\d+\.\d+\.\d+\.\d+\/\d+);/.exec(conf);
    if (!match) throw new Error("the task's nginx.conf trusts no load balancer address block");
    return match[1];
}

/** A host address inside an IPv4 block: its network address plus 10. */
function firstHostOf(cidr: string): string {
    const [address] = cidr.split("/");
    const octets = address.split(".").map(Number);
    octets[3] += 10;
    return octets.join(".");
}

/**
 * The load balancer's part as nginx can play it: TLS on 443, the request streamed both ways
 * (the ALB buffers neither), the client's address appended to X-Forwarded-For, the protocol in
 * X-Forwarded-Proto, from an address of the balancer's subnet.
 */
function loadBalancerConf(listen: string, source: string, target: string): string {
    return `worker_processes 1;
pid /tmp/alb.pid;
error_log /tmp/alb-error.log warn;
daemon off;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path /tmp/alb-body;
    proxy_temp_path /tmp/alb-proxy;
    server {
        listen ${listen}:443 ssl;
        ssl_certificate /tmp/alb.crt;
        ssl_certificate_key /tmp/alb.key;
        client_max_body_size 0;
        proxy_request_buffering off;
        proxy_buffering off;
        proxy_http_version 1.1;
        proxy_read_timeout 600s;
        proxy_send_timeout 600s;
        location / {
            proxy_pass http://${target};
            proxy_bind ${source};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-Port 443;
        }
    }
}
`;
}
