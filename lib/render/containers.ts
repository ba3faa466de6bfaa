// The two containers, described once: the EC2 host's compose file and the local target's
// Docker resources are both made from these.
import { MLFLOW } from "./layout";

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
}

export interface ContainerSpec {
    image: string;
    command?: string[];
    environment: Record<string, string>;
    healthcheck: HealthCheck;
}

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
            "--backend-store-uri", `sqlite:///${MLFLOW.dataDir}/mlflow.db`,
            "--serve-artifacts",
            "--artifacts-destination", MLFLOW.artifactsDir,
        ],
        environment: {
            // MLflow 3.5+ refuses Host headers and browser origins it does not know (403).
            MLFLOW_SERVER_ALLOWED_HOSTS: input.serverNames.join(","),
            MLFLOW_SERVER_CORS_ALLOWED_ORIGINS: input.origins.join(","),
        },
        healthcheck: {
            test: ["CMD", "python", "-c",
                `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${MLFLOW.port}/health', timeout=5)`],
            interval: "30s",
            timeout: "10s",
            retries: 3,
            startPeriod: "120s",
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
        },
    };
}
