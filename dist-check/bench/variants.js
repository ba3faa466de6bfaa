"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.NGINX_VARIANTS = exports.MLFLOW_VARIANTS = exports.RENDERED_MLFLOW = void 0;
exports.composeForVariant = composeForVariant;
exports.workersOf = workersOf;
exports.withoutBasicAuth = withoutBasicAuth;
exports.apr1Htpasswd = apr1Htpasswd;
exports.bcryptHtpasswd = bcryptHtpasswd;
// The configurations the benchmark compares, each derived from the rendered bytes (`npm run
// render -- --stack dev`): MLflow's service in the compose file as rendered or with one setting
// changed, nginx.conf as rendered or with one piece changed, and the htpasswd file as rendered
// ({SSHA}) or the same users hashed the seed's way ($apr1$) or bcrypt's.
const child_process_1 = require("child_process");
const yaml_1 = require("yaml");
const layout_1 = require("../lib/render/layout");
const setWorkers = (service, workers) => {
    const at = service.command.indexOf("--workers");
    if (at >= 0)
        service.command.splice(at, 2);
    if (workers !== undefined)
        service.command.push("--workers", String(workers));
};
exports.RENDERED_MLFLOW = {
    id: "rendered", name: "as rendered", journal: "delete",
    description: "the mlflow service exactly as the compose file renders it (`MLFLOW_WORKERS` uvicorn workers, job execution off).",
};
/** The tracking ladder runs for each of these, rendered first. */
exports.MLFLOW_VARIANTS = [
    exports.RENDERED_MLFLOW,
    {
        id: "defaults", name: "MLflow's defaults", journal: "delete",
        description: "`mlflow server` with its own defaults for what the render sets: no `--workers` (uvicorn's 4) and " +
            "`MLFLOW_SERVER_ENABLE_JOB_EXECUTION` unset (the job runner and its huey consumers start); the rest as rendered.",
        edit: service => {
            setWorkers(service, undefined);
            delete service.environment.MLFLOW_SERVER_ENABLE_JOB_EXECUTION;
        },
    },
    ...[1, 4].map((workers) => ({
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
function composeForVariant(composeText, variant) {
    if (!variant.edit)
        return composeText;
    const compose = (0, yaml_1.parse)(composeText);
    const service = compose.services[layout_1.MLFLOW.service];
    service.command = service.command.map(String);
    service.environment = { ...service.environment };
    variant.edit(service);
    return (0, yaml_1.stringify)(compose);
}
/** The --workers the command gives uvicorn (its default, 4, when it gives none). */
function workersOf(service) {
    const at = service.command.indexOf("--workers");
    return at >= 0 ? Number(service.command[at + 1]) : 4;
}
/** Removes the lines that match, and insists there were some. */
function dropLines(conf, pattern, what) {
    const lines = conf.split("\n");
    const kept = lines.filter(line => !pattern.test(line));
    if (kept.length === lines.length)
        throw new Error(`the rendered nginx.conf has no ${what}`);
    return kept.join("\n");
}
exports.NGINX_VARIANTS = {
    noUpstreamKeepalive: {
        id: "no-upstream-keepalive", name: "no keep-alive to MLflow",
        description: "the rendered configuration without the `keepalive` directives of its `upstream mlflow`: a new connection to uvicorn for every request.",
        edit: conf => conf.replace(/^(\s*upstream mlflow \{\n)([^}]*)\}/m, (_, head, body) => `${head}${dropLines(body, /^\s*keepalive(_requests|_timeout)?\s[^;]*;\s*$/, "upstream keepalive")}}`),
    },
    noGzipStatic: {
        id: "no-gzip-static", name: "no gzip on the UI's files",
        description: "the rendered configuration without its `location ^~ /static-files/` (`staticFiles()` in lib/render/nginx.ts): the UI's JavaScript and CSS uncompressed, as MLflow sends them.",
        edit: conf => {
            const without = conf.replace(/^\s*location \^~ \/static-files\/ \{\n[^}]*\}\n/m, "");
            if (without === conf)
                throw new Error("the rendered nginx.conf has no /static-files/ location");
            return without;
        },
    },
    noAuth: {
        id: "no-auth", name: "nginx, no auth",
        description: "the rendered configuration minus its `auth_basic`/`auth_basic_user_file` directives: what TLS alone costs.",
        edit: conf => withoutBasicAuth(conf),
    },
};
const AUTH_DIRECTIVE = /^\s*(auth_basic|auth_basic_user_file)\s[^;]*;\s*$/;
/**
 * The rendered nginx.conf with basic auth taken out and nothing else changed: every line whose
 * directive is `auth_basic` or `auth_basic_user_file` is removed (the `auth_basic off;` lines
 * too, which switch off what is no longer on). The failed-login location stays; without auth
 * nothing reaches it.
 */
function withoutBasicAuth(renderedConf) {
    const result = dropLines(renderedConf, AUTH_DIRECTIVE, "auth_basic directives");
    if (/\bauth_basic/.test(result))
        throw new Error("withoutBasicAuth: an auth_basic directive is left (not one per line?)");
    return result;
}
/** `user:$apr1$...` lines, as `htpasswd -c` (MD5, the seed's scheme) writes them. */
function apr1Htpasswd(users) {
    return Object.entries(users).map(([user, password]) => {
        const hash = (0, child_process_1.execFileSync)("openssl", ["passwd", "-apr1", "-stdin"], { input: password + "\n", encoding: "utf8" }).trim();
        if (!hash.startsWith("$apr1$"))
            throw new Error(`openssl passwd -apr1 wrote ${hash}`);
        return `${user}:${hash}`;
    }).join("\n") + "\n";
}
/** `user:$2y$10$...` lines: bcrypt cost 10, as random.RandomPassword.bcryptHash gives. */
function bcryptHtpasswd(users) {
    return Object.entries(users).map(([user, password]) => {
        const line = (0, child_process_1.execFileSync)("htpasswd", ["-niB", "-C", "10", user], { input: password + "\n", encoding: "utf8" }).trim();
        if (!line.startsWith(`${user}:$2y$10$`))
            throw new Error(`htpasswd -B wrote ${line}`);
        return line;
    }).join("\n") + "\n";
}
//# sourceMappingURL=variants.js.map