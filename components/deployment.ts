import * as pulumi from "@pulumi/pulumi";

/**
 * What index.ts exports, whichever target runs the stack: both components have this shape, so
 * the stack outputs keep the same names everywhere.
 */
export interface Deployment {
    url: pulumi.Output<string>;
    healthUrl: pulumi.Output<string>;
    users: string[];
    /** Secret. */
    passwords: pulumi.Output<Record<string, string>>;
    /** Secret. */
    trackingEnv: pulumi.Output<string>;
    /** The private CA certificate the server presents unless (and until) a publicly trusted one is served. */
    caCertPem: pulumi.Output<string>;
    /** The EC2 host's outputs; a local stack has none of them. */
    publicIp?: pulumi.Output<string>;
    instanceId?: pulumi.Output<string>;
    sessionCommand?: pulumi.Output<string>;
    dataVolumeId?: pulumi.Output<string>;
    dataRetention?: pulumi.Output<string>;
}
