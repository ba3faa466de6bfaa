// nginx.conf for the proxy in front of MLflow, built from small named pieces. Each piece can be
// read next to its reference: the TLS piece next to Mozilla's "intermediate" profile, the proxy
// piece next to MLflow's notes on large artifacts, the auth piece next to the benchmark's measurements (docs/benchmarks.md).
import { Auth, runsAuthApp } from "../settings";
import { MLFLOW, NGINX } from "./layout";
import { IDENTITY_HEADERS, OAUTH2_PROXY, OIDC_PATH_PREFIX } from "./oidc";

export interface NginxInput {
    /** Host names the server answers to: the public IP and, when set, the domain. The first is canonical. */
    serverNames: string[];
    /** Port clients use for https (443 on AWS); redirects from http point there. */
    httpsPort: number;
    /** client_max_body_size, nginx syntax. */
    maxUploadSize: string;
    /** Docker's embedded DNS, which resolves the MLflow service name and follows it across restarts. */
    resolver: string;
    /**
     * Send HSTS. Browsers apply it to a host name on every port, so it stays off for localhost:
     * it would force https onto every other local development server for two years.
     */
    strictTransportSecurity: boolean;
    /**
     * MLflow's artifact store is a directory nginx can read (the data volume), so nginx serves
     * downloads itself (artifactDownloads). False when the store is an S3 bucket: MLflow serves them.
     */
    artifactsOnDisk: boolean;
    /**
     * Who checks passwords: nginx against the htpasswd file ("basic"), or MLflow's auth app
     * ("mlflow"); with "oidc" oauth2-proxy vouches for people signed in with the provider first.
     */
    auth: Auth;
}

const indent = (text: string, depth = 1) =>
    text.split("\n").map(line => (line ? "    ".repeat(depth) + line : line)).join("\n");

const block = (head: string, ...body: string[]) => `${head} {\n${indent(body.join("\n"))}\n}`;

/**
 * Worker model: ONE worker. On these hosts (2 vCPUs) nginx shares the cores with MLflow, and one
 * worker batches more events per wake-up and switches less than two. It is far from the limit:
 * one worker serves about 24,000 authenticated small-file requests/s at 40 µs of CPU each, where
 * MLflow itself answers about 60 tracking calls/s, and sends a 1 GiB artifact download for about
 * 1 CPU-second (`npm run bench`, docs/benchmarks.md, sections 2, 4 and 5). 4096 connections: UI bursts (each proxied request holds a
 * client and an upstream connection) and long artifact transfers.
 */
export function mainContext(): string {
    return [
        "user nginx;",
        "worker_processes 1;",
        "worker_rlimit_nofile 16384;",
        "pid /run/nginx.pid;",
        "error_log /var/log/nginx/error.log notice;",
        "",
        block("events", "worker_connections 4096;"),
    ].join("\n");
}

/**
 * Plain HTTP settings shared by every server. The access log is written in 64k blocks, at the
 * latest a second after a request, instead of one write per request (bench: +2 % requests/s).
 * It names the upstream of each request ("-" for none), so the log tells what MLflow answered
 * from what nginx answered itself: artifact downloads from the store, refused logins.
 */
export function httpBasics(): string {
    return [
        "include /etc/nginx/mime.types;",
        "default_type application/octet-stream;",
        "server_tokens off;",
        // The default bucket (64 bytes here) refuses to start with a name of about 50 characters
        // or more, which a load balancer's DNS name is; 256 holds any DNS name (253 at most).
        "server_names_hash_bucket_size 256;",
        `log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '`,
        `                '"$http_referer" "$http_user_agent" rt=$request_time upstream=$upstream_addr';`,
        "access_log /var/log/nginx/access.log main buffer=64k flush=1s;",
        "sendfile on;",
        "tcp_nopush on;",
        "keepalive_timeout 75s;",
        "keepalive_requests 10000;",
        `client_body_temp_path ${NGINX.clientBodyTemp};`,
        `proxy_temp_path ${NGINX.proxyTemp};`,
    ].join("\n");
}

