// Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its own),
// for the UI test and the benchmark. Only inside the test's namespaces (harness/namespace.ts): Chromium then sees
// nothing but `lo`, with the sample public address on it, and the render's private CA is trusted
// the way an administrator would make a browser trust it, by policy (CACertificates): a private
// directory is mounted over /etc/chromium in the private mount namespace, so neither the
// machine's Chromium settings nor its trust store change, and no certificate error is ignored.
import { execFileSync } from "child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { X509Certificate } from "crypto";
import { BrowserContext, chromium, ConsoleMessage, Request, Response } from "playwright-core";
import { assertInNamespace, scratchDir } from "./namespace";

export const CHROMIUM = "/usr/bin/chromium";
const POLICY_DIR = "/etc/chromium";

/** Flags that let Chromium run headless as root here, and keep it from calling anywhere by itself. */
const FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export interface BrowserOptions {
    /** PEM of the CA that signs the server's certificate. */
    caCertPem: string;
    /** Other CAs to trust (an OpenID Provider's). */
    extraCaCertPems?: string[];
    /** Basic-auth credentials, sent to this origin only; none for a person who signs in with an OpenID Provider. */
    origin: string;
    username?: string;
    password?: string;
}

/** One thing a page did that a person would notice as broken, with its URL. */
export interface PageProblem {
    kind: "http" | "network" | "console" | "exception";
    url: string;
    detail: string;
}

/** Everything the pages of a context requested, and what went wrong, as it happens. */
export class PageRecorder {
    readonly requests: { method: string; url: string }[] = [];
    readonly problems: PageProblem[] = [];

    constructor(context: BrowserContext) {
        context.on("request", (request: Request) => {
            this.requests.push({ method: request.method(), url: request.url() });
        });
        context.on("response", (response: Response) => {
            if (response.status() >= 400) {
                this.problems.push({ kind: "http", url: response.url(), detail: `${response.request().method()} -> ${response.status()} ${response.statusText()}` });
            }
        });
        context.on("requestfailed", (request: Request) => {
            this.problems.push({ kind: "network", url: request.url(), detail: `${request.method()}: ${request.failure()?.errorText ?? "failed"}` });
        });
        context.on("console", (message: ConsoleMessage) => {
            // Chromium reports CORS and mixed-content refusals, and failed loads, only here.
            if (message.type() === "error") this.problems.push({ kind: "console", url: message.location().url, detail: message.text() });
        });
        context.on("weberror", error => {
            this.problems.push({ kind: "exception", url: error.page()?.url() ?? "", detail: String(error.error()) });
        });
    }

    /** The problems as lines for an assertion message. */
    describe(problems = this.problems): string {
        return problems.map(p => `  ${p.kind}: ${p.url} ${p.detail}`).join("\n");
    }
}

/** Makes Chromium in this mount namespace trust `caCertPems` (see the header). */
function trustCaByPolicy(caCertPems: string[]): void {
    assertInNamespace();
    const dir = scratchDir("chromium-etc");
    if (existsSync(path.join(POLICY_DIR, "master_preferences"))) {
        copyFileSync(path.join(POLICY_DIR, "master_preferences"), path.join(dir, "master_preferences"));
    }
    mkdirSync(path.join(dir, "policies", "managed"), { recursive: true });
    const ders = caCertPems.map(pem => new X509Certificate(pem).raw.toString("base64"));
    writeFileSync(path.join(dir, "policies", "managed", "mlflow-e2e-ca.json"), JSON.stringify({ CACertificates: ders }));
    mkdirSync(POLICY_DIR, { recursive: true });
    execFileSync("mount", ["--bind", dir, POLICY_DIR]);
}

/** A fresh headless Chromium profile (a new, empty --user-data-dir) that trusts the CA and signs in. */
export async function launchChromium(options: BrowserOptions): Promise<BrowserContext> {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    trustCaByPolicy([options.caCertPem, ...(options.extraCaCertPems ?? [])]);
    return chromium.launchPersistentContext(scratchDir("chromium-profile"), {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        chromiumSandbox: false,
        ignoreHTTPSErrors: false,
        viewport: { width: 1440, height: 900 },
        // Given when nginx asks (401), as a person types them into the browser's prompt; Chromium
        // then sends them unasked with every later request. Only to the server's own origin.
        ...(options.username !== undefined && options.password !== undefined
            ? { httpCredentials: { username: options.username, password: options.password, origin: options.origin } } : {}),
        timeout: 60_000,
    });
}
