// Wiring only: stack configuration -> validated settings -> the deployment -> stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "./components/deployment";
import { MlflowOnAws } from "./components/mlflowOnAws";
import { MlflowOnDocker } from "./components/mlflowOnDocker";
import { Settings, SettingsError, validateSettings } from "./lib/settings";
import { toRawConfig } from "./lib/stackConfig";

function loadSettings(): Settings {
    try {
        const raw = toRawConfig(pulumi.getProject(), pulumi.runtime.allConfig(), `the configuration of stack ${pulumi.getStack()}`);
        return validateSettings(raw);
    } catch (error) {
        // A clean message, before any resource exists, instead of a stack trace.
        if (error instanceof SettingsError) throw new pulumi.RunError(error.message);
        throw error;
    }
}

const settings = loadSettings();
const deployment: Deployment = settings.target === "local"
    ? new MlflowOnDocker("mlflow", { settings })
    : new MlflowOnAws("mlflow", { settings });

export const url = deployment.url;
export const healthUrl = deployment.healthUrl;
export const users = deployment.users;
export const passwords = deployment.passwords;
export const trackingEnv = deployment.trackingEnv;
export const caCertPem = deployment.caCertPem;
export const publicIp = deployment.publicIp;
export const instanceId = deployment.instanceId;
export const sessionCommand = deployment.sessionCommand;
export const dataVolumeId = deployment.dataVolumeId;
export const dataRetention = deployment.dataRetention;
