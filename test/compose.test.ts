// The rendered compose file, as docker-compose parses it and as it is shaped: nginx is the only
// way in, images are pinned, MLflow proxies artifacts and keeps everything on the data volume.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { HOST } from "../lib/render/layout";
import { MLFLOW_SERVERS } from "../lib/render/containers";
import { validateSettings } from "../lib/settings";
import { readStackFile } from "../lib/stackConfig";
import { Sandbox } from "./support/hostScripts";
import { RenderedStack, renderedStack, STATELESS_HOST } from "./support/renderOnce";

interface Service {
    image: string;
    command?: string[];
    environment?: Record<string, string>;
    ports?: string[];
    expose?: string[];
    volumes?: string[];
    healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period: string; start_interval: string };
    restart?: string;
    depends_on?: Record<string, { condition: string }>;
    deploy?: { replicas?: number };
}
interface Compose {
    name?: string;
    services: Record<string, Service>;
}

const COMPOSE = "/etc/mlflow/compose.yaml";

/**
 * The file without what only Compose v2 (the host's plugin, which the boot rehearsal runs) knows:
 * the top-level name and the healthchecks' start_interval; docker-compose 1.29 checks the rest.
 */
const withoutV2Only = (text: string) => text.replace(/^name: mlflow\n/m, "").replace(/^\s+start_interval: \S+\n/gm, "");

function dockerCompose(file: string, ...args: string[]) {
    return spawnSync("docker-compose", ["-f", file, ...args], {
        encoding: "utf8",
        // No daemon here: `config` only reads the file. A project name keeps v1 from guessing one from the directory.
        env: { ...process.env, COMPOSE_PROJECT_NAME: "mlflow" },
        timeout: 20_000,
    });
}

/** Host port and container port of a short-syntax port mapping such as "443:443" or "0.0.0.0:80:80/tcp". */
function portMapping(spec: string): { host: number; container: number; ip?: string } {
    const match = /^(?:(\[?[0-9a-fA-F.:]+\]?):)?(\d+):(\d+)(?:\/tcp)?$/.exec(spec);
    assert.ok(match, `not a fixed host:container port mapping: ${spec}`);
    return { ip: match[1], host: Number(match[2]), container: Number(match[3]) };
}

const argAfter = (args: string[], flag: string) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
};

