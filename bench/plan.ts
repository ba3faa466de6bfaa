// What the benchmark measures, in one place: the training loop its clients run, the load levels,
// the reads and the time per measurement.

/** Concurrent training clients, one load level each, lowest first. */
export const CLIENT_LEVELS = [1, 10, 25, 50, 75, 100, 200] as const;
/** The latency a tracking call may take at p99 for a level to count as carried. */
export const P99_LIMIT_MS = 250;

/** One training client's loop, as a job using MLflow's Python client runs it. */
export const TRAINING = {
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
} as const;

/** The closed loop for the proxy's cost: clients sending one 10-metric log-batch after another, no pause. */
export const SATURATING_CLIENTS = 16;

/** Unmeasured run before each measurement (seconds): connections, runs and workers warmed up. */
export const WARMUP_SECONDS = 2;

/** Runs in the experiment the reads search, each with params, metrics and tags like a training run's. */
export const SEARCH_RUNS = 10_000;
/** What MLflow's Python client asks per page of search_runs (SEARCH_MAX_RESULTS_DEFAULT). */
export const SEARCH_PAGE = 1000;

/** wrk's load for nginx's own path (small artifact files nginx serves itself): one thread per core, 20 keep-alive connections. */
export const WRK = { threads: 2, connections: 20 } as const;
