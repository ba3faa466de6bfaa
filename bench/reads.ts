// Reads: an experiment of SEARCH_RUNS runs seeded the way training jobs fill it, search_runs over
// it as MLflow's Python client pages through it, and the UI in a real browser (Debian's headless
// Chromium, harness/browser.ts): the first load of that experiment's page and a run's page,
// each in a fresh profile (nothing cached), every request counted with its bytes on the wire.
import { performance } from "perf_hooks";
import { launchChromium } from "../harness/browser";
import { SEARCH_PAGE } from "./plan";
import { CallSample, TrackingSession, TrackingTarget } from "./tracking";

const API = "/api/2.0/mlflow";

/** The name of seeded run i. */
export const seededRunName = (i: number) => `seed-${String(i).padStart(5, "0")}`;

/**
 * `count` runs in the experiment, each created and filled with one log-batch of parameters,
 * metrics and tags, by `concurrency` sessions at once; returns the id of the last run.
 */
export async function seedRuns(target: TrackingTarget, experimentId: string, count: number, concurrency = 8): Promise<string> {
    let failed: string | undefined;
    let next = 0;
    let lastRun = "";
    const record = (_: CallSample, error?: string) => { failed ??= error; };
    await Promise.all(Array.from({ length: concurrency }, async () => {
        const session = new TrackingSession(target, record);
        try {
            while (next < count && !failed) {
                const i = next++;
                const created = await session.call("seed", "POST", `${API}/runs/create`, { experiment_id: experimentId, run_name: seededRunName(i), start_time: Date.now() - (count - i) * 1000 });
                const runId = (created?.run as { info: { run_id: string } } | undefined)?.info.run_id;
                if (!runId) break;
                await session.call("seed", "POST", `${API}/runs/log-batch`, {
                    run_id: runId,
                    params: [{ key: "lr", value: String(10 ** -(1 + (i % 4))) }, { key: "batch_size", value: String(32 << (i % 3)) }, { key: "optimizer", value: i % 2 ? "adam" : "sgd" }],
                    metrics: ["loss", "accuracy", "val_loss"].map((key, k) => ({ key, value: ((i * 7919 + k * 104729) % 1000) / 1000, timestamp: Date.now(), step: 100 })),
                    tags: [{ key: "team", value: `team-${i % 5}` }, { key: "mlflow.source.type", value: "LOCAL" }],
                });
                if (i === count - 1) lastRun = runId;
            }
        } finally {
            session.close();
        }
    }));
    if (failed) throw new Error(`seeding runs failed: ${failed}`);
    return lastRun;
}

export interface SearchResult {
    /** Milliseconds of each page's call, in order. */
    pageMs: number[];
    totalMs: number;
    runs: number;
}

/** search_runs over the experiment as MlflowClient.search_runs pages through it (max_results 1000, page_token), optionally filtered. */
export async function searchAllRuns(target: TrackingTarget, experimentId: string, filter = ""): Promise<SearchResult> {
    const result: SearchResult = { pageMs: [], totalMs: 0, runs: 0 };
    let error: string | undefined;
    const session = new TrackingSession(target, (sample, failure) => { result.pageMs.push(sample.ms); error ??= failure; });
    const started = performance.now();
    try {
        let pageToken: string | undefined;
        do {
            const page = await session.call("search", "POST", `${API}/runs/search`,
                { experiment_ids: [experimentId], filter, run_view_type: "ACTIVE_ONLY", max_results: SEARCH_PAGE, order_by: [], ...(pageToken ? { page_token: pageToken } : {}) });
            if (!page) throw new Error(`search_runs failed: ${error}`);
            result.runs += ((page.runs as unknown[] | undefined) ?? []).length;
            pageToken = page.next_page_token as string | undefined;
        } while (pageToken);
    } finally {
        session.close();
    }
    result.totalMs = performance.now() - started;
    return result;
}

export interface BrowserLoad {
    /** From navigation to what the page must show being visible. */
    shownMs: number;
    requests: number;
    /** Response headers and (encoded) bodies, as they came over the wire. */
    bytes: number;
    /** The same for /static-files/ (the UI's JavaScript and CSS) only. */
    staticBytes: number;
    /** The UI's API calls (/ajax-api/), each with its time from request to last byte. */
    ajax: { path: string; ms: number }[];
    failed: string[];
}

/**
 * Opens `url` in a fresh Chromium profile signed in as `username` and waits until `shows`
 * (text, or a pattern) is visible; counts what was transferred until then and just after.
 */
export async function loadInBrowser(options: { caCertPem: string; origin: string; username: string; password: string; url: string; shows: RegExp }): Promise<BrowserLoad> {
    const context = await launchChromium(options);
    const load: BrowserLoad = { shownMs: 0, requests: 0, bytes: 0, staticBytes: 0, ajax: [], failed: [] };
    const pending: Promise<void>[] = [];
    context.on("requestfinished", request => {
        pending.push((async () => {
            const sizes = await request.sizes();
            const response = await request.response();
            const url = new URL(request.url());
            const bytes = sizes.responseHeadersSize + sizes.responseBodySize;
            load.requests++;
            load.bytes += bytes;
            if (url.pathname.startsWith("/static-files/")) load.staticBytes += bytes;
            if (url.pathname.startsWith("/ajax-api/")) load.ajax.push({ path: `${request.method()} ${url.pathname}`, ms: request.timing().responseEnd });
            // The UI asks for the signed-in user of MLflow's own auth, which this server does not run (404), as the UI test says.
            if (response && response.status() >= 400 && !url.pathname.endsWith("/users/current")) load.failed.push(`${request.method()} ${url.pathname} -> ${response.status()}`);
        })());
    });
    context.on("requestfailed", request => { load.failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`); });
    try {
        const page = context.pages()[0] ?? await context.newPage();
        page.setDefaultTimeout(90_000);
        const started = performance.now();
        await page.goto(options.url, { waitUntil: "commit" });
        await page.getByText(options.shows).first().waitFor();
        load.shownMs = performance.now() - started;
        // What the page still fetches right after (the UI keeps polling some of its data, so "idle" may never come).
        await page.waitForLoadState("networkidle", { timeout: 3000 }).catch(() => undefined);
        await Promise.all(pending);
    } finally {
        await context.close().catch(() => undefined);
    }
    return load;
}
