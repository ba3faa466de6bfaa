// The Let's Encrypt path of the prod render (domain mlflow.example.com), end to end: the real
// host script mlflow-certificate puts certificates into the active TLS directory that nginx
// (real nginx 1.30, exact rendered bytes, private namespaces, the real MLflow server behind it)
// serves from. certbot and docker are stand-ins: certbot proves the HTTP-01 challenge is reachable
// through nginx on port 80, the way Let's Encrypt checks it, then "issues" a certificate of a
// throwaway CA; docker runs the reload command it is given inside the nginx root.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { X509Certificate } from "crypto";
import { chmodSync, createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { readSampleValues, render } from "../scripts/render";
import { DATA, HOST, NGINX } from "../lib/render/layout";
import { attempt, basicAuth, HashSink, request, RequestOptions, writeRandomFile } from "../harness/httpClient";
import { inNamespace, reexecInNamespace, run, RunResult, scratchDir } from "../harness/namespace";
import { NginxSandbox, resolveNginxRoot } from "../harness/nginxSandbox";
import { issueCertificate, IssuedCertificate, pemBlocks } from "./support/tlsFixtures";

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

function defineTests(): void {
    let renderDir: string;
    let sandbox: NginxSandbox | undefined;
    let le: IssuedCertificate;
    let firstRun: RunResult;
    let fallbackLeaf: X509Certificate;
    const dirs = { active: "", letsencrypt: "", acme: "", bin: "", logs: "", issue: "" };
    let env: NodeJS.ProcessEnv;
    let script: string;
    let renderedEnv: Record<string, string>;

    const file = (hostPath: string) => path.join(renderDir, "files", hostPath);
    const runCertificate = () => run(script, ["--renew"], { env, timeoutMs: 60_000 });
    const lines = (name: string) => {
        const log = path.join(dirs.logs, name);
        return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
    };
    const https = (options: Partial<RequestOptions> & { path: string }) => request({
        address: sandbox!.publicIp, port: 443, tls: true, servername: DOMAIN, host: DOMAIN, ca: sandbox!.caCert, ...options,
    });
    const admin = () => basicAuth(...Object.entries(sandbox!.users)[0]);

    before(async () => {
        renderDir = path.join(scratchDir("render"), "prod");
        render({ stack: "prod", out: renderDir });
        script = file(`${HOST.scriptDir}/mlflow-certificate`);
        fallbackLeaf = new X509Certificate(pemBlocks(readFileSync(file(HOST.fallbackCert), "utf8"))[0]);

        const hostDir = scratchDir("host");
        for (const key of Object.keys(dirs) as (keyof typeof dirs)[]) {
            if (key === "active") continue; // mlflow-certificate creates it
            dirs[key] = path.join(hostDir, key);
            mkdirSync(dirs[key], { recursive: true });
            chmodSync(dirs[key], 0o755);
        }
        dirs.active = path.join(hostDir, "tls-active");
        le = issueCertificate(dirs.issue, "Throwaway ACME CA", [DOMAIN]);
        for (const [name, text] of [["certbot", FAKE_CERTBOT], ["docker", FAKE_DOCKER]]) {
            writeFileSync(path.join(dirs.bin, name), text, { mode: 0o755 });
        }

        // The rendered host.env, with the host's paths pointed at this test's directories.
        const hostEnv = readFileSync(file(HOST.hostEnv), "utf8");
        renderedEnv = Object.fromEntries(hostEnv.split("\n").filter(l => /^[A-Z_]+=/.test(l)).map(l => {
            const at = l.indexOf("=");
            return [l.slice(0, at), l.slice(at + 1).replace(/^'(.*)'$/, "$1")];
        }));
        // The prod stack has a Route 53 zone and asks for DNS-01; this test follows the HTTP-01 path
        // (a domain without route53ZoneId), the one that goes through nginx.
        assert.equal(renderedEnv.ACME_CHALLENGE, "dns-route53");
        const overrides: Record<string, string> = {
            ACME_CHALLENGE: "http-01",
            COMPOSE_FILE: file(renderedEnv.COMPOSE_FILE),
            ACTIVE_TLS_DIR: dirs.active,
            FALLBACK_CERT: file(renderedEnv.FALLBACK_CERT),
            FALLBACK_KEY: file(renderedEnv.FALLBACK_KEY),
            LETSENCRYPT_DIR: dirs.letsencrypt,
            ACME_WEBROOT: dirs.acme,
        };
        const envFile = path.join(hostDir, "host.env");
        writeFileSync(envFile, hostEnv.split("\n").map(l => {
            const key = l.split("=")[0];
            return overrides[key] !== undefined ? `${key}=${overrides[key]}` : l;
        }).join("\n"));
        env = {
            ...process.env,
            PATH: `${dirs.bin}:${process.env.PATH}`,
            MLFLOW_HOST_ENV: envFile,
            FAKE_CERTBOT_LOG: path.join(dirs.logs, "certbot"),
            FAKE_CERTBOT_ISSUE_DIR: dirs.issue,
            FAKE_CERTBOT_SERVER: readSampleValues(renderDir).publicIp,
            FAKE_DOCKER_LOG: path.join(dirs.logs, "docker"),
            FAKE_DOCKER_COMPOSE_FILE: overrides.COMPOSE_FILE,
            FAKE_DOCKER_NGINX_ROOT: resolveNginxRoot(),
        };

        // First boot: nginx is not up yet, so the challenge cannot be answered and nothing is issued.
        firstRun = await runCertificate();
        sandbox = await NginxSandbox.start({
            renderDir,
            hostPaths: { [HOST.activeTlsDir]: dirs.active, [DATA.acmeWebroot]: dirs.acme },
        });
    });

    after(async () => {
        await sandbox?.stop();
    });

    describe("Let's Encrypt certificates (prod render)", () => {
        it("renders the renewal schedule: a timer that runs mlflow-certificate --renew, enabled at boot", () => {
            const service = readFileSync(file(`${HOST.systemdDir}/mlflow-certificate.service`), "utf8");
            const timer = readFileSync(file(`${HOST.systemdDir}/mlflow-certificate.timer`), "utf8");
            assert.match(service, new RegExp(`^ExecStart=${HOST.scriptDir}/mlflow-certificate --renew$`, "m"));
            assert.match(service, /^Type=oneshot$/m);
            assert.match(timer, /^\[Timer\]$/m);
            assert.match(timer, /^(OnUnitActiveSec|OnCalendar)=\S+/m, "the timer repeats");
            assert.match(timer, /^WantedBy=timers\.target$/m);
            const userData = parse(readFileSync(path.join(renderDir, "user-data"), "utf8")) as { runcmd: string[][]; packages: (string | string[])[] };
            assert.ok(userData.runcmd.some(cmd => cmd.includes("enable") && cmd.includes("mlflow-certificate.timer")), "the timer is enabled");
            const packageNames = userData.packages.map(entry => (Array.isArray(entry) ? entry[0] : entry.split("=")[0]));
            assert.ok(packageNames.includes("certbot"), `certbot is installed: ${JSON.stringify(userData.packages)}`);
            assert.equal(renderedEnv.DOMAIN, DOMAIN);
            assert.equal(renderedEnv.ACME_EMAIL, "mlops@example.com");
        });

        it("mlflow-certificate writes where nginx reads: the compose file mounts ACTIVE_TLS_DIR and ACME_WEBROOT", () => {
            const compose = parse(readFileSync(file(HOST.composeFile), "utf8")) as { services: { nginx: { volumes: string[] } } };
            const mounts = Object.fromEntries(compose.services.nginx.volumes.map(v => [v.split(":")[1], v.split(":")[0]]));
            assert.equal(mounts[NGINX.tlsDir], renderedEnv.ACTIVE_TLS_DIR);
            assert.equal(mounts[NGINX.acmeWebroot], renderedEnv.ACME_WEBROOT);
            assert.equal(renderedEnv.FALLBACK_CERT, HOST.fallbackCert);
            assert.equal(renderedEnv.FALLBACK_KEY, HOST.fallbackKey);
        });

        it("before Let's Encrypt answers, the private CA's certificate is installed and nginx serves it", async () => {
            assert.equal(firstRun.code, 0, firstRun.stderr);
            assert.match(firstRun.stderr, /could not issue a certificate for mlflow\.example\.com/);
            assert.match(firstRun.stderr, /serving the certificate from the private CA/);
            assert.match(firstRun.stderr, /nginx is not running/);
            const certbotCall = lines("certbot");
            assert.equal(certbotCall.length, 1);
            for (const flag of ["certonly", "--non-interactive", "--agree-tos", "--email mlops@example.com", "--webroot",
                `--webroot-path ${dirs.acme}`, `--config-dir ${dirs.letsencrypt}`, `--domain ${DOMAIN}`, "--key-type ecdsa", "--keep-until-expiring"]) {
                assert.ok(certbotCall[0].includes(flag), `certbot ${certbotCall[0]} lacks ${flag}`);
            }
            assert.deepEqual(readFileSync(path.join(dirs.active, "fullchain.pem")), readFileSync(file(HOST.fallbackCert)));
            assert.deepEqual(readFileSync(path.join(dirs.active, "privkey.pem")), readFileSync(file(HOST.fallbackKey)));
            assert.equal((statSync(path.join(dirs.active, "privkey.pem")).mode & 0o777).toString(8), "600");
            assert.equal((statSync(path.join(dirs.active, "fullchain.pem")).mode & 0o777).toString(8), "644");

            const check = await sandbox!.nginx(["-t"]);
            assert.equal(check.code, 0, check.stderr);
            const byName = await https({ path: "/health" });
            assert.equal(byName.status, 200);
            assert.equal(byName.peerCertificate?.fingerprint256, fallbackLeaf.fingerprint256);
            const byIp = await request({ address: sandbox!.publicIp, port: 443, tls: true, ca: sandbox!.caCert, path: "/health" });
            assert.equal(byIp.status, 200);
            assert.equal(byIp.peerCertificate?.fingerprint256, fallbackLeaf.fingerprint256);
            const leTrust = await attempt({ address: sandbox!.publicIp, port: 443, tls: true, servername: DOMAIN, host: DOMAIN, ca: le.caPem, path: "/health" });
            assert.equal(leTrust.response, undefined, "the fallback must not verify against the ACME CA");
        });

        it("once issued, a reload serves the new certificate to new connections while a download under way completes", { timeout: 120_000 }, async () => {
            const auth = admin();
            const artifact = "/api/2.0/mlflow-artifacts/artifacts/7/reload/artifacts/data.bin";
            const source = path.join(scratchDir("artifact"), "data.bin");
            const size = 64 * MiB;
            const digest = await writeRandomFile(source, size);
            const put = await https({ method: "PUT", path: artifact, auth, body: () => createReadStream(source), headers: { "Content-Length": String(size) } });
            assert.equal(put.status, 200, put.text);

            // A download over a connection opened now, stalled after 4 MiB until the reload is done.
            let release!: () => void;
            const gate = new Promise<void>(resolve => { release = resolve; });
            const sink = new HashSink({ afterBytes: 4 * MiB, until: gate });
            const download = https({ path: artifact, auth, sink: () => sink, timeoutMs: 90_000 });
            await Promise.race([sink.stalled, download.then(() => { throw new Error("download ended before the reload"); })]);

            const workersBefore = sandbox!.workerPids();
            assert.ok(workersBefore.length > 0);
            const renewalStarted = Date.now();
            const renewal = await runCertificate();
            assert.equal(renewal.code, 0, renewal.stderr);
            assert.match(renewal.stderr, /fake certbot: issued a certificate for mlflow\.example\.com/);
            assert.match(renewal.stderr, /serving the certificate from Let's Encrypt/);
            assert.doesNotMatch(renewal.stderr, /nginx is not running/);
            assert.deepEqual(lines("docker").at(-1), `compose -f ${env.FAKE_DOCKER_COMPOSE_FILE} exec -T nginx nginx -s reload`);
            assert.deepEqual(readFileSync(path.join(dirs.active, "fullchain.pem")), readFileSync(le.fullchainFile));
            assert.deepEqual(readFileSync(path.join(dirs.active, "privkey.pem")), readFileSync(le.keyFile));
            assert.equal((statSync(path.join(dirs.active, "privkey.pem")).mode & 0o777).toString(8), "600");
            await sandbox!.waitForReload(workersBefore);

            // New connections get Let's Encrypt's certificate ...
            const fresh = await https({ path: "/health", ca: le.caPem });
            assert.equal(fresh.status, 200);
            assert.equal(fresh.peerCertificate?.fingerprint256, new X509Certificate(le.certPem).fingerprint256);
            const oldTrust = await attempt({ address: sandbox!.publicIp, port: 443, tls: true, servername: DOMAIN, host: DOMAIN, ca: sandbox!.caCert, path: "/health" });
            assert.equal(oldTrust.response, undefined, "new connections still get the private CA's certificate");
            // ... while an old worker, no longer accepting, still serves the stalled download.
            const stillServing = workersBefore.filter(pid => sandbox!.processTitle(pid).includes("shutting down"));
            assert.ok(stillServing.length > 0, `an old worker keeps the open connection: ${workersBefore.map(p => `${p}: ${sandbox!.processTitle(p)}`)}`);

            // Keep the old connection idle a while longer: a reload that cut connections after a grace
            // period (worker_shutdown_timeout) or dropped them outright would show now.
            await new Promise(resolve => setTimeout(resolve, Math.max(0, renewalStarted + 2500 - Date.now())));
            assert.ok(workersBefore.some(pid => sandbox!.processTitle(pid).includes("shutting down")), "the old worker still serves the download");
            release();
            const done = await download;
            assert.equal(done.status, 200);
            assert.equal(sink.bytes, size);
            assert.equal(sink.digest, digest, "the download survived the reload intact");
            assert.equal(done.peerCertificate?.fingerprint256, fallbackLeaf.fingerprint256, "it ran on the connection opened before the reload");

            // With its last connection done, the old worker exits by itself.
            const deadline = Date.now() + 15_000;
            while (workersBefore.some(pid => sandbox!.processTitle(pid) !== "") && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
            assert.deepEqual(workersBefore.filter(pid => sandbox!.processTitle(pid) !== ""), [], "old workers exited");
        });

        it("a later run with nothing new keeps the certificate and does not reload nginx; every prod user is served", async () => {
            const reloads = lines("docker").length;
            const workers = sandbox!.workerPids();
            const again = await runCertificate();
            assert.equal(again.code, 0, again.stderr);
            assert.equal(lines("docker").length, reloads, "no reload");
            assert.deepEqual(sandbox!.workerPids(), workers);
            assert.deepEqual(readFileSync(path.join(dirs.active, "fullchain.pem")), readFileSync(le.fullchainFile));
            const users = Object.entries(sandbox!.users);
            assert.deepEqual(users.map(([user]) => user), ["admin", "ci", "research"]);
            for (const [user, password] of users) {
                const response = await https({ path: "/api/2.0/mlflow/experiments/search?max_results=10", ca: le.caPem, auth: basicAuth(user, password) });
                // nginx passes Host: mlflow.example.com; MLflow refuses a Host it does not list with 403.
                assert.equal(response.status, 200, `${user}: ${response.status} ${response.text}`);
            }
        });
    });
}

// Outside: run this file again inside private namespaces. Inside: the tests.
if (!inNamespace()) reexecInNamespace(__filename, { timeoutMs: 240_000 });
else defineTests();