for (const stack of ["dev", "prod"]) {
    describe(`compose file of the ${stack} stack`, () => {
        let rendered: RenderedStack;
        let compose: Compose;
        let mlflow: Service;
        let nginx: Service;
        let sandbox: Sandbox;
        const settings = validateSettings(readStackFile(stack).raw);

        before(() => {
            rendered = renderedStack(stack);
            compose = parse(rendered.text(COMPOSE)) as Compose;
            mlflow = compose.services.mlflow;
            nginx = compose.services.nginx;
            sandbox = new Sandbox(`compose-${stack}`);
        });
        after(() => sandbox.remove());

        test("docker-compose parses it (Compose v1 apart from the top-level name: and start_interval, which only v2 knows)", () => {
            const file = rendered.local(COMPOSE);
            const asRendered = dockerCompose(file, "config", "-q");
            if (asRendered.status === 0) return;
            // docker-compose 1.29 predates the Compose Specification's top-level `name:` and the
            // healthchecks' start_interval, which the host's compose plugin (v2) reads. Everything
            // else must pass v1's schema.
            const complaints = asRendered.stderr.split("\n").filter(line => /does not match any of the regexes/.test(line));
            assert.ok(complaints.length > 0 && complaints.every(line => /'name'|value 'start_interval'/.test(line)), asRendered.stderr);
            const text = rendered.text(COMPOSE);
            assert.equal(compose.name, "mlflow");
            const copy = path.join(sandbox.dir, "compose.yaml");
            writeFileSync(copy, withoutV2Only(text));
            const parsed = dockerCompose(copy, "config", "-q");
            assert.equal(parsed.status, 0, `docker-compose config -q: ${parsed.stderr}`);
            // What v1 makes of it agrees on what matters: nginx's published ports and the services.
            const normalized = parse(dockerCompose(copy, "config").stdout) as {
                services: Record<string, { ports?: Array<{ published: number; target: number; host_ip?: string }> }>;
            };
            assert.deepEqual(Object.keys(normalized.services).sort(), ["mlflow", "nginx"]);
            assert.equal(normalized.services.mlflow.ports, undefined);
            assert.deepEqual(normalized.services.nginx.ports?.map(p => [p.published, p.target, p.host_ip]).sort(),
                [[443, 443, undefined], [80, 80, undefined]]);
        });

        test("only nginx publishes ports, exactly 80 and 443; MLflow publishes none", () => {
            assert.deepEqual(Object.keys(compose.services).sort(), ["mlflow", "nginx"]);
            assert.equal(mlflow.ports, undefined, "MLflow must not publish a port");
            const publishing = Object.entries(compose.services).filter(([, service]) => service.ports !== undefined).map(([name]) => name);
            assert.deepEqual(publishing, ["nginx"]);
            const mappings = (nginx.ports ?? []).map(portMapping);
            assert.deepEqual(mappings.map(m => [m.host, m.container]).sort(), [[443, 443], [80, 80]]);
            // MLflow is reachable on the internal network only, on its own port.
            assert.deepEqual(mlflow.expose, ["5000"]);
        });

        test("images are pinned to the stack's exact versions", () => {
            assert.match(settings.mlflowVersion, /^\d+\.\d+\.\d+$/);
            assert.match(settings.nginxVersion, /^\d+\.\d+\.\d+$/);
            assert.equal(mlflow.image, `ghcr.io/mlflow/mlflow:v${settings.mlflowVersion}`);
            assert.equal(nginx.image, `nginx:${settings.nginxVersion}-alpine`);
            for (const service of [mlflow, nginx]) {
                assert.doesNotMatch(service.image, /:latest$|^[^:]+$/, `${service.image} floats`);
            }
            // Every nginx up to 1.30.0 has CVE-2026-42945.
            const [major, minor, patch] = settings.nginxVersion.split(".").map(Number);
            assert.ok(major > 1 || minor > 30 || (minor === 30 && patch >= 1), `nginx ${settings.nginxVersion} is vulnerable`);
            // The host scripts migrate the database for the version the compose file runs.
            assert.equal(rendered.hostEnv.MLFLOW_VERSION, settings.mlflowVersion);
        });

        test("MLflow runs as MLFLOW_SERVERS containers of one uvicorn worker each, and nginx spreads requests over them by least connections", () => {
            assert.equal(mlflow.deploy?.replicas, MLFLOW_SERVERS);
            assert.ok(MLFLOW_SERVERS >= 2, "more than one server, so that one restarting leaves another answering");
            // One worker: uvicorn then sets TCP_NODELAY on MLflow's connections (docs/benchmarks.md, section 2).
            assert.equal(argAfter(mlflow.command ?? [], "--workers"), "1");
            assert.equal(nginx.deploy, undefined);
            const upstream = /^\s*upstream mlflow \{\n([^}]*)\}/m.exec(rendered.text(HOST.nginxConf))?.[1] ?? "";
            assert.match(upstream, /^\s*least_conn;$/m);
            assert.match(upstream, /^\s*server mlflow:5000 resolve fail_timeout=2s;$/m, "one name, which Docker's DNS answers with every server's address");
        });

        test("MLflow proxies artifacts into its data dir and keeps its database there", () => {
            const command = mlflow.command ?? [];
            assert.deepEqual(command.slice(0, 2), ["mlflow", "server"]);
            assert.ok(!command.includes("--default-artifact-root"),
                "--default-artifact-root must stay unset, so that new experiments get mlflow-artifacts:/ and clients upload through the server");
            assert.ok(!command.includes("--no-serve-artifacts"));
            assert.ok(!command.includes("--artifacts-only"));
            const artifacts = argAfter(command, "--artifacts-destination");
            assert.equal(artifacts, "/mlflow/artifacts");
            const backend = argAfter(command, "--backend-store-uri");
            assert.equal(backend, "sqlite:////mlflow/mlflow.db");
            // mlflow-db-upgrade migrates the same database.
            assert.equal(backend, rendered.hostEnv.MLFLOW_CONTAINER_DB_URI);
            assert.equal(argAfter(command, "--host"), "0.0.0.0");
            assert.equal(argAfter(command, "--port"), "5000");
            // /mlflow is the data volume's mlflow directory.
            assert.deepEqual(mlflow.volumes, [`${rendered.hostEnv.MLFLOW_DATA_DIR}:/mlflow`]);
        });

        test("MLflow accepts the Host headers and browser origins clients use", () => {
            const { publicIp, domain } = rendered.sample;
            assert.equal(domain, settings.domain ?? null);
            const names = domain ? [domain, publicIp] : [publicIp];
            const env = mlflow.environment ?? {};
            assert.deepEqual(env.MLFLOW_SERVER_ALLOWED_HOSTS.split(",").sort(), [...names].sort());
            assert.deepEqual(env.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS.split(",").sort(), names.map(name => `https://${name}`).sort());
            if (stack === "prod") assert.ok(domain, "the prod stack has a domain");
        });

        test("MLflow keeps SQLite connections in a pool large enough that no request waits for one", () => {
            const environment = mlflow.environment ?? {};
            assert.equal(environment.MLFLOW_SQLALCHEMYSTORE_POOLCLASS, undefined, "SQLAlchemy's queue pool");
            // Up to 40 requests at once per server (uvicorn's thread pool), each holding up to two sessions.
            assert.ok(Number(environment.MLFLOW_SQLALCHEMYSTORE_POOL_SIZE) + Number(environment.MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW) >= 80,
                JSON.stringify(environment));
        });

        test("both services have healthchecks and restart policies", () => {
            for (const [name, service] of Object.entries(compose.services)) {
                const check = service.healthcheck;
                assert.ok(check, `${name} has no healthcheck`);
                assert.equal(check.test[0], "CMD", `${name}: healthcheck runs a command`);
                assert.ok(check.test.length > 1);
                for (const key of ["interval", "timeout", "start_period", "start_interval"] as const) assert.match(check[key], /^\d+[smh]$/, `${name}.${key}`);
                // Checked every 2 s while starting, not every 30 s: each start waits for MLflow's first healthy check, then nginx's.
                assert.equal(check.start_interval, "2s", `${name}.start_interval`);
                assert.ok(Number.isInteger(check.retries) && check.retries > 0);
                assert.ok(["always", "unless-stopped"].includes(service.restart ?? ""), `${name} restart: ${service.restart}`);
            }
            assert.ok(mlflow.healthcheck?.test.join(" ").includes("http://127.0.0.1:5000/health"));
            assert.ok(nginx.healthcheck?.test.join(" ").includes("/health"));
            assert.deepEqual(nginx.depends_on, { mlflow: { condition: "service_healthy" } });
        });

        test("bind mounts: data from the data volume, configuration read-only from /etc/mlflow", () => {
            const dataMount = rendered.hostEnv.DATA_MOUNT;
            assert.equal(dataMount, "/srv/mlflow-data");
            const mounts = Object.entries(compose.services).flatMap(([name, service]) =>
                (service.volumes ?? []).map(spec => {
                    const [source, target, mode] = spec.split(":");
                    return { name, source, target, mode };
                }));
            for (const mount of mounts) {
                assert.ok(path.isAbsolute(mount.source), `${mount.name}: ${mount.source} is a named volume, not a bind mount`);
                const onDataVolume = mount.source.startsWith(`${dataMount}/`);
                const inRender = mount.source === rendered.hostEnv.ACTIVE_TLS_DIR || rendered.files.has(mount.source);
                assert.ok(onDataVolume || inRender, `${mount.name}: ${mount.source} is neither on the data volume nor a rendered file`);
                if (!onDataVolume) assert.equal(mount.mode, "ro", `${mount.name}: ${mount.source} should be mounted read-only`);
            }
            const sources = mounts.map(m => m.source);
            assert.ok(sources.includes(rendered.hostEnv.MLFLOW_DATA_DIR));
            assert.ok(sources.includes(rendered.hostEnv.ACME_WEBROOT), "nginx serves HTTP-01 challenges from the data volume");
            assert.ok(sources.includes("/etc/mlflow/secrets/htpasswd"));
            assert.ok(rendered.files.has("/etc/mlflow/secrets/htpasswd"));
        });

        test("nginx reads MLflow's artifact store read-only, where its configuration serves downloads from", () => {
            // The host directory behind MLflow's --artifacts-destination ...
            const mlflowMount = (mlflow.volumes ?? [])[0].split(":");
            const destination = argAfter(mlflow.command ?? [], "--artifacts-destination") ?? "";
            assert.ok(destination.startsWith(`${mlflowMount[1]}/`), `${destination} is on MLflow's data mount`);
            const hostArtifacts = mlflowMount[0] + destination.slice(mlflowMount[1].length);
            // ... is mounted into nginx read-only, and nothing else of MLflow's data is.
            const nginxMounts = (nginx.volumes ?? []).map(spec => spec.split(":"));
            const artifacts = nginxMounts.filter(([source]) => source.startsWith(rendered.hostEnv.MLFLOW_DATA_DIR));
            assert.equal(artifacts.length, 1, `nginx mounts of MLflow's data: ${artifacts.join(" ")}`);
            assert.deepEqual([artifacts[0][0], artifacts[0][2]], [hostArtifacts, "ro"]);
            // ... at the path nginx.conf serves artifact files from.
            const nginxConf = rendered.text("/etc/mlflow/nginx.conf");
            const aliases = [...nginxConf.matchAll(/^\s*alias (\S+);$/gm)].map(match => match[1]);
            assert.deepEqual([...new Set(aliases)], [`${artifacts[0][1]}/`]);
            // mlflow-prepare-data creates it on the data volume before compose starts.
            assert.ok(rendered.hostEnv.DATA_DIRS.split(" ").map(dir => `${rendered.hostEnv.DATA_MOUNT}/${dir}`).includes(hostArtifacts));
        });
    });
}

