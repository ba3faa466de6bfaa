// The two containers, described once: the EC2 host's compose file and the local target's
// Docker resources are both made from these.
import { Auth, OidcSettings, runsAuthApp } from "../settings";
import { MLFLOW, SQLITE_FILE } from "./layout";
import { AUTH_APP_NAME } from "./mlflowAuth";
import { identityEnvironment } from "./oidc";

export interface ContainerInput {
    mlflowVersion: string;
    nginxVersion: string;
    /** Names clients use to reach the server (Host headers MLflow must accept). */
    serverNames: string[];
    /** Origins of the MLflow UI as browsers see them, e.g. https://203.0.113.10. */
    origins: string[];
    /** Who checks passwords; with "mlflow" and "oidc" MLflow runs its auth app. */
    auth: Auth;
    /** With auth oidc. */
    oidc?: OidcSettings;
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
    /** Identical containers of this spec that run side by side (1 unless given). */
    replicas?: number;
    command?: string[];
    environment: Record<string, string>;
    healthcheck: HealthCheck;
}

/**
 * MLflow runs as this many servers of one uvicorn worker each (compose replicas of the mlflow
 * service), and nginx spreads requests over them by least connections. Not one server of two
 * workers: uvicorn's workers share one listening socket, so nginx's few kept-alive connections
 * land on whichever worker won `accept()` (one took 91 % of the work at 25 training clients), and
 * uvicorn sets TCP_NODELAY on accepted connections only when it binds the socket itself, as it
 * does for one worker: with several, each answer's body waited behind its headers for nginx's
 * delayed ACK, 40 ms a call (docs/benchmarks.md, section 2). Each server is `mlflow server`
 * (about 190 MiB PSS, idle) and its worker (about 190 MiB); two fit a t4g.small's 2 GiB with
 * about 1 GiB left to the OS, Docker, nginx and the page cache, keep both vCPUs busy, and keep
 * one server answering while the other restarts.
 */
export const MLFLOW_SERVERS = 2;

/**
 * SQLAlchemy's pool of the SQLite store on the data volume, per MLflow server. A uvicorn worker
 * runs up to 40 requests at once in its thread pool, and MLflow's log_batch holds one session
 * while what it logs opens another: up to 80 connections, so none ever waits for one (with
 * SQLAlchemy's default of 5 + 10 they did, 30 s, and failed). A connection kept in the pool spares
 * each request SQLite's opening of the file and reading of the schema: at 50 training clients
 * MLflow's CPU fell by a fifth or more against a new connection per request (docs/benchmarks.md).
 */
export const SQLITE_STORE_ENVIRONMENT: Readonly<Record<string, string>> = {
    MLFLOW_SQLALCHEMYSTORE_POOL_SIZE: "10",
    MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW: "70",
};

/**
 * SQLite's journal mode for MLflow's database, kept in the file; host/mlflow-db-upgrade sets it
 * before the servers start. In write-ahead-log mode a commit appends to one log (and syncs it:
 * SQLite's default synchronous=FULL stays) instead of writing a rollback journal and the
 * database, and readers never wait for the writer (docs/benchmarks.md).
 */
export const SQLITE_JOURNAL_MODE = "wal";

export const mlflowImage = (version: string) => `ghcr.io/mlflow/mlflow:v${version}`;
/** boto3 (S3), psycopg2 (PostgreSQL) and Flask-WTF (the auth app's CSRF protection) are only in MLflow's -full image. */
export const mlflowFullImage = (version: string) => `${mlflowImage(version)}-full`;
export const nginxImage = (version: string) => `nginx:${version}-alpine`;

/**
 * MLflow with proxied artifact storage: clients send artifacts through the server
 * (mlflow-artifacts:/ default root) instead of being handed a server-local path, and the
 * database and artifacts live on the data volume. With auth mlflow or oidc, the auth app (from the
 * -full image, which has its Flask-WTF) reads its configuration from MLFLOW.authConfig; with oidc
 * it calls the identity module for every request.
 */
export function mlflowContainer(input: ContainerInput): ContainerSpec {
    const authApp = runsAuthApp(input.auth);
    if ((input.auth === "oidc") !== (input.oidc !== undefined)) throw new Error("auth oidc and its settings come together");
    return {
        image: authApp ? mlflowFullImage(input.mlflowVersion) : mlflowImage(input.mlflowVersion),
        replicas: MLFLOW_SERVERS,
        command: [
            "mlflow", "server",
            "--host", "0.0.0.0",
            "--port", String(MLFLOW.port),
            "--backend-store-uri", `sqlite:///${MLFLOW.dataDir}/${SQLITE_FILE}`,
            "--serve-artifacts",
            "--artifacts-destination", MLFLOW.artifactsDir,
            "--workers", "1",
            ...(authApp ? ["--app-name", AUTH_APP_NAME] : []),
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
            ...(authApp ? { MLFLOW_AUTH_CONFIG_PATH: MLFLOW.authConfig } : {}),
            // The authorization function of auth oidc, a module of this project's on the path.
            ...(input.oidc ? { PYTHONPATH: MLFLOW.pythonDir, ...identityEnvironment(input.oidc) } : {}),
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
