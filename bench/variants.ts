// The configurations the benchmark compares, each derived from the rendered bytes (`npm run
// render -- --stack dev`): MLflow's service in the compose file as rendered or with one setting
// changed, nginx.conf as rendered or with one piece changed, and the htpasswd file as rendered
// ({SSHA}) or the same users hashed the seed's way ($apr1$) or bcrypt's.
import { execFileSync } from "child_process";
import { parse, stringify } from "yaml";
import { SQLITE_STORE_ENVIRONMENT } from "../lib/render/containers";
import { MLFLOW } from "../lib/render/layout";
import { POSTGRES_STORE_ENVIRONMENT, withOption } from "../lib/render/stores";

/** The mlflow service's command, environment and servers (compose replicas), as a variant may change them. */
export interface MlflowService { command: string[]; environment: Record<string, string>; replicas: number }

export interface MlflowVariant {
    id: string;
    /** Short name for tables. */
    name: string;
    /** What it is, one sentence, for the doc. */
    description: string;
    /** Changes the rendered service; absent: as rendered. */
    edit?: (service: MlflowService) => void;
    /**
     * The tracking store when not as rendered (SQLite on the data directory in the journal mode
     * host.env gives): SQLite in the rollback journal MLflow leaves a database in, or PostgreSQL
     * on the same host (BENCH_POSTGRES).
     */
    database?: "rollback-journal" | "postgres";
}

/** The PostgreSQL server the benchmark runs beside MLflow for the variant that stores in it (a bench-only password). */
export const BENCH_POSTGRES = { address: "127.0.0.20", database: "mlflow", user: "mlflow", password: "bench-only" } as const;
export const BENCH_POSTGRES_URI = `postgresql+psycopg2://${BENCH_POSTGRES.user}@${BENCH_POSTGRES.address}:5432/${BENCH_POSTGRES.database}?sslmode=require`;

const setWorkers = (service: MlflowService, workers: number | undefined) => {
    const at = service.command.indexOf("--workers");
    if (at >= 0) service.command.splice(at, 2);
    if (workers !== undefined) service.command.push("--workers", String(workers));
};

/** The service without the SQLite store's pool settings (SQLITE_STORE_ENVIRONMENT): SQLAlchemy's defaults. */
const withoutSqlitePool = (service: MlflowService) => {
    for (const name of Object.keys(SQLITE_STORE_ENVIRONMENT)) delete service.environment[name];
};

/** A new SQLite connection for every session, as before the pool. */
const connectionPerRequest = (service: MlflowService) => {
    withoutSqlitePool(service);
    service.environment.MLFLOW_SQLALCHEMYSTORE_POOLCLASS = "NullPool";
};

export const RENDERED_MLFLOW: MlflowVariant = {
    id: "rendered", name: "as rendered",
    description: "the mlflow service exactly as the compose file renders it (`MLFLOW_SERVERS` servers of one uvicorn worker each, " +
        "nginx's `least_conn` over them, SQLAlchemy's pool of `SQLITE_STORE_ENVIRONMENT`, job execution off), on the database in host.env's " +
        "`SQLITE_JOURNAL_MODE`.",
};

/** The tracking ladder runs for each of these, rendered first. */
export const MLFLOW_VARIANTS: MlflowVariant[] = [
    RENDERED_MLFLOW,
    {
        id: "defaults", name: "MLflow's defaults", database: "rollback-journal",
        description: "one `mlflow server` with its own defaults for what the render sets: no `--workers` (uvicorn's 4), " +
            "`MLFLOW_SERVER_ENABLE_JOB_EXECUTION` unset (the job runner and its huey consumers start), SQLAlchemy's default pool (5 + 10), " +
            "the rollback journal MLflow leaves a new database in.",
        edit: service => {
            service.replicas = 1;
            setWorkers(service, undefined);
            delete service.environment.MLFLOW_SERVER_ENABLE_JOB_EXECUTION;
            withoutSqlitePool(service);
        },
    },
    {
        id: "before", name: "before (1 server, 2 workers, journal, no pool)", database: "rollback-journal",
        description: "the render before this benchmark's changes: one server of two uvicorn workers, a new SQLite connection per request " +
            "(`NullPool`), the rollback journal.",
        edit: service => {
            service.replicas = 1;
            setWorkers(service, 2);
            connectionPerRequest(service);
        },
    },
    {
        id: "one-server-2-workers", name: "1 server, 2 workers",
        description: "as rendered but one server of two uvicorn workers sharing its socket: nginx's kept-alive connections land on " +
            "whichever worker accepted them, and uvicorn leaves TCP_NODELAY off.",
        edit: service => {
            service.replicas = 1;
            setWorkers(service, 2);
        },
    },
    {
        id: "three-servers", name: "3 servers",
        description: "as rendered but three servers of one worker each, one more than the host's vCPUs.",
        edit: service => { service.replicas = 3; },
    },
    {
        id: "rollback-journal", name: "rollback journal", database: "rollback-journal",
        description: "as rendered, with the database in the rollback journal MLflow leaves a new database in instead of write-ahead-log mode.",
    },
    {
        id: "no-pool", name: "a connection per request",
        description: "as rendered, with a new SQLite connection for every session (`MLFLOW_SQLALCHEMYSTORE_POOLCLASS=NullPool`) instead of SQLAlchemy's pool.",
        edit: connectionPerRequest,
    },
    {
        id: "postgres", name: "PostgreSQL on the host", database: "postgres",
        description: "as rendered, with the tracking store in a PostgreSQL server on the same host (Debian 13's, the version the RDS " +
            "instance pins, over TLS on loopback) instead of SQLite, with the pool the stateless host's servers get " +
            "(`POSTGRES_STORE_ENVIRONMENT`); CPU and memory include PostgreSQL's processes.",
        edit: service => {
            service.command = withOption(service.command, "--backend-store-uri", BENCH_POSTGRES_URI);
            withoutSqlitePool(service);
            Object.assign(service.environment, POSTGRES_STORE_ENVIRONMENT, { PGPASSWORD: BENCH_POSTGRES.password });
        },
    },
];

