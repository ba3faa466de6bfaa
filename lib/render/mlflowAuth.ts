// MLflow's auth app (auth mlflow): its configuration file and its secrets, rendered from settings.
// Pure: no Pulumi, no AWS.
import { Auth, AuthPermission } from "../settings";
import { IDENTITY_FUNCTION } from "./oidc";

/** `mlflow server --app-name`: the auth app with users, an admin and permissions. */
export const AUTH_APP_NAME = "basic-auth";

/**
 * How long each MLflow server trusts a password it has checked. MLflow hashes passwords with
 * scrypt, about 100 ms of CPU a check (measured with the pinned release), and checks one on every
 * request: unchecked, two servers would answer at most about 20 requests a second, and a UI page
 * sends dozens. A password changed or a user deleted through one server stops working on the
 * others at the latest after this time (the server that made the change forgets it at once).
 */
export const AUTH_CACHE_SECONDS = 60;

/**
 * The scaled tier's record of the users mlflow-auth-setup created (the host keeps it in a file
 * beside the database): a table of the project's own in the tracking store's database, the one
 * place a one-off task can leave it for the next. MLflow's tables never take this name.
 */
export const AUTH_SEEDED_TABLE = "mlflow_on_aws_auth_seeded_users";

export interface AuthAppInput {
    /** What a user may do with an experiment or model nobody granted them. */
    defaultPermission: AuthPermission;
    /** The admin user, created with its generated password before the servers start. */
    adminUsername: string;
    /** Where the users and permissions live: the tracking store's own database (MLflow keeps them in tables of their own). */
    databaseUri: string;
    /** Who signs requests in: MLflow's own password check (auth mlflow), or the identity module (auth oidc). */
    auth: Exclude<Auth, "basic">;
}

/**
 * The auth app's basic_auth.ini (MLFLOW_AUTH_CONFIG_PATH). It holds no password: the admin is
 * created by mlflow-auth-setup before the servers start, so they never need the admin's password,
 * and the secret key arrives in the environment.
 */
export function renderAuthConfig(input: AuthAppInput): string {
    return [
        "# Rendered by mlflow-on-aws; changes here are replaced on the next deployment.",
        "[mlflow]",
        `default_permission = ${input.defaultPermission}`,
        `database_uri = ${input.databaseUri}`,
        `admin_username = ${input.adminUsername}`,
        `authorization_function = ${input.auth === "oidc" ? IDENTITY_FUNCTION : "mlflow.server.auth:authenticate_request_basic_auth"}`,
        `auth_cache_ttl_seconds = ${AUTH_CACHE_SECONDS}`,
        "",
    ].join("\n");
}

/** The env file of MLflow's containers: the Flask secret key, the same for every server. */
export function renderAuthEnv(secretKey: string): string {
    if (!/^[A-Za-z0-9]+$/.test(secretKey)) throw new Error("the auth app's secret key must be letters and digits (it is written unquoted)");
    return `MLFLOW_FLASK_SERVER_SECRET_KEY=${secretKey}\n`;
}

/** mlflow-auth-setup's list of users with their generated passwords, the admin first. */
export function renderAuthUsers(passwords: Record<string, string>): string {
    return JSON.stringify(passwords) + "\n";
}