/**
 * Mozilla intermediate (TLS 1.2 and 1.3, ECDHE with AES-GCM or ChaCha20-Poly1305).
 * No OCSP stapling: Let's Encrypt no longer runs OCSP, and the private CA never did.
 */
export function tlsIntermediate(): string {
    return [
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "ssl_ecdh_curve X25519:prime256v1:secp384r1;",
        "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" +
            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" +
            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;",
        "ssl_prefer_server_ciphers off;",
        "ssl_session_timeout 1d;",
        "ssl_session_cache shared:TLS:10m;",
        "ssl_session_tickets off;",
        `ssl_certificate ${NGINX.certificate};`,
        `ssl_certificate_key ${NGINX.certificateKey};`,
    ].join("\n");
}

/**
 * How nginx treats one of MLflow's servers that fails a connection: passed over for 2 s, the
 * request sent to another. nginx's default, 10 s, would keep a restarted server out long after
 * it answers, and after a crash of all of them every server for 10 s; never passing a server
 * over (max_fails=0) would have every request try a stopped container's address first, whose
 * connection fails only after an ARP timeout (about 3 s) on Docker's bridge.
 */
export const MLFLOW_SERVER_PARAMETERS = "fail_timeout=2s";

/**
 * MLflow by its compose service name, re-resolved through Docker's DNS so that a recreated
 * container (new address) is followed; the name gives one address per server (MLFLOW_SERVERS),
 * and each request goes to the server with the fewest requests in progress, so neither server
 * idles while the other queues. Connections to MLflow are reused: up to 64 idle ones (50 users
 * loading UI pages at once keep about that many busy), for 10,000 requests each instead of
 * nginx's 1,000 (bench: +6 % requests/s, p99 -7 %), and closed after 4 s idle, before uvicorn
 * (MLflow's server) closes them at 5 s: nginx never sends a request on a connection MLflow is
 * closing, which would fail a POST with 502.
 */
export function mlflowUpstream(input: NginxInput): string {
    return [
        `resolver ${input.resolver} valid=10s ipv6=off;`,
        block("upstream mlflow",
            "zone mlflow 64k;",
            "least_conn;",
            `server ${MLFLOW.service}:${MLFLOW.port} resolve ${MLFLOW_SERVER_PARAMETERS};`,
            "keepalive 64;",
            "keepalive_requests 10000;",
            "keepalive_timeout 4s;"),
    ].join("\n");
}

/**
 * Only failed logins are rate limited (see authFailureLocation): a signed-in user's UI, which
 * fires dozens of requests per page, never meets the limit; a password guesser gets one try a
 * second after a short burst.
 */
export function authFailureZone(): string {
    return [
        "limit_req_zone $binary_remote_addr zone=auth_failures:10m rate=1r/s;",
        "limit_req_status 429;",
    ].join("\n");
}

/**
 * Request and response bodies stream straight through: no request buffering and no temporary
 * files, so a multi-GB artifact neither fills the disk nor waits to be spooled; nginx holds at
 * most the buffers below per transfer (bench: a few MiB of memory during a 2 GiB transfer).
 * Big buffers mean fewer, larger reads and writes: an upload passes through 256k instead of the
 * default 16k (bench: nginx CPU per GiB uploaded 0.77 -> 0.61 s, upload +10 %), an answer from
 * MLflow through 8 x 256k instead of 16 x 64k (nginx CPU per GiB downloaded 0.62 -> 0.53 s; the
 * throughput stays what client and MLflow allow; artifact downloads do not pass here, see
 * artifactDownloads()). The timeouts bound the silence between two reads or writes, not a whole
 * transfer.
 */
/**
 * `forwardedProto` is what X-Forwarded-Proto carries: $scheme where nginx terminates TLS itself,
 * behind a load balancer a variable that believes the balancer's header only from the balancer.
 */
