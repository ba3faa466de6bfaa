// oauth2-proxy as the rendered compose file or the task definition runs it (auth oidc): the
// release the program pins, built from source by test/support/build-oauth2-proxy.sh (its image
// cannot be pulled here), with the container's command and its secrets (the env file the host
// fetches, or what ECS hands a task's container), inside the test's namespace. Go reads the
// provider's CA from SSL_CERT_FILE, as the image reads its system store.
import { ChildProcess, execFileSync, spawn } from "child_process";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { OAUTH2_PROXY, OAUTH2_PROXY_VERSION } from "../lib/render/oidc";
import { readEnvFileWithBash } from "./envFile";
import { request } from "./httpClient";
import { assertInNamespace, sleep } from "./namespace";

export const DEFAULT_OAUTH2_PROXY_DIR = "/var/cache/mlflow-on-aws/oauth2-proxy";

/** The built binary, checked to be the pinned release; throws with the command that builds it. */
export function resolveOauth2Proxy(dir = process.env.OAUTH2_PROXY_DIR || DEFAULT_OAUTH2_PROXY_DIR): string {
    const binary = path.join(dir, "bin", "oauth2-proxy");
    const hint = "build it with `bash test/support/build-oauth2-proxy.sh` (OAUTH2_PROXY_DIR overrides the location)";
    if (!existsSync(binary)) throw new Error(`no oauth2-proxy at ${binary}: ${hint}`);
    const version = execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 10_000 });
    if (!version.includes(`oauth2-proxy v${OAUTH2_PROXY_VERSION} `)) throw new Error(`${binary} is ${version.trim()}, not v${OAUTH2_PROXY_VERSION}: ${hint}`);
    return binary;
}

/** What a container of oauth2-proxy runs: its command (the flags) and its environment (its secrets). */
export interface Oauth2ProxyContainer { command: string[]; env: Record<string, string> }

/**
 * The oauth2-proxy service of a rendered compose file, its env files read from `hostFile(host
 * path)` (the render's copies of what mlflow-fetch-secrets writes).
 */
export function composeOauth2Proxy(composeFile: string, hostFile: (hostPath: string) => string): Oauth2ProxyContainer {
    const compose = parse(readFileSync(composeFile, "utf8")) as { services?: Record<string, { command?: string[]; env_file?: string[] }> };
    const service = compose.services?.[OAUTH2_PROXY.service];
    if (!service?.command) throw new Error(`${composeFile}: no ${OAUTH2_PROXY.service} service with a command`);
    const env: Record<string, string> = {};
    for (const envFile of service.env_file ?? []) Object.assign(env, readEnvFileWithBash(hostFile(envFile)));
    return { command: service.command.map(String), env };
}

export interface Oauth2ProxyOptions {
    container: Oauth2ProxyContainer;
    /** The CA file that signs the provider's certificate. */
    caFile: string;
    /** Flags after the rendered ones (pflag takes the last of a repeated flag): what a test shortens or changes. */
    extraFlags?: string[];
}

export class Oauth2Proxy {
    private output = "";

    private constructor(private readonly child: ChildProcess) {
        child.stdout?.on("data", chunk => { this.output += String(chunk); });
        child.stderr?.on("data", chunk => { this.output += String(chunk); });
    }

    /** What it logged so far. */
    get log(): string { return this.output; }

    /** Starts it and waits for /ping on its port; throws with its log if it exits first (a refused configuration). */
    static async start(options: Oauth2ProxyOptions): Promise<Oauth2Proxy> {
        assertInNamespace();
        const env = { PATH: "/usr/bin:/bin", ...options.container.env, SSL_CERT_FILE: options.caFile };
        const child = spawn(resolveOauth2Proxy(), [...options.container.command, ...(options.extraFlags ?? [])], { env, stdio: ["ignore", "pipe", "pipe"] });
        const proxy = new Oauth2Proxy(child);
        let exited: number | null | undefined;
        child.once("exit", code => { exited = code; });
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
            if (exited !== undefined) throw new Oauth2ProxyExit(exited, proxy.log);
            const ping = await request({ address: "127.0.0.1", port: OAUTH2_PROXY.port, tls: false, path: "/ping", timeoutMs: 2_000 }).catch(() => undefined);
            if (ping?.status === 200) return proxy;
            await sleep(200);
        }
        child.kill("SIGKILL");
        throw new Error(`oauth2-proxy did not answer /ping within 30 s:\n${proxy.log}`);
    }

    async stop(): Promise<void> {
        if (this.child.exitCode !== null || this.child.signalCode !== null) return;
        const exited = new Promise(resolve => this.child.once("exit", resolve));
        this.child.kill("SIGTERM");
        await Promise.race([exited, sleep(5_000)]);
        this.child.kill("SIGKILL");
    }
}

/** oauth2-proxy refused to run: its exit code and what it said. */
export class Oauth2ProxyExit extends Error {
    constructor(readonly code: number | null, readonly log: string) {
        super(`oauth2-proxy exited with ${code} before answering /ping:\n${log}`);
    }
}
