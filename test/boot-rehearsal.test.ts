// The first boot of an EC2 host, rehearsed with the real programs of Debian 13: the dev stack's
// exact user data goes to trixie's own cloud-init (NoCloud seed) under trixie's systemd as PID 1
// in private namespaces (test/support/boot-host.sh). Packages come from Debian's real archive,
// the data volume is a loop device under its EBS by-id name that appears only after the boot has
// started, and the real AWS CLI fetches the secrets from moto's SSM server. Docker's engine is
// the one stand-in (no image can be pulled here): it answers the real docker CLI and compose
// plugin up to the pull, and records it.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { enabledUnits, HOST_PACKAGES, hostPackages } from "../lib/render/hostBundle";
import { HOST } from "../lib/render/layout";
import { METRIC_NAMESPACE } from "../lib/render/schedule";
import { validateSettings } from "../lib/settings";
import { readStackFile } from "../lib/stackConfig";
import { HostBoot, JournalEntry } from "./support/hostBoot";
import { renderedStack } from "./support/renderOnce";

const isRoot = process.getuid?.() === 0;
/** Whatever happens, the rehearsal powers itself off after this long. */
const DEADLINE_SECONDS = 540;
/** How long the volume stays "unattached" after mlflow.service has started waiting for it. */
const ATTACH_DELAY_MS = 8000;
/** The units the timers start; the rehearsal starts them while the volume is still missing. */
const TIMER_SERVICES = ["mlflow-backup.service", "mlflow-monitor.service", "mlflow-certificate.service"];

const octal = (mode: number) => mode.toString(8).padStart(4, "0");
/** apt's version prefix match (a trailing `*`), as a regular expression. */
const versionPattern = (pin: string) => new RegExp(`^${pin.replace(/[.+]/g, "\\$&").replace(/\*$/, ".*")}$`);

