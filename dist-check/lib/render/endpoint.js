"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.endpointUrl = void 0;
exports.hostEndpoint = hostEndpoint;
exports.localEndpoint = localEndpoint;
exports.containerInput = containerInput;
exports.renderProxyConf = renderProxyConf;
const nginx_1 = require("./nginx");
/** An EC2 host: its domain (if any) and its Elastic IP, on 443. */
function hostEndpoint(domain, publicIp) {
    return { names: domain ? [domain, publicIp] : [publicIp], httpsPort: 443, strictTransportSecurity: true };
}
/** The local target: localhost on the local target's https port. */
function localEndpoint(httpsPort) {
    return { names: ["localhost", "127.0.0.1"], httpsPort, strictTransportSecurity: false };
}
const portSuffix = (endpoint) => (endpoint.httpsPort === 443 ? "" : `:${endpoint.httpsPort}`);
const endpointUrl = (endpoint) => `https://${endpoint.names[0]}${portSuffix(endpoint)}`;
exports.endpointUrl = endpointUrl;
function containerInput(settings, endpoint) {
    return {
        mlflowVersion: settings.mlflowVersion,
        nginxVersion: settings.nginxVersion,
        serverNames: endpoint.names,
        origins: endpoint.names.map(name => `https://${name}${portSuffix(endpoint)}`),
    };
}
/**
 * nginx.conf for `endpoint`; `maxUploadSize` is client_max_body_size in nginx syntax;
 * `artifactsOnDisk`: the artifact store is the data volume's directory (not an S3 bucket).
 */
function renderProxyConf(endpoint, maxUploadSize, artifactsOnDisk) {
    return (0, nginx_1.renderNginxConf)({
        serverNames: endpoint.names,
        httpsPort: endpoint.httpsPort,
        maxUploadSize,
        // Docker's embedded DNS, on the host's compose network and on the local target's network alike.
        resolver: "127.0.0.11",
        strictTransportSecurity: endpoint.strictTransportSecurity,
        artifactsOnDisk,
    });
}
//# sourceMappingURL=endpoint.js.map