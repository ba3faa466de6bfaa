// Sign-in through the company's OpenID Provider (auth oidc): oauth2-proxy beside nginx, and what
// MLflow's authorization function (host/mlflow_on_aws_identity.py) reads. Pure: no Pulumi, no AWS.
import { gzipSync } from "zlib";
import { OIDC_CLIENT_SECRET, OidcSettings } from "../settings";
import { ContainerSpec } from "./containers";

/**
 * oauth2-proxy's release, pinned like MLflow's and nginx's images by its tag; the tests build the
 * same release from source (test/support/build-oauth2-proxy.sh reads it from this line), from the
 * Go module proxy, checked against Go's checksum database.
 */
export const OAUTH2_PROXY_VERSION = "7.15.6";

/**
 * oauth2-proxy, which runs the sign-in with the provider and keeps the signed-in person's session
 * in an encrypted cookie; nginx asks it about every request (auth_request) and never publishes it.
 */
export const OAUTH2_PROXY = {
    service: "oauth2-proxy",
    port: 4180,
} as const;

export const oauth2ProxyImage = (version: string) => `quay.io/oauth2-proxy/oauth2-proxy:v${version}`;

/** Where nginx sends everything under it to oauth2-proxy: its sign-in, callback and sign-out. */
export const OIDC_PATH_PREFIX = "/oauth2/";

/**
 * The headers in which nginx hands MLflow the signed-in person (oauth2-proxy's answer to its
 * check): nginx sets both on every request it passes to MLflow, empty (so not sent) when nobody
 * signed in through the provider, so a header a client sends itself never arrives.
 */
export const IDENTITY_HEADERS = {
    user: "X-Mlflow-On-Aws-User",
    groups: "X-Mlflow-On-Aws-Groups",
} as const;

/** The module and function MLflow's auth app calls for every request with auth oidc (authorization_function). */
export const IDENTITY_FUNCTION = "mlflow_on_aws_identity:authenticate";

/** The variable that names the admin groups, comma-separated, to the identity module. */
export const IDENTITY_ADMIN_GROUPS = "MLFLOW_IDENTITY_ADMIN_GROUPS";

/** What the identity module reads from MLflow's environment. */
export function identityEnvironment(oidc: Pick<OidcSettings, "adminGroups">): Record<string, string> {
    return {
        MLFLOW_IDENTITY_USER_HEADER: IDENTITY_HEADERS.user,
        MLFLOW_IDENTITY_GROUPS_HEADER: IDENTITY_HEADERS.groups,
        ...(oidc.adminGroups.length > 0 ? { [IDENTITY_ADMIN_GROUPS]: oidc.adminGroups.join(",") } : {}),
    };
}

export interface OidcProxyInput {
    oidc: OidcSettings;
    /** The URL the provider sends a signed-in person back to: https://<canonical name>/oauth2/callback. */
    redirectUrl: string;
    /** Where it listens: every address of its container on the host's compose network (default), the task's loopback on the scaled tier. */
    listenAddress?: string;
}

/**
 * oauth2-proxy's flags: nothing secret (the client and cookie secrets arrive in its env file,
 * renderOidcEnv). It answers /oauth2/auth 202 with the person's e-mail and groups
 * (X-Auth-Request-*) for nginx, or 401; it checks the ID token's issuer, audience, expiry and
 * signature, and the e-mail's domain and verification. PKCE (S256) guards the code exchange.
 * The session lives in the cookie and ends sessionHours after sign-in.
 */
export function oauth2ProxyFlags(input: OidcProxyInput): string[] {
    const { oidc } = input;
    return [
        "--provider=oidc",
        `--oidc-issuer-url=${oidc.issuerUrl}`,
        `--client-id=${oidc.clientId}`,
        `--scope=${oidc.scopes.join(" ")}`,
        `--oidc-groups-claim=${oidc.groupsClaim}`,
        ...oidc.emailDomains.map(domain => `--email-domain=${domain}`),
        ...oidc.allowedGroups.map(group => `--allowed-group=${group}`),
        `--redirect-url=${input.redirectUrl}`,
        `--http-address=${input.listenAddress ?? "0.0.0.0"}:${OAUTH2_PROXY.port}`,
        // nginx, its only client, passes the client's address and scheme, from the private compose network or the task's loopback.
        "--reverse-proxy=true",
        "--trusted-proxy-ip=127.0.0.1/32",
        "--trusted-proxy-ip=10.0.0.0/8",
        "--trusted-proxy-ip=172.16.0.0/12",
        "--trusted-proxy-ip=192.168.0.0/16",
        "--upstream=static://202",
        "--set-xauthrequest=true",
        "--skip-provider-button=true",
        "--code-challenge-method=S256",
        "--cookie-name=_mlflow_session",
        "--cookie-secure=true",
        "--cookie-samesite=lax",
        `--cookie-expire=${oidc.sessionHours}h`,
        // Every check of the session by nginx would otherwise be a line of the journal.
        "--silence-ping-logging=true",
        "--request-logging=false",
    ];
}

/** oauth2-proxy's container. Its image (distroless) has no shell or client to check itself with: it has no health check. */
export function oauth2ProxyContainer(input: OidcProxyInput): Pick<ContainerSpec, "image" | "command"> {
    return {
        image: oauth2ProxyImage(OAUTH2_PROXY_VERSION),
        command: oauth2ProxyFlags(input),
    };
}

/**
 * The key of oauth2-proxy's session cookies, as random.RandomPassword makes it: 43 characters of
 * base64url's alphabet, which oauth2-proxy decodes to 32 bytes, an AES-256 key (it takes any
 * secret that decodes to 16, 24 or 32 bytes as those bytes).
 */
export const COOKIE_SECRET = { length: 43, special: true, overrideSpecial: "-_" } as const;
const COOKIE_SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * oauth2-proxy's env file: the client secret the provider issued and the key of its session
 * cookies (COOKIE_SECRET). Single-quoted: compose reads such values literally.
 */
export function renderOidcEnv(clientSecret: string, cookieSecret: string): string {
    if (!OIDC_CLIENT_SECRET.test(clientSecret)) throw new Error("the OIDC client secret must be printable characters without spaces or quotes (it is written single-quoted)");
    if (!COOKIE_SECRET_SHAPE.test(cookieSecret)) throw new Error("oauth2-proxy's cookie secret must be 43 characters of base64url (an AES-256 key)");
    return `OAUTH2_PROXY_CLIENT_SECRET='${clientSecret}'\nOAUTH2_PROXY_COOKIE_SECRET='${cookieSecret}'\n`;
}

/**
 * The identity module as the scaled tier's tasks receive it, in an SSM parameter of the standard
 * tier (at most 4 KB, which its text exceeds): gzip-compressed, then base64.
 */
export function packIdentityModule(source: string): string {
    const packed = gzipSync(Buffer.from(source, "utf8"), { level: 9 }).toString("base64");
    if (packed.length > 4096) throw new Error(`the identity module packs into ${packed.length} characters; an SSM parameter of the standard tier takes 4096`);
    return packed;
}
