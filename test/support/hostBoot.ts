// The boot rehearsal's machinery: boots the Debian 13 root of build-host-root.sh with systemd as
// PID 1 in private namespaces (boot-host.sh), hands the real rendered user data to its real
// cloud-init through a NoCloud seed, and gives it, through unix sockets, exactly two ways out of
// its loopback-only network: Debian's archive and a local AWS endpoint (moto's server: SSM,
// CloudWatch metrics and CloudWatch Logs).
// Everything the boot writes lands in an overlay's upper directory, which the test reads.
import { ChildProcess, spawn, spawnSync } from "child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { loggedEvents, motoJsonCall, startMoto } from "../../harness/motoJson";
import { freePort } from "../../harness/namespace";
import { projectRoot } from "../../lib/projectRoot";
import { userDataBase64 } from "../../lib/render/hostBundle";
import { RenderedStack } from "./renderOnce";

export const HOST_ROOT = process.env.HOST_ROOT ?? "/var/cache/mlflow-on-aws/host-root";

/** Loopback addresses inside the rehearsal: what the root's /etc/hosts names deb.debian.org, and the SSM endpoint. */
const ARCHIVE_ADDRESS = "127.0.2.1";
const SSM_ADDRESS = "127.0.3.1";
const SSM_PORT = 4566;
export const SSM_ENDPOINT = `http://${SSM_ADDRESS}:${SSM_PORT}`;

/** Dummy credentials: moto accepts any; the aws CLI must not look for the instance role. */
const REHEARSAL_AWS_ENV = [`AWS_ENDPOINT_URL=${SSM_ENDPOINT}`, "AWS_ACCESS_KEY_ID=rehearsal", "AWS_SECRET_ACCESS_KEY=rehearsal"];

export interface JournalEntry {
    MESSAGE?: string;
    SYSLOG_IDENTIFIER?: string;
    _SYSTEMD_UNIT?: string;
    UNIT?: string;
    JOB_RESULT?: string;
    __REALTIME_TIMESTAMP: string;
}

export interface RunResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function childrenOf(pid: number): number[] {
    try {
        return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
        return [];
    }
}

const commOf = (pid: number) => {
    try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
        return "";
    }
};

/** One boot of the rendered user data; start() boots, poweroff() ends it, remove() cleans up. */
export class HostBoot {
    readonly work: string;
    readonly upper: string;
    readonly volumeDevice: string;
    readonly startedAt = Date.now();
    private readonly processes: ChildProcess[] = [];
    private launcher?: ChildProcess;
    private launcherExit?: Promise<number | null>;
    private pid1 = 0;
    private motoPort = 0;

    /**
     * @param rendered the render whose user data boots
     * @param deadlineSeconds after this long the rehearsal powers itself off, whatever the test does
     */
    constructor(readonly rendered: RenderedStack, readonly deadlineSeconds: number) {
        if (!existsSync(path.join(HOST_ROOT, "usr/bin/cloud-init"))) {
            throw new Error(`no Debian 13 root at ${HOST_ROOT}: build it with \`bash test/support/build-host-root.sh\` (.ci/run does)`);
        }
        this.work = mkdtempSync(path.join(os.tmpdir(), "mlflow-boot-"));
        this.upper = path.join(this.work, "upper");
        for (const dir of ["upper", "overlay-work", "merged", "sockets"]) mkdirSync(path.join(this.work, dir));
        // A blank, sparse "EBS volume", attached as a loop device outside the rehearsal.
        const image = path.join(this.work, "volume.img");
        closeSync(openSync(image, "w"));
        truncateSync(image, 1024 ** 3);
        this.volumeDevice = this.checked("losetup", ["--find", "--show", image]).trim();
    }

    /** The by-id name under which a Nitro instance presents the data volume. */
    get volumeByIdName(): string {
        return `/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${this.rendered.sample.dataVolumeId.replace(/-/g, "")}`;
    }

    private checked(command: string, args: string[]): string {
        const result = spawnSync(command, args, { encoding: "utf8" });
        if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
        return result.stdout;
    }

