// End to end with a real browser: Debian's headless Chromium opens the MLflow UI through real
// nginx 1.30 (the dev render) in front of the real MLflow server, signed in with a generated
// user and trusting the render's private CA (harness/browser.ts), after the real Python
// client wrote an experiment and a run through the same nginx. Screenshots go to out/ui/ (CI keeps
// out/ as an artifact), so a person can see what the pages showed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { mkdirSync } from "fs";
import * as path from "path";
import { BrowserContext, Page } from "playwright-core";
import { projectRoot } from "../lib/projectRoot";
import { render } from "../scripts/render";
import { inNamespace, reexecInNamespace, scratchDir } from "../harness/namespace";
import { NginxSandbox } from "../harness/nginxSandbox";
import { launchChromium, PageRecorder } from "../harness/browser";
import { runClient, trackingEnv } from "./support/tracking";

const SCREENSHOTS = path.join(projectRoot(), "out", "ui");
/** A page of the MLflow UI may take a while on 2 busy cores: the bundle is several MB of JavaScript. */
const PAGE_TIMEOUT_MS = 60_000;

interface Seeded {
    experiment_id: string;
    experiment_name: string;
    run_id: string;
    run_name: string;
    params: Record<string, string>;
    metric: { key: string; last: number };
}

function defineTests(): void {
    let sandbox: NginxSandbox;
    let context: BrowserContext;
    let recorder: PageRecorder;
    let page: Page;
    let seeded: Seeded;
    let origin: string;

    before(async () => {
        const renderDir = path.join(scratchDir("render"), "dev");
        render({ stack: "dev", out: renderDir });
        sandbox = await NginxSandbox.start({ renderDir });
        origin = `https://${sandbox.publicIp}`;
        const [user, password] = Object.entries(sandbox.users)[0];
        const seed = await runClient("mlflow", "ui_seed.py", [`ui-e2e-${Date.now()}`, scratchDir("seed")], trackingEnv(sandbox, user));
        assert.equal(seed.code, 0, `ui_seed.py failed:\n${seed.stderr.slice(-4000)}`);
        seeded = JSON.parse(seed.stdout.trim().split("\n").at(-1)!) as Seeded;
        context = await launchChromium({ caCertPem: sandbox.caCert, origin, username: user, password });
        recorder = new PageRecorder(context);
        page = context.pages()[0] ?? await context.newPage();
        page.setDefaultTimeout(PAGE_TIMEOUT_MS);
        mkdirSync(SCREENSHOTS, { recursive: true });
    });

    after(async () => {
        await context?.close().catch(() => undefined);
        await sandbox?.stop();
    });

    describe("the MLflow UI in Chromium, through nginx (dev render)", () => {
        it("shows the experiment list with the experiment the client wrote", async () => {
            await page.goto(`${origin}/#/experiments`, { waitUntil: "load" });
            const link = page.getByRole("link", { name: seeded.experiment_name, exact: true });
            await link.waitFor();
            await page.getByRole("heading", { name: "Experiments" }).first().waitFor();
            await page.screenshot({ path: path.join(SCREENSHOTS, "experiments.png") });
        });

        it("shows the run page with the run's name, parameters and last metric value", async () => {
            await page.goto(`${origin}/#/experiments/${seeded.experiment_id}/runs/${seeded.run_id}`, { waitUntil: "load" });
            await page.getByRole("heading", { name: seeded.run_name }).waitFor();
            for (const [key, value] of Object.entries(seeded.params)) {
                await page.getByRole("row").filter({ hasText: key }).filter({ hasText: value }).first().waitFor();
            }
            await page.getByRole("row").filter({ hasText: seeded.metric.key }).filter({ hasText: String(seeded.metric.last) }).first().waitFor();
            await page.getByText(seeded.run_id).first().waitFor();
            await page.screenshot({ path: path.join(SCREENSHOTS, "run.png") });
        });

        it("previews an artifact of the run", async () => {
            await page.getByRole("tab", { name: "Artifacts" }).click();
            await page.getByText("notes.txt", { exact: true }).first().click();
            await page.getByText("written by ui_seed.py").first().waitFor();
            await page.screenshot({ path: path.join(SCREENSHOTS, "artifact.png") });
        });

        it("loaded every request of those pages without an error, all from the server's origin", async () => {
            assert.ok(recorder.requests.length > 10, `only ${recorder.requests.length} requests recorded`);
            assert.deepEqual(recorder.requests.filter(r => !r.url.startsWith(`${origin}/`)).map(r => r.url), [], "requests to other origins");
            const logged = sandbox.mlflow!.requests();
            // The UI asks whether MLflow's own auth app runs (it does not: nginx does the auth);
            // MLflow answers 404 and the UI carries on. Allowed only when MLflow itself answered it.
            const probe = (url: string) => new URL(url).pathname === "/ajax-api/2.0/mlflow/users/current";
            const probeByMlflow = logged.some(r => r.path === "/ajax-api/2.0/mlflow/users/current" && r.status === 404);
            const problems = recorder.problems.filter(p => !(probeByMlflow && probe(p.url) && /404/.test(p.detail)));
            assert.deepEqual(problems, [], `requests of the UI failed:\n${recorder.describe(problems)}`);
            assert.deepEqual(logged.filter(r => r.status === 403), [], "MLflow refused a Host or an Origin");
            // One challenge, for the first page: after it Chromium sends the credentials unasked.
            const refused = sandbox.accessLog().split("\n").filter(line => /" 40[13] /.test(line));
            assert.equal(refused.length, 1, `nginx refused more than the first request:\n${refused.join("\n")}`);
            assert.match(refused[0], /"GET \/ HTTP\/[\d.]+" 401 /);
        });
    });
}

// Outside: run this file again inside private namespaces. Inside: the tests.
if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 300_000 });
else defineTests();
