"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.seededRunName = void 0;
exports.seedRuns = seedRuns;
exports.searchAllRuns = searchAllRuns;
exports.loadInBrowser = loadInBrowser;
// Reads: an experiment of SEARCH_RUNS runs seeded the way training jobs fill it, search_runs over
// it as MLflow's Python client pages through it, and the UI in a real browser (Debian's headless
// Chromium, harness/browser.ts): the first load of that experiment's page and a run's page,
// each in a fresh profile (nothing cached), every request counted with its bytes on the wire.
const perf_hooks_1 = require("perf_hooks");
const browser_1 = require("../harness/browser");
const plan_1 = require("./plan");
const tracking_1 = require("./tracking");
const API = "/api/2.0/mlflow";
/** The name of seeded run i. */
const seededRunName = (i) => `seed-${String(i).padStart(5, "0")}`;
exports.seededRunName = seededRunName;
/**
 * `count` runs in the experiment, each created and filled with one log-batch of parameters,
 * metrics and tags, by `concurrency` sessions at once; returns the id of the last run.
 */
async function seedRuns(target, experimentId, count, concurrency = 8) {
    let failed;
    let next = 0;
    let lastRun = "";
    const record = (_, error) => { failed ??= error; };
    await Promise.all(Array.from({ length: concurrency }, async () => {
        const session = new tracking_1.TrackingSession(target, record);
        try {
            while (next < count && !failed) {
                const i = next++;
                const created = await session.call("seed", "POST", `${API}/runs/create`, { experiment_id: experimentId, run_name: (0, exports.seededRunName)(i), start_time: Date.now() - (count - i) * 1000 });
                const runId = created?.run?.info.run_id;
                if (!runId)
                    break;
                await session.call("seed", "POST", `${API}/runs/log-batch`, {
                    run_id: runId,
                    params: [{ key: "lr", value: String(10 ** -(1 + (i % 4))) }, { key: "batch_size", value: String(32 << (i % 3)) }, { key: "optimizer", value: i % 2 ? "adam" : "sgd" }],
                    metrics: ["loss", "accuracy", "val_loss"].map((key, k) => ({ key, value: ((i * 7919 + k * 104729) % 1000) / 1000, timestamp: Date.now(), step: 100 })),
                    tags: [{ key: "team", value: `team-${i % 5}` }, { key: "mlflow.source.type", value: "LOCAL" }],
                });
                if (i === count - 1)
                    lastRun = runId;
            }
        }
        finally {
            session.close();
        }
    }));
    if (failed)
        throw new Error(`seeding runs failed: ${failed}`);
    return lastRun;
}
/** search_runs over the experiment as MlflowClient.search_runs pages through it (max_results 1000, page_token), optionally filtered. */
async function searchAllRuns(target, experimentId, filter = "") {
    const result = { pageMs: [], totalMs: 0, runs: 0 };
    let error;
    const session = new tracking_1.TrackingSession(target, (sample, failure) => { result.pageMs.push(sample.ms); error ??= failure; });
    const started = perf_hooks_1.performance.now();
    try {
        let pageToken;
        do {
            const page = await session.call("search", "POST", `${API}/runs/search`, { experiment_ids: [experimentId], filter, run_view_type: "ACTIVE_ONLY", max_results: plan_1.SEARCH_PAGE, order_by: [], ...(pageToken ? { page_token: pageToken } : {}) });
            if (!page)
                throw new Error(`search_runs failed: ${error}`);
            result.runs += (page.runs ?? []).length;
            pageToken = page.next_page_token;
        } while (pageToken);
    }
    finally {
        session.close();
    }
    result.totalMs = perf_hooks_1.performance.now() - started;
    return result;
}
/**
 * Opens `url` in a fresh Chromium profile signed in as `username` and waits until `shows`
 * (text, or a pattern) is visible; counts what was transferred until then and just after.
 */
async function loadInBrowser(options) {
    const context = await (0, browser_1.launchChromium)(options);
    const load = { shownMs: 0, requests: 0, bytes: 0, staticBytes: 0, ajax: [], failed: [] };
    const pending = [];
    context.on("requestfinished", request => {
        pending.push((async () => {
            const sizes = await request.sizes();
            const response = await request.response();
            const url = new URL(request.url());
            const bytes = sizes.responseHeadersSize + sizes.responseBodySize;
            load.requests++;
            load.bytes += bytes;
            if (url.pathname.startsWith("/static-files/"))
                load.staticBytes += bytes;
            if (url.pathname.startsWith("/ajax-api/"))
                load.ajax.push({ path: `${request.method()} ${url.pathname}`, ms: request.timing().responseEnd });
            // The UI asks for the signed-in user of MLflow's own auth, which this server does not run (404), as the UI test says.
            if (response && response.status() >= 400 && !url.pathname.endsWith("/users/current"))
                load.failed.push(`${request.method()} ${url.pathname} -> ${response.status()}`);
        })());
    });
    context.on("requestfailed", request => { load.failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`); });
    try {
        const page = context.pages()[0] ?? await context.newPage();
        page.setDefaultTimeout(90_000);
        const started = perf_hooks_1.performance.now();
        await page.goto(options.url, { waitUntil: "commit" });
        await page.getByText(options.shows).first().waitFor();
        load.shownMs = perf_hooks_1.performance.now() - started;
        // What the page still fetches right after (the UI keeps polling some of its data, so "idle" may never come).
        await page.waitForLoadState("networkidle", { timeout: 3000 }).catch(() => undefined);
        await Promise.all(pending);
    }
    finally {
        await context.close().catch(() => undefined);
    }
    return load;
}
//# sourceMappingURL=reads.js.map