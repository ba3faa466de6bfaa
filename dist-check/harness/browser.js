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
Object.defineProperty(exports, "__esModule", { value: true });
exports.PageRecorder = exports.CHROMIUM = void 0;
exports.launchChromium = launchChromium;
// Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its own),
// for the UI test and the benchmark. Only inside the test's namespaces (harness/namespace.ts): Chromium then sees
// nothing but `lo`, with the sample public address on it, and the render's private CA is trusted
// the way an administrator would make a browser trust it, by policy (CACertificates): a private
// directory is mounted over /etc/chromium in the private mount namespace, so neither the
// machine's Chromium settings nor its trust store change, and no certificate error is ignored.
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const crypto_1 = require("crypto");
const playwright_core_1 = require("playwright-core");
const namespace_1 = require("./namespace");
exports.CHROMIUM = "/usr/bin/chromium";
const POLICY_DIR = "/etc/chromium";
/** Flags that let Chromium run headless as root here, and keep it from calling anywhere by itself. */
const FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
/** Everything the pages of a context requested, and what went wrong, as it happens. */
class PageRecorder {
    requests = [];
    problems = [];
    constructor(context) {
        context.on("request", (request) => {
            this.requests.push({ method: request.method(), url: request.url() });
        });
        context.on("response", (response) => {
            if (response.status() >= 400) {
                this.problems.push({ kind: "http", url: response.url(), detail: `${response.request().method()} -> ${response.status()} ${response.statusText()}` });
            }
        });
        context.on("requestfailed", (request) => {
            this.problems.push({ kind: "network", url: request.url(), detail: `${request.method()}: ${request.failure()?.errorText ?? "failed"}` });
        });
        context.on("console", (message) => {
            // Chromium reports CORS and mixed-content refusals, and failed loads, only here.
            if (message.type() === "error")
                this.problems.push({ kind: "console", url: message.location().url, detail: message.text() });
        });
        context.on("weberror", error => {
            this.problems.push({ kind: "exception", url: error.page()?.url() ?? "", detail: String(error.error()) });
        });
    }
    /** The problems as lines for an assertion message. */
    describe(problems = this.problems) {
        return problems.map(p => `  ${p.kind}: ${p.url} ${p.detail}`).join("\n");
    }
}
exports.PageRecorder = PageRecorder;
/** Makes Chromium in this mount namespace trust `caCertPem` (see the header). */
function trustCaByPolicy(caCertPem) {
    (0, namespace_1.assertInNamespace)();
    const dir = (0, namespace_1.scratchDir)("chromium-etc");
    if ((0, fs_1.existsSync)(path.join(POLICY_DIR, "master_preferences"))) {
        (0, fs_1.copyFileSync)(path.join(POLICY_DIR, "master_preferences"), path.join(dir, "master_preferences"));
    }
    (0, fs_1.mkdirSync)(path.join(dir, "policies", "managed"), { recursive: true });
    const der = new crypto_1.X509Certificate(caCertPem).raw.toString("base64");
    (0, fs_1.writeFileSync)(path.join(dir, "policies", "managed", "mlflow-e2e-ca.json"), JSON.stringify({ CACertificates: [der] }));
    (0, fs_1.mkdirSync)(POLICY_DIR, { recursive: true });
    (0, child_process_1.execFileSync)("mount", ["--bind", dir, POLICY_DIR]);
}
/** A fresh headless Chromium profile (a new, empty --user-data-dir) that trusts the CA and signs in. */
async function launchChromium(options) {
    if (!(0, fs_1.existsSync)(exports.CHROMIUM))
        throw new Error(`${exports.CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    trustCaByPolicy(options.caCertPem);
    return playwright_core_1.chromium.launchPersistentContext((0, namespace_1.scratchDir)("chromium-profile"), {
        executablePath: exports.CHROMIUM,
        headless: true,
        args: FLAGS,
        chromiumSandbox: false,
        ignoreHTTPSErrors: false,
        viewport: { width: 1440, height: 900 },
        // Given when nginx asks (401), as a person types them into the browser's prompt; Chromium
        // then sends them unasked with every later request. Only to the server's own origin.
        httpCredentials: { username: options.username, password: options.password, origin: options.origin },
        timeout: 60_000,
    });
}
//# sourceMappingURL=browser.js.map