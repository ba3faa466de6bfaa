"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.renderCompose = renderCompose;
// The compose stack on the EC2 host: nginx publishes 80 and 443; MLflow publishes nothing and
// is reachable only on the stack's internal network.
const yaml_1 = require("yaml");
const containers_1 = require("./containers");
const layout_1 = require("./layout");
const stores_1 = require("./stores");
const composeHealthcheck = (check) => ({
    test: check.test,
    interval: check.interval,
    timeout: check.timeout,
    retries: check.retries,
    start_period: check.startPeriod,
});
const service = (spec) => ({
    image: spec.image,
    ...(spec.command ? { command: spec.command } : {}),
    ...(Object.keys(spec.environment).length > 0 ? { environment: spec.environment } : {}),
    healthcheck: composeHealthcheck(spec.healthcheck),
    restart: "unless-stopped",
});
/**
 * With `stores` (a stateless host), MLflow uses PostgreSQL and S3 and keeps nothing on the data
 * volume: it gets the RDS CA bundle and the password file read-only instead of the volume, and
 * nginx passes artifact downloads on to MLflow instead of reading a store it cannot see.
 */
function renderCompose(input, stores) {
    const onVolume = (0, containers_1.mlflowContainer)(input);
    const mlflow = stores ? (0, stores_1.onExternalStores)(onVolume, input.mlflowVersion, stores) : onVolume;
    const compose = {
        name: "mlflow",
        services: {
            [layout_1.MLFLOW.service]: {
                ...service(stores ? { ...mlflow, environment: { ...mlflow.environment, PGPASSFILE: layout_1.MLFLOW.pgpassFile } } : mlflow),
                expose: [String(layout_1.MLFLOW.port)],
                volumes: stores
                    ? [`${layout_1.HOST.rdsCaBundle}:${stores_1.RDS_CA_FILE}:ro`, `${layout_1.HOST.pgpassFile}:${layout_1.MLFLOW.pgpassFile}:ro`]
                    : [`${layout_1.DATA.mlflow}:${layout_1.MLFLOW.dataDir}`],
                networks: ["backend"],
            },
            nginx: {
                ...service((0, containers_1.nginxContainer)(input)),
                ports: ["80:80", "443:443"],
                volumes: [
                    `${layout_1.HOST.nginxConf}:${layout_1.NGINX.conf}:ro`,
                    `${layout_1.HOST.htpasswd}:${layout_1.NGINX.htpasswd}:ro`,
                    `${layout_1.HOST.activeTlsDir}:${layout_1.NGINX.tlsDir}:ro`,
                    `${layout_1.DATA.acmeWebroot}:${layout_1.NGINX.acmeWebroot}:ro`,
                    ...(stores ? [] : [`${layout_1.DATA.artifacts}:${layout_1.NGINX.artifactsDir}:ro`]),
                ],
                depends_on: { [layout_1.MLFLOW.service]: { condition: "service_healthy" } },
                networks: ["backend"],
            },
        },
        networks: { backend: { driver: "bridge" } },
    };
    return `# Rendered by mlflow-on-aws; changes here are replaced on the next deployment.\n${(0, yaml_1.stringify)(compose, { lineWidth: 0 })}`;
}
//# sourceMappingURL=compose.js.map