"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
// The Let's Encrypt path of the prod render (domain mlflow.example.com), end to end: the real
// host script mlflow-certificate puts certificates into the active TLS directory that nginx
// (real nginx 1.30, exact rendered bytes, private namespaces, the real MLflow server behind it)
// serves from. certbot and docker are stand-ins: certbot proves the HTTP-01 challenge is reachable
// through nginx on port 80, the way Let's Encrypt checks it, then "issues" a certificate of a
// throwaway CA; docker runs the reload command it is given inside the nginx root.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_test_1 = require("node:test");
const crypto_1 = require("crypto");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const yaml_1 = require("yaml");
const render_1 = require("../scripts/render");
const layout_1 = require("../lib/render/layout");
const httpClient_1 = require("../harness/httpClient");
const namespace_1 = require("../harness/namespace");
const nginxSandbox_1 = require("../harness/nginxSandbox");
const tlsFixtures_1 = require("./support/tlsFixtures");
const DOMAIN = "mlflow.example.com";
const MiB = 1024 * 1024;
const FAKE_CERTBOT = `#!/bin/bash
# Stand-in for certbot certonly --webroot: like Let's Encrypt's HTTP-01 check, it puts a token
# into the webroot and fetches it through nginx on port 80; only then does it "issue" the
# certificate prepared in FAKE_CERTBOT_ISSUE_DIR.
set -euo pipefail
printf '%s\\n' "$*" >>"$FAKE_CERTBOT_LOG"
config_dir="" webroot="" domain=""
while [ $# -gt 0 ]; do
    case "$1" in
        --config-dir) config_dir=$2; shift ;;
        --webroot-path) webroot=$2; shift ;;
        --domain) domain=$2; shift ;;
    esac
    shift
done
if [ -z "$config_dir" ] || [ -z "$webroot" ] || [ -z "$domain" ]; then echo "fake certbot: missing arguments" >&2; exit 2; fi
token="token-$$-$RANDOM"
mkdir -p "$webroot/.well-known/acme-challenge"
chmod 0755 "$webroot/.well-known" "$webroot/.well-known/acme-challenge"
printf '%s' "$token.thumbprint" >"$webroot/.well-known/acme-challenge/$token"
chmod 0644 "$webroot/.well-known/acme-challenge/$token"
got=$(curl -sS --max-time 5 --resolve "$domain:80:$FAKE_CERTBOT_SERVER" "http://$domain/.well-known/acme-challenge/$token" 2>&1) || got="curl failed: $got"
rm -f "$webroot/.well-known/acme-challenge/$token"
if [ "$got" != "$token.thumbprint" ]; then echo "fake certbot: HTTP-01 challenge for $domain failed: $got" >&2; exit 1; fi
mkdir -p "$config_dir/live/$domain"
cp "$FAKE_CERTBOT_ISSUE_DIR/fullchain.pem" "$config_dir/live/$domain/fullchain.pem"
cp "$FAKE_CERTBOT_ISSUE_DIR/privkey.pem" "$config_dir/live/$domain/privkey.pem"
echo "fake certbot: issued a certificate for $domain" >&2
`;
const FAKE_DOCKER = `#!/bin/bash
# Stand-in for \`docker compose -f FILE exec -T nginx nginx -s reload\`: runs that nginx command in the nginx root.
set -euo pipefail
printf '%s\\n' "$*" >>"$FAKE_DOCKER_LOG"
if [ "$*" != "compose -f $FAKE_DOCKER_COMPOSE_FILE exec -T nginx nginx -s reload" ]; then
    echo "fake docker: unexpected command: docker $*" >&2
    exit 2
fi
exec chroot "$FAKE_DOCKER_NGINX_ROOT" nginx -s reload
`;
function defineTests() {
    let renderDir;
    let sandbox;
    let le;
    let firstRun;
    let fallbackLeaf;
    const dirs = { active: "", letsencrypt: "", acme: "", bin: "", logs: "", issue: "" };
    let env;
    let script;
    let renderedEnv;
    const file = (hostPath) => path.join(renderDir, "files", hostPath);
    const runCertificate = () => (0, namespace_1.run)(script, ["--renew"], { env, timeoutMs: 60_000 });
    const lines = (name) => {
        const log = path.join(dirs.logs, name);
        return (0, fs_1.existsSync)(log) ? (0, fs_1.readFileSync)(log, "utf8").split("\n").filter(Boolean) : [];
    };
    const https = (options) => (0, httpClient_1.request)({
        address: sandbox.publicIp, port: 443, tls: true, servername: DOMAIN, host: DOMAIN, ca: sandbox.caCert, ...options,
    });
    const admin = () => (0, httpClient_1.basicAuth)(...Object.entries(sandbox.users)[0]);
    (0, node_test_1.before)(async () => {
        renderDir = path.join((0, namespace_1.scratchDir)("render"), "prod");
        (0, render_1.render)({ stack: "prod", out: renderDir });
        script = file(`${layout_1.HOST.scriptDir}/mlflow-certificate`);
        fallbackLeaf = new crypto_1.X509Certificate((0, tlsFixtures_1.pemBlocks)((0, fs_1.readFileSync)(file(layout_1.HOST.fallbackCert), "utf8"))[0]);
        const hostDir = (0, namespace_1.scratchDir)("host");
        for (const key of Object.keys(dirs)) {
            if (key === "active")
                continue; // mlflow-certificate creates it
            dirs[key] = path.join(hostDir, key);
            (0, fs_1.mkdirSync)(dirs[key], { recursive: true });
            (0, fs_1.chmodSync)(dirs[key], 0o755);
        }
        dirs.active = path.join(hostDir, "tls-active");
        le = (0, tlsFixtures_1.issueCertificate)(dirs.issue, "Throwaway ACME CA", [DOMAIN]);
        for (const [name, text] of [["certbot", FAKE_CERTBOT], ["docker", FAKE_DOCKER]]) {
            (0, fs_1.writeFileSync)(path.join(dirs.bin, name), text, { mode: 0o755 });
        }
        // The rendered host.env, with the host's paths pointed at this test's directories.
        const hostEnv = (0, fs_1.readFileSync)(file(layout_1.HOST.hostEnv), "utf8");
        renderedEnv = Object.fromEntries(hostEnv.split("\n").filter(l => /^[A-Z_]+=/.test(l)).map(l => {
            const at = l.indexOf("=");
            return [l.slice(0, at), l.slice(at + 1).replace(/^'(.*)'$/, "$1")];
        }));
        // The prod stack has a Route 53 zone and asks for DNS-01; this test follows the HTTP-01 path
        // (a domain without route53ZoneId), the one that goes through nginx.
        strict_1.default.equal(renderedEnv.ACME_CHALLENGE, "dns-route53");
        const overrides = {
            ACME_CHALLENGE: "http-01",
            COMPOSE_FILE: file(renderedEnv.COMPOSE_FILE),
            ACTIVE_TLS_DIR: dirs.active,
            FALLBACK_CERT: file(renderedEnv.FALLBACK_CERT),
            FALLBACK_KEY: file(renderedEnv.FALLBACK_KEY),
            LETSENCRYPT_DIR: dirs.letsencrypt,
            ACME_WEBROOT: dirs.acme,
        };
        const envFile = path.join(hostDir, "host.env");
        (0, fs_1.writeFileSync)(envFile, hostEnv.split("\n").map(l => {
            const key = l.split("=")[0];
            return overrides[key] !== undefined ? `${key}=${overrides[key]}` : l;
        }).join("\n"));
        env = {
            ...process.env,
            PATH: `${dirs.bin}:${process.env.PATH}`,
            MLFLOW_HOST_ENV: envFile,
            FAKE_CERTBOT_LOG: path.join(dirs.logs, "certbot"),
            FAKE_CERTBOT_ISSUE_DIR: dirs.issue,
            FAKE_CERTBOT_SERVER: (0, render_1.readSampleValues)(renderDir).publicIp,
            FAKE_DOCKER_LOG: path.join(dirs.logs, "docker"),
            FAKE_DOCKER_COMPOSE_FILE: overrides.COMPOSE_FILE,
            FAKE_DOCKER_NGINX_ROOT: (0, nginxSandbox_1.resolveNginxRoot)(),
        };
        // First boot: nginx is not up yet, so the challenge cannot be answered and nothing is issued.
        firstRun = await runCertificate();
        sandbox = await nginxSandbox_1.NginxSandbox.start({
            renderDir,
            hostPaths: { [layout_1.HOST.activeTlsDir]: dirs.active, [layout_1.DATA.acmeWebroot]: dirs.acme },
        });
    });
    (0, node_test_1.after)(async () => {
        await sandbox?.stop();
    });
    (0, node_test_1.describe)("Let's Encrypt certificates (prod render)", () => {
        (0, node_test_1.it)("renders the renewal schedule: a timer that runs mlflow-certificate --renew, enabled at boot", () => {
            const service = (0, fs_1.readFileSync)(file(`${layout_1.HOST.systemdDir}/mlflow-certificate.service`), "utf8");
            const timer = (0, fs_1.readFileSync)(file(`${layout_1.HOST.systemdDir}/mlflow-certificate.timer`), "utf8");
            strict_1.default.match(service, new RegExp(`^ExecStart=${layout_1.HOST.scriptDir}/mlflow-certificate --renew$`, "m"));
            strict_1.default.match(service, /^Type=oneshot$/m);
            strict_1.default.match(timer, /^\[Timer\]$/m);
            strict_1.default.match(timer, /^(OnUnitActiveSec|OnCalendar)=\S+/m, "the timer repeats");
            strict_1.default.match(timer, /^WantedBy=timers\.target$/m);
            const userData = (0, yaml_1.parse)((0, fs_1.readFileSync)(path.join(renderDir, "user-data"), "utf8"));
            strict_1.default.ok(userData.runcmd.some(cmd => cmd.includes("enable") && cmd.includes("mlflow-certificate.timer")), "the timer is enabled");
            const packageNames = userData.packages.map(entry => (Array.isArray(entry) ? entry[0] : entry.split("=")[0]));
            strict_1.default.ok(packageNames.includes("certbot"), `certbot is installed: ${JSON.stringify(userData.packages)}`);
            strict_1.default.equal(renderedEnv.DOMAIN, DOMAIN);
            strict_1.default.equal(renderedEnv.ACME_EMAIL, "mlops@example.com");
        });
        (0, node_test_1.it)("mlflow-certificate writes where nginx reads: the compose file mounts ACTIVE_TLS_DIR and ACME_WEBROOT", () => {
            const compose = (0, yaml_1.parse)((0, fs_1.readFileSync)(file(layout_1.HOST.composeFile), "utf8"));
            const mounts = Object.fromEntries(compose.services.nginx.volumes.map(v => [v.split(":")[1], v.split(":")[0]]));
            strict_1.default.equal(mounts[layout_1.NGINX.tlsDir], renderedEnv.ACTIVE_TLS_DIR);
            strict_1.default.equal(mounts[layout_1.NGINX.acmeWebroot], renderedEnv.ACME_WEBROOT);
            strict_1.default.equal(renderedEnv.FALLBACK_CERT, layout_1.HOST.fallbackCert);
            strict_1.default.equal(renderedEnv.FALLBACK_KEY, layout_1.HOST.fallbackKey);
        });
        (0, node_test_1.it)("before Let's Encrypt answers, the private CA's certificate is installed and nginx serves it", async () => {
            strict_1.default.equal(firstRun.code, 0, firstRun.stderr);
            strict_1.default.match(firstRun.stderr, /could not issue a certificate for mlflow\.example\.com/);
            strict_1.default.match(firstRun.stderr, /serving the certificate from the private CA/);
            strict_1.default.match(firstRun.stderr, /nginx is not running/);
            const certbotCall = lines("certbot");
            strict_1.default.equal(certbotCall.length, 1);
            for (const flag of ["certonly", "--non-interactive", "--agree-tos", "--email mlops@example.com", "--webroot",
                `--webroot-path ${dirs.acme}`, `--config-dir ${dirs.letsencrypt}`, `--domain ${DOMAIN}`, "--key-type ecdsa", "--keep-until-expiring"]) {
                strict_1.default.ok(certbotCall[0].includes(flag), `certbot ${certbotCall[0]} lacks ${flag}`);
            }
            strict_1.default.deepEqual((0, fs_1.readFileSync)(path.join(dirs.active, "fullchain.pem")), (0, fs_1.readFileSync)(file(layout_1.HOST.fallbackCert)));
            strict_1.default.deepEqual((0, fs_1.readFileSync)(path.join(dirs.active, "privkey.pem")), (0, fs_1.readFileSync)(file(layout_1.HOST.fallbackKey)));
            strict_1.default.equal(((0, fs_1.statSync)(path.join(dirs.active, "privkey.pem")).mode & 0o777).toString(8), "600");
            strict_1.default.equal(((0, fs_1.statSync)(path.join(dirs.active, "fullchain.pem")).mode & 0o777).toString(8), "644");
            const check = await sandbox.nginx(["-t"]);
            strict_1.default.equal(check.code, 0, check.stderr);
            const byName = await https({ path: "/health" });
            strict_1.default.equal(byName.status, 200);
            strict_1.default.equal(byName.peerCertificate?.fingerprint256, fallbackLeaf.fingerprint256);
            const byIp = await (0, httpClient_1.request)({ address: sandbox.publicIp, port: 443, tls: true, ca: sandbox.caCert, path: "/health" });
            strict_1.default.equal(byIp.status, 200);
            strict_1.default.equal(byIp.peerCertificate?.fingerprint256, fallbackLeaf.fingerprint256);
            const leTrust = await (0, httpClient_1.attempt)({ address: sandbox.publicIp, port: 443, tls: true, servername: DOMAIN, host: DOMAIN, ca: le.caPem, path: "/health" });
            strict_1.default.equal(leTrust.response, undefined, "the fallback must not verify against the ACME CA");
        });
        (0, node_test_1.it)("once issued, a reload serves the new certificate to new connections while a download under way completes", { timeout: 120_000 }, async () => {
            const auth = admin();
            const artifact = "/api/2.0/mlflow-artifacts/artifacts/7/reload/artifacts/data.bin";
            const source = path.join((0, namespace_1.scratchDir)("artifact"), "data.bin");
            const size = 64 * MiB;
            const digest = await (0, httpClient_1.writeRandomFile)(source, size);
            const put = await https({ method: "PUT", path: artifact, auth, body: () => (0, fs_1.createReadStream)(source), headers: { "Content-Length": String(size) } });
            strict_1.default.equal(put.status, 200, put.text);
            // A download over a connection opened now, stalled after 4 MiB until the reload is done.
            let release;
            const gate = new Promise(resolve => { release = resolve; });
            const sink = new httpClient_1.HashSink({ afterBytes: 4 * MiB, until: gate });
            const download = https({ path: artifact, auth, sink: () => sink, timeoutMs: 90_000 });
            await Promise.race([sink.stalled, download.then(() => { throw new Error("download ended before the reload"); })]);
            const workersBefore = sandbox.workerPids();
            strict_1.default.ok(workersBefore.length > 0);
            const renewalStarted = Date.now();
            const renewal = await runCertificate();
            strict_1.default.equal(renewal.code, 0, renewal.stderr);
            strict_1.default.match(renewal.stderr, /fake certbot: issued a certificate for mlflow\.example\.com/);
            strict_1.default.match(renewal.stderr, /serving the certificate from Let's Encrypt/);
            strict_1.default.doesNotMatch(renewal.stderr, /nginx is not running/);
            strict_1.default.deepEqual(lines("docker").at(-1), `compose -f ${env.FAKE_DOCKER_COMPOSE_FILE} exec -T nginx nginx -s reload`);
            strict_1.default.deepEqual((0, fs_1.readFileSync)(path.join(dirs.active, "fullchain.pem")), (0, fs_1.readFileSync)(le.fullchainFile));
            strict_1.default.deepEqual((0, fs_1.readFileSync)(path.join(dirs.active, "privkey.pem")), (0, fs_1.readFileSync)(le.keyFile));
            strict_1.default.equal(((0, fs_1.statSync)(path.join(dirs.active, "privkey.pem")).mode & 0o777).toString(8), "600");
            await sandbox.waitForReload(workersBefore);
            // New connections get Let's Encrypt's certificate ...
            const fresh = await https({ path: "/health", ca: le.caPem });
            strict_1.default.equal(fresh.status, 200);
            strict_1.default.equal(fresh.peerCertificate?.fingerprint256, new crypto_1.X509Certificate(le.certPem).fingerprint256);
            const oldTrust = await (0, httpClient_1.attempt)({ address: sandbox.publicIp, port: 443, tls: true, servername: DOMAIN, host: DOMAIN, ca: sandbox.caCert, path: "/health" });
            strict_1.default.equal(oldTrust.response, undefined, "new connections still get the private CA's certificate");
            // ... while an old worker, no longer accepting, still serves the stalled download.
            const stillServing = workersBefore.filter(pid => sandbox.processTitle(pid).includes("shutting down"));
            strict_1.default.ok(stillServing.length > 0, `an old worker keeps the open connection: ${workersBefore.map(p => `${p}: ${sandbox.processTitle(p)}`)}`);
            // Keep the old connection idle a while longer: a reload that cut connections after a grace
            // period (worker_shutdown_timeout) or dropped them outright would show now.
            await new Promise(resolve => setTimeout(resolve, Math.max(0, renewalStarted + 2500 - Date.now())));
            strict_1.default.ok(workersBefore.some(pid => sandbox.processTitle(pid).includes("shutting down")), "the old worker still serves the download");
            release();
            const done = await download;
            strict_1.default.equal(done.status, 200);
            strict_1.default.equal(sink.bytes, size);
            strict_1.default.equal(sink.digest, digest, "the download survived the reload intact");
            strict_1.default.equal(done.peerCertificate?.fingerprint256, fallbackLeaf.fingerprint256, "it ran on the connection opened before the reload");
            // With its last connection done, the old worker exits by itself.
            const deadline = Date.now() + 15_000;
            while (workersBefore.some(pid => sandbox.processTitle(pid) !== "") && Date.now() < deadline)
                await new Promise(r => setTimeout(r, 100));
            strict_1.default.deepEqual(workersBefore.filter(pid => sandbox.processTitle(pid) !== ""), [], "old workers exited");
        });
        (0, node_test_1.it)("a later run with nothing new keeps the certificate and does not reload nginx; every prod user is served", async () => {
            const reloads = lines("docker").length;
            const workers = sandbox.workerPids();
            const again = await runCertificate();
            strict_1.default.equal(again.code, 0, again.stderr);
            strict_1.default.equal(lines("docker").length, reloads, "no reload");
            strict_1.default.deepEqual(sandbox.workerPids(), workers);
            strict_1.default.deepEqual((0, fs_1.readFileSync)(path.join(dirs.active, "fullchain.pem")), (0, fs_1.readFileSync)(le.fullchainFile));
            const users = Object.entries(sandbox.users);
            strict_1.default.deepEqual(users.map(([user]) => user), ["admin", "ci", "research"]);
            for (const [user, password] of users) {
                const response = await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10", ca: le.caPem, auth: (0, httpClient_1.basicAuth)(user, password) });
                // nginx passes Host: mlflow.example.com; MLflow refuses a Host it does not list with 403.
                strict_1.default.equal(response.status, 200, `${user}: ${response.status} ${response.text}`);
            }
        });
    });
}
// Outside: run this file again inside private namespaces. Inside: the tests.
if (!(0, namespace_1.inNamespace)())
    (0, namespace_1.reexecInNamespace)(__filename, { timeoutMs: 240_000 });
else
    defineTests();
//# sourceMappingURL=letsencrypt.e2e.test.js.map