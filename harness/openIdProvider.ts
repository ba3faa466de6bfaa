// A real OpenID Provider for the sign-in tests: the npm package oidc-provider (an OpenID
// Certified implementation) with its development login and consent pages, served over https with
// a certificate of its own CA, inside the test's namespace. Accounts are e-mail addresses with
// groups; any password signs in (the development login checks none), and a removed account can no
// longer sign in, as a person the company removed.
import { IncomingMessage, ServerResponse } from "http";
import * as https from "https";
import { issueCertificate, IssuedCertificate } from "../lib/sampleTls";
import { addLoopbackAddress, assertInNamespace, scratchDir } from "./namespace";

/** The package is ES modules only and untyped; Node 22 loads it with require. This is what the harness uses of it. */
interface OidcProvider {
    proxy: boolean;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
const { Provider } = require("oidc-provider") as { Provider: ProviderConstructor };

export interface OpenIdProviderOptions {
    /** An address on `lo`, added by start(). */
    address: string;
    port: number;
    /** The one client: this server's oauth2-proxy. */
    client: { id: string; secret: string; redirectUri: string };
    /** E-mail address -> groups (the groups claim). */
    accounts: Record<string, string[]>;
    /** Lifetime of the ID and access tokens it issues, in seconds (default 600). */
    tokenSeconds?: number;
}

export class OpenIdProvider {
    /** https://<address>:<port>, what its discovery document names as issuer. */
    readonly issuer: string;

    private constructor(private readonly server: https.Server, readonly tls: IssuedCertificate, readonly accounts: Record<string, string[]>, issuer: string) {
        this.issuer = issuer;
    }

    static async start(options: OpenIdProviderOptions): Promise<OpenIdProvider> {
        assertInNamespace();
        addLoopbackAddress(options.address);
        const tls = issueCertificate(scratchDir("openid-provider-tls"), "OpenID Provider test CA", [options.address]);
        const issuer = `https://${options.address}:${options.port}`;
        const accounts = { ...options.accounts };
        const tokenSeconds = options.tokenSeconds ?? 600;
        const provider = new Provider(issuer, {
            clients: [{
                client_id: options.client.id,
                client_secret: options.client.secret,
                redirect_uris: [options.client.redirectUri],
                grant_types: ["authorization_code"],
                response_types: ["code"],
            }],
            claims: { openid: ["sub"], email: ["email", "email_verified"], groups: ["groups"], profile: ["name"] },
            scopes: ["openid", "email", "groups", "profile"],
            features: { devInteractions: { enabled: true } },
            cookies: { keys: ["openid-provider-test-cookie-key"] },
            ttl: { AccessToken: tokenSeconds, IdToken: tokenSeconds, Session: 3600, Grant: 3600, Interaction: 600 },
            findAccount: (_context: unknown, id: string) => {
                const groups = accounts[id];
                if (groups === undefined) return undefined;
                return { accountId: id, claims: async () => ({ sub: id, email: id, email_verified: true, name: id, groups }) };
            },
        });
        provider.proxy = false;
        const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, provider.callback());
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(options.port, options.address, () => resolve());
        });
        return new OpenIdProvider(server, tls, accounts, issuer);
    }

    /** The person's groups change at the provider: their next sign-in carries the new ones. */
    setGroups(email: string, groups: string[]): void {
        this.accounts[email] = [...groups];
    }

    /** The person leaves the company: the provider no longer signs them in. */
    removeAccount(email: string): void {
        delete this.accounts[email];
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>(resolve => this.server.close(() => resolve()));
    }
}
