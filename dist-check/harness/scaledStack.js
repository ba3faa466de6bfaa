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
exports.ScaledStack = void 0;
// The scaled tier's task run here from its ECS container definitions, exactly as rendered: the
// MLflow container's entry script (CA bundle written, then `mlflow server` on PostgreSQL and S3)
// with the definition's environment, and the nginx container's entry script (its nginx.conf and
// htpasswd from the environment) in real nginx 1.30. Behind them: real PostgreSQL of the pinned
// major version, TLS-only (postgres.ts), standing for RDS at the name the definition connects to,
// and moto's S3 (s3Endpoint.ts) holding the bucket. In front: a TLS-terminating nginx standing for
// the Application Load Balancer (AWS's own, which cannot run here), connecting from an address of
// the balancer's subnets and adding X-Forwarded-For and X-Forwarded-Proto as the ALB does.
// What differs from AWS, and only that: the CA bundle is the test CA of the PostgreSQL stand-in,
// the password comes from the environment as ECS's secret would deliver it, boto3 is pointed at
// the local endpoint (MLFLOW_S3_ENDPOINT_URL) with dummy credentials, and the container's /tmp is a
// scratch directory. Only inside a test's namespace (namespace.ts).
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const sampleTls_1 = require("../lib/sampleTls");
const taskContainers_1 = require("../lib/render/taskContainers");
const layout_1 = require("../lib/render/layout");
const namespace_1 = require("./namespace");
const nginxSandbox_1 = require("./nginxSandbox");
const postgres_1 = require("./postgres");
const realMlflow_1 = require("./realMlflow");
const s3Endpoint_1 = require("./s3Endpoint");
const pythonEnv_1 = require("./pythonEnv");
const ADDRESSES = { database: "127.0.3.1", s3: "127.0.3.2", loadBalancer: "127.0.3.3" };
/** The option's value in an entry script's quoted command line ('--option' 'value'). */
function optionOf(script, option) {
    const match = new RegExp(`'${option}' '([^']*)'`).exec(script);
    if (!match)
        throw new Error(`the entry script has no ${option}: ${script}`);
    return match[1];
}
const container = (containers, name) => {
    const found = containers.find(c => c.name === name);
    if (!found)
        throw new Error(`the task has no ${name} container; it has ${containers.map(c => c.name).join(", ")}`);
    return found;
};
const envOf = (definition) => Object.fromEntries(definition.environment.map(e => [e.name, e.value]));
class ScaledStack {
    postgres;
    s3;
    mlflow;
    /** The CA a client must trust for the load balancer's certificate. */
    loadBalancerCaPem;
    /** The database the MLflow container connects to, parsed from its backend store URI. */
    database;
    /** How the schema upgrade's container ended, when one was given. */
    schemaUpgrade;
    nginxProcesses;
    constructor(parts) {
        this.schemaUpgrade = parts.schemaUpgrade;
        this.postgres = parts.postgres;
        this.s3 = parts.s3;
        this.mlflow = parts.mlflow;
        this.loadBalancerCaPem = parts.loadBalancerCaPem;
        this.database = parts.database;
        this.nginxProcesses = parts.nginx;
    }
    static async start(options) {
        (0, namespace_1.assertInNamespace)();
        const mlflowDefinition = container(options.containers, taskContainers_1.CONTAINER_NAMES.mlflow);
        const nginxDefinition = container(options.containers, taskContainers_1.CONTAINER_NAMES.nginx);
        const uri = new URL(optionOf(mlflowDefinition.command?.[0] ?? "", "--backend-store-uri"));
        const database = { host: uri.hostname, port: Number(uri.port), name: uri.pathname.slice(1), user: decodeURIComponent(uri.username) };
        const work = (0, namespace_1.scratchDir)("scaled");
        // Names as the VPC's DNS resolves them, for libpq and the client alike.
        const hosts = path.join(work, "hosts");
        (0, fs_1.writeFileSync)(hosts, `127.0.0.1 localhost\n${ADDRESSES.database} ${database.host}\n${ADDRESSES.loadBalancer} ${options.serverName}\n`);
        await mustRun("mount", ["--bind", hosts, "/etc/hosts"]);
        const dbTls = (0, sampleTls_1.issueCertificate)(mkdirIn(work, "db-tls"), "RDS stand-in CA", [database.host]);
        const password = `pw-${Math.random().toString(36).slice(2)}`;
        const postgres = await postgres_1.Postgres.start({ address: ADDRESSES.database, certPem: dbTls.certPem, keyPem: dbTls.keyPem, database: database.name, user: database.user, password });
        const s3 = await s3Endpoint_1.S3Endpoint.start(ADDRESSES.s3, options.bucket);
        const tmp = mkdirIn(work, "mlflow-tmp");
        const home = mkdirIn(work, "mlflow-home");
        /**
         * A container of the MLflow image as ECS starts it: its entry script, its environment, its
         * secret; its /tmp and its task volumes (`volumes`: volume name -> local directory) mapped
         * onto local directories.
         */
        const asContainer = (definition, volumes = {}) => ({
            command: ["/bin/sh", "-c", (definition.mountPoints ?? []).reduce((script, mount) => {
                    const local = volumes[mount.sourceVolume];
                    if (!local)
                        throw new Error(`${definition.name} mounts the task volume ${mount.sourceVolume}: no local directory given`);
                    return script.split(mount.containerPath).join(local);
                }, (definition.command?.[0] ?? "").replace(/\/tmp\//g, `${tmp}/`))],
            env: {
                PATH: `${path.join((0, pythonEnv_1.pythonEnvDir)("mlflow"), "bin")}:/usr/bin:/bin`,
                HOME: home,
                TMPDIR: tmp,
                ...envOf(definition),
                RDS_CA_BUNDLE: dbTls.caPem,
                PGPASSWORD: password,
                MLFLOW_S3_ENDPOINT_URL: s3.url,
                ...s3Endpoint_1.S3_CLIENT_ENV,
            },
        });
        let schemaUpgrade;
        if (options.schemaUpgrade) {
            // As the deployment does: the one-off upgrade task first, the service after it.
            const { command, env } = asContainer(options.schemaUpgrade);
            schemaUpgrade = await (0, namespace_1.run)(command[0], command.slice(1), { env, cwd: tmp, timeoutMs: 300_000 });
        }
        if (options.beforeService) {
            await options.beforeService({
                runContainer: (definition, volumes) => {
                    const { command, env } = asContainer(definition, volumes);
                    return (0, namespace_1.run)(command[0], command.slice(1), { env, cwd: tmp, timeoutMs: 600_000 });
                },
                postgres,
                s3,
            });
        }
        const mlflow = await realMlflow_1.RealMlflow.launch({ ...asContainer(mlflowDefinition), cwd: tmp, address: "127.0.0.1" });
        const nginxRoot = (0, nginxSandbox_1.resolveNginxRoot)(options.nginxRoot);
        for (const dir of ["run", "var/log/nginx", "var/cache/nginx", path.dirname(layout_1.NGINX.htpasswd).slice(1), "tmp"]) {
            await mustRun("mount", ["-t", "tmpfs", "tmpfs", path.join(nginxRoot, dir)]);
        }
        for (const dir of ["var/cache/nginx/client_temp", "var/cache/nginx/proxy_temp"])
            (0, fs_1.mkdirSync)(path.join(nginxRoot, dir), { recursive: true });
        // The entry script writes nginx.conf: onto a copy of this namespace's own.
        const conf = path.join(work, "nginx.conf");
        (0, fs_1.writeFileSync)(conf, "");
        await mustRun("mount", ["--bind", conf, path.join(nginxRoot, layout_1.NGINX.conf)]);
        const loadBalancerAddress = firstHostOf(trustedCidr(envOf(nginxDefinition).NGINX_CONF ?? ""));
        const taskAddress = "127.0.4.1";
        (0, namespace_1.addLoopbackAddress)(loadBalancerAddress);
        (0, namespace_1.addLoopbackAddress)(taskAddress);
        (0, namespace_1.addLoopbackAddress)(ADDRESSES.loadBalancer);
        const taskNginx = (0, child_process_1.spawn)("chroot", [nginxRoot, "/bin/sh", "-c", nginxDefinition.command?.[0] ?? ""], {
            env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...envOf(nginxDefinition), HTPASSWD: options.htpasswd }, stdio: ["ignore", "ignore", "pipe"],
        });
        const albTls = (0, sampleTls_1.issueCertificate)(mkdirIn(work, "alb-tls"), "Load balancer stand-in CA", [options.serverName]);
        (0, fs_1.writeFileSync)(path.join(nginxRoot, "tmp/alb.crt"), albTls.fullchainPem);
        (0, fs_1.writeFileSync)(path.join(nginxRoot, "tmp/alb.key"), albTls.keyPem, { mode: 0o600 });
        (0, fs_1.writeFileSync)(path.join(nginxRoot, "tmp/alb.conf"), loadBalancerConf(ADDRESSES.loadBalancer, loadBalancerAddress, `${taskAddress}:80`));
        const alb = (0, child_process_1.spawn)("chroot", [nginxRoot, "nginx", "-c", "/tmp/alb.conf"], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" }, stdio: ["ignore", "ignore", "pipe"] });
        let nginxErrors = "";
        for (const process of [taskNginx, alb])
            process.stderr.on("data", (chunk) => { nginxErrors = (nginxErrors + chunk.toString("utf8")).slice(-20_000); });
        const stack = new ScaledStack({ postgres, s3, mlflow, loadBalancerCaPem: albTls.caPem, database, schemaUpgrade, nginx: [taskNginx, alb] });
        for (let i = 0; !(await (0, namespace_1.canConnect)(taskAddress, 80) && await (0, namespace_1.canConnect)(ADDRESSES.loadBalancer, 443)); i++) {
            if (i > 100 || taskNginx.exitCode !== null || alb.exitCode !== null) {
                await stack.stop();
                throw new Error(`the task's nginx or the load balancer stand-in did not start (exit ${taskNginx.exitCode}, ${alb.exitCode}):\n${nginxErrors}`);
            }
            await (0, namespace_1.sleep)(100);
        }
        return stack;
    }
    async stop() {
        for (const process of this.nginxProcesses)
            process.kill("SIGQUIT");
        await this.mlflow?.stop();
        this.s3?.stop();
        await this.postgres?.stop();
    }
}
exports.ScaledStack = ScaledStack;
function mkdirIn(parent, name) {
    const dir = path.join(parent, name);
    (0, fs_1.mkdirSync)(dir, { recursive: true });
    return dir;
}
async function mustRun(command, args) {
    const result = await (0, namespace_1.run)(command, args);
    if (result.code !== 0)
        throw new Error(`${command} ${args.join(" ")}: exit ${result.code}\n${result.stderr}`);
}
/** The first address block the task's nginx.conf believes the load balancer's headers from. */
function trustedCidr(conf) {
    const match = /set_real_ip_from (\d+\.\d+\.\d+\.\d+\/\d+);/.exec(conf);
    if (!match)
        throw new Error("the task's nginx.conf trusts no load balancer address block");
    return match[1];
}
/** A host address inside an IPv4 block: its network address plus 10. */
function firstHostOf(cidr) {
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
function loadBalancerConf(listen, source, target) {
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
//# sourceMappingURL=scaledStack.js.map