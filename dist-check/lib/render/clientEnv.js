"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.renderTrackingEnv = renderTrackingEnv;
const quote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;
function renderTrackingEnv(input) {
    const lines = [
        `export MLFLOW_TRACKING_URI=${quote(input.url)}`,
        `export MLFLOW_TRACKING_USERNAME=${quote(input.user)}`,
        `export MLFLOW_TRACKING_PASSWORD=${quote(input.password)}`,
    ];
    if (input.caCertFile) {
        lines.push(`export MLFLOW_TRACKING_SERVER_CERT_PATH=${quote(input.caCertFile)}  # pulumi stack output caCertPem > ${input.caCertFile}`);
    }
    return lines.join("\n") + "\n";
}
//# sourceMappingURL=clientEnv.js.map