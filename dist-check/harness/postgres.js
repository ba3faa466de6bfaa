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
Object.defineProperty(exports, "__esModule", { value: true });
exports.Postgres = exports.POSTGRES_PORT = exports.DEFAULT_POSTGRES_ROOT = void 0;
exports.resolvePostgresRoot = resolvePostgresRoot;
// A real PostgreSQL server of the major version the RDS instance pins, for the scaled tier's
// tests: Debian 13's build from the root test/support/build-postgres-root.sh makes, run by chroot
// inside the test's own namespaces (namespace.ts), on one loopback address. It is set up the way
// the rendered connection meets RDS: TLS with a certificate for the name the task connects to
// (RDS's endpoint), plain TCP refused (RDS's rds.force_ssl), scram-sha-256 passwords, and the
// master user owning the database. The cluster lives in a scratch directory bind-mounted into
// the root, so the shared root never changes and several tests can run at once.
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const database_1 = require("../components/shared/database");
const namespace_1 = require("./namespace");
exports.DEFAULT_POSTGRES_ROOT = "/var/cache/mlflow-on-aws/postgres-root";
const BIN = `/usr/lib/postgresql/${database_1.POSTGRES_MAJOR_VERSION}/bin`;
/** Mount points the build script makes in the root. */
const DATA_MOUNT = "/srv/pgdata";
const TLS_MOUNT = "/srv/pgtls";
function resolvePostgresRoot(root = process.env.POSTGRES_ROOT || exports.DEFAULT_POSTGRES_ROOT) {
    if (!(0, fs_1.existsSync)(path.join(root, BIN, "postgres"))) {
        throw new Error(`no PostgreSQL ${database_1.POSTGRES_MAJOR_VERSION} root at ${root}: run \`bash test/support/build-postgres-root.sh\` as root`);
    }
    return root;
}
exports.POSTGRES_PORT = 5432;
class Postgres {
    root;
    server;
    options;
    output = "";
    constructor(root, server, options) {
        this.root = root;
        this.server = server;
        this.options = options;
        const keep = (chunk) => { this.output = (this.output + chunk.toString("utf8")).slice(-200_000); };
        server.stdout.on("data", keep);
        server.stderr.on("data", keep);
    }
    static async start(options) {
        (0, namespace_1.assertInNamespace)();
        const root = resolvePostgresRoot(options.root);
        const passwd = (0, fs_1.readFileSync)(path.join(root, "etc/passwd"), "utf8");
        const entry = /^postgres:[^:]*:(\d+):(\d+):/m.exec(passwd);
        if (!entry)
            throw new Error(`${root}/etc/passwd has no postgres user`);
        const [uid, gid] = [Number(entry[1]), Number(entry[2])];
        const data = (0, namespace_1.scratchDir)("pgdata");
        const tls = (0, namespace_1.scratchDir)("pgtls");
        for (const dir of [data, tls]) {
            (0, fs_1.chownSync)(dir, uid, gid);
            (0, fs_1.chmodSync)(dir, 0o700);
        }
        for (const [name, pem] of [["server.crt", options.certPem], ["server.key", options.keyPem]]) {
            (0, fs_1.writeFileSync)(path.join(tls, name), pem, { mode: 0o600 });
            (0, fs_1.chownSync)(path.join(tls, name), uid, gid);
        }
        const passwordFile = path.join(tls, "superuser-password");
        (0, fs_1.writeFileSync)(passwordFile, `${options.password}\n`, { mode: 0o600 });
        (0, fs_1.chownSync)(passwordFile, uid, gid);
        await mustRun("mount", ["--bind", data, path.join(root, DATA_MOUNT)]);
        await mustRun("mount", ["--bind", tls, path.join(root, TLS_MOUNT)]);
        const asPostgres = (program, args) => mustRun("chroot", [`--userspec=${uid}:${gid}`, root, `${BIN}/${program}`, ...args]);
        await asPostgres("initdb", ["-D", DATA_MOUNT, "-U", options.user, `--pwfile=${TLS_MOUNT}/superuser-password`,
            "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C"]);
        (0, fs_1.writeFileSync)(path.join(data, "pg_hba.conf"), [
            "local all all trust",
            "hostssl all all 0.0.0.0/0 scram-sha-256",
            "hostnossl all all 0.0.0.0/0 reject",
            "",
        ].join("\n"));
        const conf = (0, fs_1.readFileSync)(path.join(data, "postgresql.conf"), "utf8");
        (0, fs_1.writeFileSync)(path.join(data, "postgresql.conf"), `${conf}
listen_addresses = '${options.address}'
port = ${exports.POSTGRES_PORT}
unix_socket_directories = '${DATA_MOUNT}'
ssl = on
ssl_cert_file = '${TLS_MOUNT}/server.crt'
ssl_key_file = '${TLS_MOUNT}/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
fsync = off
`);
        (0, namespace_1.addLoopbackAddress)(options.address);
        const server = (0, child_process_1.spawn)("chroot", [`--userspec=${uid}:${gid}`, root, `${BIN}/postgres`, "-D", DATA_MOUNT], { stdio: ["ignore", "pipe", "pipe"] });
        const postgres = new Postgres(root, server, options);
        const deadline = Date.now() + 30_000;
        while (!(await (0, namespace_1.canConnect)(options.address, exports.POSTGRES_PORT))) {
            if (server.exitCode !== null || Date.now() > deadline) {
                await postgres.stop();
                throw new Error(`PostgreSQL did not come up:\n${postgres.output}`);
            }
            await (0, namespace_1.sleep)(100);
        }
        await postgres.sql(`CREATE DATABASE ${options.database} OWNER ${options.user}`, "postgres");
        return postgres;
    }
    /** Runs SQL as the master user over the cluster's unix socket; returns psql's unaligned output. */
    async sql(statement, database = this.options.database) {
        const result = await (0, namespace_1.run)("chroot", [this.root, `${BIN}/psql`, "-h", DATA_MOUNT, "-U", this.options.user, "-d", database,
            "-v", "ON_ERROR_STOP=1", "-At", "-c", statement]);
        if (result.code !== 0)
            throw new Error(`psql ${statement}: ${result.stderr}`);
        return result.stdout.trim();
    }
    get log() { return this.output; }
    async stop() {
        if (this.server.exitCode !== null || this.server.signalCode !== null)
            return;
        const exited = new Promise(resolve => this.server.once("exit", () => resolve()));
        this.server.kill("SIGINT"); // fast shutdown
        await exited;
    }
}
exports.Postgres = Postgres;
async function mustRun(command, args) {
    const result = await (0, namespace_1.run)(command, args);
    if (result.code !== 0)
        throw new Error(`${command} ${args.join(" ")}: exit ${result.code}\n${result.stdout}${result.stderr}`);
}
//# sourceMappingURL=postgres.js.map