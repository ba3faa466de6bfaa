// What the EC2 host receives, checked with the programs that read it on the host: cloud-init
// (schema, gzip decoding, its write_files module), shellcheck, systemd-analyze.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { projectRoot } from "../lib/projectRoot";
import { AUTH_SETUP_PROGRAM_FILE, BUNDLE_INSTALLER, GC_PROGRAM_FILE, HOST_BUNDLE_PARAMETERS, HOST_PACKAGES, HOST_SOURCE_DIR, renderDailySchedule, SSM_AGENT_KEY_FILE, userDataBase64 } from "../lib/render/hostBundle";
import { HOST, IDENTITY_MODULE_FILE } from "../lib/render/layout";
import { BACKUP_TIME_UTC, DISK_WARN_PERCENT, GC_TIME_UTC, METRIC_NAMESPACE, SNAPSHOT_TIME_UTC } from "../lib/render/schedule";
import { validateSettings } from "../lib/settings";
import { readStackFile } from "../lib/stackConfig";
import { HOST_DIR, Sandbox } from "./support/hostScripts";
import { OIDC_OVERRIDES, RenderedFile, RenderedStack, renderedStack, STATELESS_HOST } from "./support/renderOnce";
import { SQLITE_JOURNAL_MODE } from "../lib/render/containers";

/** EC2's limit on user data, before base64. */
const USER_DATA_LIMIT = 16384;
const SECRETS_DIR = "/etc/mlflow/secrets";
const SCRIPT_DIR = "/usr/local/sbin";
const UNIT_DIR = "/etc/systemd/system";
const INSTALLER = `${SCRIPT_DIR}/${BUNDLE_INSTALLER}`;

interface WriteFile { path: string; permissions: string; owner: string; content: string; encoding?: string }
interface CloudConfig {
    apt?: unknown;
    packages: Array<string | [string, string]>;
    write_files: WriteFile[];
    runcmd: string[][];
}

function run(command: string, args: string[], options: { input?: Buffer | string; env?: NodeJS.ProcessEnv } = {}) {
    const result = spawnSync(command, args, { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024, ...options });
    if (result.error) throw result.error;
    return result;
}

