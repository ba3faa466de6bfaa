"use strict";
// The schema upgrade of the scaled tier, as the Lambda function that `pulumi up` invokes before
// the service gets the new release: first a snapshot of the database, then `mlflow db upgrade`
// as one ECS task; either failing fails the deployment, so the service keeps the old release.
// With migrateFromSnapshot, a third step runs the move from a host (scripts/migrate-store.py) as
// one ECS task with an EBS volume made from the host's data snapshot.
// The steps are one self-contained function (its source is what the Lambda runs), tested here
// with stand-ins for RDS and ECS.
Object.defineProperty(exports, "__esModule", { value: true });
exports.MIGRATED_FROM_TAG = exports.STEP_BUDGET_MS = void 0;
exports.schemaUpgradeStep = schemaUpgradeStep;
exports.lambdaSource = lambdaSource;
/** Lambda's limit is 15 minutes; each step stops a little before it, with its own message. */
exports.STEP_BUDGET_MS = 14 * 60 * 1000;
/**
 * The tag a finished migration leaves on the database, its value the snapshot the data came from.
 * The step reads it as a free name, which lambdaSource defines in the Lambda's module.
 */
const MIGRATED_FROM_TAG = "mlflow-on-aws:migrated-from";
exports.MIGRATED_FROM_TAG = MIGRATED_FROM_TAG;
/**
 * One step. Its body references nothing outside itself but MIGRATED_FROM_TAG:
 * Function.prototype.toString() of it is the code the Lambda runs (lambdaSource).
 */
