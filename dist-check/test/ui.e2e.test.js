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
// End to end with a real browser: Debian's headless Chromium opens the MLflow UI through real
// nginx 1.30 (the dev render) in front of the real MLflow server, signed in with a generated
// user and trusting the render's private CA (harness/browser.ts), after the real Python
// client wrote an experiment and a run through the same nginx. Screenshots go to out/ui/ (CI keeps
// out/ as an artifact), so a person can see what the pages showed.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const projectRoot_1 = require("../lib/projectRoot");
const render_1 = require("../scripts/render");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const browser_1 = require("../harness/browser");
const tracking_1 = require("./support/tracking");
const SCREENSHOTS = path.join((0, projectRoot_1.projectRoot)(), "out", "ui");
/** A page of the MLflow UI may take a while on 2 busy cores: the bundle is several MB of JavaScript. */
const PAGE_TIMEOUT_MS = 60_000;
function defineTests() {
    let sandbox;
    let context;
    let recorder;
    let page;
    let seeded;
    let origin;
    (0, node_test_1.before)(async () => {
        const renderDir = path.join((0, namespace_1.scratchDir)("render"), "dev");
        (0, render_1.render)({ stack: "dev", out: renderDir });
        sandbox = await nginxSandbox_1.NginxSandbox.start({ renderDir });
        origin = `https://${sandbox.publicIp}`;
        const [user, password] = Object.entries(sandbox.users)[0];
        const seed = await (0, tracking_1.runClient)("mlflow", "ui_seed.py", [`ui-e2e-${Date.now()}`, (0, namespace_1.scratchDir)("seed")], (0, tracking_1.trackingEnv)(sandbox, user));
        strict_1.default.equal(seed.code, 0, `ui_seed.py failed:\n${seed.stderr.slice(-4000)}`);
        seeded = JSON.parse(seed.stdout.trim().split("\n").at(-1));
        context = await (0, browser_1.launchChromium)({ caCertPem: sandbox.caCert, origin, username: user, password });
        recorder = new browser_1.PageRecorder(context);
        page = context.pages()[0] ?? await context.newPage();
        page.setDefaultTimeout(PAGE_TIMEOUT_MS);
        (0, fs_1.mkdirSync)(SCREENSHOTS, { recursive: true });
    });
    (0, node_test_1.after)(async () => {
        await context?.close().catch(() => undefined);
        await sandbox?.stop();
    });
    (0, node_test_1.describe)("the MLflow UI in Chromium, through nginx (dev render)", () => {
        (0, node_test_1.it)("shows the experiment list with the experiment the client wrote", async () => {
            await page.goto(`${origin}/#/experiments`, { waitUntil: "load" });
            const link = page.getByRole("link", { name: seeded.experiment_name, exact: true });
            await link.waitFor();
            await page.getByRole("heading", { name: "Experiments" }).first().waitFor();
            await page.screenshot({ path: path.join(SCREENSHOTS, "experiments.png") });
        });
        (0, node_test_1.it)("shows the run page with the run's name, parameters and last metric value", async () => {
            await page.goto(`${origin}/#/experiments/${seeded.experiment_id}/runs/${seeded.run_id}`, { waitUntil: "load" });
            await page.getByRole("heading", { name: seeded.run_name }).waitFor();
            for (const [key, value] of Object.entries(seeded.params)) {
                await page.getByRole("row").filter({ hasText: key }).filter({ hasText: value }).first().waitFor();
            }
            await page.getByRole("row").filter({ hasText: seeded.metric.key }).filter({ hasText: String(seeded.metric.last) }).first().waitFor();
            await page.getByText(seeded.run_id).first().waitFor();
            await page.screenshot({ path: path.join(SCREENSHOTS, "run.png") });
        });
        (0, node_test_1.it)("previews an artifact of the run", async () => {
            await page.getByRole("tab", { name: "Artifacts" }).click();
            await page.getByText("notes.txt", { exact: true }).first().click();
            await page.getByText("written by ui_seed.py").first().waitFor();
            await page.screenshot({ path: path.join(SCREENSHOTS, "artifact.png") });
        });
        (0, node_test_1.it)("loaded every request of those pages without an error, all from the server's origin", async () => {
            strict_1.default.ok(recorder.requests.length > 10, `only ${recorder.requests.length} requests recorded`);
            strict_1.default.deepEqual(recorder.requests.filter(r => !r.url.startsWith(`${origin}/`)).map(r => r.url), [], "requests to other origins");
            const logged = sandbox.mlflow.requests();
            // The UI asks whether MLflow's own auth app runs (it does not: nginx does the auth);
            // MLflow answers 404 and the UI carries on. Allowed only when MLflow itself answered it.
            const probe = (url) => new URL(url).pathname === "/ajax-api/2.0/mlflow/users/current";
            const probeByMlflow = logged.some(r => r.path === "/ajax-api/2.0/mlflow/users/current" && r.status === 404);
            const problems = recorder.problems.filter(p => !(probeByMlflow && probe(p.url) && /404/.test(p.detail)));
            strict_1.default.deepEqual(problems, [], `requests of the UI failed:\n${recorder.describe(problems)}`);
            strict_1.default.deepEqual(logged.filter(r => r.status === 403), [], "MLflow refused a Host or an Origin");
            // One challenge, for the first page: after it Chromium sends the credentials unasked.
            const refused = sandbox.accessLog().split("\n").filter(line => /" 40[13] /.test(line));
            strict_1.default.equal(refused.length, 1, `nginx refused more than the first request:\n${refused.join("\n")}`);
            strict_1.default.match(refused[0], /"GET \/ HTTP\/[\d.]+" 401 /);
        });
    });
}
// Outside: run this file again inside private namespaces. Inside: the tests.
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 300_000 });
else
    defineTests();
//# sourceMappingURL=ui.e2e.test.js.map