import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PASSWORD_LENGTH } from "../../lib/credentials";
import { renderTrackingEnv } from "../../lib/render/clientEnv";
import { renderHtpasswd } from "../../lib/render/htpasswd";
import { renderAuthEnv, renderAuthUsers } from "../../lib/render/mlflowAuth";

/** Where a client keeps the private CA certificate, as trackingEnv tells it. */
export const CA_CERT_FILE = "mlflow-ca.pem";

export interface CredentialsArgs {
    /** User names; each gets a generated password. */
    readonly users: string[];
    /** MLflow's auth app checks the passwords (auth mlflow): it also needs a secret key. */
    readonly authApp?: boolean;
}

/** What MLflow's auth app receives (auth mlflow). Secrets. */
export interface AuthAppSecrets {
    /** The Flask secret key, generated once and the same on every server (a task receives it as a container secret). */
    readonly secretKey: pulumi.Output<string>;
    /** The host's env file of it. */
    readonly env: pulumi.Output<string>;
    /** The users and their generated passwords (JSON), which mlflow-auth-setup creates. */
    readonly users: pulumi.Output<string>;
}

/** One generated password per user, the htpasswd file nginx checks them against, and what MLflow's auth app needs. */
export class Credentials extends pulumi.ComponentResource {
    /** User name to password. Secret. */
    readonly passwords: pulumi.Output<Record<string, string>>;
    /** The htpasswd file ({SSHA} entries). Secret. */
    readonly htpasswd: pulumi.Output<string>;
    /** With authApp. */
    readonly authApp?: AuthAppSecrets;

    private readonly firstUser: string;

    constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlflow-on-aws:index:Credentials", name, {}, opts);
        this.firstUser = args.users[0];
        const entries = args.users.map(user => {
            const password = new random.RandomPassword(`${name}-${user}`, {
                length: PASSWORD_LENGTH,
                special: false,
                minUpper: 4,
                minLower: 4,
                minNumeric: 4,
            }, { parent: this });
            return pulumi.all([user, password.result]);
        });
        // The engine marks RandomPassword.result secret; saying so here keeps it secret under mocks too.
        this.passwords = pulumi.secret(pulumi.all(entries).apply(pairs => Object.fromEntries(pairs)));
        this.htpasswd = pulumi.secret(this.passwords.apply(renderHtpasswd));
        if (args.authApp) {
            const secretKey = new random.RandomPassword(`${name}-auth-secret-key`, { length: 64, special: false }, { parent: this });
            this.authApp = {
                secretKey: pulumi.secret(secretKey.result),
                env: pulumi.secret(secretKey.result.apply(renderAuthEnv)),
                users: pulumi.secret(this.passwords.apply(renderAuthUsers)),
            };
        }
        this.registerOutputs({ passwords: this.passwords, htpasswd: this.htpasswd });
    }

    /** The shell lines that connect a client as the first user (the trackingEnv output). Secret. */
    trackingEnv(url: pulumi.Input<string>, caCertFile?: string): pulumi.Output<string> {
        return pulumi.secret(pulumi.all([url, this.passwords]).apply(([serverUrl, passwords]) => renderTrackingEnv({
            url: serverUrl,
            user: this.firstUser,
            password: passwords[this.firstUser],
            caCertFile,
        })));
    }
}
