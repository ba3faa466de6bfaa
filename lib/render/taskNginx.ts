// nginx.conf for the nginx container of a Fargate task: the same auth, limits and proxy settings
// as the host's (the pieces come from nginx.ts), behind an Application Load Balancer that
// terminates TLS. What differs is only what the place demands: plain HTTP from the load
// balancer, MLflow on the task's loopback, the client's address taken from the balancer's
// X-Forwarded-For, and no artifact downloads from disk (the store is S3; MLflow proxies it).
import { Auth } from "../settings";
import { artifactsThroughServer, authFailureLocation, authFailureZone, gatewayStreams, healthLocation, httpBasics, identityCheck, mainContext, MLFLOW_SERVER_PARAMETERS, NginxInput, oauth2ProxyUpstream, oidcLocations, passwordCheck, proxyToMlflow, securityHeaders, staticFiles } from "./nginx";
import { OAUTH2_PROXY } from "./oidc";
import { taskMlflowServers } from "./taskContainers";

export interface TaskNginxInput {
    /** Host names clients use (the domain or the load balancer's DNS name); the first is canonical. */
    serverNames: string[];
    /** The port the load balancer sends requests to. */
    listenPort: number;
    /** client_max_body_size, nginx syntax. */
    maxUploadSize: string;
    /** MLflow servers in the task (mlflowServersPerTask), each on its own loopback port. */
    mlflowServers: number;
    /**
     * Address blocks of the load balancer's subnets: only connections from there may say which
     * client and which protocol a request came with.
     */
    loadBalancerCidrs: string[];
    /** Who checks passwords: nginx (basic) or MLflow's auth app (mlflow); with oidc, oauth2-proxy in the task vouches for people first. */
    auth: Auth;
}

/**
 * The host pieces take the host's whole input; those used here read only the upload limit, HSTS
 * (always on: clients reach these names over the balancer's HTTPS listener only) and who checks
 * passwords. The resolver is never rendered: there is no name to resolve on loopback.
 */
const hostPieceInput = (input: TaskNginxInput): NginxInput => ({
    serverNames: input.serverNames,
    httpsPort: 443,
    maxUploadSize: input.maxUploadSize,
    resolver: "",
    strictTransportSecurity: true,
    artifactsOnDisk: false,
    auth: input.auth,
});

const indent = (text: string) => text.split("\n").map(line => (line ? `    ${line}` : line)).join("\n");
const block = (head: string, ...body: string[]) => `${head} {\n${indent(body.join("\n"))}\n}`;

/**
 * Containers of one task share a network namespace, so MLflow's servers are on loopback, each on
 * its own port: no resolver, no service name. As on the host (mlflowUpstream in nginx.ts), each
 * request goes to the server with the fewest requests in progress, and connections are kept
 * alive: idle ones close at 4 s, before uvicorn closes them at 5 s.
 */
export function loopbackUpstream(input: TaskNginxInput): string {
    return block("upstream mlflow",
        "least_conn;",
        ...taskMlflowServers(input.mlflowServers).map(({ port }) => `server 127.0.0.1:${port} ${MLFLOW_SERVER_PARAMETERS};`),
        "keepalive 64;",
        "keepalive_requests 10000;",
        "keepalive_timeout 4s;");
}

/**
 * Every connection nginx sees is the load balancer's (the task's security group admits nothing
 * else), so $remote_addr would be one of its nodes: the failed-login limit would then throttle
 * every client behind the same node together. realip takes the client from the last
 * X-Forwarded-For entry, the one the balancer appended (earlier entries are the client's own
 * claims and are ignored, real_ip_recursive off). X-Forwarded-Proto is believed only from the
 * balancer's subnets; the balancer's only forwarding listener is HTTPS.
 */
export function loadBalancerTrust(input: TaskNginxInput): string {
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
export function defaultTaskServer(input: TaskNginxInput): string {
    return block("server",
        `listen ${input.listenPort} default_server;`,
        block("location = /health", "proxy_pass http://mlflow;"),
        block("location /", "return 444;"));
}

/** Basic auth (or MLflow's, with oidc after oauth2-proxy's sign-in) on everything but /health; everything goes to MLflow, artifact downloads included (no presigned URLs of the bucket; MLflow checks each download's permission itself); AI Gateway streams unbuffered, the UI's files compressed, as on the host. */
export function taskServer(input: TaskNginxInput): string {
    return block("server",
        `listen ${input.listenPort};`,
        `server_name ${input.serverNames.join(" ")};`,
        "",
        ...securityHeaders(hostPieceInput(input)),
        ...passwordCheck(hostPieceInput(input)),
        ...(input.auth === "oidc" ? identityCheck() : []),
        "",
        healthLocation(hostPieceInput(input)),
        ...(input.auth === "oidc" ? [oidcLocations("$forwarded_proto")] : []),
        artifactsThroughServer(),
        gatewayStreams(),
        staticFiles(),
        block("location /", "proxy_pass http://mlflow;"),
        authFailureLocation(hostPieceInput(input)));
}

export function renderTaskNginxConf(input: TaskNginxInput): string {
    if (input.loadBalancerCidrs.length === 0) throw new Error("renderTaskNginxConf: no load balancer address blocks to trust");
    const http = block("http",
        httpBasics(),
        "",
        loadBalancerTrust(input),
        "",
        loopbackUpstream(input),
        "",
        authFailureZone(),
        // oauth2-proxy shares the task's loopback, as MLflow's servers do.
        ...(input.auth === "oidc" ? ["", oauth2ProxyUpstream(`127.0.0.1:${OAUTH2_PROXY.port}`)] : []),
        "",
        // nginx speaks plain HTTP here: $scheme would tell MLflow "http" for every request.
        proxyToMlflow(input.maxUploadSize, "$forwarded_proto", input.auth === "oidc"),
        "",
        defaultTaskServer(input),
        "",
        taskServer(input));
    return `# Rendered by mlflow-on-aws; changes here are replaced on the next deployment.\n${mainContext()}\n\n${http}\n`;
}
