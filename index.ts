// Wiring only: stack configuration -> validated settings -> the deployment -> stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "./components/deployment";
import { MlflowOnAws } from "./components/mlflowOnAws";
import { MlflowOnDocker } from "./components/mlflowOnDocker";
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
    const deployment: Deployment = settings.target === "local"
        ? new MlflowOnDocker("mlflow", { settings })
        : await reportingSettingsErrors(() => MlflowOnAws.create("mlflow", settings));
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
    };
};
