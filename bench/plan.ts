// What the benchmark measures, in one place: the requests, the load and the time per measurement.

/** The small request every client sends: MLflow's experiment search, authenticated. */
export const SMALL_REQUEST = "/api/2.0/mlflow/experiments/search?max_results=10";
/** wrk's load for small requests: one thread per core, 20 keep-alive connections. */
export const WRK = { threads: 2, connections: 20 } as const;
/** Unmeasured run before each measurement (seconds). */
export const WARMUP_SECONDS = 1;

/** A UI page: the page itself, then the UI's API calls (the MLflow UI uses /ajax-api/). */
export const PAGE = ["/", ...Array.from({ length: 19 }, () => "/ajax-api/2.0/mlflow/experiments/search?max_results=10")];
export const PAGE_CLIENTS = 50;
/** Page loads are measured for these variants; bcrypt would take minutes per round (see the small-request numbers). */
export const PAGE_VARIANTS = ["b", "c", "d"] as const;
