// The configurations the benchmark compares. Every nginx variant is derived from the rendered
// bytes (`npm run render -- --stack dev`): the configuration as rendered, or with only its basic
// auth directives removed; the htpasswd file as rendered ({SSHA}), or the same users and
// passwords hashed the seed's way ($apr1$) or the way `random.RandomPassword.bcryptHash` does
// (bcrypt, cost 10).
import { execFileSync } from "child_process";

export type VariantId = "a" | "b" | "c" | "d" | "e";

export interface Variant {
    id: VariantId;
    /** Short name for tables. */
    name: string;
    /** What it is, one sentence, for the doc. */
    description: string;
    /** How to reach it: the stand-in directly (plain HTTP) or nginx (HTTPS). */
    target: "standin" | "nginx";
    /** nginx.conf: "rendered", "no-auth" (the rendered one without basic auth), or a name of Bench's extraConfigs. */
    config: string;
    /** htpasswd: the rendered {SSHA} file, or the same users hashed otherwise. */
    htpasswd: "ssha" | "apr1" | "bcrypt10";
    /** A shorter measurement would end before the first answers (bcrypt: ~20 a second, 20 connections each waiting for one). */
    minSeconds?: number;
}

export const VARIANTS: Variant[] = [
    {
        id: "a", name: "stand-in directly", target: "standin", config: "rendered", htpasswd: "ssha",
        description: "The MLflow stand-in on its own port, plain HTTP (no TLS, no nginx): the reference.",
    },
    {
        id: "b", name: "nginx, no auth", target: "nginx", config: "no-auth", htpasswd: "ssha",
        description: "nginx with the rendered configuration minus its `auth_basic`/`auth_basic_user_file` directives " +
            "(`withoutBasicAuth()` in bench/variants.ts): what TLS and proxying cost.",
    },
    {
        id: "c", name: "nginx as rendered ({SSHA})", target: "nginx", config: "rendered", htpasswd: "ssha",
        description: "nginx exactly as rendered, with the rendered `{SSHA}` htpasswd file: what is deployed.",
    },
    {
        id: "d", name: "seed's $apr1$", target: "nginx", config: "rendered", htpasswd: "apr1",
        description: "The rendered configuration with the same users and passwords hashed as `$apr1$` (`openssl passwd -apr1`, what the seed's `htpasswd -c` writes).",
    },
    {
        id: "e", name: "bcrypt cost 10", target: "nginx", config: "rendered", htpasswd: "bcrypt10", minSeconds: 5,
        description: "The rendered configuration with bcrypt cost 10 hashes (`htpasswd -B -C 10`, what `random.RandomPassword.bcryptHash` gives).",
    },
];

const AUTH_DIRECTIVE = /^\s*(auth_basic|auth_basic_user_file)\s[^;]*;\s*$/;

/**
 * The rendered nginx.conf with basic auth taken out and nothing else changed: every line whose
 * directive is `auth_basic` or `auth_basic_user_file` is removed (the `auth_basic off;` lines
 * too, which switch off what is no longer on). The failed-login location stays; without auth
 * nothing reaches it.
 */
export function withoutBasicAuth(renderedConf: string): string {
    const lines = renderedConf.split("\n");
    const kept = lines.filter(line => !AUTH_DIRECTIVE.test(line));
    if (kept.length === lines.length) throw new Error("withoutBasicAuth: the rendered configuration has no auth_basic directives");
    const result = kept.join("\n");
    if (/\bauth_basic/.test(result)) throw new Error("withoutBasicAuth: an auth_basic directive is left (not one per line?)");
    return result;
}

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