async function schemaUpgradeStep(event, aws, budgetMs) {
    const started = aws.now();
    const deadline = started + budgetMs;
    // IAM is eventually consistent: a policy created seconds before this function may not be in
    // force yet (AWS states no bound; it is usually seconds). Calls refused for want of a right
    // are retried for two minutes, then the refusal stands.
    const IAM_GRACE_MS = 2 * 60 * 1000;
    // ECS is eventually consistent too: DescribeTasks right after RunTask may answer MISSING.
    const MISSING_GRACE_MS = 2 * 60 * 1000;
    const call = async (request) => {
        for (;;) {
            try {
                return await request();
            }
            catch (error) {
                const name = String(error.name ?? "");
                if (!/AccessDenied|NotAuthorized|Unauthorized/.test(name) || aws.now() - started > IAM_GRACE_MS)
                    throw error;
                await aws.sleep(5000);
            }
        }
    };
    const waitFor = async (what, pollMs, check) => {
        while (!(await check())) {
            if (aws.now() + pollMs > deadline)
                throw new Error(`gave up waiting for ${what} after ${Math.round(budgetMs / 60000)} minutes`);
            await aws.sleep(pollMs);
        }
    };
    if (event.step === "snapshot") {
        // A snapshot needs the instance available (not modifying, not in its own backup).
        await waitFor(`database ${event.dbInstanceIdentifier} to be available`, 15000, async () => (await call(() => aws.dbInstanceStatus(event.dbInstanceIdentifier))) === "available");
        const stamp = new Date(aws.now()).toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
        const snapshot = `${event.dbInstanceIdentifier}-before-mlflow-${event.mlflowVersion.replace(/\./g, "-")}-${stamp}`.toLowerCase();
        await call(() => aws.createSnapshot(event.dbInstanceIdentifier, snapshot));
        await waitFor(`snapshot ${snapshot}`, 15000, async () => {
            const status = await call(() => aws.snapshotStatus(snapshot));
            if (status === "failed" || status === "deleted")
                throw new Error(`snapshot ${snapshot} ended ${status}; no upgrade was attempted`);
            return status === "available";
        });
        return snapshot;
    }
    const migrate = event.step === "migrate";
    const snapshotId = event.hostData?.snapshotId ?? "";
    const work = migrate
        ? { task: "migration", what: `the migration from the host's data snapshot ${snapshotId}`, otherwise: "the service does not start" }
        : { task: "schema upgrade", what: `mlflow db upgrade to ${event.mlflowVersion}`, otherwise: "the service keeps its release" };
    // The migration is one task per snapshot, whichever `pulumi up` started it: a later run finds
    // it by this mark (ListTasks' startedBy) instead of starting a second copy.
    const startedBy = migrate ? `migrate-${snapshotId}` : event.container;
    const outcome = (state) => {
        const container = state.containers.find(c => c.name === event.container);
        return container?.exitCode === 0 ? "succeeded"
            : container?.exitCode !== undefined ? `exited with ${container.exitCode}`
                : `did not run (${container?.reason ?? state.stoppedReason ?? "no reason given"})`;
    };
    const succeeded = async (taskArn) => {
        if (migrate)
            await call(() => aws.tagDbInstance(event.dbInstanceIdentifier, MIGRATED_FROM_TAG, snapshotId));
        return `${work.what} succeeded (task ${taskArn})`;
    };
    let taskArn;
    if (migrate) {
        const tags = await call(() => aws.dbInstanceTags(event.dbInstanceIdentifier));
        if (tags[MIGRATED_FROM_TAG] === snapshotId)
            return `${work.what} had already succeeded (tag ${MIGRATED_FROM_TAG} of ${event.dbInstanceIdentifier})`;
        // A copy that finished while no `pulumi up` waited for it is found by the next task
        // instead: migrate-store.py recognises its own move and leaves it as it is.
        taskArn = (await call(() => aws.findTasks(event.cluster, startedBy)))[0];
    }
    if (!taskArn) {
        const start = await call(() => aws.runTask(event, startedBy));
        if (!start.taskArn)
            throw new Error(`the ${work.task} task did not start: ${start.failure ?? "no reason given"}`);
        taskArn = start.taskArn;
    }
    const arn = taskArn;
    const stream = `${event.container}/${event.container}/${arn.split("/").pop()}`;
    let state;
    const firstLook = aws.now();
    for (;;) {
        state = await call(() => aws.describeTask(event.cluster, arn));
        if (!state && aws.now() - firstLook > MISSING_GRACE_MS) {
            throw new Error(`ECS does not know the ${work.task} task ${arn} ${Math.round(MISSING_GRACE_MS / 60000)} minutes after starting it (MISSING); ${work.otherwise}`);
        }
        if (state?.lastStatus === "STOPPED")
            break;
        if (aws.now() + 10000 > deadline) {
            if (migrate) {
                throw new Error(`${work.what} is still copying after ${Math.round((aws.now() - started) / 60000)} minutes in this run (task ${arn}). ` +
                    `It goes on by itself; run \`pulumi up\` again to wait for it: that run follows the same task and starts no second copy. ` +
                    `Progress: CloudWatch log group ${event.logGroup}, stream ${stream}`);
            }
            throw new Error(`gave up waiting for the ${work.task} task ${arn} after ${Math.round(budgetMs / 60000)} minutes`);
        }
        await aws.sleep(10000);
    }
    const result = outcome(state);
    if (result === "succeeded")
        return succeeded(arn);
    const tail = await aws.logTail(event.logGroup, stream).catch(() => []);
    throw new Error(`${work.what} ${result}; ${work.otherwise}.` + (tail.length > 0 ? ` Its last lines:\n${tail.join("\n")}\n` : " ") +
        `Output: CloudWatch log group ${event.logGroup}, stream ${stream}`);
}
/** index.mjs of the Lambda function (Node.js 22, whose runtime includes the AWS SDK v3 clients). */
function lambdaSource() {
    return `import { AddTagsToResourceCommand, CreateDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";

const rds = new RDSClient({});
const ecs = new ECSClient({});
const logs = new CloudWatchLogsClient({});
const MIGRATED_FROM_TAG = ${JSON.stringify(MIGRATED_FROM_TAG)};
const schemaUpgradeStep = ${schemaUpgradeStep.toString()};
const dbInstance = async id => (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances[0];

const aws = {
    dbInstanceStatus: async id => (await dbInstance(id)).DBInstanceStatus,
    dbInstanceTags: async id => Object.fromEntries(((await dbInstance(id)).TagList ?? []).map(tag => [tag.Key, tag.Value])),
    tagDbInstance: async (id, key, value) => {
        await rds.send(new AddTagsToResourceCommand({ ResourceName: (await dbInstance(id)).DBInstanceArn, Tags: [{ Key: key, Value: value }] }));
    },
    createSnapshot: async (id, snapshot) => {
        await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: snapshot, Tags: [{ Key: "mlflow-on-aws:schema-upgrade", Value: "before" }] }));
    },
    snapshotStatus: async snapshot => (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot }))).DBSnapshots[0].Status,
    runTask: async (event, startedBy) => {
        const answer = await ecs.send(new RunTaskCommand({
            cluster: event.cluster,
            taskDefinition: event.taskDefinition,
            launchType: "FARGATE",
            count: 1,
            startedBy,
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
    findTasks: async (cluster, startedBy) => (await ecs.send(new ListTasksCommand({ cluster, startedBy }))).taskArns ?? [],
    describeTask: async (cluster, taskArn) => {
        const task = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks?.[0];
        if (!task) return undefined;
        return { lastStatus: task.lastStatus, stoppedReason: task.stoppedReason, containers: (task.containers ?? []).map(c => ({ name: c.name, exitCode: c.exitCode, reason: c.reason })) };
    },
    logTail: async (logGroupName, logStreamName) =>
        ((await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, limit: 20, startFromHead: false }))).events ?? []).map(e => e.message),
    sleep: milliseconds => new Promise(resolve => setTimeout(resolve, milliseconds)),
    now: () => Date.now(),
};

export const handler = async event => ({ result: await schemaUpgradeStep(event, aws, ${exports.STEP_BUDGET_MS}) });
`;
}
//# sourceMappingURL=schemaUpgrade.js.map