/** The rendered compose file with the mlflow service changed by the variant. */
export function composeForVariant(composeText: string, variant: MlflowVariant): string {
    if (!variant.edit) return composeText;
    const compose = parse(composeText) as { services: Record<string, { command: string[]; environment: Record<string, string>; deploy?: { replicas?: number } }> };
    const rendered = compose.services[MLFLOW.service];
    const service: MlflowService = {
        command: rendered.command.map(String), environment: { ...rendered.environment }, replicas: rendered.deploy?.replicas ?? 1,
    };
    variant.edit(service);
    // The rendered service's deploy section holds only its replicas.
    const { deploy: _replicas, ...kept } = rendered;
    compose.services[MLFLOW.service] = {
        ...kept, command: service.command, environment: service.environment,
        ...(service.replicas > 1 ? { deploy: { replicas: service.replicas } } : {}),
    };
    return stringify(compose);
}

/** The --workers the command gives uvicorn (its default, 4, when it gives none). */
export function workersOf(service: Pick<MlflowService, "command">): number {
    const at = service.command.indexOf("--workers");
    return at >= 0 ? Number(service.command[at + 1]) : 4;
}

// ---- nginx ----------------------------------------------------------------------------------

export interface NginxVariant {
    id: string;
    name: string;
    description: string;
    /** The rendered nginx.conf, changed. */
    edit: (conf: string) => string;
}

/** Removes the lines that match, and insists there were some. */
function dropLines(conf: string, pattern: RegExp, what: string): string {
    const lines = conf.split("\n");
    const kept = lines.filter(line => !pattern.test(line));
    if (kept.length === lines.length) throw new Error(`the rendered nginx.conf has no ${what}`);
    return kept.join("\n");
}

export const NGINX_VARIANTS = {
    noUpstreamKeepalive: {
        id: "no-upstream-keepalive", name: "no keep-alive to MLflow",
        description: "the rendered configuration without the `keepalive` directives of its `upstream mlflow`: a new connection to uvicorn for every request.",
        edit: conf => conf.replace(/^(\s*upstream mlflow \{\n)([^}]*)\}/m, (_, head: string, body: string) =>
            `${head}${dropLines(body, /^\s*keepalive(_requests|_timeout)?\s[^;]*;\s*$/, "upstream keepalive")}}`),
    },
    noGzipStatic: {
        id: "no-gzip-static", name: "no gzip on the UI's files",
        description: "the rendered configuration without its `location ^~ /static-files/` (`staticFiles()` in lib/render/nginx.ts): the UI's JavaScript and CSS uncompressed, as MLflow sends them.",
        edit: conf => {
            const without = conf.replace(/^\s*location \^~ \/static-files\/ \{\n[^}]*\}\n/m, "");
            if (without === conf) throw new Error("the rendered nginx.conf has no /static-files/ location");
            return without;
        },
    },
    noAuth: {
        id: "no-auth", name: "nginx, no auth",
        description: "the rendered configuration minus its `auth_basic`/`auth_basic_user_file` directives: what TLS alone costs.",
        edit: conf => withoutBasicAuth(conf),
    },
} satisfies Record<string, NginxVariant>;

const AUTH_DIRECTIVE = /^\s*(auth_basic|auth_basic_user_file)\s[^;]*;\s*$/;

/**
 * The rendered nginx.conf with basic auth taken out and nothing else changed: every line whose
 * directive is `auth_basic` or `auth_basic_user_file` is removed (the `auth_basic off;` lines
 * too, which switch off what is no longer on). The failed-login location stays; without auth
 * nothing reaches it.
 */
export function withoutBasicAuth(renderedConf: string): string {
    const result = dropLines(renderedConf, AUTH_DIRECTIVE, "auth_basic directives");
    if (/\bauth_basic/.test(result)) throw new Error("withoutBasicAuth: an auth_basic directive is left (not one per line?)");
    return result;
}

// ---- htpasswd -------------------------------------------------------------------------------

export type HashScheme = "ssha" | "apr1" | "bcrypt10";

/** `user:$apr1$...` lines, as `htpasswd -c` (MD5, the seed's scheme) writes them. */
export function apr1Htpasswd(users: Record<string, string>): string {
    return Object.entries(users).map(([user, password]) => {
        const hash = execFileSync("openssl", ["passwd", "-apr1", "-stdin"], { input: password + "\n", encoding: "utf8" }).trim();
        if (!hash.startsWith("$apr1$")) throw new Error(`openssl passwd -apr1 wrote ${hash}`);
        return `${user}:${hash}`;
    }).join("\n") + "\n";
}

/** `user:$2y$10$...` lines: bcrypt cost 10, as random.RandomPassword.bcryptHash gives. */
export function bcryptHtpasswd(users: Record<string, string>): string {
    return Object.entries(users).map(([user, password]) => {
        const line = execFileSync("htpasswd", ["-niB", "-C", "10", user], { input: password + "\n", encoding: "utf8" }).trim();
        if (!line.startsWith(`${user}:$2y$10$`)) throw new Error(`htpasswd -B wrote ${line}`);
        return line;
    }).join("\n") + "\n";
}
