// mlflow-gc against the real MLflow, shared by the host on its volume (real-mlflow.e2e) and the
// stateless host on PostgreSQL and S3 (stateless-host.e2e): the stores test/client/gc_world.py
// makes through nginx, and what must be gone or kept after the host's mlflow-gc ran.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { composeRunStandIn } from "../../harness/realMlflow";
import { HOST } from "../../lib/render/layout";
import { HOST_DIR, RunResult, runCommandAsync, Sandbox } from "./hostScripts";
import { runClient } from "./tracking";

export interface GcWorld {
    collected: string;
    /** A deleted experiment whose location a client set to the whole store. */
    wholeStore: string;
    withRestoredRun: string;
    active: string;
    prefixed: string[];
    runs: Record<"old" | "recent" | "kept" | "registered" | "inCollected" | "restored" | "prefixed10" | "prefixed11" | "prefixed12" | "inWholeStore", string>;
    modelVersion: { name: string; version: string };
    loggedModel: string;
}

export interface GcRows {
    runs: string[];
    experiments: string[];
    loggedModels: string[];
    modelVersions: string[];
    metricsOfRuns: string[];
    paramsOfRuns: string[];
}

/** Makes the world through nginx with the client's environment, then ages what is to be old in the database at dbUri. */
export async function makeGcWorld(client: Record<string, string>, workDir: string, dbUri: string): Promise<GcWorld> {
    const made = await runClient("mlflow", "gc_world.py", ["make", workDir], client, 300_000);
    assert.equal(made.code, 0, `gc_world.py make:\n${made.stdout}\n${made.stderr}`);
    const aged = await runClient("mlflow", "gc_world.py", ["age", dbUri, workDir], {}, 60_000);
    assert.equal(aged.code, 0, `gc_world.py age:\n${aged.stderr}`);
    return JSON.parse(readFileSync(path.join(workDir, "world.json"), "utf8")) as GcWorld;
}

export async function gcRows(dbUri: string): Promise<GcRows> {
    const result = await runClient("mlflow", "gc_world.py", ["rows", dbUri], {}, 60_000);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as GcRows;
}

/** host/mlflow-gc with the rendered host.env, `docker compose run` carried out with the pinned release, mlflow.service active. */
export function runHostGc(options: {
    hostEnvText: string; composeFile: string; hostPaths: Record<string, string>; tmpDir: string; homeDir: string; env?: Record<string, string>;
}): Promise<RunResult> {
    const host = new Sandbox("gc");
    host.fake("systemctl");
    host.fake("docker", composeRunStandIn({
        composeFile: options.composeFile, hostComposeFile: HOST.composeFile, hostPaths: options.hostPaths,
        tmpDir: options.tmpDir, homeDir: options.homeDir, env: options.env,
    }));
    // The program from host/, where the host has it at GC_PROGRAM.
    const program = path.join(HOST_DIR, "mlflow-gc.py");
    return runCommandAsync(path.join(HOST_DIR, "mlflow-gc"), [], host.env(host.envFile(options.hostEnvText, { GC_PROGRAM: program })), 240_000)
        .finally(() => host.remove());
}

/** What must have gone and what must stay, in the database and in the artifact store (paths relative to the artifacts destination). */
export function checkCollected(world: GcWorld, gc: Pick<RunResult, "status" | "stdout" | "stderr">, before: GcRows, after: GcRows, artifacts: string[]): void {
    assert.equal(gc.status, 0, `mlflow-gc exited ${gc.status}:\n${gc.stdout}\n${gc.stderr}`);
    const runs = world.runs;
    const gone = [runs.old, runs.inCollected, runs.inWholeStore];
    const kept = [runs.recent, runs.kept, runs.registered, runs.restored, runs.prefixed10, runs.prefixed11, runs.prefixed12];
    for (const run of [...gone, ...kept]) assert.ok(before.runs.includes(run), `run ${run} was there before`);
    for (const run of gone) {
        assert.ok(!after.runs.includes(run), `run ${run} was deleted 40 days ago: its row goes`);
        assert.ok(!after.metricsOfRuns.includes(run) && !after.paramsOfRuns.includes(run), `run ${run}: its metrics and params go too`);
    }
    for (const run of kept) {
        assert.ok(after.runs.includes(run), `run ${run} stays`);
        assert.ok(after.metricsOfRuns.includes(run) && after.paramsOfRuns.includes(run), `run ${run} keeps its metrics and params`);
    }
    for (const experiment of [world.collected, world.wholeStore]) {
        assert.ok(!after.experiments.includes(experiment), `experiment ${experiment}, deleted 40 days ago with nothing else in it, goes`);
    }
    for (const experiment of [world.withRestoredRun, world.active, ...world.prefixed]) assert.ok(after.experiments.includes(experiment), `experiment ${experiment} stays`);
    assert.ok(before.loggedModels.includes(world.loggedModel) && !after.loggedModels.includes(world.loggedModel), "the deleted logged model goes");
    assert.ok(after.modelVersions.includes(`${world.modelVersion.name}/${world.modelVersion.version}`), "the model version stays");
    // Nothing else was touched: every other row is still there.
    assert.deepEqual(after.runs, before.runs.filter(run => !gone.includes(run)));
    assert.deepEqual(after.experiments, before.experiments.filter(experiment => experiment !== world.collected && experiment !== world.wholeStore));

    const readme = (experiment: string, run: string) => `${experiment}/${run}/artifacts/notes/readme.txt`;
    const expectedKept = [
        readme(world.active, runs.recent), readme(world.active, runs.kept), readme(world.active, runs.registered),
        readme(world.withRestoredRun, runs.restored),
        ...world.prefixed.map((experiment, index) => readme(experiment, runs[`prefixed${10 + index}` as "prefixed10"])),
    ];
    for (const file of expectedKept) assert.ok(artifacts.includes(file), `${file} stays; the store holds:\n${artifacts.join("\n")}`);
    assert.ok(!artifacts.some(file => file.startsWith(`${world.active}/${runs.old}/`)), "the old run's artifacts go");
    assert.ok(!artifacts.some(file => file.startsWith(`${runs.inWholeStore}/`)), "the run in the whole-store experiment loses its own artifacts, and only those");
    assert.ok(!artifacts.some(file => file.startsWith(`${world.collected}/`)), `nothing of experiment ${world.collected} stays (its runs, its logged model):\n${artifacts.join("\n")}`);
    assert.match(gc.stdout, new RegExp(`mlflow-gc: deleted before .*: 3 runs, 1 logged models, 2 experiments to remove`));
}

/** Every file under a directory, relative to it, with forward slashes. */
export function filesUnder(dir: string): string[] {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter(entry => entry.isFile())
        .map(entry => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
}
