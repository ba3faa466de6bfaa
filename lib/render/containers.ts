// The two containers, described once: the EC2 host's compose file and the local target's
// Docker resources are both made from these.
import { MLFLOW, SQLITE_FILE } from "./layout";

export interface ContainerInput {
    mlflowVersion: string;
    nginxVersion: string;
    /** Names clients use to reach the server (Host headers MLflow must accept). */
    serverNames: string[];
    /** Origins of the MLflow UI as browsers see them, e.g. https://203.0.113.10. */
    origins: string[];
}

export interface HealthCheck {
    test: string[];
    interval: string;
    timeout: string;
    retries: number;
    startPeriod: string;
    /**
     * How often Docker checks during the start period (compose's start_interval; ECS has no such
     * setting): nginx waits for MLflow's first healthy check, and `docker compose up --wait` for
     * nginx's, so a check every `interval` would add up to two intervals to every start.
     */
    startInterval: string;
}

export interface ContainerSpec {
    image: string;
    command?: string[];
    environment: Record<string, string>;
    healthcheck: HealthCheck;
}

/**
 * uvicorn workers of `mlflow server` (MLflow's default is 4). Each worker is a whole Python
 * process with MLflow imported; measured with MLflow 3.17.2 under the real client's flow
 * (test/real-mlflow.e2e: runs, 3,000 metrics, 1 GiB artifacts, a model, a trace), summed over all
 * of MLflow's processes (PSS / RSS): 4 workers 951 / 1,268 MiB, 2 workers 624 / 791 MiB, 1 worker
 * 417 / 486 MiB; about 160 MiB PSS per worker on top of ~290 MiB for `mlflow server` itself and
 * uvicorn's supervisor. MLflow's defaults (4 workers and the job runner) peaked at 2,267 / 3,081
 * MiB: more than a 2 GiB t4g.small has. Two workers leave about 1 GiB to the OS, Docker, nginx
 * and the page cache, and keep a second worker serving (uvicorn restarts a dead one) while one is
 * busy; artifact downloads do not hold them, nginx reads those from the store.
 */
export const MLFLOW_WORKERS = 2;

/**
 * What the SQLite store on the data volume needs. Each uvicorn worker runs up to 40 requests at
 * once in its thread pool, and SQLAlchemy's default pool holds 15 SQLite connections: from about
 * 50 training clients on, requests waited 30 s for a connection and failed (docs/benchmarks.md,
 * "SQLAlchemy's pool"). Without a pool every session opens its own connection to the file, which
 * costs microseconds, and nothing waits for one. (A PostgreSQL store keeps the pool: there a
 * connection costs a TLS handshake.)
 */
export const SQLITE_STORE_ENVIRONMENT: Readonly<Record<string, string>> = { MLFLOW_SQLALCHEMYSTORE_POOLCLASS: "NullPool" };

export const mlflowImage = (version: string) => `ghcr.io/mlflow/mlflow:v${version}`;
export const nginxImage = (version: string) => `nginx:${version}-alpine`;

/**
 * MLflow with proxied artifact storage: clients send artifacts through the server
 * (mlflow-artifacts:/ default root) instead of being handed a server-local path, and the
 * database and artifacts live on the data volume.
 */
export function mlflowContainer(input: ContainerInput): ContainerSpec {
    return {
        image: mlflowImage(input.mlflowVersion),
        command: [
            "mlflow", "server",
            "--host", "0.0.0.0",
            "--port", String(MLFLOW.port),
            "--backend-store-uri", `sqlite:///${MLFLOW.dataDir}/${SQLITE_FILE}`,
            "--serve-artifacts",
            "--artifacts-destination", MLFLOW.artifactsDir,
            "--workers", String(MLFLOW_WORKERS),
        ],
        environment: {
            // MLflow 3.5+ refuses Host headers and browser origins it does not know (403).
            MLFLOW_SERVER_ALLOWED_HOSTS: input.serverNames.join(","),
            MLFLOW_SERVER_CORS_ALLOWED_ORIGINS: input.origins.join(","),
            // The job runner runs only GenAI work (LLM judges, prompt optimisation, evaluation, the
            // online-scoring scheduler), which needs an LLM provider this stack does not set up;
            // it costs a job runner plus 7 huey consumers, each a Python process with MLflow loaded
            // (about 690 MiB PSS together, measured idle), and its calls to http://0.0.0.0:5000
            // would fail the Host check set above (403 "Invalid Host header").
            MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false",
            // MLflow sends usage events to mlflow-telemetry.io by default, the server its own and
            // those the UI posts to it; a private server keeps what its users do to itself.
            MLFLOW_DISABLE_TELEMETRY: "true",
            ...SQLITE_STORE_ENVIRONMENT,
        },
        healthcheck: {
            test: ["CMD", "python", "-c",
                `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${MLFLOW.port}/health', timeout=5)`],
            interval: "30s",
            timeout: "10s",
            retries: 3,
            startPeriod: "120s",
            startInterval: "2s",
        },
    };
}

/** nginx, checked through its own port 80 /health, which also proves MLflow answers behind it. */
export function nginxContainer(input: ContainerInput): ContainerSpec {
    return {
        image: nginxImage(input.nginxVersion),
        environment: {},
        healthcheck: {
            test: ["CMD", "wget", "-q", "-O", "/dev/null", "--header", `Host: ${input.serverNames[0]}`, "http://127.0.0.1/health"],
            interval: "30s",
            timeout: "10s",
            retries: 3,
            startPeriod: "30s",
            startInterval: "2s",
        },
    };
}