export function proxyToMlflow(maxUploadSize: string, forwardedProto: string, identity = false): string {
    return [
        "proxy_http_version 1.1;",
        ...mlflowRequestHeaders(forwardedProto, identity),
        `client_max_body_size ${maxUploadSize};`,
        "proxy_request_buffering off;",
        "client_body_buffer_size 256k;",
        "proxy_max_temp_file_size 0;",
        "proxy_buffer_size 64k;",
        "proxy_buffers 8 256k;",
        "proxy_busy_buffers_size 512k;",
        "proxy_connect_timeout 10s;",
        "proxy_send_timeout 600s;",
        "proxy_read_timeout 600s;",
        "client_body_timeout 600s;",
        "send_timeout 600s;",
    ].join("\n");
}

/**
 * The headers MLflow gets with every request: its Host check reads Host, and kept-alive
 * connections need Connection cleared. With `identity` (auth oidc), the signed-in person as
 * oauth2-proxy named them (identityCheck): set on every request, so that a client's own header
 * of that name is replaced, and dropped when empty (a machine's Basic request).
 */
function mlflowRequestHeaders(forwardedProto: string, identity = false): string[] {
    return [
        ...(identity ? [`proxy_set_header ${IDENTITY_HEADERS.user} $${OIDC_USER};`, `proxy_set_header ${IDENTITY_HEADERS.groups} $${OIDC_GROUPS};`] : []),
        `proxy_set_header Connection "";`,
        "proxy_set_header Host $host;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        `proxy_set_header X-Forwarded-Proto ${forwardedProto};`,
        "proxy_set_header X-Forwarded-Host $host;",
    ];
}

/**
 * The generated passwords are 40 random characters, so a slow hash adds nothing but CPU on
 * every request: the htpasswd file uses {SSHA}, which nginx checks itself (docs/benchmarks.md: 23,957 requests/s against 2,830 for $apr1$).
 */
export function basicAuth(): string {
    return [
        `auth_basic "MLflow";`,
        `auth_basic_user_file ${NGINX.htpasswd};`,
    ].join("\n");
}

/**
 * A failed login is answered from here: the request is counted against the per-client zone
 * (429 past the burst), then answered 401. The challenge header of the failed check stays:
 * nginx's own with basic auth, MLflow's with auth mlflow (nginx keeps an intercepted 401's
 * WWW-Authenticate, and auth_request a denying check's).
 */
export function authFailureLocation(input: Pick<NginxInput, "auth">): string {
    return block("location @auth_failed",
        ...(input.auth === "oidc" ? [
            "auth_request off;",
            // Relative, so that it keeps the scheme the browser used: behind a load balancer that
            // terminates TLS nginx's own $scheme is http.
            "absolute_redirect off;",
            // A browser that is not signed in goes to the provider's sign-in, which /oauth2/ limits.
            block(`if ($${OIDC_SIGN_IN})`, `return 302 ${OIDC_PATH_PREFIX}start?rd=$${OIDC_RETURN_PATH};`),
        ] : []),
        "limit_req zone=auth_failures burst=20 nodelay;",
        ...(input.auth === "basic" ? ["auth_basic off;"] : []),
        "try_files /.auth-failed =401;");
}

/**
 * With auth mlflow, MLflow checks every password and answers a wrong or missing one 401. nginx
 * takes that answer over (error_page 401 = @auth_failed at the server), so that a wrong password
 * is counted and rate limited exactly as nginx's own check is with basic auth.
 */
export function mlflowChecksPasswords(): string {
    return "proxy_intercept_errors on;";
}

/** The server's password check, nginx's or MLflow's, with a failed one answered from @auth_failed (authFailureLocation). */
export function passwordCheck(input: Pick<NginxInput, "auth">): string[] {
    return [input.auth === "basic" ? basicAuth() : mlflowChecksPasswords(), "error_page 401 = @auth_failed;"];
}

/** /health asks no password, of nginx (MLflow leaves it open itself), and no sign-in. */
export function healthLocation(input: Pick<NginxInput, "auth">): string {
    return block("location = /health", ...(input.auth === "basic" ? ["auth_basic off;"] : []), ...(input.auth === "oidc" ? ["auth_request off;"] : []), "proxy_pass http://mlflow;");
}

