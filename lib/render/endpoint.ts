// How clients reach the server, and the two renderings that depend on it (nginx.conf and the
// containers' settings). Each deployment target says what its endpoint is; nothing here asks
// which target it is.
import { Auth, Settings } from "../settings";
import { ContainerInput } from "./containers";
import { renderNginxConf } from "./nginx";
import { OIDC_PATH_PREFIX, OidcProxyInput } from "./oidc";

export interface Endpoint {
    /** Host names clients use, the canonical one first. */
    names: string[];
    /** The https port clients connect to. */
    httpsPort: number;
    /** Send HSTS: not for localhost, where browsers would apply it to every local port. */
    strictTransportSecurity: boolean;
}

/** An EC2 host: its domain (if any) and its Elastic IP, on 443. */
export function hostEndpoint(domain: string | undefined, publicIp: string): Endpoint {
    return { names: domain ? [domain, publicIp] : [publicIp], httpsPort: 443, strictTransportSecurity: true };
}

/** The local target: localhost on the local target's https port. */
export function localEndpoint(httpsPort: number): Endpoint {
    return { names: ["localhost", "127.0.0.1"], httpsPort, strictTransportSecurity: false };
}

const portSuffix = (endpoint: Endpoint) => (endpoint.httpsPort === 443 ? "" : `:${endpoint.httpsPort}`);

export const endpointUrl = (endpoint: Endpoint) => `https://${endpoint.names[0]}${portSuffix(endpoint)}`;

export function containerInput(settings: Settings, endpoint: Endpoint): ContainerInput {
    return {
        mlflowVersion: settings.mlflowVersion,
        nginxVersion: settings.nginxVersion,
        serverNames: endpoint.names,
        origins: endpoint.names.map(name => `https://${name}${portSuffix(endpoint)}`),
        auth: settings.auth,
        ...(settings.oidc ? { oidc: settings.oidc } : {}),
    };
}

/** With auth oidc, oauth2-proxy's input: the provider sends a signed-in person back to the canonical name. */
export function oidcProxyInput(settings: Settings, endpoint: Endpoint): OidcProxyInput | undefined {
    return settings.oidc && { oidc: settings.oidc, redirectUrl: `${endpointUrl(endpoint)}${OIDC_PATH_PREFIX}callback` };
}

/**
 * nginx.conf for `endpoint`; `maxUploadSize` is client_max_body_size in nginx syntax;
 * `artifactsOnDisk`: the artifact store is the data volume's directory (not an S3 bucket);
 * `auth`: who checks passwords.
 */
export function renderProxyConf(endpoint: Endpoint, maxUploadSize: string, artifactsOnDisk: boolean, auth: Auth): string {
    return renderNginxConf({
        serverNames: endpoint.names,
        httpsPort: endpoint.httpsPort,
        maxUploadSize,
        // Docker's embedded DNS, on the host's compose network and on the local target's network alike.
        resolver: "127.0.0.11",
        strictTransportSecurity: endpoint.strictTransportSecurity,
        artifactsOnDisk,
        auth,
    });
}
