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
// The host scripts, run for real (bash, sqlite3, install, df, ...) against temporary directories,
// with recording stand-ins for docker, aws and certbot. Settings come from the rendered host.env;
// only paths are pointed into the sandbox.
const strict_1 = __importDefault(require("node:assert/strict"));
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const node_test_1 = require("node:test");
const hostScripts_1 = require("./support/hostScripts");
const schedule_1 = require("../lib/render/schedule");
const renderOnce_1 = require("./support/renderOnce");
const sqliteWriter_1 = require("./support/sqliteWriter");
const prod = (0, renderOnce_1.renderedStack)("prod");
const dev = (0, renderOnce_1.renderedStack)("dev");
const stateless = (0, renderOnce_1.renderedStack)("dev", renderOnce_1.STATELESS_HOST);
const isRoot = process.getuid?.() === 0;
const modeOf = (file) => (0, node_fs_1.statSync)(file).mode & 0o7777;
const octal = (mode) => mode.toString(8).padStart(4, "0");
(0, node_test_1.describe)("mlflow-db-upgrade", () => {
    const version = prod.hostEnv.MLFLOW_VERSION;
    const composeFile = prod.hostEnv.COMPOSE_FILE;
    const dbUri = prod.hostEnv.MLFLOW_CONTAINER_DB_URI;
    let sandbox;
    let dataDir;
    let backupDir;
    let env;
    let db;
    let marker;
    (0, node_test_1.before)(() => {
        strict_1.default.match(version, /^\d+\.\d+\.\d+$/);
        strict_1.default.equal(dbUri, "sqlite:////mlflow/mlflow.db");
        sandbox = new hostScripts_1.Sandbox("db-upgrade");
        dataDir = sandbox.mkdir("data", "mlflow");
        backupDir = sandbox.path("data", "backups");
        db = path.join(dataDir, "mlflow.db");
        marker = path.join(dataDir, ".schema-version");
        // The stand-in records which copies existed when it ran: the copy must come first.
        sandbox.fake("docker", `ls -1 ${(0, hostScripts_1.quote)(backupDir)} >>${(0, hostScripts_1.quote)(sandbox.path("calls", "backups-seen-by-docker"))} 2>/dev/null || true`);
        env = sandbox.env(sandbox.envFile(prod.hostEnvText, { MLFLOW_DATA_DIR: dataDir, BACKUP_DIR: backupDir }));
    });
    (0, node_test_1.after)(() => sandbox.remove());
    const copies = () => ((0, node_fs_1.existsSync)(backupDir) ? (0, node_fs_1.readdirSync)(backupDir).filter(name => name.startsWith("mlflow.db.before-")) : []);
    (0, node_test_1.test)("(a) no database yet: exit 0, no docker call, the marker names the version", () => {
        const run = (0, hostScripts_1.runHostScript)("mlflow-db-upgrade", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.deepEqual(sandbox.callsOf("docker"), []);
        strict_1.default.equal((0, node_fs_1.readFileSync)(marker, "utf8"), `${version}\n`);
        strict_1.default.deepEqual(copies(), []);
    });
    (0, node_test_1.test)("(b) database present, same version: no copy, no docker call", () => {
        (0, hostScripts_1.sqlite)(db, "CREATE TABLE experiments(id INTEGER PRIMARY KEY, name TEXT)", "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 500) INSERT INTO experiments(name) SELECT 'exp-' || i FROM s");
        const run = (0, hostScripts_1.runHostScript)("mlflow-db-upgrade", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.deepEqual(sandbox.callsOf("docker"), []);
        strict_1.default.deepEqual(copies(), []);
        strict_1.default.equal((0, node_fs_1.readFileSync)(marker, "utf8"), `${version}\n`);
    });
    (0, node_test_1.test)("(c) new version, migration succeeds: consistent copy first, then `mlflow db upgrade`, marker updated", () => {
        (0, node_fs_1.writeFileSync)(marker, "3.0.0\n");
        sandbox.fakeExit("docker", 0);
        const run = (0, hostScripts_1.runHostScript)("mlflow-db-upgrade", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.deepEqual(sandbox.callsOf("docker"), [
            ["compose", "-f", composeFile, "run", "--rm", "--no-deps", "--entrypoint", "mlflow", "mlflow", "db", "upgrade", dbUri],
        ]);
        const made = copies();
        strict_1.default.equal(made.length, 1, `one copy expected in ${backupDir}: ${made.join(", ")}`);
        strict_1.default.match(made[0], new RegExp(`^mlflow\\.db\\.before-${version.replace(/\./g, "\\.")}\\.\\d{8}T\\d{6}Z$`));
        strict_1.default.ok((0, node_fs_1.readFileSync)(sandbox.path("calls", "backups-seen-by-docker"), "utf8").split("\n").includes(made[0]), "the copy must exist before the migration runs");
        const copy = path.join(backupDir, made[0]);
        strict_1.default.deepEqual((0, hostScripts_1.sqlite)(copy, "PRAGMA integrity_check"), ["ok"]);
        strict_1.default.deepEqual((0, hostScripts_1.sqlite)(copy, "SELECT count(*), sum(length(name)) FROM experiments"), (0, hostScripts_1.sqlite)(db, "SELECT count(*), sum(length(name)) FROM experiments"));
        strict_1.default.equal((0, node_fs_1.readFileSync)(marker, "utf8"), `${version}\n`);
        strict_1.default.match(run.stderr, /database migrated from MLflow 3\.0\.0 to /);
    });
    (0, node_test_1.test)("(d) migration fails: exit != 0, the copy stays, marker not updated, stderr names the copy", () => {
        sandbox.clearCalls("docker");
        // A backup directory of its own: copies are named to the second, and (c) ran just now.
        backupDir = sandbox.path("data", "backups-d");
        env = sandbox.env(sandbox.envFile(prod.hostEnvText, { MLFLOW_DATA_DIR: dataDir, BACKUP_DIR: backupDir }, "d.env"));
        (0, node_fs_1.writeFileSync)(marker, "3.1.0\n");
        sandbox.fakeExit("docker", 1);
        const run = (0, hostScripts_1.runHostScript)("mlflow-db-upgrade", env);
        strict_1.default.notEqual(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.equal(sandbox.callsOf("docker").length, 1);
        const made = copies();
        strict_1.default.equal(made.length, 1, `one copy expected: ${made.join(", ")}`);
        const copy = path.join(backupDir, made[0]);
        strict_1.default.deepEqual((0, hostScripts_1.sqlite)(copy, "PRAGMA integrity_check"), ["ok"]);
        strict_1.default.equal((0, node_fs_1.readFileSync)(marker, "utf8"), "3.1.0\n", "a failed migration must leave the marker alone");
        const line = run.stderr.split("\n").find(l => l.includes("MIGRATION FAILED"));
        strict_1.default.ok(line, `no clear failure line in stderr:\n${run.stderr}`);
        strict_1.default.ok(line.includes(copy), `the failure line must name the copy ${copy}: ${line}`);
    });
});
(0, node_test_1.describe)("mlflow-db-upgrade on a stateless host (RDS)", () => {
    const version = stateless.hostEnv.MLFLOW_VERSION;
    const dbUri = stateless.hostEnv.MLFLOW_CONTAINER_DB_URI;
    const instance = stateless.hostEnv.DATABASE_IDENTIFIER;
    const region = stateless.hostEnv.AWS_REGION;
    let sandbox;
    let dataDir;
    let env;
    let marker;
    (0, node_test_1.before)(() => {
        strict_1.default.match(dbUri, /^postgresql\+psycopg2:\/\//);
        sandbox = new hostScripts_1.Sandbox("db-upgrade-rds");
        dataDir = sandbox.mkdir("data", "mlflow");
        marker = path.join(dataDir, ".schema-version");
        // Each stand-in notes when it ran, so that the order of snapshot and migration shows.
        const order = (0, hostScripts_1.quote)(sandbox.path("calls", "order"));
        sandbox.fake("aws", `echo "aws $1 $2" >>${order}`);
        sandbox.fake("docker", `echo docker >>${order}`);
        env = sandbox.env(sandbox.envFile(stateless.hostEnvText, { MLFLOW_DATA_DIR: dataDir, BACKUP_DIR: sandbox.path("data", "backups") }));
    });
    (0, node_test_1.after)(() => sandbox.remove());
    const order = () => (0, node_fs_1.readFileSync)(sandbox.path("calls", "order"), "utf8").trim().split("\n");
    (0, node_test_1.test)("first start on the volume: `mlflow db upgrade` creates the schema, no snapshot of the new database", () => {
        const run = (0, hostScripts_1.runHostScript)("mlflow-db-upgrade", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.deepEqual(sandbox.callsOf("aws"), []);
        strict_1.default.deepEqual(sandbox.callsOf("docker"), [
            ["compose", "-f", stateless.hostEnv.COMPOSE_FILE, "run", "--rm", "--no-deps", "--entrypoint", "mlflow", "mlflow", "db", "upgrade", dbUri],
        ]);
        strict_1.default.equal((0, node_fs_1.readFileSync)(marker, "utf8"), `${version}\n`);
        strict_1.default.ok(!(0, node_fs_1.existsSync)(path.join(dataDir, "mlflow.db")), "no SQLite file appears");
    });
    (0, node_test_1.test)("same version: nothing runs", () => {
        sandbox.clearCalls("aws");
        sandbox.clearCalls("docker");
        const run = (0, hostScripts_1.runHostScript)("mlflow-db-upgrade", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.deepEqual([sandbox.callsOf("aws"), sandbox.callsOf("docker")], [[], []]);
    });
    (0, node_test_1.test)("new version: the instance available, a snapshot of it available, then the migration", () => {
        sandbox.clearCalls("aws");
        sandbox.clearCalls("docker");
        (0, node_fs_1.writeFileSync)(sandbox.path("calls", "order"), "");
        (0, node_fs_1.writeFileSync)(marker, "3.0.0\n");
        const run = (0, hostScripts_1.runHostScript)("mlflow-db-upgrade", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        const calls = sandbox.callsOf("aws");
        strict_1.default.deepEqual(calls[0], ["rds", "wait", "db-instance-available", "--region", region, "--db-instance-identifier", instance]);
        strict_1.default.deepEqual(calls[1].slice(0, 6), ["rds", "create-db-snapshot", "--region", region, "--db-instance-identifier", instance]);
        const snapshot = calls[1][calls[1].indexOf("--db-snapshot-identifier") + 1];
        strict_1.default.match(snapshot, new RegExp(`^${instance}-before-mlflow-${version.replace(/\./g, "-")}-\\d{8}-\\d{6}$`), "the name the host role may snapshot under");
        strict_1.default.ok(snapshot.length <= 255 && /^[a-z][a-z0-9-]*$/.test(snapshot), "a valid RDS snapshot identifier");
        strict_1.default.deepEqual(calls[2], ["rds", "wait", "db-snapshot-available", "--region", region, "--db-snapshot-identifier", snapshot]);
        strict_1.default.deepEqual(order(), ["aws rds wait", "aws rds create-db-snapshot", "aws rds wait", "docker"]);
        strict_1.default.equal((0, node_fs_1.readFileSync)(marker, "utf8"), `${version}\n`);
    });
    (0, node_test_1.test)("a failed snapshot stops before the migration; a failed migration names the snapshot and keeps the marker", () => {
        (0, node_fs_1.writeFileSync)(marker, "3.1.0\n");
        sandbox.clearCalls("docker");
        sandbox.fakeExit("aws", 254);
        const noSnapshot = (0, hostScripts_1.runHostScript)("mlflow-db-upgrade", env);
        strict_1.default.notEqual(noSnapshot.status, 0, (0, hostScripts_1.describeRun)(noSnapshot));
        strict_1.default.deepEqual(sandbox.callsOf("docker"), [], "no migration without its snapshot");
        sandbox.fakeExit("aws", 0);
        sandbox.fakeExit("docker", 1);
        sandbox.clearCalls("aws");
        const failed = (0, hostScripts_1.runHostScript)("mlflow-db-upgrade", env);
        strict_1.default.notEqual(failed.status, 0, (0, hostScripts_1.describeRun)(failed));
        const snapshot = sandbox.callsOf("aws")[1].at(-5);
        const line = failed.stderr.split("\n").find(l => l.includes("MIGRATION FAILED")) ?? "";
        strict_1.default.ok(line.includes(`aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier ${snapshot}`), line);
        strict_1.default.equal((0, node_fs_1.readFileSync)(marker, "utf8"), "3.1.0\n");
    });
});
(0, node_test_1.describe)("mlflow-backup", () => {
    let sandbox;
    let dataDir;
    let backupDir;
    let env;
    (0, node_test_1.before)(() => {
        sandbox = new hostScripts_1.Sandbox("backup");
        dataDir = sandbox.mkdir("data", "mlflow");
        backupDir = sandbox.path("data", "backups");
        env = sandbox.env(sandbox.envFile(prod.hostEnvText, { MLFLOW_DATA_DIR: dataDir, BACKUP_DIR: backupDir }));
    });
    (0, node_test_1.after)(() => sandbox.remove());
    (0, node_test_1.test)("no database: exit 0 and nothing written", () => {
        const run = (0, hostScripts_1.runHostScript)("mlflow-backup", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.match(run.stderr, /no database yet/);
        strict_1.default.equal((0, node_fs_1.existsSync)(path.join(backupDir, "mlflow.db")), false);
    });
    (0, node_test_1.test)("a database being written: the copy is consistent and taken while the writes go on", async () => {
        const db = path.join(dataDir, "mlflow.db");
        (0, hostScripts_1.sqlite)(db, sqliteWriter_1.WRITER_SCHEMA, "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20000) INSERT INTO t(v) SELECT randomblob(200) FROM s", "UPDATE c SET n = (SELECT count(*) FROM t)");
        // Left over by an interrupted run: must not stop this one.
        (0, node_fs_1.mkdirSync)(backupDir, { recursive: true });
        (0, node_fs_1.writeFileSync)(path.join(backupDir, "mlflow.db.partial"), "garbage from an interrupted run");
        const initial = Number((0, hostScripts_1.sqlite)(db, "SELECT count(*) FROM t")[0]);
        const writerSeconds = 4;
        const writer = (0, hostScripts_1.runCommandAsync)(process.execPath, ["--no-warnings", path.join(__dirname, "support", "sqliteWriter.js"), db, String(writerSeconds)], process.env, 30_000);
        const started = Date.now();
        while (Number((0, hostScripts_1.sqlite)(db, ".timeout 5000", "SELECT count(*) FROM t")[0]) <= initial) {
            strict_1.default.ok(Date.now() - started < 3000, "the writer did not start writing");
            await new Promise(resolve => setTimeout(resolve, 20));
        }
        const run = await (0, hostScripts_1.runCommandAsync)(path.join(hostScripts_1.HOST_DIR, "mlflow-backup"), [], env, 30_000);
        const written = await writer;
        strict_1.default.equal(written.status, 0, `writer: ${(0, hostScripts_1.describeRun)(written)}`);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        const copy = path.join(backupDir, "mlflow.db");
        strict_1.default.deepEqual((0, hostScripts_1.sqlite)(copy, "PRAGMA integrity_check"), ["ok"]);
        const [rows, counted] = (0, hostScripts_1.sqlite)(copy, "SELECT count(*) || ' ' || (SELECT n FROM c) FROM t")[0].split(" ").map(Number);
        strict_1.default.equal(rows, counted, "the copy holds a transaction half-applied");
        const final = Number((0, hostScripts_1.sqlite)(db, "SELECT count(*) FROM t")[0]);
        strict_1.default.ok(rows > initial && rows < final, `the copy (${rows} rows) should be a snapshot taken while the writer went from ${initial} to ${final} rows ` +
            `(the backup took ${run.ms} ms; a copy that waits for the writes to stop never finishes on a busy server)`);
        strict_1.default.equal((0, node_fs_1.existsSync)(path.join(backupDir, "mlflow.db.partial")), false);
    });
});
(0, node_test_1.describe)("mlflow-certificate", () => {
    const domain = prod.hostEnv.DOMAIN;
    const composeFile = prod.hostEnv.COMPOSE_FILE;
    const reload = ["compose", "-f", composeFile, "exec", "-T", "nginx", "nginx", "-s", "reload"];
    let sandbox;
    (0, node_test_1.before)(() => {
        strict_1.default.equal(domain, "mlflow.example.com");
        sandbox = new hostScripts_1.Sandbox("certificate");
    });
    (0, node_test_1.after)(() => sandbox.remove());
    /** A sandbox layout of a host: fallback certificate and key as render writes them, empty data dirs. */
    function host(name, overrides = {}, stack = prod) {
        const root = sandbox.mkdir(name);
        const paths = {
            active: path.join(root, "tls", "active"),
            fallbackCert: path.join(root, "tls", "fallback-fullchain.pem"),
            fallbackKey: path.join(root, "secrets", "fallback-privkey.pem"),
            letsencrypt: path.join(root, "data", "letsencrypt"),
            webroot: path.join(root, "data", "acme-webroot"),
        };
        for (const dir of [path.dirname(paths.fallbackCert), path.dirname(paths.fallbackKey), paths.letsencrypt, paths.webroot]) {
            (0, node_fs_1.mkdirSync)(dir, { recursive: true });
        }
        (0, node_fs_1.copyFileSync)(stack.local("/etc/mlflow/tls/fallback-fullchain.pem"), paths.fallbackCert);
        (0, node_fs_1.copyFileSync)(stack.local("/etc/mlflow/secrets/fallback-privkey.pem"), paths.fallbackKey);
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
    function issue(letsencrypt, serial) {
        const archive = path.join(letsencrypt, "archive", domain);
        const live = path.join(letsencrypt, "live", domain);
        (0, node_fs_1.mkdirSync)(archive, { recursive: true });
        (0, node_fs_1.mkdirSync)(live, { recursive: true });
        const key = path.join(archive, `privkey${serial}.pem`);
        const cert = path.join(archive, `fullchain${serial}.pem`);
        (0, node_child_process_1.execFileSync)("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${domain}`], { stdio: "ignore" });
        for (const name of ["fullchain", "privkey"]) {
            const link = path.join(live, `${name}.pem`);
            if ((0, node_fs_1.existsSync)(link))
                (0, node_fs_1.unlinkSync)(link);
            (0, node_fs_1.symlinkSync)(path.join("..", "..", "archive", domain, `${name}${serial}.pem`), link);
        }
        return { cert: (0, node_fs_1.readFileSync)(cert, "utf8"), key: (0, node_fs_1.readFileSync)(key, "utf8") };
    }
    function assertActive(active, cert, key) {
        for (const [name, content, mode] of [["fullchain.pem", cert, 0o644], ["privkey.pem", key, 0o600]]) {
            const file = path.join(active, name);
            strict_1.default.ok((0, node_fs_1.lstatSync)(file).isFile(), `${file} must be a regular file (nginx's container cannot follow links into the data volume)`);
            strict_1.default.equal((0, node_fs_1.readFileSync)(file, "utf8"), content, `${file} holds the wrong certificate or key`);
            strict_1.default.equal(octal(modeOf(file)), octal(mode), `mode of ${file}`);
        }
        strict_1.default.deepEqual((0, node_fs_1.readdirSync)(active).sort(), ["fullchain.pem", "privkey.pem"], "no half-written files may stay behind");
    }
    (0, node_test_1.test)("selection: fallback first, Let's Encrypt once it exists, reload only on a change", () => {
        sandbox.fake("docker");
        const h = host("select");
        const fallbackCert = (0, node_fs_1.readFileSync)(h.fallbackCert, "utf8");
        const fallbackKey = (0, node_fs_1.readFileSync)(h.fallbackKey, "utf8");
        // First boot: nginx is not running yet, so the reload fails; that is fine.
        sandbox.fakeExit("docker", 1);
        let run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        assertActive(h.active, fallbackCert, fallbackKey);
        strict_1.default.match(run.stderr, /private CA/);
        strict_1.default.match(run.stderr, /not running/);
        strict_1.default.deepEqual(sandbox.callsOf("docker"), [reload]);
        sandbox.fakeExit("docker", 0);
        sandbox.clearCalls("docker");
        run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.deepEqual(sandbox.callsOf("docker"), [], "unchanged files must not reload nginx");
        const first = issue(h.letsencrypt, 1);
        run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        assertActive(h.active, first.cert, first.key);
        strict_1.default.match(run.stderr, /Let's Encrypt/);
        strict_1.default.deepEqual(sandbox.callsOf("docker"), [reload]);
        sandbox.clearCalls("docker");
        run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.deepEqual(sandbox.callsOf("docker"), [], "unchanged files must not reload nginx");
        const renewed = issue(h.letsencrypt, 2);
        run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        assertActive(h.active, renewed.cert, renewed.key);
        strict_1.default.deepEqual(sandbox.callsOf("docker"), [reload]);
    });
    const argAfter = (args, flag) => {
        const index = args.indexOf(flag);
        return index >= 0 ? args[index + 1] : undefined;
    };
    (0, node_test_1.test)("--renew over HTTP-01 with a failing certbot: a clear log line, the fallback stays, exit 0", () => {
        sandbox.fake("docker");
        sandbox.fakeExit("docker", 0);
        sandbox.fake("certbot");
        sandbox.fakeExit("certbot", 1);
        sandbox.clearCalls("certbot");
        const h = host("renew-fails", { ACME_CHALLENGE: "http-01" });
        const run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env, ["--renew"]);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.match(run.stderr, new RegExp(`could not issue a certificate for ${domain.replace(/\./g, "\\.")} over http-01 .*port 80`));
        assertActive(h.active, (0, node_fs_1.readFileSync)(h.fallbackCert, "utf8"), (0, node_fs_1.readFileSync)(h.fallbackKey, "utf8"));
        const calls = sandbox.callsOf("certbot");
        strict_1.default.equal(calls.length, 1);
        const args = calls[0];
        strict_1.default.equal(args[0], "certonly");
        for (const flag of ["--non-interactive", "--agree-tos", "--webroot", "--keep-until-expiring"]) {
            strict_1.default.ok(args.includes(flag), `certbot lacks ${flag}: ${args.join(" ")}`);
        }
        strict_1.default.equal(argAfter(args, "--webroot-path"), h.webroot);
        strict_1.default.ok(!args.includes("--dns-route53"), args.join(" "));
        strict_1.default.equal(argAfter(args, "--config-dir"), h.letsencrypt);
        strict_1.default.equal(argAfter(args, "--domain"), domain);
        strict_1.default.equal(argAfter(args, "--email"), prod.hostEnv.ACME_EMAIL);
        strict_1.default.ok(!args.includes("--register-unsafely-without-email"));
    });
    (0, node_test_1.test)("--renew with route53ZoneId (prod): DNS-01 through Route 53, no webroot", () => {
        strict_1.default.equal(prod.hostEnv.ACME_CHALLENGE, "dns-route53", "prod has a domain and a Route 53 zone");
        strict_1.default.equal(dev.hostEnv.ACME_CHALLENGE, "http-01");
        sandbox.fake("certbot");
        sandbox.fakeExit("certbot", 1);
        sandbox.clearCalls("certbot");
        const h = host("renew-dns");
        const run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env, ["--renew"]);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        const [args, ...more] = sandbox.callsOf("certbot");
        strict_1.default.deepEqual(more, []);
        strict_1.default.equal(args[0], "certonly");
        for (const flag of ["--dns-route53", "--non-interactive", "--agree-tos", "--keep-until-expiring"]) {
            strict_1.default.ok(args.includes(flag), `certbot lacks ${flag}: ${args.join(" ")}`);
        }
        strict_1.default.ok(!args.includes("--webroot") && !args.includes("--webroot-path"), args.join(" "));
        strict_1.default.equal(argAfter(args, "--config-dir"), h.letsencrypt);
        strict_1.default.equal(argAfter(args, "--domain"), domain);
        strict_1.default.match(run.stderr, /over dns-route53 .*_acme-challenge record/);
    });
    (0, node_test_1.test)("--renew with an unknown ACME_CHALLENGE fails without calling certbot", () => {
        sandbox.fake("certbot");
        sandbox.clearCalls("certbot");
        const h = host("renew-unknown", { ACME_CHALLENGE: "tls-alpn-01" });
        const run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env, ["--renew"]);
        strict_1.default.notEqual(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.match(run.stderr, /unknown ACME_CHALLENGE 'tls-alpn-01'/);
        strict_1.default.deepEqual(sandbox.callsOf("certbot"), []);
    });
    (0, node_test_1.test)("--renew without ACME_EMAIL registers without an address", () => {
        sandbox.fake("certbot");
        sandbox.fakeExit("certbot", 1);
        sandbox.clearCalls("certbot");
        const h = host("renew-no-email", { ACME_EMAIL: "" });
        const run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env, ["--renew"]);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        const [args] = sandbox.callsOf("certbot");
        strict_1.default.ok(args.includes("--register-unsafely-without-email"), args.join(" "));
        strict_1.default.ok(!args.includes("--email"), args.join(" "));
        strict_1.default.equal(argAfter(args, "--domain"), domain);
    });
    (0, node_test_1.test)("--renew with a certbot that issues: the new certificate is served and nginx reloaded", () => {
        const cert = sandbox.path("issued-fullchain.pem");
        const key = sandbox.path("issued-privkey.pem");
        (0, node_child_process_1.execFileSync)("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${domain}`], { stdio: "ignore" });
        sandbox.fake("certbot", [
            'while [ $# -gt 0 ]; do case "$1" in --config-dir) dir=$2; shift ;; --domain) name=$2; shift ;; esac; shift; done',
            'mkdir -p "$dir/live/$name"',
            `cp ${(0, hostScripts_1.quote)(cert)} "$dir/live/$name/fullchain.pem"`,
            `cp ${(0, hostScripts_1.quote)(key)} "$dir/live/$name/privkey.pem"`,
        ].join("\n"));
        sandbox.fakeExit("certbot", 0);
        sandbox.fake("docker");
        sandbox.clearCalls("docker");
        const h = host("renew-issues");
        const run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env, ["--renew"]);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        assertActive(h.active, (0, node_fs_1.readFileSync)(cert, "utf8"), (0, node_fs_1.readFileSync)(key, "utf8"));
        strict_1.default.deepEqual(sandbox.callsOf("docker"), [reload]);
    });
    (0, node_test_1.test)("without a domain (dev), --renew never calls certbot and serves the fallback", () => {
        strict_1.default.equal(dev.hostEnv.DOMAIN, "");
        sandbox.fake("certbot");
        sandbox.clearCalls("certbot");
        const h = host("dev", {}, dev);
        const run = (0, hostScripts_1.runHostScript)("mlflow-certificate", h.env, ["--renew"]);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.deepEqual(sandbox.callsOf("certbot"), []);
        assertActive(h.active, (0, node_fs_1.readFileSync)(h.fallbackCert, "utf8"), (0, node_fs_1.readFileSync)(h.fallbackKey, "utf8"));
    });
});
(0, node_test_1.describe)("mlflow-fetch-secrets", { skip: !isRoot && "chown to root:<gid> needs root" }, () => {
    const region = prod.hostEnv.AWS_REGION;
    const htpasswdParameter = prod.hostEnv.HTPASSWD_PARAMETER;
    const keyParameter = prod.hostEnv.TLS_KEY_PARAMETER;
    const nginxGid = Number(prod.hostEnv.NGINX_GID);
    let sandbox;
    let ssm;
    (0, node_test_1.before)(() => {
        strict_1.default.equal(nginxGid, 101);
        sandbox = new hostScripts_1.Sandbox("fetch-secrets");
        ssm = sandbox.mkdir("ssm");
        // Answers like `aws ssm get-parameter ... --output text`: the value and a newline, or an error.
        sandbox.fake("aws", [
            'prev=""; for arg; do [ "$prev" = --name ] && name=$arg; prev=$arg; done',
            `file=${(0, hostScripts_1.quote)(ssm)}"$name"`,
            'if [ -f "$file" ]; then cat "$file"; echo; exit 0; fi',
            'echo "An error occurred (ParameterNotFound) when calling the GetParameter operation: Parameter $name not found." >&2',
            "exit 254",
        ].join("\n"));
    });
    (0, node_test_1.after)(() => sandbox.remove());
    function store(parameter, value) {
        (0, node_fs_1.mkdirSync)(path.dirname(path.join(ssm, parameter)), { recursive: true });
        (0, node_fs_1.writeFileSync)(path.join(ssm, parameter), value);
    }
    (0, node_test_1.test)("writes htpasswd 0640 root:NGINX_GID and the key 0600 root:root, with the parameters' values", () => {
        const htpasswd = prod.text("/etc/mlflow/secrets/htpasswd").replace(/\n+$/, "");
        const key = prod.text("/etc/mlflow/secrets/fallback-privkey.pem").replace(/\n+$/, "");
        store(htpasswdParameter, htpasswd);
        store(keyParameter, key);
        const secrets = sandbox.path("secrets-ok");
        const env = sandbox.env(sandbox.envFile(prod.hostEnvText, { SECRETS_DIR: secrets }, "ok.env"));
        const run = (0, hostScripts_1.runHostScript)("mlflow-fetch-secrets", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        const expected = [
            ["htpasswd", htpasswd, 0o640, nginxGid],
            ["fallback-privkey.pem", key, 0o600, 0],
        ];
        for (const [name, value, mode, gid] of expected) {
            const file = path.join(secrets, name);
            const stat = (0, node_fs_1.statSync)(file);
            strict_1.default.equal((0, node_fs_1.readFileSync)(file, "utf8"), `${value}\n`, `${name} differs from the parameter's value`);
            strict_1.default.equal(octal(stat.mode & 0o7777), octal(mode), `mode of ${name}`);
            strict_1.default.equal(stat.uid, 0, `owner of ${name}`);
            strict_1.default.equal(stat.gid, gid, `group of ${name}`);
        }
        strict_1.default.equal(octal(modeOf(secrets)), "0750");
        strict_1.default.deepEqual((0, node_fs_1.readdirSync)(secrets).sort(), ["fallback-privkey.pem", "htpasswd"], "no temporary files may stay behind");
        const expectedCall = (name) => ["ssm", "get-parameter", "--region", region, "--name", name, "--with-decryption", "--query", "Parameter.Value", "--output", "text"];
        strict_1.default.deepEqual(sandbox.callsOf("aws"), [expectedCall(htpasswdParameter), expectedCall(keyParameter)]);
    });
    (0, node_test_1.test)("retries a parameter that is not readable yet", () => {
        sandbox.clearCalls("aws");
        const counter = sandbox.path("aws-failures-left");
        (0, node_fs_1.writeFileSync)(counter, "2");
        sandbox.fake("aws", [
            `left=$(cat ${(0, hostScripts_1.quote)(counter)})`,
            `if [ "$left" -gt 0 ]; then echo $((left - 1)) >${(0, hostScripts_1.quote)(counter)}; echo "Unable to locate credentials" >&2; exit 253; fi`,
            'prev=""; for arg; do [ "$prev" = --name ] && name=$arg; prev=$arg; done',
            `cat ${(0, hostScripts_1.quote)(ssm)}"$name"; echo`,
        ].join("\n"));
        const secrets = sandbox.path("secrets-retry");
        const env = sandbox.env(sandbox.envFile(prod.hostEnvText, { SECRETS_DIR: secrets, FETCH_ATTEMPTS: "5", FETCH_RETRY_SECONDS: "0" }, "retry.env"));
        const run = (0, hostScripts_1.runHostScript)("mlflow-fetch-secrets", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.equal(sandbox.callsOf("aws").length, 4, "two failures, then one call per parameter");
        strict_1.default.match(run.stderr, /attempt 1 of 5: cannot read \S+: .*Unable to locate credentials/);
        strict_1.default.ok((0, node_fs_1.existsSync)(path.join(secrets, "htpasswd")) && (0, node_fs_1.existsSync)(path.join(secrets, "fallback-privkey.pem")));
    });
    (0, node_test_1.test)("an unreadable parameter: exit != 0 after the bounded retries, naming the parameter", () => {
        sandbox.fake("aws", 'echo "An error occurred (AccessDeniedException) when calling the GetParameter operation" >&2; exit 254');
        sandbox.clearCalls("aws");
        const secrets = sandbox.path("secrets-fail");
        const env = sandbox.env(sandbox.envFile(prod.hostEnvText, { SECRETS_DIR: secrets, FETCH_ATTEMPTS: "3", FETCH_RETRY_SECONDS: "1" }, "fail.env"));
        const run = (0, hostScripts_1.runHostScript)("mlflow-fetch-secrets", env, [], 15_000);
        strict_1.default.notEqual(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.equal(run.signal, null, (0, hostScripts_1.describeRun)(run));
        strict_1.default.equal(sandbox.callsOf("aws").length, 3, "exactly FETCH_ATTEMPTS calls");
        strict_1.default.ok(run.ms >= 2000 && run.ms < 10_000, `3 attempts with 1 s between them took ${run.ms} ms`);
        const last = run.stderr.trim().split("\n").at(-1) ?? "";
        strict_1.default.match(last, /giving up/);
        strict_1.default.ok(last.includes(htpasswdParameter), `the last line must name ${htpasswdParameter}: ${last}`);
        strict_1.default.match(run.stderr, /AccessDeniedException/);
        strict_1.default.equal((0, node_fs_1.existsSync)(path.join(secrets, "htpasswd")), false);
    });
});
(0, node_test_1.describe)("mlflow-fetch-secrets on a stateless host", { skip: !isRoot && "chown to root:<gid> needs root" }, () => {
    const secretArn = stateless.hostEnv.DATABASE_SECRET_ARN;
    let sandbox;
    (0, node_test_1.before)(() => {
        strict_1.default.match(secretArn, /^arn:aws:secretsmanager:/);
        sandbox = new hostScripts_1.Sandbox("fetch-secrets-rds");
        // SSM answers every parameter; Secrets Manager the secret as RDS keeps it: JSON with the user and a password
        // holding the two characters a password file must escape.
        sandbox.fake("aws", [
            'if [ "$1" = ssm ]; then echo "parameter value"; exit 0; fi',
            `if [ "$1" = secretsmanager ]; then echo '{"username":"mlflow","password":"p:w\\\\rd"}'; exit 0; fi`,
            "exit 254",
        ].join("\n"));
    });
    (0, node_test_1.after)(() => sandbox.remove());
    (0, node_test_1.test)("writes the password file libpq reads, 0600 root:root, escaping ':' and '\\', from exactly the database's secret", () => {
        const secrets = sandbox.path("secrets");
        const pgpass = path.join(secrets, "pgpass");
        const env = sandbox.env(sandbox.envFile(stateless.hostEnvText, { SECRETS_DIR: secrets, PGPASS_FILE: pgpass }));
        const run = (0, hostScripts_1.runHostScript)("mlflow-fetch-secrets", env);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        const { DATABASE_HOST: host, DATABASE_PORT: port, DATABASE_NAME: name, DATABASE_USER: user } = stateless.hostEnv;
        strict_1.default.equal((0, node_fs_1.readFileSync)(pgpass, "utf8"), `${host}:${port}:${name}:${user}:p\\:w\\\\rd\n`);
        const stat = (0, node_fs_1.statSync)(pgpass);
        strict_1.default.deepEqual([octal(stat.mode & 0o7777), stat.uid, stat.gid], ["0600", 0, 0]);
        const secretCalls = sandbox.callsOf("aws").filter(call => call[0] === "secretsmanager");
        strict_1.default.deepEqual(secretCalls, [["secretsmanager", "get-secret-value", "--region", stateless.hostEnv.AWS_REGION, "--secret-id", secretArn, "--query", "SecretString", "--output", "text"]]);
        strict_1.default.deepEqual((0, node_fs_1.readdirSync)(secrets).sort(), ["fallback-privkey.pem", "htpasswd", "pgpass"]);
    });
    (0, node_test_1.test)("an unreadable secret: exit != 0 after the retries, naming it, and no password file", () => {
        sandbox.fake("aws", [
            'if [ "$1" = ssm ]; then echo "parameter value"; exit 0; fi',
            'echo "An error occurred (AccessDeniedException) when calling the GetSecretValue operation" >&2; exit 254',
        ].join("\n"));
        const secrets = sandbox.path("secrets-denied");
        const pgpass = path.join(secrets, "pgpass");
        const env = sandbox.env(sandbox.envFile(stateless.hostEnvText, { SECRETS_DIR: secrets, PGPASS_FILE: pgpass, FETCH_ATTEMPTS: "2", FETCH_RETRY_SECONDS: "0" }, "denied.env"));
        const run = (0, hostScripts_1.runHostScript)("mlflow-fetch-secrets", env);
        strict_1.default.notEqual(run.status, 0, (0, hostScripts_1.describeRun)(run));
        const last = run.stderr.trim().split("\n").at(-1) ?? "";
        strict_1.default.ok(last.includes(`giving up on ${secretArn}`), last);
        strict_1.default.equal((0, node_fs_1.existsSync)(pgpass), false);
    });
});
(0, node_test_1.describe)("mlflow-monitor", { skip: !isRoot && "mounting a tmpfs needs root" }, () => {
    let sandbox;
    (0, node_test_1.before)(() => {
        sandbox = new hostScripts_1.Sandbox("monitor");
        sandbox.fake("curl");
    });
    (0, node_test_1.after)(() => sandbox.remove());
    /** Runs the monitor on a private 8 MiB tmpfs that is half full. */
    function monitor(overrides, name) {
        const mount = sandbox.mkdir(`${name}-mount`);
        const env = sandbox.env(sandbox.envFile(prod.hostEnvText, { DATA_MOUNT: mount, ...overrides }, `${name}.env`));
        return (0, hostScripts_1.runCommand)("unshare", ["--mount", "--propagation", "private", "/bin/bash", "-c",
            'set -e; mount -t tmpfs -o size=8m tmpfs "$1"; head -c 4194304 /dev/zero >"$1/fill"; exec "$2"',
            "_", mount, path.join(hostScripts_1.HOST_DIR, "mlflow-monitor")], env);
    }
    const metric = (name, value, unit) => ["cloudwatch", "put-metric-data", "--region", prod.hostEnv.AWS_REGION,
        "--namespace", prod.hostEnv.METRIC_NAMESPACE, "--metric-name", name, "--dimensions", `Stack=${prod.hostEnv.STACK}`,
        "--value", value, "--unit", unit];
    (0, node_test_1.test)("reports the used percentage and a healthy /health to CloudWatch, quietly below the threshold", () => {
        sandbox.fake("aws");
        const run = monitor({}, "below");
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.equal(prod.hostEnv.DISK_WARN_PERCENT, String(schedule_1.DISK_WARN_PERCENT));
        strict_1.default.equal(prod.hostEnv.METRIC_NAMESPACE, schedule_1.METRIC_NAMESPACE);
        strict_1.default.deepEqual(sandbox.callsOf("aws"), [metric("DataVolumeUsedPercent", "50", "Percent"), metric("HealthCheckOk", "1", "Count")]);
        strict_1.default.doesNotMatch(run.stderr, /WARNING/);
        // /health through nginx's port 80, with the server's own name (nginx refuses unknown names).
        const [curl] = sandbox.callsOf("curl");
        strict_1.default.equal(prod.hostEnv.SERVER_NAME, "mlflow.example.com");
        strict_1.default.ok(curl.includes(`Host: ${prod.hostEnv.SERVER_NAME}`), curl.join(" "));
        strict_1.default.equal(curl.at(-1), "http://127.0.0.1/health");
    });
    (0, node_test_1.test)("a failing /health is reported as 0 and logged", () => {
        sandbox.clearCalls("aws");
        sandbox.fakeExit("curl", 22);
        const run = monitor({}, "unhealthy");
        sandbox.fakeExit("curl", 0);
        strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
        strict_1.default.deepEqual(sandbox.callsOf("aws")[1], metric("HealthCheckOk", "0", "Count"));
        strict_1.default.match(run.stderr, /mlflow-monitor: \/health failed/);
    });
    (0, node_test_1.test)("warns on stderr at or above DISK_WARN_PERCENT", () => {
        sandbox.clearCalls("aws");
        for (const threshold of ["1", "50"]) {
            const run = monitor({ DISK_WARN_PERCENT: threshold }, `warn-${threshold}`);
            strict_1.default.equal(run.status, 0, (0, hostScripts_1.describeRun)(run));
            strict_1.default.match(run.stderr, /WARNING: the data volume is 50% full/);
        }
        strict_1.default.deepEqual(sandbox.callsOf("aws").filter(call => call.includes("DataVolumeUsedPercent")), [metric("DataVolumeUsedPercent", "50", "Percent"), metric("DataVolumeUsedPercent", "50", "Percent")]);
        const quiet = monitor({ DISK_WARN_PERCENT: "51" }, "warn-51");
        strict_1.default.doesNotMatch(quiet.stderr, /WARNING/);
    });
    (0, node_test_1.test)("a failed report fails the unit", () => {
        sandbox.fakeExit("aws", 255);
        const run = monitor({}, "aws-fails");
        strict_1.default.notEqual(run.status, 0, (0, hostScripts_1.describeRun)(run));
    });
});
//# sourceMappingURL=host-scripts.test.js.map