/** The shell lines a client pastes to talk to the server with one user's credentials. */
export interface ClientEnvInput {
    url: string;
    user: string;
    password: string;
    /** Where the client should keep the private CA certificate; absent when the certificate is publicly trusted. */
    caCertFile?: string;
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export function renderTrackingEnv(input: ClientEnvInput): string {
    const lines = [
        `export MLFLOW_TRACKING_URI=${quote(input.url)}`,
        `export MLFLOW_TRACKING_USERNAME=${quote(input.user)}`,
        `export MLFLOW_TRACKING_PASSWORD=${quote(input.password)}`,
    ];
    if (input.caCertFile) {
        lines.push(`export MLFLOW_TRACKING_SERVER_CERT_PATH=${quote(input.caCertFile)}  # pulumi stack output caCertPem > ${input.caCertFile}`);
    }
    return lines.join("\n") + "\n";
}
