// The compose stack on the EC2 host: nginx publishes 80 and 443; MLflow publishes nothing and
// is reachable only on the stack's internal network.
import { stringify } from "yaml";
import { ContainerInput, ContainerSpec, HealthCheck, mlflowContainer, nginxContainer } from "./containers";
import { DATA, HOST, MLFLOW, NGINX } from "./layout";

const composeHealthcheck = (check: HealthCheck) => ({
    test: check.test,
    interval: check.interval,
    timeout: check.timeout,
    retries: check.retries,
    start_period: check.startPeriod,
});

const service = (spec: ContainerSpec) => ({
    image: spec.image,
    ...(spec.command ? { command: spec.command } : {}),
    ...(Object.keys(spec.environment).length > 0 ? { environment: spec.environment } : {}),
    healthcheck: composeHealthcheck(spec.healthcheck),
    restart: "unless-stopped",
});

export function renderCompose(input: ContainerInput): string {
    const compose = {
        name: "mlflow",
        services: {
            [MLFLOW.service]: {
                ...service(mlflowContainer(input)),
                expose: [String(MLFLOW.port)],
                volumes: [`${DATA.mlflow}:${MLFLOW.dataDir}`],
                networks: ["backend"],
            },
            nginx: {
                ...service(nginxContainer(input)),
                ports: ["80:80", "443:443"],
                volumes: [
                    `${HOST.nginxConf}:${NGINX.conf}:ro`,
                    `${HOST.htpasswd}:${NGINX.htpasswd}:ro`,
                    `${HOST.activeTlsDir}:${NGINX.tlsDir}:ro`,
                    `${DATA.acmeWebroot}:${NGINX.acmeWebroot}:ro`,
                    `${DATA.artifacts}:${NGINX.artifactsDir}:ro`,
                ],
                depends_on: { [MLFLOW.service]: { condition: "service_healthy" } },
                networks: ["backend"],
            },
        },
        networks: { backend: { driver: "bridge" } },
    };
    return `# Rendered by mlflow-on-aws; changes here are replaced on the next deployment.\n${stringify(compose, { lineWidth: 0 })}`;
}
