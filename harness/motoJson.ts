// Calls to moto's server in AWS's JSON protocol (SSM, CloudWatch Logs), signed only as far as
// moto looks: the region and the service in the credential scope.
import { ChildProcess, spawn } from "child_process";
import { sleep } from "./namespace";
import { pythonEnvBin } from "./pythonEnv";

export async function motoJsonCall(endpoint: string, region: string, service: string, target: string, body: object): Promise<any> {
    const response = await fetch(`${endpoint}/`, {
        method: "POST",
        headers: {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": target,
            Authorization: `AWS4-HMAC-SHA256 Credential=testing/20261201/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${target}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : {};
}

/** moto's server on a loopback port; resolves once it answers. */
export async function startMoto(port: number, address = "127.0.0.1"): Promise<ChildProcess> {
    const server = spawn(pythonEnvBin("moto", "moto_server"), ["-H", address, "-p", String(port)], { stdio: "ignore", detached: true });
    for (let attempt = 0; ; attempt++) {
        try {
            await fetch(`http://${address}:${port}/moto-api/`);
            return server;
        } catch (error) {
            if (attempt >= 150 || server.exitCode !== null) {
                server.kill("SIGKILL");
                throw new Error(`moto's server on ${address}:${port} did not answer: ${error}`);
            }
            await sleep(100);
        }
    }
}

/** Every event of a CloudWatch Logs group in moto, by stream (FilterLogEvents, page by page). */
export async function loggedEvents(endpoint: string, region: string, logGroupName: string): Promise<Map<string, string[]>> {
    const streams = new Map<string, string[]>();
    let nextToken: string | undefined;
    do {
        const page = await motoJsonCall(endpoint, region, "logs", "Logs_20140328.FilterLogEvents", { logGroupName, ...(nextToken ? { nextToken } : {}) });
        for (const event of page.events as Array<{ logStreamName: string; message: string }>) {
            streams.set(event.logStreamName, [...(streams.get(event.logStreamName) ?? []), event.message]);
        }
        nextToken = page.nextToken;
    } while (nextToken);
    return streams;
}
