// The scaled tier's task as the program declares it under mocks, and what a client and the task
// need besides: the input of harness/scaledStack.ts for the end-to-end tests.
import assert from "node:assert/strict";
import { EcsContainerDefinition } from "../../lib/render/taskContainers";
import { ProgramRun } from "./pulumiProgram";

export const SCALED = { compute: "fargate", backendStore: "rds", artifactStore: "s3" } as const;

/** The scaled stack's task as the program declares it, and what a client and the task need besides. */
export interface DeclaredTask {
    containers: EcsContainerDefinition[];
    /** The one-off schema upgrade's container. */
    schemaUpgrade: EcsContainerDefinition;
    /** The one-off migration's container, when the stack sets migrateFromSnapshot. */
    migration?: EcsContainerDefinition;
    /** The daily garbage collection's container. */
    gc: EcsContainerDefinition;
    /** The stack's SSM parameters by name, with their values. */
    parameters: Record<string, string>;
    bucket: string;
    serverName: string;
    trackingEnv: string;
    users: string[];
}

export function declaredTask(program: ProgramRun): DeclaredTask {
    const task = program.ofType("aws:ecs/taskDefinition:TaskDefinition").find(r => r.name === "mlflow");
    const upgrade = program.ofType("aws:ecs/taskDefinition:TaskDefinition").find(r => r.name === "mlflow-schema-upgrade");
    const migration = program.ofType("aws:ecs/taskDefinition:TaskDefinition").find(r => r.name.endsWith("-migrate"));
    const gc = program.ofType("aws:ecs/taskDefinition:TaskDefinition").find(r => r.name === "mlflow-gc");
    assert.ok(task && upgrade && gc, "the program declares the service's, the schema upgrade's and the garbage collection's task definitions");
    return {
        containers: JSON.parse(task.inputs.containerDefinitions),
        schemaUpgrade: JSON.parse(upgrade.inputs.containerDefinitions)[0],
        migration: migration && JSON.parse(migration.inputs.containerDefinitions)[0],
        gc: JSON.parse(gc.inputs.containerDefinitions)[0],
        parameters: Object.fromEntries(program.ofType("aws:ssm/parameter:Parameter").map(parameter => [parameter.inputs.name, parameter.inputs.value])),
        bucket: program.outputs.artifactBucket.value,
        serverName: new URL(program.outputs.url.value).hostname,
        trackingEnv: program.outputs.trackingEnv.value,
        users: program.outputs.users.value,
    };
}