describe("compose file of a stateless host (the dev stack with backendStore rds, artifactStore s3)", () => {
    let rendered: RenderedStack;
    let compose: Compose;
    let sandbox: Sandbox;
    before(() => {
        rendered = renderedStack("dev", STATELESS_HOST);
        compose = parse(rendered.text(COMPOSE)) as Compose;
        sandbox = new Sandbox("compose-stateless");
    });
    after(() => sandbox.remove());

    test("docker-compose parses it; nginx alone publishes 80 and 443", () => {
        const copy = path.join(sandbox.dir, "compose.yaml");
        writeFileSync(copy, withoutV2Only(rendered.text(COMPOSE)));
        const parsed = dockerCompose(copy, "config", "-q");
        assert.equal(parsed.status, 0, `docker-compose config -q: ${parsed.stderr}`);
        assert.equal(compose.services.mlflow.ports, undefined);
        assert.deepEqual(compose.services.nginx.ports, ["80:80", "443:443"]);
    });

    test("MLflow keeps nothing on the host: PostgreSQL and S3, the CA bundle and password file read-only from what the host received", () => {
        const mlflow = compose.services.mlflow;
        const command = mlflow.command ?? [];
        const backend = argAfter(command, "--backend-store-uri") ?? "";
        assert.match(backend, /^postgresql\+psycopg2:\/\/mlflow@[^:/]+:5432\/mlflow\?sslmode=verify-full&sslrootcert=\/tmp\/rds-ca\.pem$/);
        assert.equal(backend, rendered.hostEnv.MLFLOW_CONTAINER_DB_URI, "mlflow-db-upgrade migrates the same database");
        assert.match(argAfter(command, "--artifacts-destination") ?? "", /^s3:\/\/[a-z0-9.-]+\/artifacts$/);
        assert.ok(command.includes("--serve-artifacts") && !command.includes("--default-artifact-root"), "clients still upload through the server");
        assert.equal(mlflow.image, `ghcr.io/mlflow/mlflow:v${rendered.hostEnv.MLFLOW_VERSION}-full`);
        const mounts = (mlflow.volumes ?? []).map(spec => spec.split(":"));
        for (const [source, , mode] of mounts) {
            assert.ok(rendered.files.has(source), `${source} is a file the host receives`);
            assert.equal(mode, "ro");
        }
        assert.ok(!mounts.some(([source]) => source.startsWith(rendered.hostEnv.DATA_MOUNT)), "nothing of the data volume");
        const pgpass = mounts.find(([source]) => source === rendered.hostEnv.PGPASS_FILE);
        assert.ok(pgpass, "the password file mlflow-fetch-secrets writes");
        assert.equal(mlflow.environment?.PGPASSFILE, pgpass[1]);
        assert.equal(rendered.files.get(rendered.hostEnv.PGPASS_FILE)?.mode, 0o600, "libpq ignores a password file others may read");
        assert.equal(mlflow.environment?.MLFLOW_SQLALCHEMYSTORE_POOLCLASS, undefined);
        // More connections than a server runs requests at once (40), so that log_batch's second session always finds one.
        assert.equal(mlflow.environment?.MLFLOW_SQLALCHEMYSTORE_POOL_SIZE, "5");
        assert.equal(mlflow.environment?.MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW, "36");
    });

    test("nginx leaves artifact downloads to MLflow: no store mounted, no alias in its configuration", () => {
        assert.ok(!(compose.services.nginx.volumes ?? []).some(spec => spec.includes("artifacts")));
        assert.doesNotMatch(rendered.text("/etc/mlflow/nginx.conf"), /^\s*alias /m);
    });
});