/** The interpreter cloud-init runs on, which has its Python package. */
function cloudInitPython(): string {
    const which = run("sh", ["-c", "command -v cloud-init"]).stdout.trim();
    const shebang = readFileSync(which, "utf8").split("\n")[0];
    assert.match(shebang, /^#!\S+python3/, `cloud-init's shebang: ${shebang}`);
    return shebang.slice(2).trim().split(/\s+/)[0];
}

const octal = (mode: number) => mode.toString(8).padStart(4, "0");

/** The user-data files of a render: everything under files/ except what comes from SSM. */
const userDataFiles = (rendered: RenderedStack) => [...rendered.files.values()].filter(f => !f.hostPath.startsWith(`${SECRETS_DIR}/`));

describe("user data of the stateless host (the largest: it carries the RDS root CA too)", () => {
    test("gzip-compressed as sent, it fits EC2's 16 KiB", t => {
        const sent = Buffer.from(userDataBase64(renderedStack("dev", STATELESS_HOST).userData), "base64");
        t.diagnostic(`${sent.length} bytes gzip-compressed`);
        assert.ok(sent.length < USER_DATA_LIMIT, `${sent.length} bytes of user data; EC2 takes at most ${USER_DATA_LIMIT}`);
    });
});

for (const stack of ["dev", "prod"]) {
    describe(`user data of the ${stack} stack`, () => {
        let rendered: RenderedStack;
        let config: CloudConfig;
        let sandbox: Sandbox;
        const settings = validateSettings(readStackFile(stack).raw);

        before(() => {
            rendered = renderedStack(stack);
            config = parse(rendered.userData) as CloudConfig;
            sandbox = new Sandbox(`host-bundle-${stack}`);
        });
        after(() => sandbox.remove());

        test("cloud-init's schema accepts it", () => {
            assert.ok(rendered.userData.startsWith("#cloud-config\n"));
            const result = run("cloud-init", ["schema", "--config-file", path.join(rendered.dir, "user-data")]);
            assert.equal(result.status, 0, `cloud-init schema:\n${result.stdout}${result.stderr}`);
            assert.match(result.stdout, /Valid cloud-config/);
        });

        test("gzip-compressed as sent, it fits EC2's 16 KiB and cloud-init unpacks the same text", t => {
            const sent = Buffer.from(userDataBase64(rendered.userData), "base64");
            t.diagnostic(`${rendered.userData.length} bytes of cloud-config, ${sent.length} bytes gzip-compressed`);
            assert.ok(sent.length < USER_DATA_LIMIT, `${sent.length} bytes of user data; EC2 takes at most ${USER_DATA_LIMIT}`);
            assert.equal(gunzipSync(sent).toString("utf8"), rendered.userData);

            const sentFile = sandbox.path("user-data.gz");
            writeFileSync(sentFile, sent);
            const root = sandbox.mkdir("root");
            const result = run(cloudInitPython(), [path.join(projectRoot(), "test", "support", "cloudInitWriteFiles.py"), sentFile, root]);
            assert.equal(result.status, 0, result.stderr);
            const decoded = JSON.parse(result.stdout) as { contentTypes: string[]; cloudConfig: string; written: string[] };
            assert.deepEqual(decoded.contentTypes, ["text/cloud-config"]);
            assert.equal(decoded.cloudConfig, rendered.userData);
        });

        test("write_files is the bundle's installer alone; the host bundle holds every other rendered file not fetched from SSM: same bytes, same modes", t => {
            const expected = userDataFiles(rendered);
            assert.deepEqual(config.write_files.map(entry => entry.path), [INSTALLER]);
            const installer = config.write_files[0];
            assert.equal(installer.content, rendered.text(INSTALLER));
            assert.equal(installer.permissions, "0755");
            assert.equal(installer.owner, "root:root");
            const [command, region, prefix, count, sha256] = config.runcmd[0];
            assert.deepEqual([command, region, prefix], [INSTALLER, rendered.hostEnv.AWS_REGION, `/mlflow-on-aws/${stack}/host-bundle`]);
            assert.equal(Number(count), rendered.bundleChunks.length);
            assert.ok(rendered.bundleChunks.length <= HOST_BUNDLE_PARAMETERS);
            assert.ok(rendered.bundleChunks.every(chunk => chunk.length > 0 && chunk.length <= 4096), "SSM's standard tier: at most 4 KB a value");
            const bundle = Buffer.from(rendered.bundleChunks.join(""), "base64");
            t.diagnostic(`host bundle: ${bundle.length} bytes gzip-compressed in ${rendered.bundleChunks.length} of ${HOST_BUNDLE_PARAMETERS} parameters`);
            assert.equal(createHash("sha256").update(bundle).digest("hex"), sha256);
            const entries = new Map((JSON.parse(gunzipSync(bundle).toString("utf8")) as Array<{ path: string; content: string; mode: string }>).map(entry => [entry.path, entry]));
            assert.deepEqual([...entries.keys(), INSTALLER].sort(), expected.map(f => f.hostPath).sort());
            for (const file of expected.filter(f => f.hostPath !== INSTALLER)) {
                const entry = entries.get(file.hostPath)!;
                assert.equal(entry.content, file.content.toString("utf8"), `${file.hostPath}: content differs`);
                assert.equal(entry.mode, octal(file.mode), `${file.hostPath}: mode differs`);
            }
        });

        test("cloud-init writes the installer, which writes those exact files from the parameters, and nothing from a bundle that fails its checksum", () => {
            const sentFile = sandbox.path("user-data-for-write.gz");
            writeFileSync(sentFile, Buffer.from(userDataBase64(rendered.userData), "base64"));
            const root = sandbox.mkdir("written");
            const result = run(cloudInitPython(), [path.join(projectRoot(), "test", "support", "cloudInitWriteFiles.py"), sentFile, root]);
            assert.equal(result.status, 0, result.stderr);
            assert.deepEqual((JSON.parse(result.stdout) as { written: string[] }).written, [INSTALLER]);

            const bin = sandbox.mkdir("bin");
            symlinkSync(path.join(projectRoot(), "test", "support", "aws-ssm-stand-in.py"), path.join(bin, "aws"));
            const parameters = sandbox.mkdir("parameters");
            rendered.bundleChunks.forEach((chunk, index) => writeFileSync(path.join(parameters, String(index)), chunk));
            const install = (target: string) => run(path.join(root, INSTALLER), config.runcmd[0].slice(1),
                { env: { PATH: `${bin}:${process.env.PATH}`, SSM_PARAMETERS_DIR: parameters, MLFLOW_BUNDLE_ROOT: target } });
            const installed = install(root);
            assert.equal(installed.status, 0, installed.stderr);
            const expected = userDataFiles(rendered);
            assert.match(installed.stderr, new RegExp(`wrote ${expected.length - 1} files from ${rendered.bundleChunks.length} parameters`));
            for (const file of expected) {
                const local = path.join(root, file.hostPath);
                assert.ok(readFileSync(local).equals(file.content), `${file.hostPath}: different bytes on the host`);
                const stat = statSync(local);
                assert.equal(octal(stat.mode & 0o7777), octal(file.mode), `${file.hostPath}: another mode on the host`);
                if (process.getuid?.() === 0) assert.equal(stat.uid, 0);
            }

            // One character changed in one parameter: refused, nothing written.
            const last = String(rendered.bundleChunks.length - 1);
            const chunk = rendered.bundleChunks.at(-1)!;
            writeFileSync(path.join(parameters, last), (chunk[0] === "A" ? "B" : "A") + chunk.slice(1));
            const elsewhere = sandbox.mkdir("tampered");
            const refused = install(elsewhere);
            assert.notEqual(refused.status, 0);
            assert.match(refused.stderr, /has SHA-256 [0-9a-f]{64}, not the deployment's [0-9a-f]{64}; nothing written/);
            assert.deepEqual(readdirSync(elsewhere), []);
        });

        test("no secret is in the user data", () => {
            const secrets = [...rendered.files.values()].filter(f => f.hostPath.startsWith(`${SECRETS_DIR}/`));
            assert.deepEqual(secrets.map(f => f.hostPath).sort(), [`${SECRETS_DIR}/fallback-privkey.pem`, `${SECRETS_DIR}/htpasswd`]);
            assert.ok(!config.write_files.some(entry => entry.path.startsWith(`${SECRETS_DIR}/`)));
            const userData = rendered.userData;
            const gunzipped = gunzipSync(Buffer.from(userDataBase64(userData), "base64")).toString("utf8");
            assert.equal(gunzipped, userData);

            const htpasswd = secrets.find(f => f.hostPath.endsWith("/htpasswd"))!.content.toString("utf8");
            const lines = htpasswd.split("\n").filter(Boolean);
            assert.equal(lines.length, settings.users.length);
            for (const line of lines) {
                const [user, hash] = [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)];
                assert.ok(settings.users.includes(user));
                assert.ok(hash.length >= 16, `hash of ${user} is suspiciously short`);
                assert.ok(!userData.includes(line), `the htpasswd line of ${user} is in the user data`);
                assert.ok(!userData.includes(hash), `the password hash of ${user} is in the user data`);
            }
            const key = secrets.find(f => f.hostPath.endsWith("/fallback-privkey.pem"))!.content.toString("utf8");
            assert.match(key, /-----BEGIN (EC )?PRIVATE KEY-----/);
            assert.doesNotMatch(userData, /PRIVATE KEY/);
            const body = key.split("\n").filter(l => l && !l.startsWith("-----")).join("");
            assert.ok(!userData.replace(/\s+/g, "").includes(body), "the private key is in the user data");
            // The key file also holds the public key, which the certificate in the user data carries too:
            // only lines that the public certificate does not contain are secret.
            const publicCert = rendered.text("/etc/mlflow/tls/fallback-fullchain.pem");
            for (const line of key.split("\n").filter(l => l.length >= 16 && !l.startsWith("-----") && !publicCert.includes(l))) {
                assert.ok(!userData.includes(line), "a line of the private key is in the user data");
            }
            const scalar = privateScalar(secrets.find(f => f.hostPath.endsWith("/fallback-privkey.pem"))!.localPath);
            assert.ok(scalar.length >= 30 && scalar.length <= 33, `a P-256 private key has 32 bytes, not ${scalar.length}`);
            for (const form of [scalar.toString("hex"), scalar.toString("base64").slice(0, 40)]) {
                assert.ok(!userData.includes(form), "the private scalar of the key is in the user data");
            }
            const passwords = Object.values(rendered.sample.users);
            assert.deepEqual(Object.keys(rendered.sample.users).sort(), [...settings.users].sort());
            for (const password of passwords) {
                assert.ok(password.length >= 16);
                assert.ok(!userData.includes(password), "a sample password is in the user data");
            }
            // The host learns where to fetch them, not what they are.
            assert.match(rendered.hostEnv.HTPASSWD_PARAMETER, new RegExp(`^/[^/]+/${stack}/htpasswd$`));
            assert.match(rendered.hostEnv.TLS_KEY_PARAMETER, new RegExp(`^/[^/]+/${stack}/`));
        });

        test("every package comes from Debian's own archive, pinned, and only where the stack needs it", () => {
            // No third-party repository, no key: the distribution's sources as the AMI has them.
            assert.equal(config.apt, undefined);
            assert.doesNotMatch(rendered.userData, /download\.docker\.com/);
            // The one key the host gets is AWS's for the SSM agent (mlflow-ssm-agent checks it with gpgv); apt trusts no new key.
            assert.equal([...rendered.files.values()].filter(f => f.content.includes("BEGIN PGP PUBLIC KEY BLOCK")).map(f => f.hostPath).join(), HOST.ssmAgentKey);
            assert.match(rendered.text(HOST.ssmAgentKey), /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n/);
            assert.ok(config.packages.every(Array.isArray), "every package has a pinned version");
            const pinned = new Map(config.packages as Array<[string, string]>);
            assert.equal(pinned.size, config.packages.length, "a package is listed twice");
            for (const [name, version] of pinned) {
                assert.equal(version, HOST_PACKAGES[name as keyof typeof HOST_PACKAGES], `${name}: not the version of HOST_PACKAGES`);
                // Upstream version and Debian revision, then only Debian's stable updates (+deb13uN).
                assert.match(version, /^(\d+:)?[0-9][0-9A-Za-z.+~]*-[0-9][0-9A-Za-z.+~]*\*$/, `${name} ${version}`);
            }
            const names = [...pinned.keys()];
            for (const name of ["docker.io", "docker-compose", "awscli", "sqlite3", "curl", "gpgv"]) assert.ok(names.includes(name), `${name} is needed by the host`);
            assert.ok(!names.some(name => /^(docker-ce|docker-ce-cli|docker-compose-plugin|containerd\.io)$/.test(name)), "Docker's own packages are gone");
            assert.equal(names.includes("certbot"), Boolean(settings.domain), "certbot only where there is a domain");
            assert.equal(names.includes("python3-certbot-dns-route53"), Boolean(settings.domain && settings.route53ZoneId),
                "the Route 53 plugin only for DNS-01");
            assert.equal(rendered.hostEnv.ACME_CHALLENGE, settings.domain && settings.route53ZoneId ? "dns-route53" : "http-01");
        });

        test("the enabled units exist, and every command a unit runs is delivered", () => {
            // Unit files and drop-ins, relative to the unit directory (docker.service.d/…).
            const units = [...rendered.files.keys()].filter(p => p.startsWith(`${UNIT_DIR}/`)).map(p => path.relative(UNIT_DIR, p));
            const runcmd = config.runcmd;
            assert.equal(runcmd[0][0], INSTALLER, "the bundle's files are written first");
            assert.deepEqual(runcmd[1], ["systemctl", "daemon-reload"]);
            assert.deepEqual(runcmd[2], ["systemctl", "restart", "docker.service"], "dockerd reads the journald driver and its drop-ins before any container exists");
            const enable = runcmd.find(command => command[0] === "systemctl" && command[1] === "enable");
            assert.ok(enable, `no systemctl enable in ${JSON.stringify(runcmd)}`);
            assert.equal(enable[2], "--now");
            const enabled = enable.slice(3);
            assert.ok(enabled.length > 0);
            for (const unit of enabled) assert.ok(units.includes(unit), `${unit} is enabled but not delivered`);

            const parsed = new Map(units.map(unit => [unit, parseUnit(rendered.text(`${UNIT_DIR}/${unit}`))]));
            for (const [unit, sections] of parsed) {
                if (enabled.includes(unit)) assert.ok(sections.Install?.WantedBy?.length, `${unit} is enabled but has no WantedBy`);
                if (unit.endsWith(".timer")) {
                    const service = sections.Timer?.Unit?.[0] ?? unit.replace(/\.timer$/, ".service");
                    assert.ok(units.includes(service), `${unit} triggers ${service}, which is not delivered`);
                    assert.ok(enabled.includes(unit), `${unit} is delivered but never enabled`);
                }
                for (const key of ["ExecStartPre", "ExecStart", "ExecStartPost", "ExecStop", "ExecReload"]) {
                    for (const line of sections.Service?.[key] ?? []) {
                        const program = line.replace(/^[-@:+!]+/, "").split(/\s+/)[0];
                        if (program === "/usr/bin/docker") continue;
                        const file = rendered.files.get(program);
                        assert.ok(file, `${unit} ${key}=${program}: not delivered`);
                        assert.equal(file.mode & 0o111, 0o111, `${program} is not executable`);
                    }
                }
                for (const mountPath of [...sections.Unit?.RequiresMountsFor ?? [], ...sections.Unit?.ConditionPathIsMountPoint ?? []]) {
                    assert.equal(mountPath, rendered.hostEnv.DATA_MOUNT, `${unit} waits for another mount than DATA_MOUNT`);
                }
            }
            // What the timers start needs the data volume, which the first boot mounts in mlflow.service.
            for (const timer of units.filter(unit => unit.endsWith(".timer"))) {
                const service = parsed.get(timer.replace(/\.timer$/, ".service"))!;
                assert.ok(service.Unit.After?.includes("mlflow.service"), `${timer}'s service may run before mlflow.service mounted the volume`);
                assert.deepEqual(service.Unit.ConditionPathIsMountPoint, [rendered.hostEnv.DATA_MOUNT], `${timer}'s service runs without the volume`);
            }
            const main = parsed.get("mlflow.service")!;
            assert.deepEqual(main.Service.ExecStartPre, ["mlflow-prepare-data", "mlflow-fetch-secrets", "mlflow-certificate", "mlflow-db-upgrade", "mlflow-auth-setup"]
                .map(name => `${SCRIPT_DIR}/${name}`), "data volume, secrets, certificate, then migrations (MLflow's, then its auth app's), before compose starts");
            for (const line of [...main.Service.ExecStart, ...main.Service.ExecStop]) {
                assert.ok(line.includes(` -f ${rendered.hostEnv.COMPOSE_FILE} `), `${line} uses another compose file than COMPOSE_FILE`);
            }
            // Every script is run by some unit.
            // The units' commands, and cloud-init's (the bundle's installer).
            const commands = [...[...parsed.values()].flatMap(s => Object.values(s.Service ?? {}).flat()), ...config.runcmd.map(command => command.join(" "))];
            for (const script of [...rendered.files.keys()].filter(p => p.startsWith(`${SCRIPT_DIR}/`))) {
                assert.ok(commands.some(line => line.startsWith(script)), `${script} is delivered but no unit runs it`);
            }
        });

        test("systemd-analyze verify accepts the units", t => {
            if (run("sh", ["-c", "command -v systemd-analyze"]).status !== 0) {
                t.skip("systemd-analyze is not installed (the unit checks above still ran)");
                return;
            }
            // A root with the rendered files, systemd's own units, and stand-ins for what Docker's packages install.
            const root = sandbox.mkdir("systemd-root");
            for (const file of userDataFiles(rendered)) {
                const target = path.join(root, file.hostPath);
                mkdirSync(path.dirname(target), { recursive: true });
                writeFileSync(target, file.content);
                chmodSync(target, file.mode);
            }
            for (const dir of ["/usr/lib/systemd/system", "/lib/systemd/system"]) {
                if (existsSync(dir)) {
                    cpSync(dir, path.join(root, "usr/lib/systemd/system"), { recursive: true, dereference: false, verbatimSymlinks: true });
                    break;
                }
            }
            mkdirSync(path.join(root, "usr/bin"), { recursive: true });
            writeFileSync(path.join(root, "usr/bin/docker"), "#!/bin/sh\n", { mode: 0o755 });
            writeFileSync(path.join(root, "usr/lib/systemd/system/docker.service"),
                "[Unit]\nDescription=Docker Engine (stand-in)\n[Service]\nExecStart=/usr/bin/docker\n");
            // The project's units, and docker.service so that the drop-in for it is read too.
            const units = readdirSync(path.join(root, UNIT_DIR), { withFileTypes: true })
                .filter(entry => entry.isFile()).map(entry => entry.name).sort();
            const result = run("systemd-analyze", ["verify", `--root=${root}`, ...units, "docker.service"]);
            if (result.status !== 0 && /Failed to (initialize|setup)|Operation not permitted|not supported/i.test(result.stderr)
                && !/\.(service|timer)/.test(result.stderr)) {
                t.skip(`systemd-analyze verify cannot run here: ${result.stderr.trim()}`);
                return;
            }
            assert.equal(result.status, 0, `systemd-analyze verify:\n${result.stderr}`);
            assert.equal(result.stderr.trim(), "", `systemd-analyze verify warns:\n${result.stderr}`);
        });
    });
}

describe("scripts the host receives or runs", () => {
    test("are the files in host/, byte for byte, mode 0755; bash passes shellcheck, Python compiles", () => {
        const rendered = renderedStack("dev");
        const scripts = [...rendered.files.values()].filter(f => f.hostPath.startsWith(`${SCRIPT_DIR}/`));
        assert.equal(scripts.length, 13);
        const interpreter = (script: RenderedFile) => script.content.toString("utf8").split("\n")[0];
        for (const script of scripts) {
            assert.ok(script.content.equals(readFileSync(path.join(HOST_DIR, path.basename(script.hostPath)))),
                `${script.hostPath} differs from host/${path.basename(script.hostPath)}`);
            assert.equal(octal(script.mode), "0755");
            assert.ok(["#!/bin/bash", "#!/usr/bin/python3"].includes(interpreter(script)), `${script.hostPath}: ${interpreter(script)}`);
        }
        const python = scripts.filter(script => interpreter(script) === "#!/usr/bin/python3");
        assert.deepEqual(python.map(script => path.basename(script.hostPath)).sort(), ["mlflow-install-bundle", "mlflow-log-shipper"]);
        // And the programs the MLflow image's Python runs.
        for (const script of [...python, rendered.files.get(HOST.gcProgram)!, rendered.files.get(HOST.authSetupProgram)!]) {
            const compiled = run("/usr/bin/python3", ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])", script.localPath]);
            assert.equal(compiled.status, 0, compiled.stderr);
        }
        const supportDir = path.join(projectRoot(), "test", "support");
        const others = [
            ...readdirSync(supportDir).filter(name => name.endsWith(".sh")).map(name => path.join(supportDir, name)),
            path.join(projectRoot(), ".ci", "run"),
        ];
        const files = [...scripts.filter(script => !python.includes(script)).map(s => s.localPath), ...others];
        const result = run("shellcheck", ["--norc", "--format=gcc", ...files]);
        assert.equal(result.status, 0, `shellcheck:\n${result.stdout}${result.stderr}`);
    });
});

