// host/mlflow-log-shipper, the host's journal into CloudWatch Logs: its signature against
// botocore's own signer, what it ships to moto's CloudWatch Logs (streams, lines, batches within
// PutLogEvents' limits), its cursor across a restart, an outage of the endpoint, and the instance
// role's credentials from IMDSv2. The journal here is test/support/journalctl-stand-in.py, so
// that a test chooses every entry; the boot rehearsal runs it on the real journal.
import assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { loggedEvents, motoJsonCall, startMoto } from "../harness/motoJson";
import { freePort, sleep } from "../harness/namespace";
import { pythonEnvBin } from "../harness/pythonEnv";
import { projectRoot } from "../lib/projectRoot";

const SHIPPER = path.join(projectRoot(), "host", "mlflow-log-shipper");
const REGION = "eu-central-1";
const GROUP = "mlflow-host-test";
const INSTANCE = "i-0123456789abcdef0";
/** The moment every fixture starts at (microseconds, as the journal counts). */
const T0 = Date.parse("2026-12-04T10:00:00Z") * 1000;

interface Entry { [field: string]: unknown }
let counter = 0;
/** A journal entry as `journalctl --output=json` prints it. */
function entry(fields: Entry, offsetMs = counter): Entry {
    counter += 1;
    return { __CURSOR: `s=test;i=${counter}`, __REALTIME_TIMESTAMP: String(T0 + Math.round(offsetMs * 1000)), ...fields };
}
const hostLine = (identifier: string, message: unknown, pid = "42", offsetMs?: number) =>
    entry({ SYSLOG_IDENTIFIER: identifier, _PID: pid, MESSAGE: message }, offsetMs);
const containerLine = (service: string, message: string, offsetMs?: number) =>
    entry({ SYSLOG_IDENTIFIER: `mlflow-${service}-1`, CONTAINER_NAME: `mlflow-${service}-1`, COM_DOCKER_COMPOSE_SERVICE: service, MESSAGE: message }, offsetMs);

class Run {
    readonly work = mkdtempSync(path.join(tmpdir(), "log-shipper-"));
    readonly fixture = path.join(this.work, "journal.jsonl");
    readonly bin = path.join(this.work, "bin");
    process?: ChildProcess;
    stderr = "";

    constructor(entries: Entry[]) {
        spawnSync("mkdir", ["-p", this.bin, path.join(this.work, "state")]);
        symlinkSync(path.join(projectRoot(), "test", "support", "journalctl-stand-in.py"), path.join(this.bin, "journalctl"));
        writeFileSync(path.join(this.work, "instance-id"), `${INSTANCE}\n`);
        this.append(entries);
    }

    append(entries: Entry[]): void {
        appendFileSync(this.fixture, entries.map(e => JSON.stringify(e) + "\n").join(""));
    }

    start(endpoint: string, env: NodeJS.ProcessEnv = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret" }): void {
        this.stderr = "";
        // As the host runs it: by its #!/usr/bin/python3.
        this.process = spawn(SHIPPER, [], {
            env: {
                PATH: `${this.bin}:${process.env.PATH}`,
                JOURNAL_FIXTURE: this.fixture,
                LOG_GROUP: GROUP,
                AWS_REGION: REGION,
                LOGS_ENDPOINT: endpoint,
                STATE_DIRECTORY: path.join(this.work, "state"),
                INSTANCE_ID_FILE: path.join(this.work, "instance-id"),
                ...env,
            },
            stdio: ["ignore", "ignore", "pipe"],
        });
        this.process.stderr!.on("data", chunk => { this.stderr += chunk; });
    }

    async stop(): Promise<void> {
        const child = this.process;
        if (!child || child.exitCode !== null) return;
        const exited = new Promise(resolve => child.on("exit", resolve));
        child.kill("SIGTERM");
        await exited;
    }

    cursor(): string {
        return readFileSync(path.join(this.work, "state", "cursor"), "utf8").trim();
    }

    journalctlCalls(): string[] {
        return readFileSync(path.join(this.bin, "journalctl.calls"), "utf8").trim().split("\n");
    }

    async remove(): Promise<void> {
        await this.stop();
        rmSync(this.work, { recursive: true, force: true });
    }
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(200);
    }
}

/** A CloudWatch Logs endpoint that records each call and answers it as AWS does when all is well. */
class RecordingEndpoint {
    readonly calls: Array<{ target: string; headers: IncomingMessage["headers"]; body: any }> = [];
    private server?: Server;
    url = "";