describe("boot rehearsal: the dev stack's user data on Debian 13", { skip: !isRoot && "namespaces, mounts and loop devices need root" }, () => {
    const rendered = renderedStack("dev");
    const settings = validateSettings(readStackFile("dev").raw);
    let boot: HostBoot;
    let journal: JournalEntry[];
    let cloudInit: { status: string; errors: string[] };
    let waitingSince = 0;
    let attachedAt = 0;
    let earlyJournal: JournalEntry[];

    const sh = (script: string, timeoutMs?: number) => {
        const result = boot.inside(["sh", "-c", script], timeoutMs);
        assert.equal(result.status, 0, `${script}: ${result.stderr}`);
        return result.stdout;
    };
    const index = (predicate: (entry: JournalEntry) => boolean, what: string) => {
        const at = journal.findIndex(predicate);
        assert.ok(at >= 0, `not in the journal: ${what}`);
        return at;
    };
    const line = (identifier: string, pattern: RegExp) => (entry: JournalEntry) =>
        entry.SYSLOG_IDENTIFIER === identifier && pattern.test(entry.MESSAGE ?? "");
    const systemd = (unit: string, pattern: RegExp) => (entry: JournalEntry) =>
        entry.SYSLOG_IDENTIFIER === "systemd" && entry.UNIT === unit && pattern.test(entry.MESSAGE ?? "");
    const time = (at: number) => Number(journal[at].__REALTIME_TIMESTAMP) / 1000;

    before(async () => {
        boot = new HostBoot(rendered, DEADLINE_SECONDS);
        await boot.start();
        // cloud-init installs the packages, writes the files and starts mlflow.service, which
        // waits for the data volume.
        await boot.waitFor("mlflow-prepare-data to wait for the volume", 300_000, () =>
            boot.inside(["systemctl", "show", "--property=ActiveState,SubState", "mlflow.service"]).stdout.includes("SubState=start-pre"));
        waitingSince = Date.now();
        // As if the timers fired now: nothing may run before the volume is mounted.
        const started = boot.inside(["systemctl", "start", "--no-block", ...TIMER_SERVICES]);
        assert.equal(started.status, 0, started.stderr);
        await new Promise(resolve => setTimeout(resolve, ATTACH_DELAY_MS));
        earlyJournal = boot.journal();
        boot.attachVolume();
        attachedAt = Date.now();
        await boot.waitFor("cloud-init to finish", 240_000, () =>
            /"status": "(done|error)"/.test(boot.inside(["cloud-init", "status", "--format", "json"]).stdout));
        await boot.waitFor("the timers' services to finish", 60_000, () =>
            boot.inside(["systemctl", "list-jobs", "--no-legend"]).stdout.trim() === "");
        cloudInit = JSON.parse(boot.inside(["cloud-init", "status", "--long", "--format", "json"]).stdout);
        journal = boot.journal();
    });

    after(async () => {
        if (boot) await boot.remove();
    });

    test("every package installs from Debian 13's archive at its pinned version", () => {
        const packages = hostPackages(settings);
        const shown = sh(`dpkg-query -W -f '\${Package}\\t\${Version}\\t\${db:Status-Abbrev}\\n' ${packages.map(([name]) => name).join(" ")}`);
        const installed = new Map(shown.trim().split("\n").map(row => row.split("\t")).map(([name, version, status]) => [name, { version, status }]));
        for (const [name, pin] of packages) {
            const found = installed.get(name);
            assert.ok(found, `${name} is not installed`);
            assert.equal(found.status.trim(), "ii", `${name}: dpkg status ${found.status}`);
            assert.match(found.version, versionPattern(pin), `${name} ${found.version} does not match the pin ${pin}`);
        }
        // The commands the host's units and scripts call, from those packages.
        assert.match(sh("docker compose version --short"), /^v?2\.26\./);
        sh("test -x /usr/libexec/docker/cli-plugins/docker-compose");
        assert.match(sh("aws --version"), /^aws-cli\/2\./);
        // cloud-init fails only where Docker would pull images (runcmd's `systemctl enable --now`).
        assert.equal(cloudInit.status, "error", JSON.stringify(cloudInit));
        assert.ok(cloudInit.errors.length > 0 && cloudInit.errors.every(error => /scripts[-_]user|runcmd/.test(error)), cloudInit.errors.join("\n"));
    });

    test("every file of the user data lands with its bytes and mode", () => {
        const files = [...rendered.files.values()].filter(file => !file.hostPath.startsWith(`${HOST.secretsDir}/`));
        assert.ok(files.length > 10);
        for (const file of files) {
            const written = boot.upperPath(file.hostPath);
            assert.ok(readFileSync(written).equals(file.content), `${file.hostPath}: other bytes than rendered`);
            const stat = statSync(written);
            assert.equal(octal(stat.mode & 0o7777), octal(file.mode), `${file.hostPath}: mode`);
            assert.equal(stat.uid, 0, `${file.hostPath}: owner`);
        }
    });

    test("the units are enabled and ordered as on EC2", () => {
        for (const unit of enabledUnits({})) assert.equal(sh(`systemctl is-enabled ${unit}`).trim(), "enabled", unit);
        const show = (unit: string, property: string) => sh(`systemctl show --property=${property} --value ${unit}`).trim().split(/\s+/);
        assert.ok(show("mlflow.service", "Requires").includes("docker.service"));
        for (const unit of ["docker.service", "network-online.target"]) assert.ok(show("mlflow.service", "After").includes(unit), unit);
        assert.deepEqual(show("docker.service", "RequiresMountsFor"), [HOST.dataMount]);
        for (const unit of TIMER_SERVICES) assert.ok(show(unit, "After").includes("mlflow.service"), `${unit} is not ordered after mlflow.service`);
        assert.match(sh("systemctl show --property=TimersCalendar --value mlflow-backup.timer"), /OnCalendar=\*-\*-\* 02:30:00 UTC/);
        // Docker's own units come from the package; the host's drop-in waits for the volume.
        assert.equal(sh("systemctl is-enabled docker.service").trim(), "enabled");
    });

    test("mlflow.service: volume, secrets, certificate, then the new database's creation (compose run) up to the image pull", () => {
        const starting = index(systemd("mlflow.service", /^Starting /), "Starting mlflow.service");
        const blank = index(line("mlflow-prepare-data", /is blank: creating an ext4 filesystem/), "the blank volume is formatted");
        const mounted = index(line("mlflow-prepare-data", new RegExp(`mounted ${boot.volumeByIdName} at ${HOST.dataMount}$`)), "mounted");
        const certificate = index(line("mlflow-certificate", /serving the certificate from the private CA/), "the certificate step");
        const upgrade = index(line("mlflow-db-upgrade", new RegExp(`no database yet; creating it with MLflow ${rendered.hostEnv.MLFLOW_VERSION}`)), "the migration step");
        const pull = index(entry => /docker engine stand-in: PULL \/images\/create\?/.test(entry.MESSAGE ?? ""), "compose asks for an image");
        const failed = index(systemd("mlflow.service", /^Failed to start /), "mlflow.service fails without images");
        assert.ok(starting < blank && blank < mounted && mounted < certificate && certificate < upgrade && upgrade < pull && pull < failed,
            `order: start ${starting}, format ${blank}, mount ${mounted}, certificate ${certificate}, migration ${upgrade}, pull ${pull}, failed ${failed}`);
        // Nothing was formatted before the volume appeared.
        assert.ok(time(blank) >= attachedAt - 1000, "the volume was formatted before it was attached");
        assert.ok(attachedAt - waitingSince >= ATTACH_DELAY_MS);

        // The secrets, fetched by the real aws CLI from the SSM endpoint between the mount and the certificate.
        for (const [file, mode, gid] of [["htpasswd", 0o640, Number(rendered.hostEnv.NGINX_GID)], ["fallback-privkey.pem", 0o600, 0]] as const) {
            const hostPath = `${HOST.secretsDir}/${file}`;
            const stat = statSync(boot.upperPath(hostPath));
            assert.ok(readFileSync(boot.upperPath(hostPath)).equals(rendered.files.get(hostPath)!.content), `${hostPath}: not the parameter's value`);
            assert.equal(octal(stat.mode & 0o7777), octal(mode), `${hostPath}: mode`);
            assert.deepEqual([stat.uid, stat.gid], [0, gid], `${hostPath}: owner`);
            assert.ok(stat.mtimeMs >= time(mounted) && stat.mtimeMs <= time(certificate), `${hostPath} was not fetched between the mount and the certificate`);
        }
        assert.ok(readFileSync(boot.upperPath(`${HOST.activeTlsDir}/privkey.pem`)).equals(rendered.files.get(HOST.fallbackKey)!.content));

        // The volume as the host keeps it: ext4, in fstab for later boots, the directories, the schema marker.
        assert.equal(sh(`findmnt -n -o SOURCE,FSTYPE --mountpoint ${HOST.dataMount}`).trim().replace(/\s+/g, " "), `${boot.volumeDevice} ext4`);
        const uuid = sh(`blkid -p -o value -s UUID ${boot.volumeDevice}`).trim();
        assert.match(sh("cat /etc/fstab"), new RegExp(`^UUID=${uuid} ${HOST.dataMount} ext4 defaults,noatime,nofail 0 2$`, "m"));
        for (const dir of rendered.hostEnv.DATA_DIRS.split(" ")) sh(`test -d ${HOST.dataMount}/${dir}`);
        // No image here: the database could not be created, so no version is recorded and the next start tries again.
        index(line("mlflow-db-upgrade", /CREATING THE DATABASE FAILED with MLflow .*; the server stays stopped\. Nothing was lost: there was no database/), "the creation's failure");
        sh(`test ! -e ${rendered.hostEnv.MLFLOW_DATA_DIR}/.schema-version`);

        // compose read the rendered file and asked for its images.
        const compose = rendered.text(HOST.composeFile);
        const pulls = journal.filter(entry => /stand-in: PULL/.test(entry.MESSAGE ?? "")).map(entry => decodeURIComponent(entry.MESSAGE!));
        assert.ok(pulls.some(message => {
            const image = /fromImage=([^&\s]+)&tag=([^&\s]+)/.exec(message);
            return image !== null && compose.includes(`image: ${image[1]}:${image[2]}`);
        }), `no pull of an image of compose.yaml:\n${pulls.join("\n")}`);
    });

    test("the timers' services wait for mlflow.service and the mounted volume", async () => {
        // Started while the volume was missing: none ran.
        for (const unit of TIMER_SERVICES) {
            const early = earlyJournal.filter(entry => entry._SYSTEMD_UNIT === unit || entry.UNIT === unit).map(entry => entry.MESSAGE);
            assert.deepEqual(early, [], `${unit} was started or skipped before the volume was mounted`);
        }
        const failed = index(systemd("mlflow.service", /^Failed to start /), "mlflow.service's result");
        const backup = index(line("mlflow-backup", /no database yet/), "mlflow-backup ran");
        assert.ok(backup > failed, "mlflow-backup ran before mlflow.service had finished");
        const certificate = index(systemd("mlflow-certificate.service", /^Dependency failed/), "mlflow-certificate.service waits for mlflow.service");
        assert.ok(certificate > failed);
        // mlflow-monitor reported, after the mount, in the namespace host.env names (the one the alarms watch).
        index(systemd("mlflow-monitor.service", /^Finished /), "mlflow-monitor.service finished");
        const metrics = await boot.cloudwatchMetrics(METRIC_NAMESPACE);
        for (const name of ["DataVolumeUsedPercent", "HealthCheckOk"]) assert.ok(metrics.includes(`<MetricName>${name}</MetricName>`), `${name} not in ${METRIC_NAMESPACE}: ${metrics}`);
    });

    test("the SSM agent's install runs at first boot beside mlflow.service, never before it, and says where it looked", () => {
        const show = (unit: string, property: string) => sh(`systemctl show --property=${property} --value ${unit}`).trim().split(/\s+/);
        assert.ok(!show("mlflow.service", "After").includes("mlflow-ssm-agent.service"), "MLflow does not wait for a shell");
        assert.ok(show("mlflow-ssm-agent.service", "After").includes("network-online.target"));
        assert.equal(sh("command -v gpgv").trim(), "/usr/bin/gpgv", "the verifier is installed (Debian 13's apt itself uses sqv)");
        // No way to AWS from here: the download fails, naming the pinned release for this architecture in the host's region.
        const { AWS_REGION: region, SSM_AGENT_VERSION: version } = rendered.hostEnv;
        const architecture = sh("dpkg --print-architecture").trim();
        const url = `https://s3.${region}.amazonaws.com/amazon-ssm-${region}/${version}/debian_${architecture}/amazon-ssm-agent.deb`;
        index(line("mlflow-ssm-agent", new RegExp(`cannot download ${url.replace(/[.]/g, "\\.")}: `)), `mlflow-ssm-agent tried ${url}`);
    });

    test("the boot report names the step that failed (here the new database's creation, at its image pull, the one step that needs a registry) with its last lines", t => {
        const failed = index(systemd("mlflow.service", /^Failed to start /), "mlflow.service's result");
        const report = index(line("mlflow-boot-report", /FAILED after \d+ s at \/usr\/local\/sbin\/mlflow-db-upgrade \(exited \d+\); its last lines:/), "the boot report");
        assert.ok(report > failed, "reported after mlflow.service's start ended");
        // The first boot up to the pull: packages, volume, secrets, certificate, schema.
        t.diagnostic(journal[report].MESSAGE ?? "");
        assert.ok(journal.slice(report).some(entry => entry.SYSLOG_IDENTIFIER === "mlflow-boot-report" && /^mlflow-boot-report: {3}\S/.test(entry.MESSAGE ?? "")), "its last lines follow");
    });

    test("the host bundle is written from SSM before Docker starts with its configuration and before mlflow.service", () => {
        // The installer runs in cloud-init, whose output carries its lines.
        const wrote = index(line("cloud-init", /^mlflow-install-bundle: wrote \d+ files from \d+ parameters under \/mlflow-on-aws\/dev\/host-bundle$/), "the installer's result");
        const dockerStarts = journal.map((entry, at) => systemd("docker.service", /^Started docker\.service/)(entry) ? at : -1).filter(at => at >= 0);
        assert.ok(dockerStarts.some(at => at > wrote), "docker.service restarted after the bundle was written");
        const mlflowStart = index(systemd("mlflow.service", /^Starting mlflow\.service/), "mlflow.service starting");
        assert.ok(mlflowStart > wrote);
    });

    test("the journal reaches CloudWatch Logs (the boot, cloud-init, the units), with no secret in it, and MLflow never waits for it", async t => {
        const hostStream = `i-0rehearsal/host`;
        let shipped = new Map<string, string[]>();
        await boot.waitFor("the boot report in CloudWatch Logs", 60_000, async () => {
            shipped = await boot.loggedEvents();
            return (shipped.get(hostStream) ?? []).some(message => /^mlflow-boot-report\[\d+\]: mlflow-boot-report: FAILED after/.test(message));
        });
        const host = shipped.get(hostStream)!;
        t.diagnostic(`${host.length} lines shipped from the host's journal`);
        for (const [what, pattern] of [
            ["cloud-init's final stage", /^cloud-init\[\d+\]: Cloud-init v\. \S+ running 'modules:final'/],
            ["the data volume's preparation", /^mlflow-prepare-data\[\d+\]: mlflow-prepare-data: mounted \S+ at \/srv\/mlflow-data$/],
            ["systemd's record of mlflow.service", /^systemd\[1\]: Failed to start mlflow\.service/],
            ["the watchdog's and monitor's units", /^systemd\[1\]: (Starting|Finished|Started) mlflow-monitor\.service/],
        ] as const) {
            assert.ok(host.some(message => pattern.test(message)), `${what} (${pattern}) was not shipped`);
        }
        const secrets = [
            ...Object.values(rendered.sample.users),
            ...rendered.text(`${rendered.hostEnv.SECRETS_DIR}/htpasswd`).trim().split("\n").map(entry => entry.split(":")[1]),
            ...rendered.text(`${rendered.hostEnv.SECRETS_DIR}/fallback-privkey.pem`).split("\n").filter(row => row.length > 0 && !row.startsWith("-----")),
        ];
        assert.ok(secrets.length >= 4);
        for (const message of [...shipped.values()].flat()) {
            for (const secret of secrets) assert.ok(!message.includes(secret), `a secret reached CloudWatch Logs: ${message}`);
        }
        const show = (unit: string, property: string) => sh(`systemctl show --property=${property} --value ${unit}`).trim();
        for (const property of ["Requires", "Wants", "BindsTo", "Requisite", "After"]) {
            assert.doesNotMatch(show("mlflow.service", property), /mlflow-log-shipper/, `mlflow.service ${property}`);
        }
        assert.equal(show("mlflow-log-shipper.service", "ActiveState"), "active");
        assert.match(show("mlflow-log-shipper.service", "After"), /network-online\.target/);
        sh("test -d /var/log/journal");
    });

    test("every pinned package resolves in the archive for amd64 and arm64", () => {
        const requested = Object.entries(HOST_PACKAGES);
        for (const arch of ["amd64", "arm64"]) {
            // A fresh system of that architecture as apt sees it: no packages installed yet.
            const state = `/var/tmp/apt-${arch}`;
            const options = [`-o APT::Architecture=${arch}`, `-o APT::Architectures=${arch}`, `-o Dir::State=${state}`,
                `-o Dir::State::status=${state}/status`, `-o Dir::Cache=${state}/cache`, "-o Debug::NoLocking=1"].join(" ");
            const plan = sh([
                `mkdir -p ${state}/lists/partial ${state}/cache/archives/partial && : >${state}/status`,
                `apt-get -q ${options} update >/dev/null`,
                `apt-get -q -s ${options} install ${requested.map(([name, pin]) => `'${name}=${pin}'`).join(" ")}`,
            ].join(" && "), 180_000);
            for (const [name, pin] of requested) {
                const inst = new RegExp(`^Inst ${name.replace(/[.+]/g, "\\$&")} \\((\\S+) .*\\[(${arch}|all)\\]\\)$`, "m").exec(plan);
                assert.ok(inst, `${name} does not resolve for ${arch}:\n${plan.split("\n").filter(l => !l.startsWith("Inst") && !l.startsWith("Conf")).join("\n")}`);
                assert.match(inst[1], versionPattern(pin), `${name} for ${arch}`);
            }
        }
    });

    test("powers off cleanly on SIGRTMIN+4, as systemd does on `poweroff`", async t => {
        const status = await boot.poweroff();
        const seconds = (ms: number) => Math.round((ms - boot.startedAt) / 1000);
        t.diagnostic(`boot rehearsal: mlflow.service waited for the volume after ${seconds(waitingSince)} s (boot, packages, files), ` +
            `power-off after ${seconds(Date.now())} s`);
        // In a PID namespace, reboot(2) with POWER_OFF ends the namespace's init by SIGINT.
        assert.equal(status, 128 + 2, `the rehearsal ended otherwise (exit ${status}):\n${boot.launcherLog()}`);
    });
});
