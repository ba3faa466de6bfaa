// How clients reach the server, and the two renderings that depend on it (nginx.conf and the
// containers' settings). The EC2 host and the local target both take them from here.
import { Settings } from "../settings";
import { ContainerInput } from "./containers";
import { renderNginxConf } from "./nginx";

export interface Endpoint {
    /** Host names clients use, the canonical one first. */
    names: string[];
    /** The https port clients connect to. */
    httpsPort: number;
}

/** Names and port of the server: the domain and/or Elastic IP on 443, or localhost on the local target's port. */
export function publicEndpoint(settings: Settings, publicIp: string): Endpoint {
    if (settings.target === "local") return { names: ["localhost", "127.0.0.1"], httpsPort: settings.localHttpsPort };
    return { names: settings.domain ? [settings.domain, publicIp] : [publicIp], httpsPort: 443 };
}

const portSuffix = (endpoint: Endpoint) => (endpoint.httpsPort === 443 ? "" : `:${endpoint.httpsPort}`);

export const endpointUrl = (endpoint: Endpoint) => `https://${endpoint.names[0]}${portSuffix(endpoint)}`;

export function containerInput(settings: Settings, endpoint: Endpoint): ContainerInput {
    return {
        mlflowVersion: settings.mlflowVersion,
        nginxVersion: settings.nginxVersion,
        serverNames: endpoint.names,
        origins: endpoint.names.map(name => `https://${name}${portSuffix(endpoint)}`),
    };
}

export function renderProxyConf(settings: Settings, endpoint: Endpoint): string {
    return renderNginxConf({
        serverNames: endpoint.names,
        httpsPort: endpoint.httpsPort,
        maxUploadSize: settings.maxUploadSize,
        // Docker's embedded DNS, on the host's compose network and on the local target's network alike.
        resolver: "127.0.0.11",
        strictTransportSecurity: settings.target !== "local",
    });
}