describe("host/ and what ships", () => {
    const rendered = renderedStack("dev");
    /** The identity module ships with auth oidc only. */
    const withOidc = renderedStack("dev", OIDC_OVERRIDES);
    /** host/<relative path>: units and drop-ins go to the unit directory, AWS's key for the SSM agent next to host.env, gc's program where it waits for a container, the rest are scripts. */
    const hostPathOf = (relative: string) =>
        (/\.(service|timer)$|\.d\//.test(relative) ? `${UNIT_DIR}/${relative}`
            : relative === SSM_AGENT_KEY_FILE ? HOST.ssmAgentKey
                : relative === GC_PROGRAM_FILE ? HOST.gcProgram
                    : relative === AUTH_SETUP_PROGRAM_FILE ? HOST.authSetupProgram
                        : relative === IDENTITY_MODULE_FILE ? HOST.identityModule
                            : `${SCRIPT_DIR}/${relative}`);
    const sources = (dir = HOST_SOURCE_DIR): string[] => readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
        (entry.isDirectory() ? sources(path.join(dir, entry.name)) : [path.relative(HOST_SOURCE_DIR, path.join(dir, entry.name))]));

    test("every file in host/ ships in the user data, byte for byte, and nothing else ships from there", () => {
        const files = sources();
        assert.ok(files.length >= 14, files.join(", "));
        for (const relative of files) {
            const shipped = (relative === IDENTITY_MODULE_FILE ? withOidc : rendered).files.get(hostPathOf(relative));
            assert.ok(shipped, `host/${relative} is not in the user data (expected at ${hostPathOf(relative)})`);
            assert.ok(shipped.content.equals(readFileSync(path.join(HOST_SOURCE_DIR, relative))), `host/${relative} ships with other bytes`);
        }
        // The other way round: every script and unit that ships comes from host/, except what is rendered from constants.
        const rendering = [`${UNIT_DIR}/mlflow-backup.timer.d/schedule.conf`, `${UNIT_DIR}/mlflow-gc.timer.d/schedule.conf`];
        const fromHost = new Set(files.map(hostPathOf));
        for (const hostPath of rendered.files.keys()) {
            if (!hostPath.startsWith(`${UNIT_DIR}/`) && !hostPath.startsWith(`${SCRIPT_DIR}/`)) continue;
            assert.ok(fromHost.has(hostPath) || rendering.includes(hostPath), `${hostPath} ships but is not in host/`);
        }
    });

    test("every program a unit in host/ runs is a shipped file of host/ or a package's", () => {
        const units = sources().filter(relative => hostPathOf(relative).startsWith(`${UNIT_DIR}/`));
        let programs = 0;
        for (const relative of units) {
            const sections = parseUnit(readFileSync(path.join(HOST_SOURCE_DIR, relative), "utf8"));
            for (const [key, lines] of Object.entries(sections.Service ?? {})) {
                if (!key.startsWith("Exec")) continue;
                for (const line of lines) {
                    const program = line.replace(/^[-@:+!|]+/, "").split(/\s+/)[0];
                    programs++;
                    // /usr/bin/docker is the docker.io package's (the boot rehearsal runs it).
                    if (program === "/usr/bin/docker") continue;
                    assert.ok(program.startsWith(`${SCRIPT_DIR}/`), `${relative} ${key}=${program}: not a host script`);
                    const name = path.relative(SCRIPT_DIR, program);
                    assert.ok(existsSync(path.join(HOST_SOURCE_DIR, name)), `${relative} ${key}=${program}: host/${name} does not exist`);
                    assert.ok(rendered.files.has(program), `${relative} ${key}=${program}: not shipped`);
                }
            }
        }
        assert.ok(programs >= 8, `only ${programs} Exec lines found`);
    });

    test("values that TypeScript and the host share are spelled once and reach the host through host.env or a rendered unit", () => {
        assert.equal(rendered.hostEnv.METRIC_NAMESPACE, METRIC_NAMESPACE);
        assert.equal(rendered.hostEnv.DISK_WARN_PERCENT, String(DISK_WARN_PERCENT));
        assert.equal(rendered.hostEnv.SQLITE_JOURNAL_MODE, SQLITE_JOURNAL_MODE);
        for (const relative of sources()) {
            const text = readFileSync(path.join(HOST_SOURCE_DIR, relative), "utf8");
            assert.doesNotMatch(text, /journal_mode=(wal|delete)\b/i, `host/${relative} spells the journal mode itself`);
            assert.ok(!text.includes(METRIC_NAMESPACE), `host/${relative} spells the metric namespace itself`);
            assert.doesNotMatch(text, new RegExp(`\\b${DISK_WARN_PERCENT}\\b`), `host/${relative} spells the disk threshold itself`);
            assert.doesNotMatch(text, /^OnCalendar=/m, `host/${relative} spells a schedule itself`);
        }
        assert.equal(rendered.text(`${UNIT_DIR}/mlflow-backup.timer.d/schedule.conf`), renderDailySchedule(BACKUP_TIME_UTC));
        assert.equal(rendered.text(`${UNIT_DIR}/mlflow-gc.timer.d/schedule.conf`), renderDailySchedule(GC_TIME_UTC));
        assert.match(renderDailySchedule(BACKUP_TIME_UTC), new RegExp(`^OnCalendar=\\*-\\*-\\* ${BACKUP_TIME_UTC}:00 UTC$`, "m"));
    });

    test("the database copy is done well before the daily snapshot", () => {
        const minutes = (time: string) => {
            const [hours, mins] = time.split(":").map(Number);
            return hours * 60 + mins;
        };
        for (const time of [BACKUP_TIME_UTC, SNAPSHOT_TIME_UTC]) assert.match(time, /^([01]\d|2[0-3]):[0-5]\d$/);
        const lead = minutes(SNAPSHOT_TIME_UTC) - minutes(BACKUP_TIME_UTC);
        // VACUUM INTO of a large database takes minutes; more than a few hours would back up stale data.
        assert.ok(lead >= 15 && lead <= 180, `the backup runs ${lead} minutes before the snapshot`);
        // What garbage collection removes is still in the day's snapshot (DLM takes up to an hour to start it).
        assert.ok(minutes(GC_TIME_UTC) - minutes(SNAPSHOT_TIME_UTC) >= 60, `gc at ${GC_TIME_UTC}, the snapshot at ${SNAPSHOT_TIME_UTC}`);
    });
});

/** The secret number of an EC private key, as openssl reads it. */
function privateScalar(keyFile: string): Buffer {
    const text = run("openssl", ["pkey", "-in", keyFile, "-noout", "-text"]).stdout;
    const match = /priv:\s*\n((?:\s+[0-9a-f:]+\n)+)/.exec(text);
    assert.ok(match, `openssl shows no private part:\n${text}`);
    return Buffer.from(match[1].replace(/[\s:]/g, ""), "hex");
}

/** Sections of a systemd unit file: key -> values in order. */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
    const sections: Record<string, Record<string, string[]>> = {};
    let current: Record<string, string[]> | undefined;
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
        const header = /^\[(.+)\]$/.exec(line);
        if (header) {
            current = sections[header[1]] ??= {};
            continue;
        }
        const eq = line.indexOf("=");
        assert.ok(current && eq > 0, `not a unit file line: ${raw}`);
        const key = line.slice(0, eq).trim();
        (current[key] ??= []).push(line.slice(eq + 1).trim());
    }
    return sections;
}