/** The variables auth_request_set fills from oauth2-proxy's answer, handed to MLflow as IDENTITY_HEADERS. */
const OIDC_USER = "oidc_user";
const OIDC_GROUPS = "oidc_groups";
/** 1 when a failed request should go to the provider's sign-in: a browser's page, never a machine's Basic call. */
const OIDC_SIGN_IN = "oidc_sign_in";
/** Where a browser returns after sign-in: the path it asked for (oauth2-proxy takes only paths of this server). */
const OIDC_RETURN_PATH = "oidc_return_path";
const OIDC_CHECK = `${OIDC_PATH_PREFIX}auth`;

/**
 * oauth2-proxy at `server` (its compose service name, re-resolved like MLflow's in mlflowUpstream,
 * or a task's loopback), and the variables that send a browser to the sign-in (authFailureLocation).
 */
export function oauth2ProxyUpstream(server: string): string {
    return [
        block("upstream oauth2_proxy",
            "zone oauth2_proxy 64k;",
            `server ${server};`,
            "keepalive 16;"),
        block(`map "$http_authorization|$http_accept" $${OIDC_SIGN_IN}`, `"~*^basic " 0;`, `"~text/html" 1;`, "default 0;"),
        block(`map $request_uri $${OIDC_RETURN_PATH}`, `"~^(?<oidc_path>/[^?]*)" $oidc_path;`, "default /;"),
    ].join("\n");
}

/** oauth2-proxy on the host, by its compose service name. */
const OAUTH2_PROXY_SERVICE = `${OAUTH2_PROXY.service}:${OAUTH2_PROXY.port} resolve ${MLFLOW_SERVER_PARAMETERS}`;

/**
 * With auth oidc, nginx asks oauth2-proxy about every request (auth_request, inherited by every
 * location that does not turn it off): a valid session cookie gets 202 with the person's e-mail
 * and groups, which go on to MLflow in IDENTITY_HEADERS. A request with Basic credentials (a
 * machine, one of the stack's users) passes the check untouched: MLflow checks its password.
 */
export function identityCheck(): string[] {
    return [
        `auth_request ${OIDC_CHECK};`,
        `auth_request_set $${OIDC_USER} $upstream_http_x_auth_request_email;`,
        `auth_request_set $${OIDC_GROUPS} $upstream_http_x_auth_request_groups;`,
    ];
}

/** The headers oauth2-proxy needs to see the client and how it came (`forwardedProto`, as for MLflow: proxyToMlflow). */
const oauth2ProxyHeaders = (forwardedProto: string) => [
    `proxy_set_header Connection "";`,
    "proxy_set_header Host $host;",
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $remote_addr;",
    `proxy_set_header X-Forwarded-Proto ${forwardedProto};`,
    "proxy_set_header X-Forwarded-Host $host;",
];

/**
 * oauth2-proxy's pages: /oauth2/start and /oauth2/callback (the sign-in, counted in the same
 * per-client zone as failed logins), /oauth2/sign_out; and the internal check identityCheck asks.
 */
export function oidcLocations(forwardedProto: string): string {
    return [
        block(`location ^~ ${OIDC_PATH_PREFIX}`,
            "auth_request off;",
            "limit_req zone=auth_failures burst=20 nodelay;",
            // oauth2-proxy's own answers (its error pages among them) go out as they are.
            "proxy_intercept_errors off;",
            ...oauth2ProxyHeaders(forwardedProto),
            "proxy_pass http://oauth2_proxy;"),
        block(`location = ${OIDC_CHECK}`,
            "internal;",
            block(`if ($http_authorization ~* "^Basic ")`, "return 204;"),
            // Its 401 is the check's result, not an answer to take over (artifactReadCheck).
            "proxy_intercept_errors off;",
            ...oauth2ProxyHeaders(forwardedProto),
            // A subrequest never carries the request's body (artifactReadCheck).
            "proxy_pass_request_body off;",
            `proxy_set_header Content-Length "";`,
            "proxy_pass http://oauth2_proxy;"),
    ].join("\n");
}

/** Names nobody configured (scanners, DNS rebinding) get the connection closed, not MLflow. */
export function defaultServers(): string {
    return [
        block("server", "listen 80 default_server;", "return 444;"),
        "",
        block("server", "listen 443 ssl default_server;", "http2 on;", "return 444;"),
    ].join("\n");
}

