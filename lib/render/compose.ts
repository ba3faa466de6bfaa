// The compose stack on the EC2 host: nginx publishes 80 and 443; MLflow publishes nothing and
// is reachable only on the stack's internal network.
import { stringify } from "yaml";
import { ContainerInput, ContainerSpec, HealthCheck, mlflowContainer, nginxContainer } from "./containers";
import { DATA, HOST, MLFLOW, NGINX } from "./layout";
import { ExternalStores, onExternalStores, RDS_CA_FILE } from "./stores";

const composeHealthcheck = (check: HealthCheck) => ({
    test: check.test,
    interval: check.interval,
    timeout: check.timeout,
    retries: check.retries,
    start_period: check.startPeriod,
    start_interval: check.startInterval,
});

const service = (spec: ContainerSpec) => ({
    image: spec.image,
    ...((spec.replicas ?? 1) > 1 ? { deploy: { replicas: spec.replicas } } : {}),
    ...(spec.command ? { command: spec.command } : {}),
    ...(Object.keys(spec.environment).length > 0 ? { environment: spec.environment } : {}),
    healthcheck: composeHealthcheck(spec.healthcheck),
    restart: "unless-stopped",
});

/**
 * With `stores` (a stateless host), MLflow uses PostgreSQL and S3 and keeps nothing on the data
 * volume: it gets the RDS CA bundle and the password file read-only instead of the volume, and
 * nginx passes artifact downloads on to MLflow instead of reading a store it cannot see. With auth
 * mlflow, MLflow's auth app gets its configuration and its secret key.
 */
export function renderCompose(input: ContainerInput, stores?: ExternalStores): string {
    const onVolume = mlflowContainer(input);
    const mlflow = stores ? onExternalStores(onVolume, input.mlflowVersion, stores) : onVolume;
    const authApp = input.auth === "mlflow";
    const compose = {
        name: "mlflow",
        services: {
            [MLFLOW.service]: {
                ...service(stores ? { ...mlflow, environment: { ...mlflow.environment, PGPASSFILE: MLFLOW.pgpassFile } } : mlflow),
                // The auth app's secret key, from the file mlflow-fetch-secrets writes: not in this file.
                ...(authApp ? { env_file: [HOST.authEnv] } : {}),
                expose: [String(MLFLOW.port)],
                volumes: [
                    ...(stores
                        ? [`${HOST.rdsCaBundle}:${RDS_CA_FILE}:ro`, `${HOST.pgpassFile}:${MLFLOW.pgpassFile}:ro`]
                        : [`${DATA.mlflow}:${MLFLOW.dataDir}`]),
                    ...(authApp ? [`${HOST.authConfig}:${MLFLOW.authConfig}:ro`] : []),
                ],
                networks: ["backend"],
            },
            nginx: {
                ...service(nginxContainer(input)),
                ports: ["80:80", "443:443"],
                volumes: [
                    `${HOST.nginxConf}:${NGINX.conf}:ro`,
                    // With auth mlflow nginx checks no password itself.
                    ...(authApp ? [] : [`${HOST.htpasswd}:${NGINX.htpasswd}:ro`]),
                    `${HOST.activeTlsDir}:${NGINX.tlsDir}:ro`,
                    `${DATA.acmeWebroot}:${NGINX.acmeWebroot}:ro`,
                    ...(stores ? [] : [`${DATA.artifacts}:${NGINX.artifactsDir}:ro`]),
                ],
                depends_on: { [MLFLOW.service]: { condition: "service_healthy" } },
                networks: ["backend"],
            },
        },
        networks: { backend: { driver: "bridge" } },
    };
    return `# Rendered by mlflow-on-aws; changes here are replaced on the next deployment.\n${stringify(compose, { lineWidth: 0 })}`;
}
