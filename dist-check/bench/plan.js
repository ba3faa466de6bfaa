"use strict";
// What the benchmark measures, in one place: the training loop its clients run, the load levels,
// the reads and the time per measurement.
Object.defineProperty(exports, "__esModule", { value: true });
exports.WRK = exports.SEARCH_PAGE = exports.SEARCH_RUNS = exports.WARMUP_SECONDS = exports.SATURATING_CLIENTS = exports.TRAINING = exports.P99_LIMIT_MS = exports.CLIENT_LEVELS = void 0;
/** Concurrent training clients, one load level each, lowest first. */
exports.CLIENT_LEVELS = [1, 10, 25, 50, 100, 200];
/** The latency a tracking call may take at p99 for a level to count as carried. */
exports.P99_LIMIT_MS = 250;
/** One training client's loop, as a job using MLflow's Python client runs it. */
exports.TRAINING = {
    /** Parameters logged at the start (one log-batch), and tags (another). */
    params: 20,
    tags: 5,
    /** Metrics per step, in one log-batch, one step a second. */
    metricsPerStep: 10,
    stepMs: 1000,
    /** A small artifact (a checkpoint's metadata, a plot) every this many steps ... */
    artifactEverySteps: 5,
    /** ... of this size. */
    artifactBytes: 64 * 1024,
};
/** The closed loop for the proxy's cost: clients sending one 10-metric log-batch after another, no pause. */
exports.SATURATING_CLIENTS = 16;
/** Unmeasured run before each measurement (seconds): connections, runs and workers warmed up. */
exports.WARMUP_SECONDS = 2;
/** Runs in the experiment the reads search, each with params, metrics and tags like a training run's. */
exports.SEARCH_RUNS = 10_000;
/** What MLflow's Python client asks per page of search_runs (SEARCH_MAX_RESULTS_DEFAULT). */
exports.SEARCH_PAGE = 1000;
/** wrk's load for nginx's own path (small artifact files nginx serves itself): one thread per core, 20 keep-alive connections. */
exports.WRK = { threads: 2, connections: 20 };
//# sourceMappingURL=plan.js.map