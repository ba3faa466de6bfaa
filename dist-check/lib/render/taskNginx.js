"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.loopbackUpstream = loopbackUpstream;
exports.loadBalancerTrust = loadBalancerTrust;
exports.defaultTaskServer = defaultTaskServer;
exports.taskServer = taskServer;
exports.renderTaskNginxConf = renderTaskNginxConf;
// nginx.conf for the nginx container of a Fargate task: the same auth, limits and proxy settings
// as the host's (the pieces come from nginx.ts), behind an Application Load Balancer that
// terminates TLS. What differs is only what the place demands: plain HTTP from the load
// balancer, MLflow on the task's loopback, the client's address taken from the balancer's
// X-Forwarded-For, and no artifact downloads from disk (the store is S3; MLflow proxies it).
const nginx_1 = require("./nginx");
const layout_1 = require("./layout");
/**
 * The host pieces take the host's whole input; the two used here read only the upload limit and
 * HSTS (always on: clients reach these names over the balancer's HTTPS listener only). The
 * resolver is never rendered: there is no name to resolve on loopback.
 */
const hostPieceInput = (input) => ({
    serverNames: input.serverNames,
    httpsPort: 443,
    maxUploadSize: input.maxUploadSize,
    resolver: "",
    strictTransportSecurity: true,
    artifactsOnDisk: false,
});
const indent = (text) => text.split("\n").map(line => (line ? `    ${line}` : line)).join("\n");
const block = (head, ...body) => `${head} {\n${indent(body.join("\n"))}\n}`;
/**
 * Containers of one task share a network namespace, so MLflow is on loopback: no resolver, no
 * service name. Keep-alive as on the host (mlflowUpstream in nginx.ts): idle connections close
 * at 4 s, before uvicorn closes them at 5 s.
 */
function loopbackUpstream() {
    return block("upstream mlflow", `server 127.0.0.1:${layout_1.MLFLOW.port};`, "keepalive 64;", "keepalive_requests 10000;", "keepalive_timeout 4s;");
}
/**
 * Every connection nginx sees is the load balancer's (the task's security group admits nothing
 * else), so $remote_addr would be one of its nodes: the failed-login limit would then throttle
 * every client behind the same node together. realip takes the client from the last
 * X-Forwarded-For entry, the one the balancer appended (earlier entries are the client's own
 * claims and are ignored, real_ip_recursive off). X-Forwarded-Proto is believed only from the
 * balancer's subnets; the balancer's only forwarding listener is HTTPS.
 */
function loadBalancerTrust(input) {
    return [
        ...input.loadBalancerCidrs.map(cidr => `set_real_ip_from ${cidr};`),
        "real_ip_header X-Forwarded-For;",
        "real_ip_recursive off;",
        block("geo $realip_remote_addr $from_load_balancer", "default 0;", ...input.loadBalancerCidrs.map(cidr => `${cidr} 1;`)),
        block("map $from_load_balancer:$http_x_forwarded_proto $forwarded_proto", `"1:https" https;`, "default $scheme;"),
    ].join("\n");
}
/**
 * The load balancer's health checks carry a target address as Host: they get /health from the
 * default server (MLflow exempts /health from its Host check). Any other unknown name gets the
 * connection closed, as on the host.
 */
function defaultTaskServer(input) {
    return block("server", `listen ${input.listenPort} default_server;`, block("location = /health", "proxy_pass http://mlflow;"), block("location /", "return 444;"));
}
/** Basic auth on everything but /health; everything goes to MLflow, artifact downloads included (no presigned URLs of the bucket); AI Gateway streams unbuffered, the UI's files compressed, as on the host. */
function taskServer(input) {
    return block("server", `listen ${input.listenPort};`, `server_name ${input.serverNames.join(" ")};`, "", ...(0, nginx_1.securityHeaders)(hostPieceInput(input)), (0, nginx_1.basicAuth)(), "error_page 401 = @auth_failed;", "", block("location = /health", "auth_basic off;", "proxy_pass http://mlflow;"), (0, nginx_1.artifactsThroughServer)(), (0, nginx_1.gatewayStreams)(), (0, nginx_1.staticFiles)(), block("location /", "proxy_pass http://mlflow;"), (0, nginx_1.authFailureLocation)());
}
function renderTaskNginxConf(input) {
    if (input.loadBalancerCidrs.length === 0)
        throw new Error("renderTaskNginxConf: no load balancer address blocks to trust");
    const http = block("http", (0, nginx_1.httpBasics)(), "", loadBalancerTrust(input), "", loopbackUpstream(), "", (0, nginx_1.authFailureZone)(), "", 
    // nginx speaks plain HTTP here: $scheme would tell MLflow "http" for every request.
    (0, nginx_1.proxyToMlflow)(input.maxUploadSize, "$forwarded_proto"), "", defaultTaskServer(input), "", taskServer(input));
    return `# Rendered by mlflow-on-aws; changes here are replaced on the next deployment.\n${(0, nginx_1.mainContext)()}\n\n${http}\n`;
}
//# sourceMappingURL=taskNginx.js.map