/** Port 80: the ACME challenge and /health; everything else goes to https before any password is asked. */
export function httpServer(input: NginxInput): string {
    const httpsAuthority = input.httpsPort === 443 ? "$host" : `$host:${input.httpsPort}`;
    return block("server",
        "listen 80;",
        `server_name ${input.serverNames.join(" ")};`,
        "",
        block("location /.well-known/acme-challenge/", `root ${NGINX.acmeWebroot};`, "default_type text/plain;"),
        block("location = /health", "proxy_pass http://mlflow;"),
        block("location /", `return 301 https://${httpsAuthority}$request_uri;`));
}

/**
 * Headers on every https answer. A location that adds a header of its own repeats these (nginx
 * inherits add_header only into locations that add none). MLflow sends its own nosniff, which is
 * hidden so that an answer carries the header once.
 */
export function securityHeaders(input: Pick<NginxInput, "strictTransportSecurity">): string[] {
    return [
        ...(input.strictTransportSecurity ? [`add_header Strict-Transport-Security "max-age=63072000" always;`] : []),
        "add_header X-Content-Type-Options nosniff always;",
        "proxy_hide_header X-Content-Type-Options;",
    ];
}

/** MLflow's API prefixes: the REST API and the UI's twin of it. */
const API_PREFIXES = ["/api", "/ajax-api"] as const;

/** Where MLflow's REST API and its UI's twin serve artifact files, `<prefix><path under --artifacts-destination>`. */
const ARTIFACT_FILE_PREFIXES = API_PREFIXES.map(prefix => `${prefix}/2.0/mlflow-artifacts/artifacts/`);

/**
 * Artifact downloads (GET, HEAD) are files nginx reads itself from MLflow's artifact store,
 * mounted read-only; uploads and deletes go on to MLflow (@mlflow keeps the request URI and
 * streams the body as everywhere else). MLflow would stream each download through Python and
 * hold one of its workers for as long as a client takes to fetch a model; nginx sends the file
 * with a fixed pair of buffers, answers byte ranges (resumed downloads), and the download path
 * keeps working while MLflow restarts. On the benchmark's 2 shared cores a 1 GiB download from
 * nginx runs at 3.5 x MLflow's own speed (432 against 124 MB/s) for under 1 CPU-second of nginx
 * and none of MLflow's, where MLflow's /get-artifact passed on by nginx manages 15 MB/s
 * (docs/benchmarks.md, section 4).
 * With basic auth the same password check applies; with auth mlflow MLflow's permission check
 * runs first (artifactReadCheck). What is sent is only ever a download: every type is
 * application/octet-stream with Content-Disposition: attachment, so no uploaded HTML or SVG is
 * rendered on this origin. Directories are 404 (MLflow lists them through ?path=), and symbolic
 * links are not followed.
 */
export function artifactDownloads(input: NginxInput): string {
    const checked = runsAuthApp(input.auth);
    const files = (prefix: string) => block(`location ^~ ${prefix}`,
        "error_page 401 = @auth_failed;",
        "error_page 418 = @mlflow;",
        // An upload or delete handed to @mlflow still reaches @auth_failed when its password is wrong.
        "recursive_error_pages on;",
        // `if` holding only a `return` is the safe use of it; it hands every other method to MLflow.
        block("if ($request_method !~ ^(?:GET|HEAD)$)", "return 418;"),
        ...(checked ? [
            // A path the check cannot name exactly (see artifactReadCheck) is MLflow's to serve.
            block(`if ($${ARTIFACT_READ_CHECK_PATH} = "")`, "return 418;"),
            // With auth oidc a person's session is oauth2-proxy's to check, which @mlflow asks
            // (one auth_request per location): only machines (Basic) download from disk.
            ...(input.auth === "oidc" ? [block(`if ($http_authorization !~* "^Basic ")`, "return 418;")] : []),
            `auth_request ${ARTIFACT_READ_CHECK};`,
        ] : []),
        `alias ${NGINX.artifactsDir}/;`,
        // After the password (and permission) check, unlike a rewrite-phase `if`: a directory is
        // 404 to the signed-in only, so nobody learns without a password which ids exist.
        "try_files $uri =404;",
        "disable_symlinks on;",
        "types { }",
        "default_type application/octet-stream;",
        ...securityHeaders(input),
        "add_header Content-Disposition attachment always;");
    return [
        ...ARTIFACT_FILE_PREFIXES.map(files),
        block("location @mlflow", "proxy_pass http://mlflow;"),
        ...(checked ? [artifactReadCheck(input.auth === "oidc")] : []),
    ].join("\n");
}

