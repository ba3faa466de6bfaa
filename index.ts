// Wiring only: stack configuration -> validated settings -> the deployment -> stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "./components/deployment";
import { MlflowOnFargate } from "./components/fargate/mlflowOnFargate";
import { MlflowOnDocker } from "./components/local/mlflowOnDocker";
import { MlflowOnAws } from "./components/ec2/mlflowOnAws";
import { SettingsError, validateSettings } from "./lib/settings";
import { toRawConfig } from "./lib/stackConfig";

/** A SettingsError becomes a RunError: Pulumi prints its message, before any resource exists, without a stack trace. */
async function reportingSettingsErrors<T>(step: () => T | Promise<T>): Promise<T> {
    try {
        return await step();
    } catch (error) {
        if (error instanceof SettingsError) throw new pulumi.RunError(error.message);
        throw error;
    }
}

export = async () => {
    const settings = await reportingSettingsErrors(() =>
        validateSettings(toRawConfig(pulumi.getProject(), pulumi.runtime.allConfig(), `the configuration of stack ${pulumi.getStack()}`)));
    const deployment: Deployment = settings.target === "local" ? new MlflowOnDocker("mlflow", { settings })
        : settings.compute === "fargate" ? new MlflowOnFargate("mlflow", { settings })
        : await reportingSettingsErrors(() => MlflowOnAws.create("mlflow", settings));
    // The scaled tier's stores are exported only where they exist: an undefined output is a
    // warning on every run, and the host tier has none of them.
    const scaledTier = {
        artifactBucket: deployment.artifactBucket,
        artifactsDestination: deployment.artifactsDestination,
        databaseIdentifier: deployment.databaseIdentifier,
        databaseEndpoint: deployment.databaseEndpoint,
        databaseSecretArn: deployment.databaseSecretArn,
        clusterName: deployment.clusterName,
        serviceName: deployment.serviceName,
    };
    return {
        url: deployment.url,
        healthUrl: deployment.healthUrl,
        users: deployment.users,
        passwords: deployment.passwords,
        trackingEnv: deployment.trackingEnv,
        caCertPem: deployment.caCertPem,
        publicIp: deployment.publicIp,
        instanceId: deployment.instanceId,
        sessionCommand: deployment.sessionCommand,
        dataVolumeId: deployment.dataVolumeId,
        dataRetention: deployment.dataRetention,
        bootReportCommand: deployment.bootReportCommand,
        logsCommand: deployment.logsCommand,
        ...Object.fromEntries(Object.entries(scaledTier).filter(([, value]) => value !== undefined)),
    };
};
