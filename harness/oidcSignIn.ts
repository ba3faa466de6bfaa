// Auth oidc in a sandbox, for the tests and the benchmark: where the OpenID Provider
// (openIdProvider.ts) and oauth2-proxy (oauth2Proxy.ts) answer, the settings that point a render
// at them, and a person's sign-in through nginx in headless Chromium.
import { BrowserContext } from "playwright-core";
import { OAUTH2_PROXY } from "../lib/render/oidc";
import { RawConfig } from "../lib/settings";
import { launchChromium } from "./browser";
import { OpenIdProvider } from "./openIdProvider";

/** The provider's address and port (on `lo`), oauth2-proxy's compose network address, and the client the provider knows. */
export const OIDC_SANDBOX = {
    provider: { address: "127.30.0.60", port: 9443 },
    oauth2ProxyAddress: "172.18.0.20",
    client: { id: "mlflow-test", secret: "client-secret-0123456789" },
} as const;

/** The settings of a stack whose people sign in at the sandbox's provider. */
export function oidcSandboxSettings(extra: RawConfig = {}): RawConfig {
    const { provider, client } = OIDC_SANDBOX;
    return { auth: "oidc", oidcIssuerUrl: `https://${provider.address}:${provider.port}`, oidcClientId: client.id, oidcClientSecret: client.secret, ...extra };
}

/** What the DNS stub answers for oauth2-proxy's service name (NginxSandbox's `services`). */
export const OIDC_SANDBOX_SERVICES = { [OAUTH2_PROXY.service]: OIDC_SANDBOX.oauth2ProxyAddress };

/** oauth2-proxy's session cookie (oauth2ProxyFlags). */
export const SESSION_COOKIE = "_mlflow_session";

export interface SignedIn {
    /** The browser, still signed in. */
    context: BrowserContext;
    /** The session cookie's value, when the sign-in gave one. */
    cookie?: string;
    /** Where the browser ended, and the start of that page. */
    finalUrl: string;
    finalText: string;
}

/**
 * Signs `email` in through nginx at `origin`: the page redirects to the provider's login, which
 * takes any password, and its consent; back on the server, oauth2-proxy sets the session cookie.
 */
export async function signIn(options: { origin: string; caCertPem: string; provider: OpenIdProvider; email: string; startPath?: string }): Promise<SignedIn> {
    const context = await launchChromium({ caCertPem: options.caCertPem, extraCaCertPems: [options.provider.tls.caPem], origin: options.origin });
    const page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${options.origin}${options.startPath ?? "/"}`, { waitUntil: "load" });
    for (let step = 0; step < 4 && page.url().startsWith(options.provider.issuer); step++) {
        // The provider's error page (an account it does not know) has no form.
        if (await page.locator("button[type=submit]").count() === 0) break;
        if (await page.locator("input[name=login]").count() > 0) {
            await page.fill("input[name=login]", options.email);
            await page.fill("input[name=password]", "any password");
        }
        await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("button[type=submit]")]);
    }
    const cookie = (await context.cookies(options.origin)).find(c => c.name === SESSION_COOKIE)?.value;
    return { context, cookie, finalUrl: page.url(), finalText: (await page.content()).slice(0, 2000) };
}
