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
// What the EC2 host receives, checked with the programs that read it on the host: cloud-init
// (schema, gzip decoding, its write_files module), shellcheck, systemd-analyze.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const node_zlib_1 = require("node:zlib");
const node_test_1 = require("node:test");
const yaml_1 = require("yaml");
const projectRoot_1 = require("../lib/projectRoot");
const hostBundle_1 = require("../lib/render/hostBundle");
const schedule_1 = require("../lib/render/schedule");
const settings_1 = require("../lib/settings");
const stackConfig_1 = require("../lib/stackConfig");
const hostScripts_1 = require("./support/hostScripts");
const renderOnce_1 = require("./support/renderOnce");
/** EC2's limit on user data, before base64. */
const USER_DATA_LIMIT = 16384;
const SECRETS_DIR = "/etc/mlflow/secrets";
const SCRIPT_DIR = "/usr/local/sbin";
const UNIT_DIR = "/etc/systemd/system";
function run(command, args, options = {}) {
    const result = (0, node_child_process_1.spawnSync)(command, args, { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024, ...options });
    if (result.error)
        throw result.error;
    return result;
}
/** The interpreter cloud-init runs on, which has its Python package. */
function cloudInitPython() {
    const which = run("sh", ["-c", "command -v cloud-init"]).stdout.trim();
    const shebang = (0, node_fs_1.readFileSync)(which, "utf8").split("\n")[0];
    strict_1.default.match(shebang, /^#!\S+python3/, `cloud-init's shebang: ${shebang}`);
    return shebang.slice(2).trim().split(/\s+/)[0];
}
const octal = (mode) => mode.toString(8).padStart(4, "0");
/** The user-data files of a render: everything under files/ except what comes from SSM. */
const userDataFiles = (rendered) => [...rendered.files.values()].filter(f => !f.hostPath.startsWith(`${SECRETS_DIR}/`));
for (const stack of ["dev", "prod"]) {
    (0, node_test_1.describe)(`user data of the ${stack} stack`, () => {
        let rendered;
        let config;
        let sandbox;
        const settings = (0, settings_1.validateSettings)((0, stackConfig_1.readStackFile)(stack).raw);
        (0, node_test_1.before)(() => {
            rendered = (0, renderOnce_1.renderedStack)(stack);
            config = (0, yaml_1.parse)(rendered.userData);
            sandbox = new hostScripts_1.Sandbox(`host-bundle-${stack}`);
        });
        (0, node_test_1.after)(() => sandbox.remove());
        (0, node_test_1.test)("cloud-init's schema accepts it", () => {
            strict_1.default.ok(rendered.userData.startsWith("#cloud-config\n"));
            const result = run("cloud-init", ["schema", "--config-file", path.join(rendered.dir, "user-data")]);
            strict_1.default.equal(result.status, 0, `cloud-init schema:\n${result.stdout}${result.stderr}`);
            strict_1.default.match(result.stdout, /Valid cloud-config/);
        });
        (0, node_test_1.test)("gzip-compressed as sent, it fits EC2's 16 KiB and cloud-init unpacks the same text", t => {
            const sent = Buffer.from((0, hostBundle_1.userDataBase64)(rendered.userData), "base64");
            t.diagnostic(`${rendered.userData.length} bytes of cloud-config, ${sent.length} bytes gzip-compressed`);
            strict_1.default.ok(sent.length < USER_DATA_LIMIT, `${sent.length} bytes of user data; EC2 takes at most ${USER_DATA_LIMIT}`);
            strict_1.default.equal((0, node_zlib_1.gunzipSync)(sent).toString("utf8"), rendered.userData);
            const sentFile = sandbox.path("user-data.gz");
            (0, node_fs_1.writeFileSync)(sentFile, sent);
            const root = sandbox.mkdir("root");
            const result = run(cloudInitPython(), [path.join((0, projectRoot_1.projectRoot)(), "test", "support", "cloudInitWriteFiles.py"), sentFile, root]);
            strict_1.default.equal(result.status, 0, result.stderr);
            const decoded = JSON.parse(result.stdout);
            strict_1.default.deepEqual(decoded.contentTypes, ["text/cloud-config"]);
            strict_1.default.equal(decoded.cloudConfig, rendered.userData);
        });
        (0, node_test_1.test)("write_files is exactly the rendered files not fetched from SSM: same bytes, same modes", () => {
            const expected = userDataFiles(rendered);
            const entries = new Map(config.write_files.map(entry => [entry.path, entry]));
            strict_1.default.equal(entries.size, config.write_files.length, "a path is written twice");
            strict_1.default.deepEqual([...entries.keys()].sort(), expected.map(f => f.hostPath).sort());
            for (const file of expected) {
                const entry = entries.get(file.hostPath);
                strict_1.default.equal(entry.encoding, undefined, `${file.hostPath}: unexpected encoding`);
                strict_1.default.equal(entry.content, file.content.toString("utf8"), `${file.hostPath}: content differs`);
                strict_1.default.equal(entry.permissions, octal(file.mode), `${file.hostPath}: mode differs`);
                strict_1.default.equal(entry.owner, "root:root");
            }
        });
        (0, node_test_1.test)("cloud-init's write_files module writes those exact files", () => {
            const sentFile = sandbox.path("user-data-for-write.gz");
            (0, node_fs_1.writeFileSync)(sentFile, Buffer.from((0, hostBundle_1.userDataBase64)(rendered.userData), "base64"));
            const root = sandbox.mkdir("written");
            const result = run(cloudInitPython(), [path.join((0, projectRoot_1.projectRoot)(), "test", "support", "cloudInitWriteFiles.py"), sentFile, root]);
            strict_1.default.equal(result.status, 0, result.stderr);
            const expected = userDataFiles(rendered);
            const written = JSON.parse(result.stdout).written;
            strict_1.default.deepEqual([...written].sort(), expected.map(f => f.hostPath).sort());
            for (const file of expected) {
                const local = path.join(root, file.hostPath);
                strict_1.default.ok((0, node_fs_1.readFileSync)(local).equals(file.content), `${file.hostPath}: cloud-init wrote different bytes`);
                const stat = (0, node_fs_1.statSync)(local);
                strict_1.default.equal(octal(stat.mode & 0o7777), octal(file.mode), `${file.hostPath}: cloud-init set another mode`);
                if (process.getuid?.() === 0)
                    strict_1.default.equal(stat.uid, 0);
            }
        });
        (0, node_test_1.test)("no secret is in the user data", () => {
            const secrets = [...rendered.files.values()].filter(f => f.hostPath.startsWith(`${SECRETS_DIR}/`));
            strict_1.default.deepEqual(secrets.map(f => f.hostPath).sort(), [`${SECRETS_DIR}/fallback-privkey.pem`, `${SECRETS_DIR}/htpasswd`]);
            strict_1.default.ok(!config.write_files.some(entry => entry.path.startsWith(`${SECRETS_DIR}/`)));
            const userData = rendered.userData;
            const gunzipped = (0, node_zlib_1.gunzipSync)(Buffer.from((0, hostBundle_1.userDataBase64)(userData), "base64")).toString("utf8");
            strict_1.default.equal(gunzipped, userData);
            const htpasswd = secrets.find(f => f.hostPath.endsWith("/htpasswd")).content.toString("utf8");
            const lines = htpasswd.split("\n").filter(Boolean);
            strict_1.default.equal(lines.length, settings.users.length);
            for (const line of lines) {
                const [user, hash] = [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)];
                strict_1.default.ok(settings.users.includes(user));
                strict_1.default.ok(hash.length >= 16, `hash of ${user} is suspiciously short`);
                strict_1.default.ok(!userData.includes(line), `the htpasswd line of ${user} is in the user data`);
                strict_1.default.ok(!userData.includes(hash), `the password hash of ${user} is in the user data`);
            }
            const key = secrets.find(f => f.hostPath.endsWith("/fallback-privkey.pem")).content.toString("utf8");
            strict_1.default.match(key, /-----BEGIN (EC )?PRIVATE KEY-----/);
            strict_1.default.doesNotMatch(userData, /PRIVATE KEY/);
            const body = key.split("\n").filter(l => l && !l.startsWith("-----")).join("");
            strict_1.default.ok(!userData.replace(/\s+/g, "").includes(body), "the private key is in the user data");
            // The key file also holds the public key, which the certificate in the user data carries too:
            // only lines that the public certificate does not contain are secret.
            const publicCert = rendered.text("/etc/mlflow/tls/fallback-fullchain.pem");
            for (const line of key.split("\n").filter(l => l.length >= 16 && !l.startsWith("-----") && !publicCert.includes(l))) {
                strict_1.default.ok(!userData.includes(line), "a line of the private key is in the user data");
            }
            const scalar = privateScalar(secrets.find(f => f.hostPath.endsWith("/fallback-privkey.pem")).localPath);
            strict_1.default.ok(scalar.length >= 30 && scalar.length <= 33, `a P-256 private key has 32 bytes, not ${scalar.length}`);
            for (const form of [scalar.toString("hex"), scalar.toString("base64").slice(0, 40)]) {
                strict_1.default.ok(!userData.includes(form), "the private scalar of the key is in the user data");
            }
            const passwords = Object.values(rendered.sample.users);
            strict_1.default.deepEqual(Object.keys(rendered.sample.users).sort(), [...settings.users].sort());
            for (const password of passwords) {
                strict_1.default.ok(password.length >= 16);
                strict_1.default.ok(!userData.includes(password), "a sample password is in the user data");
            }
            // The host learns where to fetch them, not what they are.
            strict_1.default.match(rendered.hostEnv.HTPASSWD_PARAMETER, new RegExp(`^/[^/]+/${stack}/htpasswd$`));
            strict_1.default.match(rendered.hostEnv.TLS_KEY_PARAMETER, new RegExp(`^/[^/]+/${stack}/`));
        });
        (0, node_test_1.test)("every package comes from Debian's own archive, pinned, and only where the stack needs it", () => {
            // No third-party repository, no key: the distribution's sources as the AMI has them.
            strict_1.default.equal(config.apt, undefined);
            strict_1.default.doesNotMatch(rendered.userData, /download\.docker\.com|BEGIN PGP/);
            strict_1.default.ok(config.packages.every(Array.isArray), "every package has a pinned version");
            const pinned = new Map(config.packages);
            strict_1.default.equal(pinned.size, config.packages.length, "a package is listed twice");
            for (const [name, version] of pinned) {
                strict_1.default.equal(version, hostBundle_1.HOST_PACKAGES[name], `${name}: not the version of HOST_PACKAGES`);
                // Upstream version and Debian revision, then only Debian's stable updates (+deb13uN).
                strict_1.default.match(version, /^(\d+:)?[0-9][0-9A-Za-z.+~]*-[0-9][0-9A-Za-z.+~]*\*$/, `${name} ${version}`);
            }
            const names = [...pinned.keys()];
            for (const name of ["docker.io", "docker-compose", "awscli", "sqlite3", "curl"])
                strict_1.default.ok(names.includes(name), `${name} is needed by the host`);
            strict_1.default.ok(!names.some(name => /^(docker-ce|docker-ce-cli|docker-compose-plugin|containerd\.io)$/.test(name)), "Docker's own packages are gone");
            strict_1.default.equal(names.includes("certbot"), Boolean(settings.domain), "certbot only where there is a domain");
            strict_1.default.equal(names.includes("python3-certbot-dns-route53"), Boolean(settings.domain && settings.route53ZoneId), "the Route 53 plugin only for DNS-01");
            strict_1.default.equal(rendered.hostEnv.ACME_CHALLENGE, settings.domain && settings.route53ZoneId ? "dns-route53" : "http-01");
        });
        (0, node_test_1.test)("the enabled units exist, and every command a unit runs is delivered", () => {
            // Unit files and drop-ins, relative to the unit directory (docker.service.d/…).
            const units = [...rendered.files.keys()].filter(p => p.startsWith(`${UNIT_DIR}/`)).map(p => path.relative(UNIT_DIR, p));
            const runcmd = config.runcmd;
            strict_1.default.deepEqual(runcmd[0], ["systemctl", "daemon-reload"]);
            const enable = runcmd.find(command => command[0] === "systemctl" && command[1] === "enable");
            strict_1.default.ok(enable, `no systemctl enable in ${JSON.stringify(runcmd)}`);
            strict_1.default.equal(enable[2], "--now");
            const enabled = enable.slice(3);
            strict_1.default.ok(enabled.length > 0);
            for (const unit of enabled)
                strict_1.default.ok(units.includes(unit), `${unit} is enabled but not delivered`);
            const parsed = new Map(units.map(unit => [unit, parseUnit(rendered.text(`${UNIT_DIR}/${unit}`))]));
            for (const [unit, sections] of parsed) {
                if (enabled.includes(unit))
                    strict_1.default.ok(sections.Install?.WantedBy?.length, `${unit} is enabled but has no WantedBy`);
                if (unit.endsWith(".timer")) {
                    const service = sections.Timer?.Unit?.[0] ?? unit.replace(/\.timer$/, ".service");
                    strict_1.default.ok(units.includes(service), `${unit} triggers ${service}, which is not delivered`);
                    strict_1.default.ok(enabled.includes(unit), `${unit} is delivered but never enabled`);
                }
                for (const key of ["ExecStartPre", "ExecStart", "ExecStartPost", "ExecStop", "ExecReload"]) {
                    for (const line of sections.Service?.[key] ?? []) {
                        const program = line.replace(/^[-@:+!]+/, "").split(/\s+/)[0];
                        if (program === "/usr/bin/docker")
                            continue;
                        const file = rendered.files.get(program);
                        strict_1.default.ok(file, `${unit} ${key}=${program}: not delivered`);
                        strict_1.default.equal(file.mode & 0o111, 0o111, `${program} is not executable`);
                    }
                }
                for (const mountPath of [...sections.Unit?.RequiresMountsFor ?? [], ...sections.Unit?.ConditionPathIsMountPoint ?? []]) {
                    strict_1.default.equal(mountPath, rendered.hostEnv.DATA_MOUNT, `${unit} waits for another mount than DATA_MOUNT`);
                }
            }
            // What the timers start needs the data volume, which the first boot mounts in mlflow.service.
            for (const timer of units.filter(unit => unit.endsWith(".timer"))) {
                const service = parsed.get(timer.replace(/\.timer$/, ".service"));
                strict_1.default.ok(service.Unit.After?.includes("mlflow.service"), `${timer}'s service may run before mlflow.service mounted the volume`);
                strict_1.default.deepEqual(service.Unit.ConditionPathIsMountPoint, [rendered.hostEnv.DATA_MOUNT], `${timer}'s service runs without the volume`);
            }
            const main = parsed.get("mlflow.service");
            strict_1.default.deepEqual(main.Service.ExecStartPre, ["mlflow-prepare-data", "mlflow-fetch-secrets", "mlflow-certificate", "mlflow-db-upgrade"]
                .map(name => `${SCRIPT_DIR}/${name}`), "data volume, secrets, certificate, then migrations, before compose starts");
            for (const line of [...main.Service.ExecStart, ...main.Service.ExecStop]) {
                strict_1.default.ok(line.includes(` -f ${rendered.hostEnv.COMPOSE_FILE} `), `${line} uses another compose file than COMPOSE_FILE`);
            }
            // Every script is run by some unit.
            const commands = [...parsed.values()].flatMap(s => Object.values(s.Service ?? {}).flat());
            for (const script of [...rendered.files.keys()].filter(p => p.startsWith(`${SCRIPT_DIR}/`))) {
                strict_1.default.ok(commands.some(line => line.startsWith(script)), `${script} is delivered but no unit runs it`);
            }
        });
        (0, node_test_1.test)("systemd-analyze verify accepts the units", t => {
            if (run("sh", ["-c", "command -v systemd-analyze"]).status !== 0) {
                t.skip("systemd-analyze is not installed (the unit checks above still ran)");
                return;
            }
            // A root with the rendered files, systemd's own units, and stand-ins for what Docker's packages install.
            const root = sandbox.mkdir("systemd-root");
            for (const file of userDataFiles(rendered)) {
                const target = path.join(root, file.hostPath);
                (0, node_fs_1.mkdirSync)(path.dirname(target), { recursive: true });
                (0, node_fs_1.writeFileSync)(target, file.content);
                (0, node_fs_1.chmodSync)(target, file.mode);
            }
            for (const dir of ["/usr/lib/systemd/system", "/lib/systemd/system"]) {
                if ((0, node_fs_1.existsSync)(dir)) {
                    (0, node_fs_1.cpSync)(dir, path.join(root, "usr/lib/systemd/system"), { recursive: true, dereference: false, verbatimSymlinks: true });
                    break;
                }
            }
            (0, node_fs_1.mkdirSync)(path.join(root, "usr/bin"), { recursive: true });
            (0, node_fs_1.writeFileSync)(path.join(root, "usr/bin/docker"), "#!/bin/sh\n", { mode: 0o755 });
            (0, node_fs_1.writeFileSync)(path.join(root, "usr/lib/systemd/system/docker.service"), "[Unit]\nDescription=Docker Engine (stand-in)\n[Service]\nExecStart=/usr/bin/docker\n");
            // The project's units, and docker.service so that the drop-in for it is read too.
            const units = (0, node_fs_1.readdirSync)(path.join(root, UNIT_DIR), { withFileTypes: true })
                .filter(entry => entry.isFile()).map(entry => entry.name).sort();
            const result = run("systemd-analyze", ["verify", `--root=${root}`, ...units, "docker.service"]);
            if (result.status !== 0 && /Failed to (initialize|setup)|Operation not permitted|not supported/i.test(result.stderr)
                && !/\.(service|timer)/.test(result.stderr)) {
                t.skip(`systemd-analyze verify cannot run here: ${result.stderr.trim()}`);
                return;
            }
            strict_1.default.equal(result.status, 0, `systemd-analyze verify:\n${result.stderr}`);
            strict_1.default.equal(result.stderr.trim(), "", `systemd-analyze verify warns:\n${result.stderr}`);
        });
    });
}
(0, node_test_1.describe)("scripts the host receives or runs", () => {
    (0, node_test_1.test)("are the files in host/, byte for byte, mode 0755, and pass shellcheck", () => {
        const rendered = (0, renderOnce_1.renderedStack)("dev");
        const scripts = [...rendered.files.values()].filter(f => f.hostPath.startsWith(`${SCRIPT_DIR}/`));
        strict_1.default.equal(scripts.length, 7);
        for (const script of scripts) {
            strict_1.default.ok(script.content.equals((0, node_fs_1.readFileSync)(path.join(hostScripts_1.HOST_DIR, path.basename(script.hostPath)))), `${script.hostPath} differs from host/${path.basename(script.hostPath)}`);
            strict_1.default.equal(octal(script.mode), "0755");
            strict_1.default.ok(script.content.toString("utf8").startsWith("#!/bin/bash\n"), `${script.hostPath} has no bash shebang`);
        }
        const supportDir = path.join((0, projectRoot_1.projectRoot)(), "test", "support");
        const others = [
            ...(0, node_fs_1.readdirSync)(supportDir).filter(name => name.endsWith(".sh")).map(name => path.join(supportDir, name)),
            path.join((0, projectRoot_1.projectRoot)(), ".ci", "run"),
        ];
        const files = [...scripts.map(s => s.localPath), ...others];
        const result = run("shellcheck", ["--norc", "--format=gcc", ...files]);
        strict_1.default.equal(result.status, 0, `shellcheck:\n${result.stdout}${result.stderr}`);
    });
});
(0, node_test_1.describe)("host/ and what ships", () => {
    const rendered = (0, renderOnce_1.renderedStack)("dev");
    /** host/<relative path>: units and drop-ins go to the unit directory, the rest are scripts. */
    const hostPathOf = (relative) => (/\.(service|timer)$|\.d\//.test(relative) ? `${UNIT_DIR}/${relative}` : `${SCRIPT_DIR}/${relative}`);
    const sources = (dir = hostBundle_1.HOST_SOURCE_DIR) => (0, node_fs_1.readdirSync)(dir, { withFileTypes: true }).flatMap(entry => (entry.isDirectory() ? sources(path.join(dir, entry.name)) : [path.relative(hostBundle_1.HOST_SOURCE_DIR, path.join(dir, entry.name))]));
    (0, node_test_1.test)("every file in host/ ships in the user data, byte for byte, and nothing else ships from there", () => {
        const files = sources();
        strict_1.default.ok(files.length >= 14, files.join(", "));
        for (const relative of files) {
            const shipped = rendered.files.get(hostPathOf(relative));
            strict_1.default.ok(shipped, `host/${relative} is not in the user data (expected at ${hostPathOf(relative)})`);
            strict_1.default.ok(shipped.content.equals((0, node_fs_1.readFileSync)(path.join(hostBundle_1.HOST_SOURCE_DIR, relative))), `host/${relative} ships with other bytes`);
        }
        // The other way round: every script and unit that ships comes from host/, except what is rendered from constants.
        const rendering = [`${UNIT_DIR}/mlflow-backup.timer.d/schedule.conf`];
        const fromHost = new Set(files.map(hostPathOf));
        for (const hostPath of rendered.files.keys()) {
            if (!hostPath.startsWith(`${UNIT_DIR}/`) && !hostPath.startsWith(`${SCRIPT_DIR}/`))
                continue;
            strict_1.default.ok(fromHost.has(hostPath) || rendering.includes(hostPath), `${hostPath} ships but is not in host/`);
        }
    });
    (0, node_test_1.test)("every program a unit in host/ runs is a shipped file of host/ or a package's", () => {
        const units = sources().filter(relative => hostPathOf(relative).startsWith(`${UNIT_DIR}/`));
        let programs = 0;
        for (const relative of units) {
            const sections = parseUnit((0, node_fs_1.readFileSync)(path.join(hostBundle_1.HOST_SOURCE_DIR, relative), "utf8"));
            for (const [key, lines] of Object.entries(sections.Service ?? {})) {
                if (!key.startsWith("Exec"))
                    continue;
                for (const line of lines) {
                    const program = line.replace(/^[-@:+!|]+/, "").split(/\s+/)[0];
                    programs++;
                    // /usr/bin/docker is the docker.io package's (the boot rehearsal runs it).
                    if (program === "/usr/bin/docker")
                        continue;
                    strict_1.default.ok(program.startsWith(`${SCRIPT_DIR}/`), `${relative} ${key}=${program}: not a host script`);
                    const name = path.relative(SCRIPT_DIR, program);
                    strict_1.default.ok((0, node_fs_1.existsSync)(path.join(hostBundle_1.HOST_SOURCE_DIR, name)), `${relative} ${key}=${program}: host/${name} does not exist`);
                    strict_1.default.ok(rendered.files.has(program), `${relative} ${key}=${program}: not shipped`);
                }
            }
        }
        strict_1.default.ok(programs >= 8, `only ${programs} Exec lines found`);
    });
    (0, node_test_1.test)("values that TypeScript and the host share are spelled once and reach the host through host.env or a rendered unit", () => {
        strict_1.default.equal(rendered.hostEnv.METRIC_NAMESPACE, schedule_1.METRIC_NAMESPACE);
        strict_1.default.equal(rendered.hostEnv.DISK_WARN_PERCENT, String(schedule_1.DISK_WARN_PERCENT));
        for (const relative of sources()) {
            const text = (0, node_fs_1.readFileSync)(path.join(hostBundle_1.HOST_SOURCE_DIR, relative), "utf8");
            strict_1.default.ok(!text.includes(schedule_1.METRIC_NAMESPACE), `host/${relative} spells the metric namespace itself`);
            strict_1.default.doesNotMatch(text, new RegExp(`\\b${schedule_1.DISK_WARN_PERCENT}\\b`), `host/${relative} spells the disk threshold itself`);
            strict_1.default.doesNotMatch(text, /^OnCalendar=/m, `host/${relative} spells a schedule itself`);
        }
        strict_1.default.equal(rendered.text(`${UNIT_DIR}/mlflow-backup.timer.d/schedule.conf`), (0, hostBundle_1.renderBackupSchedule)());
        strict_1.default.match((0, hostBundle_1.renderBackupSchedule)(), new RegExp(`^OnCalendar=\\*-\\*-\\* ${schedule_1.BACKUP_TIME_UTC}:00 UTC$`, "m"));
    });
    (0, node_test_1.test)("the database copy is done well before the daily snapshot", () => {
        const minutes = (time) => {
            const [hours, mins] = time.split(":").map(Number);
            return hours * 60 + mins;
        };
        for (const time of [schedule_1.BACKUP_TIME_UTC, schedule_1.SNAPSHOT_TIME_UTC])
            strict_1.default.match(time, /^([01]\d|2[0-3]):[0-5]\d$/);
        const lead = minutes(schedule_1.SNAPSHOT_TIME_UTC) - minutes(schedule_1.BACKUP_TIME_UTC);
        // VACUUM INTO of a large database takes minutes; more than a few hours would back up stale data.
        strict_1.default.ok(lead >= 15 && lead <= 180, `the backup runs ${lead} minutes before the snapshot`);
    });
});
/** The secret number of an EC private key, as openssl reads it. */
function privateScalar(keyFile) {
    const text = run("openssl", ["pkey", "-in", keyFile, "-noout", "-text"]).stdout;
    const match = /priv:\s*\n((?:\s+[0-9a-f:]+\n)+)/.exec(text);
    strict_1.default.ok(match, `openssl shows no private part:\n${text}`);
    return Buffer.from(match[1].replace(/[\s:]/g, ""), "hex");
}
/** Sections of a systemd unit file: key -> values in order. */
function parseUnit(text) {
    const sections = {};
    let current;
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";"))
            continue;
        const header = /^\[(.+)\]$/.exec(line);
        if (header) {
            current = sections[header[1]] ??= {};
            continue;
        }
        const eq = line.indexOf("=");
        strict_1.default.ok(current && eq > 0, `not a unit file line: ${raw}`);
        const key = line.slice(0, eq).trim();
        (current[key] ??= []).push(line.slice(eq + 1).trim());
    }
    return sections;
}
//# sourceMappingURL=host-bundle.test.js.map