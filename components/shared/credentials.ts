import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PASSWORD_LENGTH } from "../../lib/credentials";
import { renderTrackingEnv } from "../../lib/render/clientEnv";
import { renderHtpasswd } from "../../lib/render/htpasswd";

/** Where a client keeps the private CA certificate, as trackingEnv tells it. */
export const CA_CERT_FILE = "mlflow-ca.pem";

export interface CredentialsArgs {
    /** Basic-auth user names; each gets a generated password. */
    users: string[];
}

/** One generated password per user, and the htpasswd file nginx checks them against. */
export class Credentials extends pulumi.ComponentResource {
    /** User name to password. Secret. */
    readonly passwords: pulumi.Output<Record<string, string>>;
    /** The htpasswd file ({SSHA} entries). Secret. */
    readonly htpasswd: pulumi.Output<string>;

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