/** The internal location of the permission check before a download from disk, and the variable naming the artifact. */
const ARTIFACT_READ_CHECK = "/.artifact-read-check";
const ARTIFACT_READ_CHECK_PATH = "artifact_read_check_path";

/**
 * The artifact's path under the store, for artifactReadCheck: only names of letters, digits and
 * ". _ / -" (experiment and run ids, MLflow's folders, ordinary file names), which read the same
 * decoded ($uri, what the download is served by) and in a query string; "" for any other name.
 * The check's subrequest sees the value the download's `if` computed: a subrequest shares its
 * parent's variables (in the subrequest itself $uri is the check's). Never make it volatile.
 */
export function artifactReadCheckPath(): string {
    return block(`map $uri $${ARTIFACT_READ_CHECK_PATH}`,
        `"~^/(?:ajax-)?api/2\\.0/mlflow-artifacts/artifacts/(?<artifact>[A-Za-z0-9._/-]+)$" $artifact;`,
        `default "";`);
}

/**
 * Before nginx sends an artifact from disk with auth mlflow, MLflow decides whether the signed-in
 * user may read it: an auth_request asks MLflow to list the same path (GET
 * /api/2.0/mlflow-artifacts/artifacts?path=<path>), a call its auth app judges by the path's
 * experiment, run, model or trace exactly as it judges the download itself, and which for a file
 * lists nothing. 2xx sends the file, 401 and 403 are the client's answer, anything else 500.
 * MLflow's answer is not cached: a grant or revocation counts from the next request. The check
 * costs one tracking call per download (docs/benchmarks.md).
 */
export function artifactReadCheck(identity: boolean): string {
    return block(`location = ${ARTIFACT_READ_CHECK}`,
        "internal;",
        // MLflow's 401 is the check's result here, not an answer to take over.
        "proxy_intercept_errors off;",
        // A subrequest carries the download's headers but never its body: a Content-Length left in
        // would have MLflow wait for a body that never comes, until the read timeout.
        "proxy_pass_request_body off;",
        ...mlflowRequestHeaders("$scheme", identity),
        `proxy_set_header Content-Length "";`,
        `proxy_pass http://mlflow${API_PREFIXES[0]}/2.0/mlflow-artifacts/artifacts?path=$${ARTIFACT_READ_CHECK_PATH};`);
}

/** The server-info flags with which MLflow offers clients presigned URLs of its bucket. */
const PRESIGNED_URL_FLAGS = ["multipart_uploads_enabled", "multipart_downloads_enabled"] as const;

/** Where MLflow hands out presigned URLs of its artifact bucket (under each API prefix). */
const PRESIGNED_URL_PATHS = ["/2.0/mlflow-artifacts/presigned/", "/2.0/mlflow-artifacts/mpu/", "/2.0/mlflow/artifacts/presigned-"] as const;

const PRESIGNED_URL_REFUSAL = JSON.stringify({
    error_code: "PERMISSION_DENIED",
    message: "This server passes artifacts through itself; it hands out no presigned URLs of its bucket.",
});

/**
 * With an S3 artifact store, MLflow (3.17) tells clients in /api/3.0/mlflow/server-info that it
 * supports multipart transfers, and its client then moves every download, and uploads from
 * 500 MiB, straight between itself and the bucket through presigned URLs (seen with the real
 * client, test/stateless-host.e2e). A client would then need a way to S3 besides the server's
 * URL, and each presigned URL lets whoever holds it read or write that object, from anywhere,
 * without the password, until it expires. Here artifacts pass through nginx and MLflow like
 * every other request, behind allowedCidrs and basic auth: server-info says no (MLflow has no
 * setting for it; its answer is rewritten), and the endpoints that would sign a URL are refused.
 */