    private writeUpper(file: string, content: string | Buffer, mode = 0o644): void {
        const target = path.join(this.upper, file);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content, { mode });
    }

    /** What the rehearsal adds to the root, never to the user data: the seed, the ways out, and the stand-in for dockerd. */
    private prepareRoot(): void {
        const seed = "var/lib/cloud/seed/nocloud";
        this.writeUpper(`${seed}/meta-data`, "instance-id: i-0rehearsal\nlocal-hostname: mlflow-rehearsal\n");
        // As EC2 hands it over: gzip-compressed.
        this.writeUpper(`${seed}/user-data`, Buffer.from(userDataBase64(this.rendered.userData), "base64"));
        // NoCloud only (the generator then enables cloud-init without probing for EC2), and no
        // network configuration: the namespace has only loopback, which systemd brings up.
        this.writeUpper("etc/cloud/cloud.cfg.d/99-mlflow-rehearsal.cfg", "datasource_list: [NoCloud]\nnetwork: {config: disabled}\n");
        this.writeUpper("etc/hosts", `127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n${ARCHIVE_ADDRESS} deb.debian.org\n`);
        // No name server: anything else that tries to leave fails at once.
        this.writeUpper("etc/resolv.conf", "");
        const unitDir = "etc/systemd/system";
        const forward = (name: string, description: string, address: string, port: number) => {
            this.writeUpper(`${unitDir}/mlflow-rehearsal-${name}.service`, [
                "[Unit]",
                `Description=Boot rehearsal: ${description}, forwarded from outside the network namespace`,
                "Before=cloud-config.service cloud-final.service",
                "[Service]",
                `ExecStart=/usr/bin/socat TCP-LISTEN:${port},bind=${address},fork,reuseaddr UNIX-CONNECT:/run/mlflow-rehearsal/${name}.sock`,
                "[Install]",
                "WantedBy=multi-user.target",
                "",
            ].join("\n"));
            mkdirSync(path.join(this.upper, unitDir, "multi-user.target.wants"), { recursive: true });
            symlinkSync(`../mlflow-rehearsal-${name}.service`, path.join(this.upper, unitDir, "multi-user.target.wants", `mlflow-rehearsal-${name}.service`));
        };
        forward("archive", "Debian's archive", ARCHIVE_ADDRESS, 80);
        forward("ssm", "the SSM endpoint", SSM_ADDRESS, SSM_PORT);
        // The host's units, pointed at the local endpoint with dummy credentials.
        // cloud-init's stages (one process in trixie's cloud-init-main.service) run the host
        // bundle's installer (runcmd), which reads SSM.
        for (const unit of ["cloud-init-main.service", "mlflow.service", "mlflow-monitor.service", "mlflow-log-shipper.service"]) {
            this.writeUpper(`${unitDir}/${unit}.d/mlflow-rehearsal.conf`,
                `[Service]\n${REHEARSAL_AWS_ENV.map(assignment => `Environment=${assignment}`).join("\n")}\n`);
        }
        // dockerd would set up a bridge, NAT rules and kernel modules, and no image can be pulled
        // here: a stand-in takes docker.socket's connections (boot-host.sh drops the capability to
        // load modules anyway). The real docker CLI and compose plugin talk to it.
        this.writeUpper("usr/local/lib/mlflow-rehearsal/docker-engine-stand-in",
            readFileSync(path.join(projectRoot(), "test", "support", "docker-engine-stand-in.py")), 0o755);
        this.writeUpper(`${unitDir}/docker.service.d/mlflow-rehearsal.conf`,
            "[Service]\nType=exec\nExecStart=\nExecStart=/usr/bin/python3 /usr/local/lib/mlflow-rehearsal/docker-engine-stand-in\n");
        // No terminal is attached: a getty would only restart in a loop.
        mkdirSync(path.join(this.upper, unitDir), { recursive: true });
        symlinkSync("/dev/null", path.join(this.upper, unitDir, "console-getty.service"));
        // Stops the rehearsal by itself, even if the test never does.
        this.writeUpper(`${unitDir}/mlflow-rehearsal-deadline.timer`,
            `[Unit]\nDescription=Boot rehearsal: power off after ${this.deadlineSeconds} s\n[Timer]\nOnBootSec=${this.deadlineSeconds}s\nUnit=poweroff.target\n[Install]\nWantedBy=timers.target\n`);
        mkdirSync(path.join(this.upper, unitDir, "timers.target.wants"), { recursive: true });
        symlinkSync("../mlflow-rehearsal-deadline.timer", path.join(this.upper, unitDir, "timers.target.wants", "mlflow-rehearsal-deadline.timer"));
    }

    /**
     * moto's server on a loopback port, seeded with the stack's two SecureString parameters from the
     * render and the log group the stack creates for the host.
     */
    private async startAws(): Promise<void> {
        this.motoPort = await freePort();
        this.processes.push(await startMoto(this.motoPort));
        const env = this.rendered.hostEnv;
        for (const [name, file] of [[env.HTPASSWD_PARAMETER, "htpasswd"], [env.TLS_KEY_PARAMETER, "fallback-privkey.pem"]]) {
            // mlflow-fetch-secrets writes the value and a newline, as `aws ... --output text` prints it.
            const value = this.rendered.text(`${env.SECRETS_DIR}/${file}`).replace(/\n$/, "");
            await this.moto("ssm", "AmazonSSM.PutParameter", { Name: name, Value: value, Type: "SecureString", Overwrite: true });
        }
        // The installer's command line names the parameters' prefix.
        const installer = (parse(this.rendered.userData) as { runcmd: string[][] }).runcmd[0];
        for (const [index, chunk] of this.rendered.bundleChunks.entries()) {
            await this.moto("ssm", "AmazonSSM.PutParameter", { Name: `${installer[2]}/${index}`, Value: chunk, Type: "String", Overwrite: true });
        }
        await this.moto("logs", "Logs_20140328.CreateLogGroup", { logGroupName: env.LOG_GROUP });
    }

    private moto(service: string, target: string, body: object): Promise<unknown> {
        return motoJsonCall(`http://127.0.0.1:${this.motoPort}`, this.rendered.hostEnv.AWS_REGION, service, target, body);
    }

    /** What mlflow-log-shipper has put into the host's log group: messages by stream. */
    loggedEvents(): Promise<Map<string, string[]>> {
        return loggedEvents(`http://127.0.0.1:${this.motoPort}`, this.rendered.hostEnv.AWS_REGION, this.rendered.hostEnv.LOG_GROUP);
    }

    /** The metrics moto's CloudWatch holds in a namespace (query protocol), as its XML answer. */
    async cloudwatchMetrics(namespace: string): Promise<string> {
        const response = await fetch(`http://127.0.0.1:${this.motoPort}/`, {
            method: "POST",
            headers: {
                "Content-Type": "application/x-www-form-urlencoded",
                Authorization: `AWS4-HMAC-SHA256 Credential=rehearsal/20261201/${this.rendered.hostEnv.AWS_REGION}/monitoring/aws4_request, SignedHeaders=host, Signature=0`,
            },
            body: new URLSearchParams({ Action: "ListMetrics", Version: "2010-08-01", Namespace: namespace }).toString(),
        });
        return response.text();
    }

    private forwardOut(name: string, target: string): void {
        const socat = spawn("socat", [`UNIX-LISTEN:${path.join(this.work, "sockets", `${name}.sock`)},fork`, `TCP:${target}`],
            { stdio: "ignore", detached: true });
        this.processes.push(socat);
    }

    /** Boots; resolves once systemd runs as the namespace's PID 1 and answers systemctl. */
    async start(): Promise<void> {
        this.prepareRoot();
        await this.startAws();
        this.forwardOut("archive", "deb.debian.org:80");
        this.forwardOut("ssm", `127.0.0.1:${this.motoPort}`);
        const console = openSync(path.join(this.work, "launcher.log"), "w");
        this.launcher = spawn("bash", [path.join(projectRoot(), "test", "support", "boot-host.sh"),
            HOST_ROOT, this.work, String(this.deadlineSeconds), this.volumeDevice], { stdio: ["ignore", console, console] });
        closeSync(console);
        const launcher = this.launcher;
        this.launcherExit = new Promise(resolve => launcher.on("exit", code => resolve(code)));
        for (let waited = 0; !this.pid1; waited += 100) {
            if (launcher.exitCode !== null) throw new Error(`the rehearsal did not boot:\n${this.launcherLog()}`);
            if (waited > 30_000) throw new Error(`no systemd after 30 s:\n${this.launcherLog()}`);
            const unshare = this.descendants(launcher.pid!).find(pid => commOf(pid) === "unshare");
            const init = unshare ? childrenOf(unshare)[0] : undefined;
            if (init && commOf(init) === "systemd") this.pid1 = init;
            else await sleep(100);
        }
        await this.waitFor("systemd to answer", 30_000, () => this.inside(["systemctl", "is-system-running"]).stdout.trim() !== "");
    }

    launcherLog(): string {
        try {
            return readFileSync(path.join(this.work, "launcher.log"), "utf8");
        } catch {
            return "";
        }
    }

    private descendants(pid: number): number[] {
        const children = childrenOf(pid);
        return [...children, ...children.flatMap(child => this.descendants(child))];
    }

    /** Runs a command inside the rehearsal: its namespaces, its root, its PID 1's view. */
    inside(command: string[], timeoutMs = 60_000): RunResult {
        const result = spawnSync("nsenter", ["--target", String(this.pid1), "--all", "--root", "--wd", "--", ...command], {
            encoding: "utf8",
            timeout: timeoutMs,
            maxBuffer: 256 * 1024 * 1024,
            env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8", SYSTEMD_COLORS: "0", SYSTEMD_PAGER: "" },
        });
        return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
    }

    async waitFor(what: string, timeoutMs: number, done: () => boolean | Promise<boolean>): Promise<void> {
        const until = Date.now() + timeoutMs;
        while (!(await done())) {
            if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
            await sleep(500);
        }
    }

    /** The data volume appears, late, as EBS attaches it: the by-id link to the loop device. */
    attachVolume(): void {
        const result = this.inside(["sh", "-c", 'mkdir -p "$(dirname "$1")" && ln -s "../../$(basename "$2")" "$1"', "_",
            this.volumeByIdName, this.volumeDevice]);
        if (result.status !== 0) throw new Error(`could not present the volume: ${result.stderr}`);
    }

    /** This boot's journal, oldest first. */
    journal(): JournalEntry[] {
        const result = this.inside(["journalctl", "--boot", "--output=json", "--no-pager"]);
        return result.stdout.split("\n").filter(Boolean).map(line => JSON.parse(line) as JournalEntry);
    }

    /** A file the boot wrote, as the host holds it (from the overlay's upper directory). */
    upperPath(hostPath: string): string {
        return path.join(this.upper, hostPath);
    }

    /** Powers off through systemd (SIGRTMIN+4), as a clean shutdown; kills the namespace if that hangs. */
    async poweroff(): Promise<number | null> {
        if (!this.launcher || this.launcher.exitCode !== null) return this.launcher?.exitCode ?? null;
        // Node knows no real-time signal names; bash's kill does.
        if (this.pid1) spawnSync("bash", ["-c", 'kill -s RTMIN+4 "$1"', "_", String(this.pid1)]);
        let timer: NodeJS.Timeout | undefined;
        const exited = await Promise.race([this.launcherExit,
            new Promise<"timeout">(resolve => (timer = setTimeout(() => resolve("timeout"), 60_000)))]);
        clearTimeout(timer);
        if (exited === "timeout") {
            for (const pid of this.descendants(this.launcher.pid!).filter(pid => commOf(pid) === "unshare")) process.kill(pid, "SIGKILL");
            return this.launcherExit!;
        }
        return exited ?? null;
    }

    async remove(): Promise<void> {
        await this.poweroff();
        // Each in a process group of its own: socat's forked children go with it.
        for (const child of this.processes) if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
        spawnSync("losetup", ["--detach", this.volumeDevice]);
        rmSync(this.work, { recursive: true, force: true });
    }
}
