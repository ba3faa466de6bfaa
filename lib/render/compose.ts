// The compose stack on the EC2 host: nginx publishes 80 and 443; MLflow publishes nothing and
// is reachable only on the stack's internal network.
import { stringify } from "yaml";
import { ContainerInput, ContainerSpec, HealthCheck, mlflowContainer, nginxContainer } from "./containers";
import { runsAuthApp } from "../settings";
import { DATA, HOST, MLFLOW, NGINX } from "./layout";
import { OAUTH2_PROXY, oauth2ProxyContainer, OidcProxyInput } from "./oidc";
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
 * mlflow or oidc, MLflow's auth app gets its configuration and its secret key; with oidc,
 * oauth2-proxy runs beside nginx (`oidcProxy`), and MLflow gets the identity module.
 */
export function renderCompose(input: ContainerInput, stores?: ExternalStores, oidcProxy?: OidcProxyInput): string {
    const onVolume = mlflowContainer(input);
    const mlflow = stores ? onExternalStores(onVolume, input.mlflowVersion, stores) : onVolume;
    const authApp = runsAuthApp(input.auth);
    if ((input.auth === "oidc") !== (oidcProxy !== undefined)) throw new Error("auth oidc and oauth2-proxy come together");
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
                    ...(oidcProxy ? [`${HOST.pythonDir}:${MLFLOW.pythonDir}:ro`] : []),
                ],
                networks: ["backend"],
            },
            ...(oidcProxy ? {
                [OAUTH2_PROXY.service]: {
                    ...oauth2ProxyContainer(oidcProxy),
                    // The client and cookie secrets, from the file mlflow-fetch-secrets writes: not in this file.
                    env_file: [HOST.oidcEnv],
                    expose: [String(OAUTH2_PROXY.port)],
                    restart: "unless-stopped",
                    networks: ["backend"],
                },
            } : {}),
            nginx: {
                ...service(nginxContainer(input)),
                ports: ["80:80", "443:443"],
                volumes: [
                    `${HOST.nginxConf}:${NGINX.conf}:ro`,
                    // With the auth app nginx checks no password itself.
                    ...(authApp ? [] : [`${HOST.htpasswd}:${NGINX.htpasswd}:ro`]),
                    `${HOST.activeTlsDir}:${NGINX.tlsDir}:ro`,
                    `${DATA.acmeWebroot}:${NGINX.acmeWebroot}:ro`,
                    ...(stores ? [] : [`${DATA.artifacts}:${NGINX.artifactsDir}:ro`]),
                ],
                depends_on: {
                    [MLFLOW.service]: { condition: "service_healthy" },
                    ...(oidcProxy ? { [OAUTH2_PROXY.service]: { condition: "service_started" } } : {}),
                },
                networks: ["backend"],
            },
        },
        networks: { backend: { driver: "bridge" } },
    };
    return `# Rendered by mlflow-on-aws; changes here are replaced on the next deployment.\n${stringify(compose, { lineWidth: 0 })}`;
}
