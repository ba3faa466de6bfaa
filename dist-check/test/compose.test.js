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
// The rendered compose file, as docker-compose parses it and as it is shaped: nginx is the only
// way in, images are pinned, MLflow proxies artifacts and keeps everything on the data volume.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const node_test_1 = require("node:test");
const yaml_1 = require("yaml");
const settings_1 = require("../lib/settings");
const stackConfig_1 = require("../lib/stackConfig");
const hostScripts_1 = require("./support/hostScripts");
const renderOnce_1 = require("./support/renderOnce");
const COMPOSE = "/etc/mlflow/compose.yaml";
function dockerCompose(file, ...args) {
    return (0, node_child_process_1.spawnSync)("docker-compose", ["-f", file, ...args], {
        encoding: "utf8",
        // No daemon here: `config` only reads the file. A project name keeps v1 from guessing one from the directory.
        env: { ...process.env, COMPOSE_PROJECT_NAME: "mlflow" },
        timeout: 20_000,
    });
}
/** Host port and container port of a short-syntax port mapping such as "443:443" or "0.0.0.0:80:80/tcp". */
function portMapping(spec) {
    const match = /^(?:(\[?[0-9a-fA-F.:]+\]?):)?(\d+):(\d+)(?:\/tcp)?$/.exec(spec);
    strict_1.default.ok(match, `not a fixed host:container port mapping: ${spec}`);
    return { ip: match[1], host: Number(match[2]), container: Number(match[3]) };
}
const argAfter = (args, flag) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
};
for (const stack of ["dev", "prod"]) {
    (0, node_test_1.describe)(`compose file of the ${stack} stack`, () => {
        let rendered;
        let compose;
        let mlflow;
        let nginx;
        let sandbox;
        const settings = (0, settings_1.validateSettings)((0, stackConfig_1.readStackFile)(stack).raw);
        (0, node_test_1.before)(() => {
            rendered = (0, renderOnce_1.renderedStack)(stack);
            compose = (0, yaml_1.parse)(rendered.text(COMPOSE));
            mlflow = compose.services.mlflow;
            nginx = compose.services.nginx;
            sandbox = new hostScripts_1.Sandbox(`compose-${stack}`);
        });
        (0, node_test_1.after)(() => sandbox.remove());
        (0, node_test_1.test)("docker-compose parses it (Compose v1 apart from the top-level name:, which only v2 knows)", () => {
            const file = rendered.local(COMPOSE);
            const asRendered = dockerCompose(file, "config", "-q");
            if (asRendered.status === 0)
                return;
            // docker-compose 1.29 predates the top-level `name:` of the Compose Specification, which the
            // host's compose plugin (v2) reads. Everything else must pass v1's schema.
            strict_1.default.match(asRendered.stderr, /'name' does not match any of the regexes/, asRendered.stderr);
            const text = rendered.text(COMPOSE);
            strict_1.default.equal(compose.name, "mlflow");
            const withoutName = text.replace(/^name: mlflow\n/m, "");
            strict_1.default.notEqual(withoutName, text);
            const copy = path.join(sandbox.dir, "compose.yaml");
            (0, node_fs_1.writeFileSync)(copy, withoutName);
            const parsed = dockerCompose(copy, "config", "-q");
            strict_1.default.equal(parsed.status, 0, `docker-compose config -q: ${parsed.stderr}`);
            // What v1 makes of it agrees on what matters: nginx's published ports and the services.
            const normalized = (0, yaml_1.parse)(dockerCompose(copy, "config").stdout);
            strict_1.default.deepEqual(Object.keys(normalized.services).sort(), ["mlflow", "nginx"]);
            strict_1.default.equal(normalized.services.mlflow.ports, undefined);
            strict_1.default.deepEqual(normalized.services.nginx.ports?.map(p => [p.published, p.target, p.host_ip]).sort(), [[443, 443, undefined], [80, 80, undefined]]);
        });
        (0, node_test_1.test)("only nginx publishes ports, exactly 80 and 443; MLflow publishes none", () => {
            strict_1.default.deepEqual(Object.keys(compose.services).sort(), ["mlflow", "nginx"]);
            strict_1.default.equal(mlflow.ports, undefined, "MLflow must not publish a port");
            const publishing = Object.entries(compose.services).filter(([, service]) => service.ports !== undefined).map(([name]) => name);
            strict_1.default.deepEqual(publishing, ["nginx"]);
            const mappings = (nginx.ports ?? []).map(portMapping);
            strict_1.default.deepEqual(mappings.map(m => [m.host, m.container]).sort(), [[443, 443], [80, 80]]);
            // MLflow is reachable on the internal network only, on its own port.
            strict_1.default.deepEqual(mlflow.expose, ["5000"]);
        });
        (0, node_test_1.test)("images are pinned to the stack's exact versions", () => {
            strict_1.default.match(settings.mlflowVersion, /^\d+\.\d+\.\d+$/);
            strict_1.default.match(settings.nginxVersion, /^\d+\.\d+\.\d+$/);
            strict_1.default.equal(mlflow.image, `ghcr.io/mlflow/mlflow:v${settings.mlflowVersion}`);
            strict_1.default.equal(nginx.image, `nginx:${settings.nginxVersion}-alpine`);
            for (const service of [mlflow, nginx]) {
                strict_1.default.doesNotMatch(service.image, /:latest$|^[^:]+$/, `${service.image} floats`);
            }
            // Every nginx up to 1.30.0 has CVE-2026-42945.
            const [major, minor, patch] = settings.nginxVersion.split(".").map(Number);
            strict_1.default.ok(major > 1 || minor > 30 || (minor === 30 && patch >= 1), `nginx ${settings.nginxVersion} is vulnerable`);
            // The host scripts migrate the database for the version the compose file runs.
            strict_1.default.equal(rendered.hostEnv.MLFLOW_VERSION, settings.mlflowVersion);
        });
        (0, node_test_1.test)("MLflow proxies artifacts into its data dir and keeps its database there", () => {
            const command = mlflow.command ?? [];
            strict_1.default.deepEqual(command.slice(0, 2), ["mlflow", "server"]);
            strict_1.default.ok(!command.includes("--default-artifact-root"), "--default-artifact-root must stay unset, so that new experiments get mlflow-artifacts:/ and clients upload through the server");
            strict_1.default.ok(!command.includes("--no-serve-artifacts"));
            strict_1.default.ok(!command.includes("--artifacts-only"));
            const artifacts = argAfter(command, "--artifacts-destination");
            strict_1.default.equal(artifacts, "/mlflow/artifacts");
            const backend = argAfter(command, "--backend-store-uri");
            strict_1.default.equal(backend, "sqlite:////mlflow/mlflow.db");
            // mlflow-db-upgrade migrates the same database.
            strict_1.default.equal(backend, rendered.hostEnv.MLFLOW_CONTAINER_DB_URI);
            strict_1.default.equal(argAfter(command, "--host"), "0.0.0.0");
            strict_1.default.equal(argAfter(command, "--port"), "5000");
            // /mlflow is the data volume's mlflow directory.
            strict_1.default.deepEqual(mlflow.volumes, [`${rendered.hostEnv.MLFLOW_DATA_DIR}:/mlflow`]);
        });
        (0, node_test_1.test)("MLflow accepts the Host headers and browser origins clients use", () => {
            const { publicIp, domain } = rendered.sample;
            strict_1.default.equal(domain, settings.domain ?? null);
            const names = domain ? [domain, publicIp] : [publicIp];
            const env = mlflow.environment ?? {};
            strict_1.default.deepEqual(env.MLFLOW_SERVER_ALLOWED_HOSTS.split(",").sort(), [...names].sort());
            strict_1.default.deepEqual(env.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS.split(",").sort(), names.map(name => `https://${name}`).sort());
            if (stack === "prod")
                strict_1.default.ok(domain, "the prod stack has a domain");
        });
        (0, node_test_1.test)("MLflow opens a SQLite connection per session instead of waiting for one of a pool", () => {
            strict_1.default.equal(mlflow.environment?.MLFLOW_SQLALCHEMYSTORE_POOLCLASS, "NullPool");
        });
        (0, node_test_1.test)("both services have healthchecks and restart policies", () => {
            for (const [name, service] of Object.entries(compose.services)) {
                const check = service.healthcheck;
                strict_1.default.ok(check, `${name} has no healthcheck`);
                strict_1.default.equal(check.test[0], "CMD", `${name}: healthcheck runs a command`);
                strict_1.default.ok(check.test.length > 1);
                for (const key of ["interval", "timeout", "start_period"])
                    strict_1.default.match(check[key], /^\d+[smh]$/, `${name}.${key}`);
                strict_1.default.ok(Number.isInteger(check.retries) && check.retries > 0);
                strict_1.default.ok(["always", "unless-stopped"].includes(service.restart ?? ""), `${name} restart: ${service.restart}`);
            }
            strict_1.default.ok(mlflow.healthcheck?.test.join(" ").includes("http://127.0.0.1:5000/health"));
            strict_1.default.ok(nginx.healthcheck?.test.join(" ").includes("/health"));
            strict_1.default.deepEqual(nginx.depends_on, { mlflow: { condition: "service_healthy" } });
        });
        (0, node_test_1.test)("bind mounts: data from the data volume, configuration read-only from /etc/mlflow", () => {
            const dataMount = rendered.hostEnv.DATA_MOUNT;
            strict_1.default.equal(dataMount, "/srv/mlflow-data");
            const mounts = Object.entries(compose.services).flatMap(([name, service]) => (service.volumes ?? []).map(spec => {
                const [source, target, mode] = spec.split(":");
                return { name, source, target, mode };
            }));
            for (const mount of mounts) {
                strict_1.default.ok(path.isAbsolute(mount.source), `${mount.name}: ${mount.source} is a named volume, not a bind mount`);
                const onDataVolume = mount.source.startsWith(`${dataMount}/`);
                const inRender = mount.source === rendered.hostEnv.ACTIVE_TLS_DIR || rendered.files.has(mount.source);
                strict_1.default.ok(onDataVolume || inRender, `${mount.name}: ${mount.source} is neither on the data volume nor a rendered file`);
                if (!onDataVolume)
                    strict_1.default.equal(mount.mode, "ro", `${mount.name}: ${mount.source} should be mounted read-only`);
            }
            const sources = mounts.map(m => m.source);
            strict_1.default.ok(sources.includes(rendered.hostEnv.MLFLOW_DATA_DIR));
            strict_1.default.ok(sources.includes(rendered.hostEnv.ACME_WEBROOT), "nginx serves HTTP-01 challenges from the data volume");
            strict_1.default.ok(sources.includes("/etc/mlflow/secrets/htpasswd"));
            strict_1.default.ok(rendered.files.has("/etc/mlflow/secrets/htpasswd"));
        });
        (0, node_test_1.test)("nginx reads MLflow's artifact store read-only, where its configuration serves downloads from", () => {
            // The host directory behind MLflow's --artifacts-destination ...
            const mlflowMount = (mlflow.volumes ?? [])[0].split(":");
            const destination = argAfter(mlflow.command ?? [], "--artifacts-destination") ?? "";
            strict_1.default.ok(destination.startsWith(`${mlflowMount[1]}/`), `${destination} is on MLflow's data mount`);
            const hostArtifacts = mlflowMount[0] + destination.slice(mlflowMount[1].length);
            // ... is mounted into nginx read-only, and nothing else of MLflow's data is.
            const nginxMounts = (nginx.volumes ?? []).map(spec => spec.split(":"));
            const artifacts = nginxMounts.filter(([source]) => source.startsWith(rendered.hostEnv.MLFLOW_DATA_DIR));
            strict_1.default.equal(artifacts.length, 1, `nginx mounts of MLflow's data: ${artifacts.join(" ")}`);
            strict_1.default.deepEqual([artifacts[0][0], artifacts[0][2]], [hostArtifacts, "ro"]);
            // ... at the path nginx.conf serves artifact files from.
            const nginxConf = rendered.text("/etc/mlflow/nginx.conf");
            const aliases = [...nginxConf.matchAll(/^\s*alias (\S+);$/gm)].map(match => match[1]);
            strict_1.default.deepEqual([...new Set(aliases)], [`${artifacts[0][1]}/`]);
            // mlflow-prepare-data creates it on the data volume before compose starts.
            strict_1.default.ok(rendered.hostEnv.DATA_DIRS.split(" ").map(dir => `${rendered.hostEnv.DATA_MOUNT}/${dir}`).includes(hostArtifacts));
        });
    });
}
(0, node_test_1.describe)("compose file of a stateless host (the dev stack with backendStore rds, artifactStore s3)", () => {
    let rendered;
    let compose;
    let sandbox;
    (0, node_test_1.before)(() => {
        rendered = (0, renderOnce_1.renderedStack)("dev", renderOnce_1.STATELESS_HOST);
        compose = (0, yaml_1.parse)(rendered.text(COMPOSE));
        sandbox = new hostScripts_1.Sandbox("compose-stateless");
    });
    (0, node_test_1.after)(() => sandbox.remove());
    (0, node_test_1.test)("docker-compose parses it; nginx alone publishes 80 and 443", () => {
        const copy = path.join(sandbox.dir, "compose.yaml");
        (0, node_fs_1.writeFileSync)(copy, rendered.text(COMPOSE).replace(/^name: mlflow\n/m, ""));
        const parsed = dockerCompose(copy, "config", "-q");
        strict_1.default.equal(parsed.status, 0, `docker-compose config -q: ${parsed.stderr}`);
        strict_1.default.equal(compose.services.mlflow.ports, undefined);
        strict_1.default.deepEqual(compose.services.nginx.ports, ["80:80", "443:443"]);
    });
    (0, node_test_1.test)("MLflow keeps nothing on the host: PostgreSQL and S3, the CA bundle and password file read-only from what the host received", () => {
        const mlflow = compose.services.mlflow;
        const command = mlflow.command ?? [];
        const backend = argAfter(command, "--backend-store-uri") ?? "";
        strict_1.default.match(backend, /^postgresql\+psycopg2:\/\/mlflow@[^:/]+:5432\/mlflow\?sslmode=verify-full&sslrootcert=\/tmp\/rds-ca\.pem$/);
        strict_1.default.equal(backend, rendered.hostEnv.MLFLOW_CONTAINER_DB_URI, "mlflow-db-upgrade migrates the same database");
        strict_1.default.match(argAfter(command, "--artifacts-destination") ?? "", /^s3:\/\/[a-z0-9.-]+\/artifacts$/);
        strict_1.default.ok(command.includes("--serve-artifacts") && !command.includes("--default-artifact-root"), "clients still upload through the server");
        strict_1.default.equal(mlflow.image, `ghcr.io/mlflow/mlflow:v${rendered.hostEnv.MLFLOW_VERSION}-full`);
        const mounts = (mlflow.volumes ?? []).map(spec => spec.split(":"));
        for (const [source, , mode] of mounts) {
            strict_1.default.ok(rendered.files.has(source), `${source} is a file the host receives`);
            strict_1.default.equal(mode, "ro");
        }
        strict_1.default.ok(!mounts.some(([source]) => source.startsWith(rendered.hostEnv.DATA_MOUNT)), "nothing of the data volume");
        const pgpass = mounts.find(([source]) => source === rendered.hostEnv.PGPASS_FILE);
        strict_1.default.ok(pgpass, "the password file mlflow-fetch-secrets writes");
        strict_1.default.equal(mlflow.environment?.PGPASSFILE, pgpass[1]);
        strict_1.default.equal(rendered.files.get(rendered.hostEnv.PGPASS_FILE)?.mode, 0o600, "libpq ignores a password file others may read");
        strict_1.default.equal(mlflow.environment?.MLFLOW_SQLALCHEMYSTORE_POOLCLASS, undefined);
    });
    (0, node_test_1.test)("nginx leaves artifact downloads to MLflow: no store mounted, no alias in its configuration", () => {
        strict_1.default.ok(!(compose.services.nginx.volumes ?? []).some(spec => spec.includes("artifacts")));
        strict_1.default.doesNotMatch(rendered.text("/etc/mlflow/nginx.conf"), /^\s*alias /m);
    });
});
//# sourceMappingURL=compose.test.js.map