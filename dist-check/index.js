"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
// Wiring only: stack configuration -> validated settings -> the deployment -> stack outputs.
const pulumi = __importStar(require("@pulumi/pulumi"));
const mlflowOnFargate_1 = require("./components/fargate/mlflowOnFargate");
const mlflowOnDocker_1 = require("./components/local/mlflowOnDocker");
const mlflowOnAws_1 = require("./components/ec2/mlflowOnAws");
const settings_1 = require("./lib/settings");
const stackConfig_1 = require("./lib/stackConfig");
/** A SettingsError becomes a RunError: Pulumi prints its message, before any resource exists, without a stack trace. */
async function reportingSettingsErrors(step) {
    try {
        return await step();
    }
    catch (error) {
        if (error instanceof settings_1.SettingsError)
            throw new pulumi.RunError(error.message);
        throw error;
    }
}
module.exports = async () => {
    const settings = await reportingSettingsErrors(() => (0, settings_1.validateSettings)((0, stackConfig_1.toRawConfig)(pulumi.getProject(), pulumi.runtime.allConfig(), `the configuration of stack ${pulumi.getStack()}`)));
    const deployment = settings.target === "local" ? new mlflowOnDocker_1.MlflowOnDocker("mlflow", { settings })
        : settings.compute === "fargate" ? new mlflowOnFargate_1.MlflowOnFargate("mlflow", { settings })
            : await reportingSettingsErrors(() => mlflowOnAws_1.MlflowOnAws.create("mlflow", settings));
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
        ...Object.fromEntries(Object.entries(scaledTier).filter(([, value]) => value !== undefined)),
    };
};
//# sourceMappingURL=index.js.map