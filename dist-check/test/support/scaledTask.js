"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.SCALED = void 0;
exports.declaredTask = declaredTask;
// The scaled tier's task as the program declares it under mocks, and what a client and the task
// need besides: the input of harness/scaledStack.ts for the end-to-end tests.
const strict_1 = __importDefault(require("node:assert/strict"));
exports.SCALED = { compute: "fargate", backendStore: "rds", artifactStore: "s3" };
function declaredTask(program) {
    const task = program.ofType("aws:ecs/taskDefinition:TaskDefinition").find(r => r.name === "mlflow");
    const upgrade = program.ofType("aws:ecs/taskDefinition:TaskDefinition").find(r => r.name === "mlflow-schema-upgrade");
    const migration = program.ofType("aws:ecs/taskDefinition:TaskDefinition").find(r => r.name.endsWith("-migrate"));
    const htpasswd = program.ofType("aws:ssm/parameter:Parameter").find(r => r.name.endsWith("-htpasswd"));
    strict_1.default.ok(task && upgrade && htpasswd, "the program declares the service's and the schema upgrade's task definitions and the htpasswd parameter");
    return {
        containers: JSON.parse(task.inputs.containerDefinitions),
        schemaUpgrade: JSON.parse(upgrade.inputs.containerDefinitions)[0],
        migration: migration && JSON.parse(migration.inputs.containerDefinitions)[0],
        htpasswd: htpasswd.inputs.value,
        bucket: program.outputs.artifactBucket.value,
        serverName: new URL(program.outputs.url.value).hostname,
        trackingEnv: program.outputs.trackingEnv.value,
        users: program.outputs.users.value,
    };
}
//# sourceMappingURL=scaledTask.js.map