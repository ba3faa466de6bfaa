// The schema upgrade of the scaled tier, as the Lambda function that `pulumi up` invokes before
// the service gets the new release: first a snapshot of the database, then `mlflow db upgrade`
// as one ECS task; either failing fails the deployment, so the service keeps the old release.
// With migrateFromSnapshot, a third step runs the move from a host (scripts/migrate-store.py) as
// one ECS task with an EBS volume made from the host's data snapshot.
// The steps are one self-contained function (its source is what the Lambda runs), tested here
// with stand-ins for RDS and ECS.

export interface SchemaUpgradeEvent {
    step: "snapshot" | "upgrade" | "migrate";
    /** The release being deployed (part of the snapshot's name); empty for the migrate step, which runs once per host snapshot. */
    mlflowVersion: string;
    dbInstanceIdentifier: string;
    cluster: string;
    /** The schema-upgrade task definition (ARN with revision). */
    taskDefinition: string;
    /** Its container, whose exit code is the upgrade's result. */
    container: string;
    subnets: string[];
    securityGroups: string[];
    /** Where the task's output is, for the error message. */
    logGroup: string;
    /** The migrate step's volume: created from the host's data snapshot when the task starts, deleted when it ends. */
    hostData?: { volumeName: string; snapshotId: string; filesystemType: string; infrastructureRoleArn: string };
}

export interface TaskState {
    lastStatus: string;
    stoppedReason?: string;
    containers: { name: string; exitCode?: number; reason?: string }[];
}

/** What the steps need from AWS; the Lambda maps each to one SDK call. */
export interface SchemaUpgradeAws {
    dbInstanceStatus(dbInstanceIdentifier: string): Promise<string>;
    createSnapshot(dbInstanceIdentifier: string, snapshotIdentifier: string): Promise<void>;
    snapshotStatus(snapshotIdentifier: string): Promise<string>;
    runTask(event: SchemaUpgradeEvent): Promise<{ taskArn?: string; failure?: string }>;
    describeTask(cluster: string, taskArn: string): Promise<TaskState>;
    sleep(milliseconds: number): Promise<void>;
    now(): number;
}

/** Lambda's limit is 15 minutes; each step stops a little before it, with its own message. */
export const STEP_BUDGET_MS = 14 * 60 * 1000;

/**
 * One step. Its body references nothing outside itself: Function.prototype.toString() of it is
 * the code the Lambda runs (lambdaSource).
 */
export async function schemaUpgradeStep(event: SchemaUpgradeEvent, aws: SchemaUpgradeAws, budgetMs: number): Promise<string> {
    const deadline = aws.now() + budgetMs;
    const waitFor = async (what: string, pollMs: number, check: () => Promise<boolean>) => {
        while (!(await check())) {
            if (aws.now() + pollMs > deadline) throw new Error(`gave up waiting for ${what} after ${Math.round(budgetMs / 60000)} minutes`);
            await aws.sleep(pollMs);
        }
    };

    if (event.step === "snapshot") {
        // A snapshot needs the instance available (not modifying, not in its own backup).
        await waitFor(`database ${event.dbInstanceIdentifier} to be available`, 15000,
            async () => (await aws.dbInstanceStatus(event.dbInstanceIdentifier)) === "available");
        const stamp = new Date(aws.now()).toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
        const snapshot = `${event.dbInstanceIdentifier}-before-mlflow-${event.mlflowVersion.replace(/\./g, "-")}-${stamp}`.toLowerCase();
        await aws.createSnapshot(event.dbInstanceIdentifier, snapshot);
        await waitFor(`snapshot ${snapshot}`, 15000, async () => {
            const status = await aws.snapshotStatus(snapshot);
            if (status === "failed" || status === "deleted") throw new Error(`snapshot ${snapshot} ended ${status}; no upgrade was attempted`);
            return status === "available";
        });
        return snapshot;
    }

    const work = event.step === "migrate"
        ? { task: "migration", what: `the migration from the host's data snapshot ${event.hostData?.snapshotId}`, otherwise: "the service does not start" }
        : { task: "schema upgrade", what: `mlflow db upgrade to ${event.mlflowVersion}`, otherwise: "the service keeps its release" };
    const started = await aws.runTask(event);
    if (!started.taskArn) throw new Error(`the ${work.task} task did not start: ${started.failure ?? "no reason given"}`);
    const taskArn = started.taskArn;
    let state: TaskState | undefined;
    await waitFor(`the ${work.task} task ${taskArn}`, 10000, async () => {
        state = await aws.describeTask(event.cluster, taskArn);
        return state.lastStatus === "STOPPED";
    });
    const container = state!.containers.find(c => c.name === event.container);
    if (container?.exitCode === 0) return `${work.what} succeeded (task ${taskArn})`;
    const why = container?.exitCode !== undefined ? `exited with ${container.exitCode}` : `did not run (${container?.reason ?? state!.stoppedReason ?? "no reason given"})`;
    throw new Error(`${work.what} ${why}; ${work.otherwise}. Output: CloudWatch log group ${event.logGroup}, ` +
        `stream ${event.container}/${event.container}/${taskArn.split("/").pop()}`);
}

/** index.mjs of the Lambda function (Node.js 22, whose runtime includes the AWS SDK v3 clients). */
export function lambdaSource(): string {
    return `import { CreateDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { DescribeTasksCommand, ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs";

const rds = new RDSClient({});
const ecs = new ECSClient({});
const schemaUpgradeStep = ${schemaUpgradeStep.toString()};

const aws = {
    dbInstanceStatus: async id => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances[0].DBInstanceStatus,
    createSnapshot: async (id, snapshot) => {
        await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: snapshot, Tags: [{ Key: "mlflow-on-aws:schema-upgrade", Value: "before" }] }));
    },
    snapshotStatus: async snapshot => (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot }))).DBSnapshots[0].Status,
    runTask: async event => {
        const answer = await ecs.send(new RunTaskCommand({
            cluster: event.cluster,
            taskDefinition: event.taskDefinition,
            launchType: "FARGATE",
            count: 1,
            startedBy: event.container,
            networkConfiguration: { awsvpcConfiguration: { subnets: event.subnets, securityGroups: event.securityGroups, assignPublicIp: "ENABLED" } },
            volumeConfigurations: event.hostData ? [{
                name: event.hostData.volumeName,
                managedEBSVolume: {
                    snapshotId: event.hostData.snapshotId,
                    filesystemType: event.hostData.filesystemType,
                    volumeType: "gp3",
                    encrypted: true,
                    roleArn: event.hostData.infrastructureRoleArn,
                    terminationPolicy: { deleteOnTermination: true },
                },
            }] : undefined,
        }));
        return { taskArn: answer.tasks?.[0]?.taskArn, failure: (answer.failures ?? []).map(f => f.reason + (f.detail ? " (" + f.detail + ")" : "")).join("; ") };
    },
    describeTask: async (cluster, taskArn) => {
        const task = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks[0];
        return { lastStatus: task.lastStatus, stoppedReason: task.stoppedReason, containers: task.containers.map(c => ({ name: c.name, exitCode: c.exitCode, reason: c.reason })) };
    },
    sleep: milliseconds => new Promise(resolve => setTimeout(resolve, milliseconds)),
    now: () => Date.now(),
};

export const handler = async event => ({ result: await schemaUpgradeStep(event, aws, ${STEP_BUDGET_MS}) });
`;
}