export function artifactsThroughServer(): string {
    const serverInfo = (prefix: string) => block(`location = ${prefix}/3.0/mlflow/server-info`,
        // sub_filter reads only uncompressed answers, and MLflow compresses none. (A proxy_set_header
        // here would drop every one proxyToMlflow sets, the Host MLflow checks among them.)
        "sub_filter_types application/json;",
        "sub_filter_once off;",
        // Both of JSON's spacings: FastAPI's compact answer and Flask's.
        ...PRESIGNED_URL_FLAGS.flatMap(flag => [`'"${flag}":true' '"${flag}":false'`, `'"${flag}": true' '"${flag}": false'`].map(pair => `sub_filter ${pair};`)),
        "proxy_pass http://mlflow;");
    const refused = (prefix: string, path: string) => block(`location ^~ ${prefix}${path}`,
        "default_type application/json;",
        `return 403 '${PRESIGNED_URL_REFUSAL}';`);
    return [
        ...API_PREFIXES.map(serverInfo),
        ...API_PREFIXES.flatMap(prefix => PRESIGNED_URL_PATHS.map(path => refused(prefix, path))),
    ].join("\n");
}

/**
 * MLflow's AI Gateway answers streaming requests with server-sent events (text/event-stream)
 * and, unlike its assistant, sends no `X-Accel-Buffering: no`: with buffering on, nginx would
 * hold each event until 256k of them filled a buffer, and a chat client would see nothing until
 * the end. Everything under /gateway/ passes through unbuffered; the rest keeps the buffers.
 */
export function gatewayStreams(): string {
    return block("location ^~ /gateway/", "proxy_buffering off;", "proxy_pass http://mlflow;");
}

/**
 * The UI's JavaScript and CSS (/static-files/: files of the MLflow release, the same for every
 * user) go out gzip-compressed, which MLflow does not do: a first load of the UI moves about a
 * quarter of the bytes (docs/benchmarks.md, section 3). Nothing else is compressed: API answers carry user data
 * next to what an attacker may inject, the case compression side channels (BREACH) read.
 */
export function staticFiles(): string {
    return block("location ^~ /static-files/",
        "gzip on;",
        "gzip_comp_level 5;",
        "gzip_types text/css text/javascript application/javascript application/json image/svg+xml;",
        "proxy_pass http://mlflow;");
}

/** Port 443: HSTS, basic auth (or MLflow's) on everything but /health, artifact downloads from disk (or, from a bucket, through MLflow), compressed UI files, and MLflow behind it. */
export function httpsServer(input: NginxInput): string {
    return block("server",
        "listen 443 ssl;",
        "http2 on;",
        `server_name ${input.serverNames.join(" ")};`,
        "",
        ...securityHeaders(input),
        ...passwordCheck(input),
        ...(input.auth === "oidc" ? identityCheck() : []),
        "",
        healthLocation(input),
        ...(input.auth === "oidc" ? [oidcLocations("$scheme")] : []),
        input.artifactsOnDisk ? artifactDownloads(input) : artifactsThroughServer(),
        gatewayStreams(),
        staticFiles(),
        block("location /", "proxy_pass http://mlflow;"),
        authFailureLocation(input));
}

export function renderNginxConf(input: NginxInput): string {
    const http = block("http",
        httpBasics(),
        "",
        tlsIntermediate(),
        "",
        mlflowUpstream(input),
        "",
        authFailureZone(),
        ...(input.auth === "oidc" ? ["", oauth2ProxyUpstream(OAUTH2_PROXY_SERVICE)] : []),
        ...(runsAuthApp(input.auth) && input.artifactsOnDisk ? ["", artifactReadCheckPath()] : []),
        "",
        proxyToMlflow(input.maxUploadSize, "$scheme", input.auth === "oidc"),
        "",
        defaultServers(),
        "",
        httpServer(input),
        "",
        httpsServer(input));
    return `# Rendered by mlflow-on-aws; changes here are replaced on the next deployment.\n${mainContext()}\n\n${http}\n`;
}
