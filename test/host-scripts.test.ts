// The host scripts, run for real (bash, sqlite3, install, df, ...) against temporary directories,
// with recording stand-ins for docker, aws and certbot. Settings come from the rendered host.env;
// only paths are pointed into the sandbox.
import assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, utimesSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { describeRun, HOST_DIR, quote, runCommand, runCommandAsync, runHostScript, Sandbox, sqlite } from "./support/hostScripts";
import { SQLITE_JOURNAL_MODE } from "../lib/render/containers";
import { DISK_WARN_PERCENT, METRIC_NAMESPACE } from "../lib/render/schedule";
import { SSM_AGENT_KEY_FILE, SSM_AGENT_KEY_FINGERPRINT } from "../lib/render/hostBundle";
import { canConnect, freePort } from "../harness/namespace";
import { renderedStack, STATELESS_HOST } from "./support/renderOnce";
import { WRITER_SCHEMA } from "./support/sqliteWriter";

const prod = renderedStack("prod");
const dev = renderedStack("dev");
const stateless = renderedStack("dev", STATELESS_HOST);
const isRoot = process.getuid?.() === 0;

const modeOf = (file: string) => statSync(file).mode & 0o7777;
const octal = (mode: number) => mode.toString(8).padStart(4, "0");

describe("mlflow-db-upgrade", () => {
    const version = prod.hostEnv.MLFLOW_VERSION;
    const composeFile = prod.hostEnv.COMPOSE_FILE;
    const dbUri = prod.hostEnv.MLFLOW_CONTAINER_DB_URI;
    let sandbox: Sandbox;
    let dataDir: string;
    let backupDir: string;
    let env: NodeJS.ProcessEnv;
    let db: string;
    let marker: string;

    before(() => {
        assert.match(version, /^\d+\.\d+\.\d+$/);
        assert.equal(dbUri, "sqlite:////mlflow/mlflow.db");
        sandbox = new Sandbox("db-upgrade");
        dataDir = sandbox.mkdir("data", "mlflow");
        backupDir = sandbox.path("data", "backups");
        db = path.join(dataDir, "mlflow.db");
        marker = path.join(dataDir, ".schema-version");
        // The stand-in records which copies existed when it ran: the copy must come first.
        sandbox.fake("docker", `ls -1 ${quote(backupDir)} >>${quote(sandbox.path("calls", "backups-seen-by-docker"))} 2>/dev/null || true`);
        env = sandbox.env(sandbox.envFile(prod.hostEnvText, { MLFLOW_DATA_DIR: dataDir, BACKUP_DIR: backupDir }));
    });
    after(() => sandbox.remove());

    const copies = () => (existsSync(backupDir) ? readdirSync(backupDir).filter(name => name.startsWith("mlflow.db.before-")) : []);

    const creation = ["compose", "-f", prod.hostEnv.COMPOSE_FILE, "run", "--rm", "--no-deps", "-T", "--entrypoint", "python", "mlflow", "-", dbUri];

    test("(a1) no database yet, and its creation fails halfway: exit != 0, the half-made files removed, no marker", () => {
        // As MLflow would leave it: a file with some tables and a write-ahead log, then an error.
        sandbox.fake("docker", `sqlite3 ${quote(db)} "PRAGMA journal_mode=WAL; CREATE TABLE experiments(id INTEGER)" >/dev/null; exit 1`);
        const run = runHostScript("mlflow-db-upgrade", env);
        assert.notEqual(run.status, 0, describeRun(run));
        assert.match(run.stderr, /CREATING THE DATABASE FAILED with MLflow .*; the server stays stopped\. Nothing was lost: there was no database/);
        assert.deepEqual(sandbox.callsOf("docker"), [creation]);
        assert.deepEqual(readdirSync(dataDir), [], "no database, no log, no marker");
        sandbox.clearCalls("docker");
    });

    test("(a2) no database yet: MLflow's store creates it once, before the servers start; no copy; the marker names the version; the journal mode set", () => {
        sandbox.fake("docker", `sqlite3 ${quote(db)} "CREATE TABLE alembic_version(version_num TEXT)"`);
        // A marker from a database since deleted does not stop the creation.
        writeFileSync(marker, `${version}\n`);
        const run = runHostScript("mlflow-db-upgrade", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.deepEqual(sandbox.callsOf("docker"), [creation]);
        sandbox.clearCalls("docker");
        assert.equal(readFileSync(marker, "utf8"), `${version}\n`);
        assert.deepEqual(copies(), []);
        assert.deepEqual(sqlite(db, "PRAGMA journal_mode"), [SQLITE_JOURNAL_MODE]);
        // Back to the stand-in that records which copies existed when it ran, and to a database made before this change (rollback journal).
        sandbox.fake("docker", `ls -1 ${quote(backupDir)} >>${quote(sandbox.path("calls", "backups-seen-by-docker"))} 2>/dev/null || true`);
        sqlite(db, "PRAGMA journal_mode=DELETE");
    });

    test("(b) database present, same version: no copy, no docker call; the journal mode host.env names is set", () => {
        sqlite(db, "CREATE TABLE experiments(id INTEGER PRIMARY KEY, name TEXT)",
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 500) INSERT INTO experiments(name) SELECT 'exp-' || i FROM s");
        assert.deepEqual(sqlite(db, "PRAGMA journal_mode"), ["delete"], "as a database made before WAL");
        const run = runHostScript("mlflow-db-upgrade", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.equal(run.stderr, "");
        assert.deepEqual(sandbox.callsOf("docker"), []);
        assert.deepEqual(copies(), []);
        assert.equal(readFileSync(marker, "utf8"), `${version}\n`);
        assert.equal(prod.hostEnv.SQLITE_JOURNAL_MODE, SQLITE_JOURNAL_MODE);
        assert.deepEqual(sqlite(db, "PRAGMA journal_mode"), [SQLITE_JOURNAL_MODE]);
    });

    test("(c) new version, migration succeeds: consistent copy first, then `mlflow db upgrade`, marker updated", () => {
        writeFileSync(marker, "3.0.0\n");
        sandbox.fakeExit("docker", 0);
        const run = runHostScript("mlflow-db-upgrade", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.deepEqual(sandbox.callsOf("docker"), [
            ["compose", "-f", composeFile, "run", "--rm", "--no-deps", "--entrypoint", "mlflow", "mlflow", "db", "upgrade", dbUri],
        ]);
        const made = copies();
        assert.equal(made.length, 1, `one copy expected in ${backupDir}: ${made.join(", ")}`);
        assert.match(made[0], new RegExp(`^mlflow\\.db\\.before-${version.replace(/\./g, "\\.")}\\.\\d{8}T\\d{6}Z$`));
        assert.ok(readFileSync(sandbox.path("calls", "backups-seen-by-docker"), "utf8").split("\n").includes(made[0]),
            "the copy must exist before the migration runs");
        const copy = path.join(backupDir, made[0]);
        assert.deepEqual(sqlite(copy, "PRAGMA integrity_check"), ["ok"]);
        assert.deepEqual(sqlite(copy, "SELECT count(*), sum(length(name)) FROM experiments"),
            sqlite(db, "SELECT count(*), sum(length(name)) FROM experiments"));
        assert.equal(readFileSync(marker, "utf8"), `${version}\n`);
        assert.match(run.stderr, /database migrated from MLflow 3\.0\.0 to /);
    });

    test("(d) migration fails: exit != 0, the copy stays, marker not updated, stderr names the copy", () => {
        sandbox.clearCalls("docker");
        // A backup directory of its own: copies are named to the second, and (c) ran just now.
        backupDir = sandbox.path("data", "backups-d");
        env = sandbox.env(sandbox.envFile(prod.hostEnvText, { MLFLOW_DATA_DIR: dataDir, BACKUP_DIR: backupDir }, "d.env"));
        writeFileSync(marker, "3.1.0\n");
        sandbox.fakeExit("docker", 1);
        const run = runHostScript("mlflow-db-upgrade", env);
        assert.notEqual(run.status, 0, describeRun(run));
        assert.equal(sandbox.callsOf("docker").length, 1);
        const made = copies();
        assert.equal(made.length, 1, `one copy expected: ${made.join(", ")}`);
        const copy = path.join(backupDir, made[0]);
        assert.deepEqual(sqlite(copy, "PRAGMA integrity_check"), ["ok"]);
        assert.equal(readFileSync(marker, "utf8"), "3.1.0\n", "a failed migration must leave the marker alone");
        const line = run.stderr.split("\n").find(l => l.includes("MIGRATION FAILED"));
        assert.ok(line, `no clear failure line in stderr:\n${run.stderr}`);
        assert.ok(line.includes(copy), `the failure line must name the copy ${copy}: ${line}`);
    });
});

describe("mlflow-db-upgrade on a stateless host (RDS)", () => {
    const version = stateless.hostEnv.MLFLOW_VERSION;
    const dbUri = stateless.hostEnv.MLFLOW_CONTAINER_DB_URI;
    const instance = stateless.hostEnv.DATABASE_IDENTIFIER;
    const region = stateless.hostEnv.AWS_REGION;
    let sandbox: Sandbox;
    let dataDir: string;
    let env: NodeJS.ProcessEnv;
    let marker: string;

    before(() => {
        assert.match(dbUri, /^postgresql\+psycopg2:\/\//);
        sandbox = new Sandbox("db-upgrade-rds");
        dataDir = sandbox.mkdir("data", "mlflow");
        marker = path.join(dataDir, ".schema-version");
        // Each stand-in notes when it ran, so that the order of snapshot and migration shows.
        const order = quote(sandbox.path("calls", "order"));
        sandbox.fake("aws", `echo "aws $1 $2" >>${order}`);
        sandbox.fake("docker", `echo docker >>${order}`);
        env = sandbox.env(sandbox.envFile(stateless.hostEnvText, { MLFLOW_DATA_DIR: dataDir, BACKUP_DIR: sandbox.path("data", "backups") }));
    });
    after(() => sandbox.remove());
    const order = () => readFileSync(sandbox.path("calls", "order"), "utf8").trim().split("\n");

    test("first start on the volume: `mlflow db upgrade` creates the schema, no snapshot of the new database", () => {
        const run = runHostScript("mlflow-db-upgrade", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.deepEqual(sandbox.callsOf("aws"), []);
        assert.deepEqual(sandbox.callsOf("docker"), [
            ["compose", "-f", stateless.hostEnv.COMPOSE_FILE, "run", "--rm", "--no-deps", "--entrypoint", "mlflow", "mlflow", "db", "upgrade", dbUri],
        ]);
        assert.equal(readFileSync(marker, "utf8"), `${version}\n`);
        assert.ok(!existsSync(path.join(dataDir, "mlflow.db")), "no SQLite file appears");
    });

    test("same version: nothing runs", () => {
        sandbox.clearCalls("aws");
        sandbox.clearCalls("docker");
        const run = runHostScript("mlflow-db-upgrade", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.deepEqual([sandbox.callsOf("aws"), sandbox.callsOf("docker")], [[], []]);
    });

    test("new version: the instance available, a snapshot of it available, then the migration", () => {
        sandbox.clearCalls("aws");
        sandbox.clearCalls("docker");
        writeFileSync(sandbox.path("calls", "order"), "");
        writeFileSync(marker, "3.0.0\n");
        const run = runHostScript("mlflow-db-upgrade", env);
        assert.equal(run.status, 0, describeRun(run));
        const calls = sandbox.callsOf("aws");
        assert.deepEqual(calls[0], ["rds", "wait", "db-instance-available", "--region", region, "--db-instance-identifier", instance]);
        assert.deepEqual(calls[1].slice(0, 6), ["rds", "create-db-snapshot", "--region", region, "--db-instance-identifier", instance]);
        const snapshot = calls[1][calls[1].indexOf("--db-snapshot-identifier") + 1];
        assert.match(snapshot, new RegExp(`^${instance}-before-mlflow-${version.replace(/\./g, "-")}-\\d{8}-\\d{6}$`), "the name the host role may snapshot under");
        assert.ok(snapshot.length <= 255 && /^[a-z][a-z0-9-]*$/.test(snapshot), "a valid RDS snapshot identifier");
        assert.deepEqual(calls[2], ["rds", "wait", "db-snapshot-available", "--region", region, "--db-snapshot-identifier", snapshot]);
        assert.deepEqual(order(), ["aws rds wait", "aws rds create-db-snapshot", "aws rds wait", "docker"]);
        assert.equal(readFileSync(marker, "utf8"), `${version}\n`);
    });

    test("a failed snapshot stops before the migration; a failed migration names the snapshot and keeps the marker", () => {
        writeFileSync(marker, "3.1.0\n");
        sandbox.clearCalls("docker");
        sandbox.fakeExit("aws", 254);
        const noSnapshot = runHostScript("mlflow-db-upgrade", env);
        assert.notEqual(noSnapshot.status, 0, describeRun(noSnapshot));
        assert.deepEqual(sandbox.callsOf("docker"), [], "no migration without its snapshot");

        sandbox.fakeExit("aws", 0);
        sandbox.fakeExit("docker", 1);
        sandbox.clearCalls("aws");
        const failed = runHostScript("mlflow-db-upgrade", env);
        assert.notEqual(failed.status, 0, describeRun(failed));
        const snapshot = sandbox.callsOf("aws")[1].at(-5);
        const line = failed.stderr.split("\n").find(l => l.includes("MIGRATION FAILED")) ?? "";
        assert.ok(line.includes(`aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier ${snapshot}`), line);
        assert.equal(readFileSync(marker, "utf8"), "3.1.0\n");
    });
});

describe("mlflow-backup", () => {
    let sandbox: Sandbox;
    let dataDir: string;
    let backupDir: string;
    let env: NodeJS.ProcessEnv;

    before(() => {
        sandbox = new Sandbox("backup");
        dataDir = sandbox.mkdir("data", "mlflow");
        backupDir = sandbox.path("data", "backups");
        env = sandbox.env(sandbox.envFile(prod.hostEnvText, { MLFLOW_DATA_DIR: dataDir, BACKUP_DIR: backupDir }));
    });
    after(() => sandbox.remove());

    test("no database: exit 0 and nothing written", () => {
        const run = runHostScript("mlflow-backup", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.match(run.stderr, /no database yet/);
        assert.equal(existsSync(path.join(backupDir, "mlflow.db")), false);
    });

    test("a database being written: the copy is consistent and taken while the writes go on", async () => {
        const db = path.join(dataDir, "mlflow.db");
        sqlite(db, WRITER_SCHEMA,
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20000) INSERT INTO t(v) SELECT randomblob(200) FROM s",
            "UPDATE c SET n = (SELECT count(*) FROM t)");
        // Left over by an interrupted run: must not stop this one.
        mkdirSync(backupDir, { recursive: true });
        writeFileSync(path.join(backupDir, "mlflow.db.partial"), "garbage from an interrupted run");
        const initial = Number(sqlite(db, "SELECT count(*) FROM t")[0]);

        const writerSeconds = 4;
        const writer = runCommandAsync(process.execPath,
            ["--no-warnings", path.join(__dirname, "support", "sqliteWriter.js"), db, String(writerSeconds)], process.env, 30_000);
        const started = Date.now();
        while (Number(sqlite(db, ".timeout 5000", "SELECT count(*) FROM t")[0]) <= initial) {
            assert.ok(Date.now() - started < 3000, "the writer did not start writing");
            await new Promise(resolve => setTimeout(resolve, 20));
        }
        const run = await runCommandAsync(path.join(HOST_DIR, "mlflow-backup"), [], env, 30_000);
        const written = await writer;
        assert.equal(written.status, 0, `writer: ${describeRun(written)}`);
        assert.equal(run.status, 0, describeRun(run));

        const copy = path.join(backupDir, "mlflow.db");
        assert.deepEqual(sqlite(copy, "PRAGMA integrity_check"), ["ok"]);
        const [rows, counted] = sqlite(copy, "SELECT count(*) || ' ' || (SELECT n FROM c) FROM t")[0].split(" ").map(Number);
        assert.equal(rows, counted, "the copy holds a transaction half-applied");
        const final = Number(sqlite(db, "SELECT count(*) FROM t")[0]);
        assert.ok(rows > initial && rows < final,
            `the copy (${rows} rows) should be a snapshot taken while the writer went from ${initial} to ${final} rows ` +
            `(the backup took ${run.ms} ms; a copy that waits for the writes to stop never finishes on a busy server)`);
        assert.equal(existsSync(path.join(backupDir, "mlflow.db.partial")), false);
    });
});

describe("mlflow-certificate", () => {
    const domain = prod.hostEnv.DOMAIN;
    const composeFile = prod.hostEnv.COMPOSE_FILE;
    const reload = ["compose", "-f", composeFile, "exec", "-T", "nginx", "nginx", "-s", "reload"];
    let sandbox: Sandbox;

    before(() => {
        assert.equal(domain, "mlflow.example.com");
        sandbox = new Sandbox("certificate");
    });
    after(() => sandbox.remove());

    /** A sandbox layout of a host: fallback certificate and key as render writes them, empty data dirs. */
    function host(name: string, overrides: Record<string, string> = {}, stack = prod) {
        const root = sandbox.mkdir(name);
        const paths = {
            active: path.join(root, "tls", "active"),
            fallbackCert: path.join(root, "tls", "fallback-fullchain.pem"),
            fallbackKey: path.join(root, "secrets", "fallback-privkey.pem"),
            letsencrypt: path.join(root, "data", "letsencrypt"),
            webroot: path.join(root, "data", "acme-webroot"),
        };
        for (const dir of [path.dirname(paths.fallbackCert), path.dirname(paths.fallbackKey), paths.letsencrypt, paths.webroot]) {
            mkdirSync(dir, { recursive: true });
        }
        copyFileSync(stack.local("/etc/mlflow/tls/fallback-fullchain.pem"), paths.fallbackCert);
        copyFileSync(stack.local("/etc/mlflow/secrets/fallback-privkey.pem"), paths.fallbackKey);
        const envFile = sandbox.envFile(stack.hostEnvText, {
            ACTIVE_TLS_DIR: paths.active,
            FALLBACK_CERT: paths.fallbackCert,
            FALLBACK_KEY: paths.fallbackKey,
            LETSENCRYPT_DIR: paths.letsencrypt,
            ACME_WEBROOT: paths.webroot,
            ...overrides,
        }, `${name}.env`);
        return { ...paths, env: sandbox.env(envFile) };
    }

    /** A certificate and key in certbot's layout: live/<domain>/*.pem are links into archive/. */
    function issue(letsencrypt: string, serial: number): { cert: string; key: string } {
        const archive = path.join(letsencrypt, "archive", domain);
        const live = path.join(letsencrypt, "live", domain);
        mkdirSync(archive, { recursive: true });
        mkdirSync(live, { recursive: true });
        const key = path.join(archive, `privkey${serial}.pem`);
        const cert = path.join(archive, `fullchain${serial}.pem`);
        execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${domain}`], { stdio: "ignore" });
        for (const name of ["fullchain", "privkey"]) {
            const link = path.join(live, `${name}.pem`);
            if (existsSync(link)) unlinkSync(link);
            symlinkSync(path.join("..", "..", "archive", domain, `${name}${serial}.pem`), link);
        }
        return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
    }

    function assertActive(active: string, cert: string, key: string) {
        for (const [name, content, mode] of [["fullchain.pem", cert, 0o644], ["privkey.pem", key, 0o600]] as const) {
            const file = path.join(active, name);
            assert.ok(lstatSync(file).isFile(), `${file} must be a regular file (nginx's container cannot follow links into the data volume)`);
            assert.equal(readFileSync(file, "utf8"), content, `${file} holds the wrong certificate or key`);
            assert.equal(octal(modeOf(file)), octal(mode), `mode of ${file}`);
        }
        assert.deepEqual(readdirSync(active).sort(), ["fullchain.pem", "privkey.pem"], "no half-written files may stay behind");
    }

    test("selection: fallback first, Let's Encrypt once it exists, reload only on a change", () => {
        sandbox.fake("docker");
        const h = host("select");
        const fallbackCert = readFileSync(h.fallbackCert, "utf8");
        const fallbackKey = readFileSync(h.fallbackKey, "utf8");

        // First boot: nginx is not running yet, so the reload fails; that is fine.
        sandbox.fakeExit("docker", 1);
        let run = runHostScript("mlflow-certificate", h.env);
        assert.equal(run.status, 0, describeRun(run));
        assertActive(h.active, fallbackCert, fallbackKey);
        assert.match(run.stderr, /private CA/);
        assert.match(run.stderr, /not running/);
        assert.deepEqual(sandbox.callsOf("docker"), [reload]);

        sandbox.fakeExit("docker", 0);
        sandbox.clearCalls("docker");
        run = runHostScript("mlflow-certificate", h.env);
        assert.equal(run.status, 0, describeRun(run));
        assert.deepEqual(sandbox.callsOf("docker"), [], "unchanged files must not reload nginx");

        const first = issue(h.letsencrypt, 1);
        run = runHostScript("mlflow-certificate", h.env);
        assert.equal(run.status, 0, describeRun(run));
        assertActive(h.active, first.cert, first.key);
        assert.match(run.stderr, /Let's Encrypt/);
        assert.deepEqual(sandbox.callsOf("docker"), [reload]);

        sandbox.clearCalls("docker");
        run = runHostScript("mlflow-certificate", h.env);
        assert.equal(run.status, 0, describeRun(run));
        assert.deepEqual(sandbox.callsOf("docker"), [], "unchanged files must not reload nginx");

        const renewed = issue(h.letsencrypt, 2);
        run = runHostScript("mlflow-certificate", h.env);
        assert.equal(run.status, 0, describeRun(run));
        assertActive(h.active, renewed.cert, renewed.key);
        assert.deepEqual(sandbox.callsOf("docker"), [reload]);
    });

    const argAfter = (args: string[], flag: string) => {
        const index = args.indexOf(flag);
        return index >= 0 ? args[index + 1] : undefined;
    };

    test("--renew over HTTP-01 with a failing certbot: a clear log line, the fallback stays, exit 0", () => {
        sandbox.fake("docker");
        sandbox.fakeExit("docker", 0);
        sandbox.fake("certbot");
        sandbox.fakeExit("certbot", 1);
        sandbox.clearCalls("certbot");
        const h = host("renew-fails", { ACME_CHALLENGE: "http-01" });
        const run = runHostScript("mlflow-certificate", h.env, ["--renew"]);
        assert.equal(run.status, 0, describeRun(run));
        assert.match(run.stderr, new RegExp(`could not issue a certificate for ${domain.replace(/\./g, "\\.")} over http-01 .*port 80`));
        assertActive(h.active, readFileSync(h.fallbackCert, "utf8"), readFileSync(h.fallbackKey, "utf8"));

        const calls = sandbox.callsOf("certbot");
        assert.equal(calls.length, 1);
        const args = calls[0];
        assert.equal(args[0], "certonly");
        for (const flag of ["--non-interactive", "--agree-tos", "--webroot", "--keep-until-expiring"]) {
            assert.ok(args.includes(flag), `certbot lacks ${flag}: ${args.join(" ")}`);
        }
        assert.equal(argAfter(args, "--webroot-path"), h.webroot);
        assert.ok(!args.includes("--dns-route53"), args.join(" "));
        assert.equal(argAfter(args, "--config-dir"), h.letsencrypt);
        assert.equal(argAfter(args, "--domain"), domain);
        assert.equal(argAfter(args, "--email"), prod.hostEnv.ACME_EMAIL);
        assert.ok(!args.includes("--register-unsafely-without-email"));
    });

    test("--renew with route53ZoneId (prod): DNS-01 through Route 53, no webroot", () => {
        assert.equal(prod.hostEnv.ACME_CHALLENGE, "dns-route53", "prod has a domain and a Route 53 zone");
        assert.equal(dev.hostEnv.ACME_CHALLENGE, "http-01");
        sandbox.fake("certbot");
        sandbox.fakeExit("certbot", 1);
        sandbox.clearCalls("certbot");
        const h = host("renew-dns");
        const run = runHostScript("mlflow-certificate", h.env, ["--renew"]);
        assert.equal(run.status, 0, describeRun(run));
        const [args, ...more] = sandbox.callsOf("certbot");
        assert.deepEqual(more, []);
        assert.equal(args[0], "certonly");
        for (const flag of ["--dns-route53", "--non-interactive", "--agree-tos", "--keep-until-expiring"]) {
            assert.ok(args.includes(flag), `certbot lacks ${flag}: ${args.join(" ")}`);
        }
        assert.ok(!args.includes("--webroot") && !args.includes("--webroot-path"), args.join(" "));
        assert.equal(argAfter(args, "--config-dir"), h.letsencrypt);
        assert.equal(argAfter(args, "--domain"), domain);
        assert.match(run.stderr, /over dns-route53 .*_acme-challenge record/);
    });

    test("--renew with an unknown ACME_CHALLENGE fails without calling certbot", () => {
        sandbox.fake("certbot");
        sandbox.clearCalls("certbot");
        const h = host("renew-unknown", { ACME_CHALLENGE: "tls-alpn-01" });
        const run = runHostScript("mlflow-certificate", h.env, ["--renew"]);
        assert.notEqual(run.status, 0, describeRun(run));
        assert.match(run.stderr, /unknown ACME_CHALLENGE 'tls-alpn-01'/);
        assert.deepEqual(sandbox.callsOf("certbot"), []);
    });

    test("--renew without ACME_EMAIL registers without an address", () => {
        sandbox.fake("certbot");
        sandbox.fakeExit("certbot", 1);
        sandbox.clearCalls("certbot");
        const h = host("renew-no-email", { ACME_EMAIL: "" });
        const run = runHostScript("mlflow-certificate", h.env, ["--renew"]);
        assert.equal(run.status, 0, describeRun(run));
        const [args] = sandbox.callsOf("certbot");
        assert.ok(args.includes("--register-unsafely-without-email"), args.join(" "));
        assert.ok(!args.includes("--email"), args.join(" "));
        assert.equal(argAfter(args, "--domain"), domain);
    });

    test("--renew with a certbot that issues: the new certificate is served and nginx reloaded", () => {
        const cert = sandbox.path("issued-fullchain.pem");
        const key = sandbox.path("issued-privkey.pem");
        execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${domain}`], { stdio: "ignore" });
        sandbox.fake("certbot", [
            'while [ $# -gt 0 ]; do case "$1" in --config-dir) dir=$2; shift ;; --domain) name=$2; shift ;; esac; shift; done',
            'mkdir -p "$dir/live/$name"',
            `cp ${quote(cert)} "$dir/live/$name/fullchain.pem"`,
            `cp ${quote(key)} "$dir/live/$name/privkey.pem"`,
        ].join("\n"));
        sandbox.fakeExit("certbot", 0);
        sandbox.fake("docker");
        sandbox.clearCalls("docker");
        const h = host("renew-issues");
        const run = runHostScript("mlflow-certificate", h.env, ["--renew"]);
        assert.equal(run.status, 0, describeRun(run));
        assertActive(h.active, readFileSync(cert, "utf8"), readFileSync(key, "utf8"));
        assert.deepEqual(sandbox.callsOf("docker"), [reload]);
    });

    test("without a domain (dev), --renew never calls certbot and serves the fallback", () => {
        assert.equal(dev.hostEnv.DOMAIN, "");
        sandbox.fake("certbot");
        sandbox.clearCalls("certbot");
        const h = host("dev", {}, dev);
        const run = runHostScript("mlflow-certificate", h.env, ["--renew"]);
        assert.equal(run.status, 0, describeRun(run));
        assert.deepEqual(sandbox.callsOf("certbot"), []);
        assertActive(h.active, readFileSync(h.fallbackCert, "utf8"), readFileSync(h.fallbackKey, "utf8"));
    });
});

describe("mlflow-fetch-secrets", { skip: !isRoot && "chown to root:<gid> needs root" }, () => {
    const region = prod.hostEnv.AWS_REGION;
    const htpasswdParameter = prod.hostEnv.HTPASSWD_PARAMETER;
    const keyParameter = prod.hostEnv.TLS_KEY_PARAMETER;
    const nginxGid = Number(prod.hostEnv.NGINX_GID);
    let sandbox: Sandbox;
    let ssm: string;

    before(() => {
        assert.equal(nginxGid, 101);
        sandbox = new Sandbox("fetch-secrets");
        ssm = sandbox.mkdir("ssm");
        // Answers like `aws ssm get-parameter ... --output text`: the value and a newline, or an error.
        sandbox.fake("aws", [
            'prev=""; for arg; do [ "$prev" = --name ] && name=$arg; prev=$arg; done',
            `file=${quote(ssm)}"$name"`,
            'if [ -f "$file" ]; then cat "$file"; echo; exit 0; fi',
            'echo "An error occurred (ParameterNotFound) when calling the GetParameter operation: Parameter $name not found." >&2',
            "exit 254",
        ].join("\n"));
    });
    after(() => sandbox.remove());

    function store(parameter: string, value: string) {
        mkdirSync(path.dirname(path.join(ssm, parameter)), { recursive: true });
        writeFileSync(path.join(ssm, parameter), value);
    }

    test("writes htpasswd 0640 root:NGINX_GID and the key 0600 root:root, with the parameters' values", () => {
        const htpasswd = prod.text("/etc/mlflow/secrets/htpasswd").replace(/\n+$/, "");
        const key = prod.text("/etc/mlflow/secrets/fallback-privkey.pem").replace(/\n+$/, "");
        store(htpasswdParameter, htpasswd);
        store(keyParameter, key);
        const secrets = sandbox.path("secrets-ok");
        const env = sandbox.env(sandbox.envFile(prod.hostEnvText, { SECRETS_DIR: secrets }, "ok.env"));
        const run = runHostScript("mlflow-fetch-secrets", env);
        assert.equal(run.status, 0, describeRun(run));

        const expected: Array<[string, string, number, number]> = [
            ["htpasswd", htpasswd, 0o640, nginxGid],
            ["fallback-privkey.pem", key, 0o600, 0],
        ];
        for (const [name, value, mode, gid] of expected) {
            const file = path.join(secrets, name);
            const stat = statSync(file);
            assert.equal(readFileSync(file, "utf8"), `${value}\n`, `${name} differs from the parameter's value`);
            assert.equal(octal(stat.mode & 0o7777), octal(mode), `mode of ${name}`);
            assert.equal(stat.uid, 0, `owner of ${name}`);
            assert.equal(stat.gid, gid, `group of ${name}`);
        }
        assert.equal(octal(modeOf(secrets)), "0750");
        assert.deepEqual(readdirSync(secrets).sort(), ["fallback-privkey.pem", "htpasswd"], "no temporary files may stay behind");
        const expectedCall = (name: string) =>
            ["ssm", "get-parameter", "--region", region, "--name", name, "--with-decryption", "--query", "Parameter.Value", "--output", "text"];
        assert.deepEqual(sandbox.callsOf("aws"), [expectedCall(htpasswdParameter), expectedCall(keyParameter)]);
    });

    test("with auth mlflow, also writes the auth app's env file and the users' passwords, each 0600 root:root, from their parameters", () => {
        const withAuth = renderedStack("prod", { auth: "mlflow" });
        const hostEnv = withAuth.hostEnv;
        store(htpasswdParameter, "htpasswd");
        store(keyParameter, "key");
        store(hostEnv.AUTH_ENV_PARAMETER, withAuth.text(hostEnv.AUTH_ENV_FILE).trim());
        store(hostEnv.AUTH_USERS_PARAMETER, withAuth.text(hostEnv.AUTH_USERS_FILE).trim());
        const secrets = sandbox.path("secrets-auth");
        const files = { AUTH_ENV_FILE: path.join(secrets, "mlflow-auth.env"), AUTH_USERS_FILE: path.join(secrets, "mlflow-auth-users.json") };
        sandbox.clearCalls("aws");
        const run = runHostScript("mlflow-fetch-secrets", sandbox.env(sandbox.envFile(withAuth.hostEnvText, { SECRETS_DIR: secrets, ...files }, "auth.env")));
        assert.equal(run.status, 0, describeRun(run));
        for (const [key, file] of Object.entries(files)) {
            assert.equal(readFileSync(file, "utf8"), withAuth.text(hostEnv[key]), `${key} differs from its parameter's value`);
            assert.equal(octal(statSync(file).mode & 0o7777), "0600");
            assert.equal(statSync(file).uid, 0);
        }
        assert.deepEqual(sandbox.callsOf("aws").map(call => call[5]), [htpasswdParameter, keyParameter, hostEnv.AUTH_ENV_PARAMETER, hostEnv.AUTH_USERS_PARAMETER]);
    });

    test("retries a parameter that is not readable yet", () => {
        sandbox.clearCalls("aws");
        const counter = sandbox.path("aws-failures-left");
        writeFileSync(counter, "2");
        sandbox.fake("aws", [
            `left=$(cat ${quote(counter)})`,
            `if [ "$left" -gt 0 ]; then echo $((left - 1)) >${quote(counter)}; echo "Unable to locate credentials" >&2; exit 253; fi`,
            'prev=""; for arg; do [ "$prev" = --name ] && name=$arg; prev=$arg; done',
            `cat ${quote(ssm)}"$name"; echo`,
        ].join("\n"));
        const secrets = sandbox.path("secrets-retry");
        const env = sandbox.env(sandbox.envFile(prod.hostEnvText,
            { SECRETS_DIR: secrets, FETCH_ATTEMPTS: "5", FETCH_RETRY_SECONDS: "0" }, "retry.env"));
        const run = runHostScript("mlflow-fetch-secrets", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.equal(sandbox.callsOf("aws").length, 4, "two failures, then one call per parameter");
        assert.match(run.stderr, /attempt 1 of 5: cannot read \S+: .*Unable to locate credentials/);
        assert.ok(existsSync(path.join(secrets, "htpasswd")) && existsSync(path.join(secrets, "fallback-privkey.pem")));
    });

    test("an unreadable parameter: exit != 0 after the bounded retries, naming the parameter", () => {
        sandbox.fake("aws", 'echo "An error occurred (AccessDeniedException) when calling the GetParameter operation" >&2; exit 254');
        sandbox.clearCalls("aws");
        const secrets = sandbox.path("secrets-fail");
        const env = sandbox.env(sandbox.envFile(prod.hostEnvText,
            { SECRETS_DIR: secrets, FETCH_ATTEMPTS: "3", FETCH_RETRY_SECONDS: "1" }, "fail.env"));
        const run = runHostScript("mlflow-fetch-secrets", env, [], 15_000);
        assert.notEqual(run.status, 0, describeRun(run));
        assert.equal(run.signal, null, describeRun(run));
        assert.equal(sandbox.callsOf("aws").length, 3, "exactly FETCH_ATTEMPTS calls");
        assert.ok(run.ms >= 2000 && run.ms < 10_000, `3 attempts with 1 s between them took ${run.ms} ms`);
        const last = run.stderr.trim().split("\n").at(-1) ?? "";
        assert.match(last, /giving up/);
        assert.ok(last.includes(htpasswdParameter), `the last line must name ${htpasswdParameter}: ${last}`);
        assert.match(run.stderr, /AccessDeniedException/);
        assert.equal(existsSync(path.join(secrets, "htpasswd")), false);
    });
});

describe("mlflow-fetch-secrets on a stateless host", { skip: !isRoot && "chown to root:<gid> needs root" }, () => {
    const secretArn = stateless.hostEnv.DATABASE_SECRET_ARN;
    let sandbox: Sandbox;

    before(() => {
        assert.match(secretArn, /^arn:aws:secretsmanager:/);
        sandbox = new Sandbox("fetch-secrets-rds");
        // SSM answers every parameter; Secrets Manager the secret as RDS keeps it: JSON with the user and a password
        // holding the two characters a password file must escape.
        sandbox.fake("aws", [
            'if [ "$1" = ssm ]; then echo "parameter value"; exit 0; fi',
            `if [ "$1" = secretsmanager ]; then echo '{"username":"mlflow","password":"p:w\\\\rd"}'; exit 0; fi`,
            "exit 254",
        ].join("\n"));
    });
    after(() => sandbox.remove());

    test("writes the password file libpq reads, 0600 root:root, escaping ':' and '\\', from exactly the database's secret", () => {
        const secrets = sandbox.path("secrets");
        const pgpass = path.join(secrets, "pgpass");
        const env = sandbox.env(sandbox.envFile(stateless.hostEnvText, { SECRETS_DIR: secrets, PGPASS_FILE: pgpass }));
        const run = runHostScript("mlflow-fetch-secrets", env);
        assert.equal(run.status, 0, describeRun(run));
        const { DATABASE_HOST: host, DATABASE_PORT: port, DATABASE_NAME: name, DATABASE_USER: user } = stateless.hostEnv;
        assert.equal(readFileSync(pgpass, "utf8"), `${host}:${port}:${name}:${user}:p\\:w\\\\rd\n`);
        const stat = statSync(pgpass);
        assert.deepEqual([octal(stat.mode & 0o7777), stat.uid, stat.gid], ["0600", 0, 0]);
        const secretCalls = sandbox.callsOf("aws").filter(call => call[0] === "secretsmanager");
        assert.deepEqual(secretCalls, [["secretsmanager", "get-secret-value", "--region", stateless.hostEnv.AWS_REGION, "--secret-id", secretArn, "--query", "SecretString", "--output", "text"]]);
        assert.deepEqual(readdirSync(secrets).sort(), ["fallback-privkey.pem", "htpasswd", "pgpass"]);
    });

    test("an unreadable secret: exit != 0 after the retries, naming it, and no password file", () => {
        sandbox.fake("aws", [
            'if [ "$1" = ssm ]; then echo "parameter value"; exit 0; fi',
            'echo "An error occurred (AccessDeniedException) when calling the GetSecretValue operation" >&2; exit 254',
        ].join("\n"));
        const secrets = sandbox.path("secrets-denied");
        const pgpass = path.join(secrets, "pgpass");
        const env = sandbox.env(sandbox.envFile(stateless.hostEnvText, { SECRETS_DIR: secrets, PGPASS_FILE: pgpass, FETCH_ATTEMPTS: "2", FETCH_RETRY_SECONDS: "0" }, "denied.env"));
        const run = runHostScript("mlflow-fetch-secrets", env);
        assert.notEqual(run.status, 0, describeRun(run));
        const last = run.stderr.trim().split("\n").at(-1) ?? "";
        assert.ok(last.includes(`giving up on ${secretArn}`), last);
        assert.equal(existsSync(pgpass), false);
    });
});

describe("mlflow-monitor", { skip: !isRoot && "mounting a tmpfs needs root" }, () => {
    let sandbox: Sandbox;
    before(() => {
        sandbox = new Sandbox("monitor");
        sandbox.fake("curl");
    });
    after(() => sandbox.remove());

    /** Runs the monitor on a private 8 MiB tmpfs that is half full. */
    function monitor(overrides: Record<string, string>, name: string) {
        const mount = sandbox.mkdir(`${name}-mount`);
        const env = sandbox.env(sandbox.envFile(prod.hostEnvText, { DATA_MOUNT: mount, ...overrides }, `${name}.env`));
        return runCommand("unshare", ["--mount", "--propagation", "private", "/bin/bash", "-c",
            'set -e; mount -t tmpfs -o size=8m tmpfs "$1"; head -c 4194304 /dev/zero >"$1/fill"; exec "$2"',
            "_", mount, path.join(HOST_DIR, "mlflow-monitor")], env);
    }

    const metric = (name: string, value: string, unit: string) => ["cloudwatch", "put-metric-data", "--region", prod.hostEnv.AWS_REGION,
        "--namespace", prod.hostEnv.METRIC_NAMESPACE, "--metric-name", name, "--dimensions", `Stack=${prod.hostEnv.STACK}`,
        "--value", value, "--unit", unit];

    test("reports the used percentage and a healthy /health to CloudWatch, quietly below the threshold", () => {
        sandbox.fake("aws");
        const run = monitor({}, "below");
        assert.equal(run.status, 0, describeRun(run));
        assert.equal(prod.hostEnv.DISK_WARN_PERCENT, String(DISK_WARN_PERCENT));
        assert.equal(prod.hostEnv.METRIC_NAMESPACE, METRIC_NAMESPACE);
        assert.deepEqual(sandbox.callsOf("aws"), [metric("DataVolumeUsedPercent", "50", "Percent"), metric("HealthCheckOk", "1", "Count")]);
        assert.doesNotMatch(run.stderr, /WARNING/);
        // /health through nginx's port 80, with the server's own name (nginx refuses unknown names).
        const [curl] = sandbox.callsOf("curl");
        assert.equal(prod.hostEnv.SERVER_NAME, "mlflow.example.com");
        assert.ok(curl.includes(`Host: ${prod.hostEnv.SERVER_NAME}`), curl.join(" "));
        assert.equal(curl.at(-1), "http://127.0.0.1/health");
    });

    test("a failing /health is reported as 0 and logged", () => {
        sandbox.clearCalls("aws");
        sandbox.fakeExit("curl", 22);
        const run = monitor({}, "unhealthy");
        sandbox.fakeExit("curl", 0);
        assert.equal(run.status, 0, describeRun(run));
        assert.deepEqual(sandbox.callsOf("aws")[1], metric("HealthCheckOk", "0", "Count"));
        assert.match(run.stderr, /mlflow-monitor: \/health failed/);
    });

    test("warns on stderr at or above DISK_WARN_PERCENT", () => {
        sandbox.clearCalls("aws");
        for (const threshold of ["1", "50"]) {
            const run = monitor({ DISK_WARN_PERCENT: threshold }, `warn-${threshold}`);
            assert.equal(run.status, 0, describeRun(run));
            assert.match(run.stderr, /WARNING: the data volume is 50% full/);
        }
        assert.deepEqual(sandbox.callsOf("aws").filter(call => call.includes("DataVolumeUsedPercent")),
            [metric("DataVolumeUsedPercent", "50", "Percent"), metric("DataVolumeUsedPercent", "50", "Percent")]);
        const quiet = monitor({ DISK_WARN_PERCENT: "51" }, "warn-51");
        assert.doesNotMatch(quiet.stderr, /WARNING/);
    });

    test("a failed report fails the unit", () => {
        sandbox.fakeExit("aws", 255);
        const run = monitor({}, "aws-fails");
        assert.notEqual(run.status, 0, describeRun(run));
    });
});

describe("mlflow-ssm-agent", () => {
    const version = dev.hostEnv.SSM_AGENT_VERSION;
    let sandbox: Sandbox;
    let served: string;
    let server: ChildProcess;
    let baseUrl: string;
    let gnupg: Record<string, string>;
    /** A signing key made here, armored as AWS's is (with a Version header), standing in for AWS's. */
    let localKey: string;

    const gpg = (args: string[]) => execFileSync("gpg", ["--batch", "--quiet", ...args], { env: { ...process.env, ...gnupg } });
    const packagePath = (dir = version) => path.join(served, dir, "debian_arm64", "amazon-ssm-agent.deb");
    /** A real Debian package of this version, where AWS's bucket keeps the pinned release, signed by `signer`. */
    const publish = (packageVersion: string, signer: string) => {
        writeFileSync(sandbox.path("package", "DEBIAN", "control"), `Package: amazon-ssm-agent\nVersion: ${packageVersion}\nArchitecture: arm64\nMaintainer: test\nDescription: stand-in\n`);
        execFileSync("dpkg-deb", ["--build", "--root-owner-group", sandbox.path("package"), packagePath()], { stdio: "ignore" });
        gpg(["--yes", "--local-user", signer, "--detach-sign", "--output", `${packagePath()}.sig`, packagePath()]);
    };
    const install = (overrides: Record<string, string> = {}, name = "ssm.env") =>
        runHostScript("mlflow-ssm-agent", sandbox.env(sandbox.envFile(dev.hostEnvText, { SSM_AGENT_BASE_URL: baseUrl, SSM_AGENT_KEY: localKey, ...overrides }, name)), [], 60_000);

    before(async () => {
        sandbox = new Sandbox("ssm-agent");
        gnupg = { GNUPGHOME: sandbox.mkdir("gnupg") };
        chmodSync(gnupg.GNUPGHOME, 0o700);
        for (const signer of ["Agent signer <signer@example.com>", "Someone else <other@example.com>"]) {
            gpg(["--passphrase", "", "--quick-gen-key", signer, "rsa2048", "sign", "never"]);
        }
        localKey = sandbox.path("signer.asc");
        writeFileSync(localKey, gpg(["--armor", "--export", "signer@example.com"]).toString("utf8")
            .replace("-----BEGIN PGP PUBLIC KEY BLOCK-----\n", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: GnuPG v2.0.22 (GNU/Linux)\n"));
        served = sandbox.mkdir("bucket");
        sandbox.mkdir("package", "DEBIAN");
        mkdirSync(path.dirname(packagePath()), { recursive: true });
        publish(`${version}-1`, "signer@example.com");
        const port = await freePort();
        server = spawn("python3", ["-m", "http.server", "--bind", "127.0.0.1", "--directory", served, String(port)], { stdio: "ignore" });
        baseUrl = `http://127.0.0.1:${port}`;
        for (let i = 0; i < 100 && !(await canConnect("127.0.0.1", port)); i++) await new Promise(resolve => setTimeout(resolve, 50));
        sandbox.fake("dpkg", "echo arm64");
        sandbox.fake("apt-get", `cp "\${@: -1}" ${quote(sandbox.path("installed.deb"))}`);
        sandbox.fake("dpkg-query");
        sandbox.fakeExit("dpkg-query", 1);
        sandbox.fake("systemctl");
    });
    after(() => {
        server?.kill();
        sandbox.remove();
    });

    test("the shipped key is AWS's agent signing key, by the fingerprint the Systems Manager guide publishes", () => {
        const shown = gpg(["--show-keys", "--with-colons", path.join(HOST_DIR, SSM_AGENT_KEY_FILE)]).toString("utf8");
        assert.deepEqual(shown.split("\n").filter(line => line.startsWith("fpr:")).map(line => line.split(":")[9]), [SSM_AGENT_KEY_FINGERPRINT]);
        assert.match(shown, /^uid:[^\n]*SSM Agent <ssm-agent-signer@amazon\.com>/m);
        assert.equal(dev.hostEnv.SSM_AGENT_KEY, "/etc/mlflow/amazon-ssm-agent.asc");
        assert.equal(dev.hostEnv.SSM_AGENT_BASE_URL, `https://s3.${dev.hostEnv.AWS_REGION}.amazonaws.com/amazon-ssm-${dev.hostEnv.AWS_REGION}`);
    });

    test("downloads the pinned release for the host's architecture, verifies it with gpgv, then installs and starts it", () => {
        const run = install();
        assert.equal(run.status, 0, describeRun(run));
        assert.ok(readFileSync(sandbox.path("installed.deb")).equals(readFileSync(packagePath())), "apt installed the package that was served");
        assert.deepEqual(sandbox.callsOf("dpkg"), [["--print-architecture"]]);
        const [installCall] = sandbox.callsOf("apt-get");
        assert.deepEqual(installCall.slice(0, -1), ["install", "--yes", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300"], "waits for the package lock");
        assert.deepEqual(sandbox.callsOf("systemctl"), [["enable", "--now", "amazon-ssm-agent.service"]]);
        assert.match(run.stderr, new RegExp(`installed amazon-ssm-agent ${version.replace(/\./g, "\\.")} \\(arm64\\), its signature verified`));
    });

    test("a package that does not match its signature, one signed by another key, or another release AWS signed is refused and not installed", () => {
        for (const [what, prepare, refusal] of [
            ["altered", () => writeFileSync(packagePath(), Buffer.concat([readFileSync(packagePath()), Buffer.from("x")])), /does not verify against AWS's key/],
            ["signed by another key", () => publish(`${version}-1`, "other@example.com"), /does not verify against AWS's key/],
            ["an older release, signed", () => publish("3.2.582.0-1", "signer@example.com"),
                new RegExp(`is Package: amazon-ssm-agent Version: 3\\.2\\.582\\.0-1 Architecture: arm64 , not amazon-ssm-agent ${version.replace(/\./g, "\\.")} for arm64`)],
        ] as const) {
            prepare();
            sandbox.clearCalls("apt-get");
            const run = install({}, `${what}.env`);
            assert.equal(run.status, 1, `${what}: ${describeRun(run)}`);
            assert.match(run.stderr, /REFUSED: .*amazon-ssm-agent\.deb/, what);
            assert.match(run.stderr, refusal, what);
            assert.deepEqual(sandbox.callsOf("apt-get"), [], `${what}: nothing installed`);
        }
        publish(`${version}-1`, "signer@example.com");
    });

    test("a release the bucket does not have fails with the address it tried; an installed agent is left as it is", () => {
        const missing = install({ SSM_AGENT_VERSION: "9.9.9.9" }, "missing.env");
        assert.equal(missing.status, 1, describeRun(missing));
        assert.match(missing.stderr, /cannot download http:\/\/127\.0\.0\.1:\d+\/9\.9\.9\.9\/debian_arm64\/amazon-ssm-agent\.deb: .*404/);
        sandbox.fake("dpkg-query", `echo ${quote(`${version}-1`)}`);
        sandbox.fakeExit("dpkg-query", 0);
        sandbox.clearCalls("dpkg");
        sandbox.clearCalls("apt-get");
        const again = install({}, "again.env");
        assert.equal(again.status, 0, describeRun(again));
        assert.match(again.stderr, /is installed/);
        assert.deepEqual([...sandbox.callsOf("dpkg"), ...sandbox.callsOf("apt-get")], []);
    });
});

describe("mlflow-boot-report", () => {
    let sandbox: Sandbox;
    let env: NodeJS.ProcessEnv;
    /** `systemctl show -p ExecStartPre -p ExecStart mlflow.service` as systemd 257 prints it after a failed migration. */
    const shown = [
        ...["mlflow-prepare-data", "mlflow-fetch-secrets", "mlflow-certificate"].map(name =>
            `ExecStartPre={ path=/usr/local/sbin/${name} ; argv[]=/usr/local/sbin/${name} ; ignore_errors=no ; start_time=[Fri 2026-12-04 10:00:01 UTC] ; stop_time=[Fri 2026-12-04 10:00:02 UTC] ; pid=41 ; code=exited ; status=0 }`),
        "ExecStartPre={ path=/usr/local/sbin/mlflow-db-upgrade ; argv[]=/usr/local/sbin/mlflow-db-upgrade ; ignore_errors=no ; start_time=[Fri 2026-12-04 10:00:03 UTC] ; stop_time=[Fri 2026-12-04 10:00:09 UTC] ; pid=57 ; code=exited ; status=1 }",
        "ExecStart={ path=/usr/bin/docker ; argv[]=/usr/bin/docker compose -f /etc/mlflow/compose.yaml up --detach --wait --remove-orphans ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }",
    ].join("\n");

    before(() => {
        sandbox = new Sandbox("boot-report");
        env = sandbox.env(sandbox.envFile(dev.hostEnvText, { BOOT_HEALTH_WAIT_SECONDS: "10" }));
        sandbox.fake("journalctl", `printf '%s\\n' "mlflow-db-upgrade: migrating the database to MLflow 3.18.0" "mlflow-db-upgrade: FAILED: alembic.util.exc.CommandError"`);
        sandbox.fake("sleep");
    });
    after(() => sandbox.remove());

    test("names the step that failed, with its last lines", () => {
        sandbox.fake("systemctl", `[ "$1" = is-active ] && exit 3; [ "$1" = show ] && printf '%s\\n' ${quote(shown)}; exit 0`);
        const run = runHostScript("mlflow-boot-report", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.match(run.stdout, /^mlflow-boot-report: FAILED after \d+ s at \/usr\/local\/sbin\/mlflow-db-upgrade \(exited 1\); its last lines:\n/);
        assert.match(run.stdout, /\nmlflow-boot-report: {3}mlflow-db-upgrade: FAILED: alembic\.util\.exc\.CommandError\n$/);
    });

    test("healthy once /health answers through nginx, with the seconds since boot; a server that never answers is a failure too", () => {
        sandbox.fake("systemctl");
        sandbox.fake("curl");
        const healthy = runHostScript("mlflow-boot-report", env);
        assert.equal(healthy.status, 0, describeRun(healthy));
        assert.match(healthy.stdout, /^mlflow-boot-report: healthy after \d+ s: MLflow answers \/health through nginx\n$/);
        const [curl] = sandbox.callsOf("curl");
        assert.ok(curl.includes(`Host: ${dev.hostEnv.SERVER_NAME}`) && curl.at(-1) === dev.hostEnv.HEALTH_CHECK_URL, curl.join(" "));
        sandbox.fakeExit("curl", 7);
        const silent = runHostScript("mlflow-boot-report", env);
        assert.match(silent.stdout, /FAILED after \d+ s: mlflow\.service is running but \/health has not answered through nginx for 10 s/);
        assert.equal(sandbox.callsOf("curl").length, 1 + 2, "one check every 5 s for BOOT_HEALTH_WAIT_SECONDS");
    });
});

describe("mlflow-watchdog (its decisions; watchdog.e2e.test.ts runs it against the real MLflow and nginx)", () => {
    let sandbox: Sandbox;
    let state: string;
    let env: NodeJS.ProcessEnv;

    before(() => {
        sandbox = new Sandbox("watchdog");
        state = sandbox.mkdir("state");
        env = sandbox.env(sandbox.envFile(dev.hostEnvText, { WATCHDOG_STATE_DIR: state }));
        sandbox.fake("docker");
        sandbox.fake("aws");
        // nginx answers its redirect, MLflow's /health does not.
        sandbox.fake("curl", `case "\${@: -1}" in */health) echo 502 ;; *) echo 301 ;; esac`);
    });
    after(() => sandbox.remove());

    test("a server that is not running (stopped on purpose, or a failed upgrade) is left alone, without a check or a line", () => {
        sandbox.fake("systemctl");
        sandbox.fakeExit("systemctl", 3);
        const run = runHostScript("mlflow-watchdog", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.equal(run.stderr, "");
        assert.deepEqual(sandbox.callsOf("systemctl"), [["is-active", "--quiet", "mlflow.service"]]);
        assert.deepEqual(sandbox.callsOf("curl"), []);
        sandbox.fakeExit("systemctl", 0);
    });

    test("a count left from before a pause starts afresh: checks 3 minutes apart or more are not in a row", () => {
        for (let check = 1; check <= 2; check++) assert.match(runHostScript("mlflow-watchdog", env).stderr, new RegExp(`${check} check\\(s\\) in a row`));
        const stale = new Date(Date.now() - 4 * 60_000);
        utimesSync(path.join(state, "mlflow.failed"), stale, stale);
        const run = runHostScript("mlflow-watchdog", env);
        assert.match(run.stderr, /HTTP 502 through nginx, 1 check\(s\) in a row/);
        assert.deepEqual(sandbox.callsOf("docker"), [], "no restart");
        runHostScript("mlflow-watchdog", env);
        const third = runHostScript("mlflow-watchdog", env);
        assert.match(third.stderr, /restarting mlflow: \/health failed 3 checks in a row/);
        assert.deepEqual(sandbox.callsOf("docker"), [["compose", "-f", dev.hostEnv.COMPOSE_FILE, "restart", "--timeout", "10", "mlflow"]]);
    });

    test("one of MLflow's servers hung while another answers through nginx: the one Docker finds unhealthy is restarted, alone", () => {
        sandbox.clearCalls("docker");
        sandbox.clearCalls("aws");
        sandbox.fake("curl", `case "\${@: -1}" in */health) echo 200 ;; *) echo 301 ;; esac`);
        sandbox.fake("docker", [
            'case "$*" in',
            '    "compose -f "*" ps --quiet --status running mlflow") printf "c1\nc2\n" ;;',
            '    "inspect --format {{.State.Health.Status}} c1") echo healthy ;;',
            '    "inspect --format {{.State.Health.Status}} c2") echo unhealthy ;;',
            "esac",
        ].join("\n"));
        const run = runHostScript("mlflow-watchdog", env);
        assert.equal(run.status, 0, describeRun(run));
        assert.match(run.stderr, /restarting MLflow's container c2: Docker's health check finds it hung while another server answers/);
        assert.deepEqual(sandbox.callsOf("docker").filter(call => call[0] === "restart"), [["restart", "--time", "10", "c2"]]);
        assert.deepEqual(sandbox.callsOf("aws").map(call => call[call.indexOf("--dimensions") + 1]), [`Stack=${dev.hostEnv.STACK},Service=mlflow`]);
        // Every server hung while nginx still answers /health (a check in flight): none is restarted here, the check through nginx decides.
        sandbox.fake("docker", 'case "$*" in "compose -f "*" ps --quiet --status running mlflow") printf "c1\\nc2\\n" ;; "inspect "*) echo unhealthy ;; esac');
        sandbox.clearCalls("docker");
        const allHung = runHostScript("mlflow-watchdog", env);
        assert.equal(allHung.status, 0, describeRun(allHung));
        assert.deepEqual(sandbox.callsOf("docker").filter(call => call[0] === "restart"), []);
        // The next check, with every container healthy again, restarts nothing.
        sandbox.fake("docker", 'case "$*" in "compose -f "*" ps --quiet --status running mlflow") echo c1 ;; "inspect "*) echo healthy ;; esac');
        sandbox.clearCalls("docker");
        const quiet = runHostScript("mlflow-watchdog", env);
        assert.equal(quiet.status, 0, describeRun(quiet));
        assert.equal(quiet.stderr, "");
        assert.deepEqual(sandbox.callsOf("docker").filter(call => call[0] === "restart"), []);
    });
});

describe("mlflow-auth-setup", () => {
    let sandbox: Sandbox;
    before(() => { sandbox = new Sandbox("auth-setup"); });
    after(() => sandbox.remove());

    test("with basic auth forgets which users it created; with auth mlflow stops the start with a clear line when the setup fails", () => {
        sandbox.fake("docker", "exit 1");
        const dataDir = sandbox.mkdir("data");
        const seeded = path.join(dataDir, ".auth-seeded-users");
        writeFileSync(seeded, '["admin"]\n');
        const basic = runHostScript("mlflow-auth-setup", sandbox.env(sandbox.envFile(dev.hostEnvText, { AUTH_SEEDED_FILE: seeded }, "basic.env")));
        assert.equal(basic.status, 0, describeRun(basic));
        assert.deepEqual(sandbox.callsOf("docker"), [], "basic auth needs no setup");
        assert.ok(!existsSync(seeded), "back on basic auth, the next start with the auth app is a first start");
        const withAuth = renderedStack("dev", { auth: "mlflow" });
        writeFileSync(seeded, '["admin"]\n');
        const failed = runHostScript("mlflow-auth-setup", sandbox.env(sandbox.envFile(withAuth.hostEnvText, {
            AUTH_SEEDED_FILE: seeded, AUTH_USERS_FILE: withAuth.local(withAuth.hostEnv.AUTH_USERS_FILE), AUTH_SETUP_PROGRAM: path.join(HOST_DIR, "mlflow-auth-setup.py"),
        }, "auth.env")));
        assert.equal(failed.status, 1, describeRun(failed));
        assert.match(failed.stderr, /PREPARING MLFLOW'S AUTH APP FAILED; the server stays stopped/);
        assert.equal(readFileSync(seeded, "utf8"), '["admin"]\n', "a failed setup leaves the record as it was");
        const [call] = sandbox.callsOf("docker");
        assert.deepEqual(call.slice(0, 13), ["compose", "-f", withAuth.hostEnv.COMPOSE_FILE, "run", "--rm", "--no-deps", "-T",
            "-e", "MLFLOW_AUTH_USERS", "-e", "MLFLOW_AUTH_SEEDED", "--entrypoint", "python"]);
        assert.ok(!call.join(" ").includes(withAuth.sample.users.admin), "no password on docker's command line");
    });
});
