// The configurations the benchmark compares, each derived from the rendered bytes (`npm run
// render -- --stack dev`): MLflow's service in the compose file as rendered or with one setting
// changed, nginx.conf as rendered or with one piece changed, and the htpasswd file as rendered
// ({SSHA}) or the same users hashed the seed's way ($apr1$) or bcrypt's.
import { execFileSync } from "child_process";
import { parse, stringify } from "yaml";
import { MLFLOW } from "../lib/render/layout";

/** The mlflow service's command and environment, as a variant may change them. */
export interface MlflowService { command: string[]; environment: Record<string, string> }

export interface MlflowVariant {
    id: string;
    /** Short name for tables. */
    name: string;
    /** What it is, one sentence, for the doc. */
    description: string;
    /** Changes the rendered service; absent: as rendered. */
    edit?: (service: MlflowService) => void;
    /** SQLite's journal mode, set on the database file before MLflow starts (it is kept in the file). */
    journal: "delete" | "wal";
}

const setWorkers = (service: MlflowService, workers: number | undefined) => {
    const at = service.command.indexOf("--workers");
    if (at >= 0) service.command.splice(at, 2);
    if (workers !== undefined) service.command.push("--workers", String(workers));
};

export const RENDERED_MLFLOW: MlflowVariant = {
    id: "rendered", name: "as rendered", journal: "delete",
    description: "the mlflow service exactly as the compose file renders it (`MLFLOW_WORKERS` uvicorn workers, job execution off).",
};

/** The tracking ladder runs for each of these, rendered first. */
export const MLFLOW_VARIANTS: MlflowVariant[] = [
    RENDERED_MLFLOW,
    {
        id: "defaults", name: "MLflow's defaults", journal: "delete",
        description: "`mlflow server` with its own defaults for what the render sets: no `--workers` (uvicorn's 4) and " +
            "`MLFLOW_SERVER_ENABLE_JOB_EXECUTION` unset (the job runner and its huey consumers start); the rest as rendered.",
        edit: service => {
            setWorkers(service, undefined);
            delete service.environment.MLFLOW_SERVER_ENABLE_JOB_EXECUTION;
        },
    },
    ...[1, 4].map((workers): MlflowVariant => ({
        id: `workers-${workers}`, name: `${workers} worker${workers > 1 ? "s" : ""}`, journal: "delete",
        description: `as rendered but \`--workers ${workers}\`.`,
        edit: service => setWorkers(service, workers),
    })),
    {
        id: "pooled", name: "SQLAlchemy's pool", journal: "delete",
        description: "as rendered but without `MLFLOW_SQLALCHEMYSTORE_POOLCLASS`: SQLAlchemy's default pool of 5 + 10 SQLite connections per worker, " +
            "for up to 40 requests a worker runs at once in its thread pool (the setting before this benchmark).",
        edit: service => { delete service.environment.MLFLOW_SQLALCHEMYSTORE_POOLCLASS; },
    },
    {
        id: "gunicorn", name: "gunicorn (WSGI)", journal: "delete",
        description: "as rendered, but served by gunicorn (`--gunicorn-opts \"--worker-class gthread --threads 1 --timeout 600 --keep-alive 5\"`): " +
            "MLflow's Flask app without uvicorn's ASGI bridge, one request at a time per worker; this serves only the Flask routes, " +
            "not the FastAPI ones (AI Gateway, OpenTelemetry trace ingestion, jobs), so it is measured as a reference, not a candidate.",
        edit: service => { service.command.push("--gunicorn-opts", "--worker-class gthread --threads 1 --timeout 600 --keep-alive 5"); },
    },
    {
        id: "wal", name: "SQLite WAL", journal: "wal",
        description: "as rendered, with the database in SQLite's write-ahead-log mode (`PRAGMA journal_mode=WAL`, kept in the file) " +
            "instead of the rollback journal MLflow leaves it in.",
    },
];

/** The rendered compose file with the mlflow service changed by the variant. */
export function composeForVariant(composeText: string, variant: MlflowVariant): string {
    if (!variant.edit) return composeText;
    const compose = parse(composeText) as { services: Record<string, MlflowService> };
    const service = compose.services[MLFLOW.service];
    service.command = service.command.map(String);
    service.environment = { ...service.environment };
    variant.edit(service);
    return stringify(compose);
}

/** The --workers the command gives uvicorn (its default, 4, when it gives none). */
export function workersOf(service: MlflowService): number {
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
