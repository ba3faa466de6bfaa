// A real PostgreSQL server of the major version the RDS instance pins, for the scaled tier's
// tests: Debian 13's build from the root test/support/build-postgres-root.sh makes, run by chroot
// inside the test's own namespaces (namespace.ts), on one loopback address. It is set up the way
// the rendered connection meets RDS: TLS with a certificate for the name the task connects to
// (RDS's endpoint), plain TCP refused (RDS's rds.force_ssl), scram-sha-256 passwords, and the
// master user owning the database. The cluster lives in a scratch directory bind-mounted into
// the root, so the shared root never changes and several tests can run at once.
import { ChildProcess, spawn } from "child_process";
import { chmodSync, chownSync, existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { POSTGRES_MAJOR_VERSION } from "../components/shared/database";
import { addLoopbackAddress, assertInNamespace, canConnect, run, scratchDir, sleep } from "./namespace";

export const DEFAULT_POSTGRES_ROOT = "/var/cache/mlflow-on-aws/postgres-root";
const BIN = `/usr/lib/postgresql/${POSTGRES_MAJOR_VERSION}/bin`;
/** Mount points the build script makes in the root. */
const DATA_MOUNT = "/srv/pgdata";
const TLS_MOUNT = "/srv/pgtls";

export function resolvePostgresRoot(root = process.env.POSTGRES_ROOT || DEFAULT_POSTGRES_ROOT): string {
    if (!existsSync(path.join(root, BIN, "postgres"))) {
        throw new Error(`no PostgreSQL ${POSTGRES_MAJOR_VERSION} root at ${root}: run \`bash test/support/build-postgres-root.sh\` as root`);
    }
    return root;
}

export interface PostgresOptions {
    /** The loopback address to listen on (port 5432). */
    address: string;
    /** The server's certificate (for the name clients verify) and key, PEM. */
    certPem: string;
    keyPem: string;
    database: string;
    /** The master user (owner of `database`) and its password. */
    user: string;
    password: string;
    root?: string;
}

export const POSTGRES_PORT = 5432;

export class Postgres {
    private output = "";
    private constructor(private readonly root: string, private readonly server: ChildProcess, readonly options: PostgresOptions) {
        const keep = (chunk: Buffer) => { this.output = (this.output + chunk.toString("utf8")).slice(-200_000); };
        server.stdout!.on("data", keep);
        server.stderr!.on("data", keep);
    }

    static async start(options: PostgresOptions): Promise<Postgres> {
        assertInNamespace();
        const root = resolvePostgresRoot(options.root);
        const passwd = readFileSync(path.join(root, "etc/passwd"), "utf8");
        const entry = /^postgres:[^:]*:(\d+):(\d+):/m.exec(passwd);
        if (!entry) throw new Error(`${root}/etc/passwd has no postgres user`);
        const [uid, gid] = [Number(entry[1]), Number(entry[2])];

        const data = scratchDir("pgdata");
        const tls = scratchDir("pgtls");
        for (const dir of [data, tls]) { chownSync(dir, uid, gid); chmodSync(dir, 0o700); }
        for (const [name, pem] of [["server.crt", options.certPem], ["server.key", options.keyPem]] as const) {
            writeFileSync(path.join(tls, name), pem, { mode: 0o600 });
            chownSync(path.join(tls, name), uid, gid);
        }
        const passwordFile = path.join(tls, "superuser-password");
        writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
        chownSync(passwordFile, uid, gid);
        await mustRun("mount", ["--bind", data, path.join(root, DATA_MOUNT)]);
        await mustRun("mount", ["--bind", tls, path.join(root, TLS_MOUNT)]);

        const asPostgres = (program: string, args: string[]) =>
            mustRun("chroot", [`--userspec=${uid}:${gid}`, root, `${BIN}/${program}`, ...args]);
        await asPostgres("initdb", ["-D", DATA_MOUNT, "-U", options.user, `--pwfile=${TLS_MOUNT}/superuser-password`,
            "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C"]);
        writeFileSync(path.join(data, "pg_hba.conf"), [
            "local all all trust",
            "hostssl all all 0.0.0.0/0 scram-sha-256",
            "hostnossl all all 0.0.0.0/0 reject",
            "",
        ].join("\n"));
        const conf = readFileSync(path.join(data, "postgresql.conf"), "utf8");
        writeFileSync(path.join(data, "postgresql.conf"), `${conf}
listen_addresses = '${options.address}'
port = ${POSTGRES_PORT}
unix_socket_directories = '${DATA_MOUNT}'
ssl = on
ssl_cert_file = '${TLS_MOUNT}/server.crt'
ssl_key_file = '${TLS_MOUNT}/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
fsync = off
`);
        addLoopbackAddress(options.address);
        const server = spawn("chroot", [`--userspec=${uid}:${gid}`, root, `${BIN}/postgres`, "-D", DATA_MOUNT], { stdio: ["ignore", "pipe", "pipe"] });
        const postgres = new Postgres(root, server, options);
        const deadline = Date.now() + 30_000;
        while (!(await canConnect(options.address, POSTGRES_PORT))) {
            if (server.exitCode !== null || Date.now() > deadline) {
                await postgres.stop();
                throw new Error(`PostgreSQL did not come up:\n${postgres.output}`);
            }
            await sleep(100);
        }
        await postgres.sql(`CREATE DATABASE ${options.database} OWNER ${options.user}`, "postgres");
        return postgres;
    }

    /** Runs SQL as the master user over the cluster's unix socket; returns psql's unaligned output. */
    async sql(statement: string, database = this.options.database): Promise<string> {
        const result = await run("chroot", [this.root, `${BIN}/psql`, "-h", DATA_MOUNT, "-U", this.options.user, "-d", database,
            "-v", "ON_ERROR_STOP=1", "-At", "-c", statement]);
        if (result.code !== 0) throw new Error(`psql ${statement}: ${result.stderr}`);
        return result.stdout.trim();
    }

    get log(): string { return this.output; }

    /** The server's process (PostgreSQL's postmaster; its backends are its children). */
    get pid(): number { return this.server.pid!; }

    async stop(): Promise<void> {
        if (this.server.exitCode !== null || this.server.signalCode !== null) return;
        const exited = new Promise<void>(resolve => this.server.once("exit", () => resolve()));
        this.server.kill("SIGINT"); // fast shutdown
        await exited;
    }
}

async function mustRun(command: string, args: string[]): Promise<void> {
    const result = await run(command, args);
    if (result.code !== 0) throw new Error(`${command} ${args.join(" ")}: exit ${result.code}\n${result.stdout}${result.stderr}`);
}