    async start(): Promise<void> {
        this.server = createServer((request, response) => {
            let body = "";
            request.on("data", chunk => { body += chunk; });
            request.on("end", () => {
                this.calls.push({ target: String(request.headers["x-amz-target"]), headers: request.headers, body: JSON.parse(body) });
                response.writeHead(200, { "Content-Type": "application/x-amz-json-1.1" }).end("{}");
            });
        });
        await new Promise<void>(resolve => this.server!.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    puts() {
        return this.calls.filter(call => call.target === "Logs_20140328.PutLogEvents").map(call => call.body);
    }

    stop(): void {
        this.server?.close();
    }
}

describe("mlflow-log-shipper", () => {
    test("signs a request exactly as botocore's SigV4 signer does", () => {
        const script = `
import datetime, importlib.machinery, importlib.util, json, sys
from unittest import mock
import botocore.auth, botocore.awsrequest, botocore.credentials
loader = importlib.machinery.SourceFileLoader("shipper", sys.argv[1])
spec = importlib.util.spec_from_loader("shipper", loader)
shipper = importlib.util.module_from_spec(spec)
loader.exec_module(shipper)
now = datetime.datetime(2026, 12, 4, 10, 11, 12, tzinfo=datetime.timezone.utc)
body = json.dumps({"logGroupName": "g", "logStreamName": "i-0/host", "logEvents": [{"timestamp": 1, "message": "caf\\u00e9 \\u2713"}]}).encode()
results = []
for url, token in (("https://logs.eu-central-1.amazonaws.com/", "IQoJb3JpZ2luX2VjE///token"), ("http://127.0.0.1:4566/", None)):
    ours = shipper.signed_headers(url, "eu-central-1", "logs", "Logs_20140328.PutLogEvents", body,
                                  {"access_key": "ASIAEXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token": token}, now)
    request = botocore.awsrequest.AWSRequest(method="POST", url=url, data=body,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Logs_20140328.PutLogEvents"})
    with mock.patch("botocore.auth.get_current_datetime", return_value=now.replace(tzinfo=None)):
        botocore.auth.SigV4Auth(botocore.credentials.Credentials("ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token), "logs", "eu-central-1").add_auth(request)
    results.append({"ours": ours["authorization"], "botocore": request.headers["Authorization"], "date": request.headers["X-Amz-Date"], "ourDate": ours["x-amz-date"]})
print(json.dumps(results))
`;
        const result = spawnSync(pythonEnvBin("moto"), ["-c", script, SHIPPER], { encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        const signatures = JSON.parse(result.stdout) as Array<{ ours: string; botocore: string; date: string; ourDate: string }>;
        assert.equal(signatures.length, 2);
        for (const signature of signatures) {
            assert.equal(signature.date, "20261204T101112Z", "botocore signed at the fixed time");
            assert.equal(signature.ourDate, signature.date);
            assert.equal(signature.ours, signature.botocore);
        }
    });

    describe("into moto's CloudWatch Logs", () => {
        let port = 0;
        let moto: ChildProcess;
        let endpoint = "";
        before(async () => {
            port = await freePort();
            endpoint = `http://127.0.0.1:${port}`;
            moto = await startMoto(port);
        });
        after(() => moto?.kill("SIGKILL"));

        test("ships the host's units and each container to its own stream, then resumes after its cursor", async () => {
            await motoJsonCall(endpoint, REGION, "logs", "Logs_20140328.CreateLogGroup", { logGroupName: GROUP });
            const first = [
                hostLine("cloud-init", "Cloud-init v. 25.1.4 running 'modules:final'", "612"),
                hostLine("mlflow-prepare-data", "mlflow-prepare-data: /dev/nvme1n1 mounted on /srv/mlflow-data"),
                containerLine("nginx", `203.0.113.7 - admin [04/Dec/2026:10:00:01 +0000] "GET /api/2.0/mlflow/experiments/search HTTP/1.1" 200 512`),
                containerLine("mlflow", "INFO:     Uvicorn running on http://0.0.0.0:5000"),
                // The journal keeps non-UTF-8 text as an array of bytes.
                hostLine("kernel", [...Buffer.from([0x62, 0x61, 0x64, 0xff, 0x21])], ""),
                hostLine("systemd", ""),
                // A field set twice comes as a list of its values; an entry without a time stamp cannot be shipped, and is skipped.
                entry({ SYSLOG_IDENTIFIER: ["sudo", "sudo"], _PID: "77", MESSAGE: "pam_unix(sudo:session): session opened" }),
                { __CURSOR: "s=test;i=unreadable", MESSAGE: "no time stamp" },
            ];
            const run = new Run(first);
            try {
                run.start(endpoint);
                await until("three streams", 20_000, async () => (await loggedEvents(endpoint, REGION, GROUP)).size === 3);
                await until("the cursor of the last entry", 10_000, () => { try { return run.cursor() === first.at(-1)!.__CURSOR; } catch { return false; } });
                let streams = await loggedEvents(endpoint, REGION, GROUP);
                assert.deepEqual([...streams.keys()].sort(), [`${INSTANCE}/host`, `${INSTANCE}/mlflow`, `${INSTANCE}/nginx`]);
                assert.deepEqual(streams.get(`${INSTANCE}/host`), [
                    "cloud-init[612]: Cloud-init v. 25.1.4 running 'modules:final'",
                    "mlflow-prepare-data[42]: mlflow-prepare-data: /dev/nvme1n1 mounted on /srv/mlflow-data",
                    "kernel: bad\ufffd!",
                    "sudo[77]: pam_unix(sudo:session): session opened",
                ]);
                assert.deepEqual(streams.get(`${INSTANCE}/nginx`), [first[2].MESSAGE]);
                assert.deepEqual(streams.get(`${INSTANCE}/mlflow`), [first[3].MESSAGE]);

                await run.stop();
                const second = [containerLine("mlflow", "INFO:     127.0.0.1 - \"GET /health HTTP/1.0\" 200 OK"), hostLine("mlflow-watchdog", "mlflow-watchdog: restarted mlflow")];
                run.append(second);
                run.start(endpoint);
                await until("the second start's lines", 20_000, async () => (await loggedEvents(endpoint, REGION, GROUP)).get(`${INSTANCE}/host`)?.length === 5);
                await until("the new cursor", 10_000, () => run.cursor() === second.at(-1)!.__CURSOR);
                streams = await loggedEvents(endpoint, REGION, GROUP);
                assert.deepEqual(streams.get(`${INSTANCE}/mlflow`), [first[3].MESSAGE, second[0].MESSAGE], "each line once: the restart began after the cursor");
                assert.equal(run.journalctlCalls().at(-1), `--follow --no-tail --all --output=json --after-cursor=${first.at(-1)!.__CURSOR}`);
                assert.equal(run.journalctlCalls()[0], "--follow --no-tail --all --output=json", "the first start ships the journal from its beginning (the boot, cloud-init)");
            } finally {
                await run.remove();
            }
        });

        test("keeps running while CloudWatch Logs is out of reach, then ships what the journal kept", async () => {
            const downPort = await freePort();
            const lateEndpoint = `http://127.0.0.1:${downPort}`;
            const lines = [hostLine("mlflow-watchdog", "mlflow-watchdog: mlflow failed check 1 of 3"), containerLine("nginx", "GET /health 200")];
            const run = new Run(lines);
            let late: ChildProcess | undefined;
            try {
                run.start(lateEndpoint);
                await until("the shipper to say it cannot ship", 20_000, () => /cannot ship to CloudWatch Logs group mlflow-host-test, retrying/.test(run.stderr));
                await sleep(4000);
                assert.equal(run.process!.exitCode, null, "still running after failed attempts");
                assert.equal(run.stderr.match(/cannot ship/g)?.length, 1, `one line for the outage, not one per attempt:\n${run.stderr}`);
                // The endpoint comes back, and the group appears only then (as on a first boot
                // that races IAM): the shipper gets on with the same lines.
                late = await startMoto(downPort);
                await motoJsonCall(lateEndpoint, REGION, "logs", "Logs_20140328.CreateLogGroup", { logGroupName: GROUP });
                await until("both lines in CloudWatch Logs", 60_000, async () =>
                    [...(await loggedEvents(lateEndpoint, REGION, GROUP)).values()].flat().length === 2);
                await until("the line that says so", 5_000, () => /shipping again, after \d+ s/.test(run.stderr));
                assert.equal(run.process!.exitCode, null);
            } finally {
                late?.kill("SIGKILL");
                await run.remove();
            }
        });
    });

    describe("against a recording endpoint", () => {
        const recorder = new RecordingEndpoint();
        before(() => recorder.start());
        after(() => recorder.stop());

        test("splits a large journal into calls within PutLogEvents' limits, each in time order", async () => {
            recorder.calls.length = 0;
            const big = "x".repeat(200_000);
            const entries = [
                // 12,000 short lines within a second: more than 10,000 events.
                ...Array.from({ length: 12_000 }, (_, i) => hostLine("mlflow-monitor", `line ${i}`, "7", i / 12)),
                // 8 lines of 200 KB: more than 1 MiB.
                ...Array.from({ length: 8 }, (_, i) => containerLine("mlflow", big, 2000 + i)),
                // A line of 300 KB: more than one event may hold.
                containerLine("nginx", "y".repeat(300_000), 3000),
                // The clock went back a second: the journal's order is not always time order.
                hostLine("chronyd", "System clock wrong by -1.0 seconds", "9", 2500),
                // Two days later: a call spans at most 24 hours.
                hostLine("systemd", "Started mlflow-backup.service", "1", 2 * 86_400_000),
            ];
            const run = new Run(entries);
            try {
                run.start(recorder.url);
                await until("every line", 30_000, () => recorder.puts().reduce((sum, put) => sum + put.logEvents.length, 0) === entries.length);
                const puts = recorder.puts();
                for (const put of puts) {
                    const bytes = put.logEvents.reduce((sum: number, event: { message: string }) => sum + Buffer.byteLength(event.message) + 26, 0);
                    assert.ok(put.logEvents.length <= 10_000, `${put.logEvents.length} events in one call`);
                    assert.ok(bytes <= 1_048_576, `${bytes} bytes in one call`);
                    const times = put.logEvents.map((event: { timestamp: number }) => event.timestamp);
                    assert.deepEqual(times, [...times].sort((a, b) => a - b), "time order");
                    assert.ok(times.at(-1) - times[0] <= 24 * 3_600_000, "a day at most");
                    for (const event of put.logEvents) assert.ok(Buffer.byteLength(event.message) + 26 <= 262_144, "an event of at most 256 KiB");
                }
                assert.ok(puts.length >= 4, `${puts.length} calls`);
                assert.equal(puts.filter(put => put.logStreamName === `${INSTANCE}/nginx`)[0].logEvents[0].message, "y".repeat(262_144 - 26));
            } finally {
                await run.remove();
            }
        });

        test("without keys in its environment, signs with the instance role's credentials from IMDSv2", async () => {
            recorder.calls.length = 0;
            const token = "AQAEAExampleImdsToken==";
            const seen: string[] = [];
            const imds = createServer((request, response) => {
                seen.push(`${request.method} ${request.url} ${request.headers["x-aws-ec2-metadata-token"] ?? request.headers["x-aws-ec2-metadata-token-ttl-seconds"] ?? ""}`);
                const answers: Record<string, string> = {
                    "/latest/meta-data/iam/security-credentials/": "mlflow-host-role\n",
                    "/latest/meta-data/iam/security-credentials/mlflow-host-role": JSON.stringify({ Code: "Success", AccessKeyId: "ASIAROLEKEY", SecretAccessKey: "rolesecret", Token: "rolesessiontoken", Expiration: "2099-01-01T00:00:00Z" }),
                };
                if (request.method === "PUT" && request.url === "/latest/api/token") response.end(token);
                else if (request.headers["x-aws-ec2-metadata-token"] === token && answers[request.url ?? ""]) response.end(answers[request.url!]);
                else response.writeHead(request.headers["x-aws-ec2-metadata-token"] === token ? 404 : 401).end();
            });
            await new Promise<void>(resolve => imds.listen(0, "127.0.0.1", resolve));
            const run = new Run([hostLine("mlflow-boot-report", "mlflow-boot-report: healthy after 94 s")]);
            try {
                run.start(recorder.url, { IMDS_ENDPOINT: `http://127.0.0.1:${(imds.address() as AddressInfo).port}` });
                await until("a call", 20_000, () => recorder.puts().length === 1);
                const call = recorder.calls.find(c => c.target === "Logs_20140328.PutLogEvents")!;
                assert.match(String(call.headers.authorization), /^AWS4-HMAC-SHA256 Credential=ASIAROLEKEY\/\d{8}\/eu-central-1\/logs\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/);
                assert.equal(call.headers["x-amz-security-token"], "rolesessiontoken");
                assert.deepEqual(seen.slice(0, 3), [
                    "PUT /latest/api/token 21600",
                    `GET /latest/meta-data/iam/security-credentials/ ${token}`,
                    `GET /latest/meta-data/iam/security-credentials/mlflow-host-role ${token}`,
                ]);
            } finally {
                imds.close();
                await run.remove();
            }
        });
    });
});
