// The host's own host/mlflow-auth-setup, run against a sandbox's render and data directory: the
// host's `docker` is a stand-in that runs the mlflow service's one-off containers as the rendered
// compose file does (harness/realMlflow.ts), with the pinned release.
import { readFileSync } from "fs";
import * as path from "path";
import { AUTH_SEEDED_FILE, HOST } from "../../lib/render/layout";
import { readEnvFileWithBash } from "../../harness/envFile";
import { NginxSandbox } from "../../harness/nginxSandbox";
import { composeRunStandIn } from "../../harness/realMlflow";
import { HOST_DIR, runCommandAsync, RunResult, Sandbox } from "./hostScripts";

export interface HostAuthSetup {
    /** The host's sandbox (its stand-in commands and what they were called with). */
    host: Sandbox;
    /** The rendered host.env. */
    hostEnvText: string;
    /** Runs mlflow-auth-setup once more. */
    setup(): Promise<RunResult>;
}

/** A host sandbox named `name` ready to run mlflow-auth-setup for `sandbox` (whose MLflow servers it must run before). */
export function hostAuthSetup(sandbox: NginxSandbox, name: string): HostAuthSetup {
    const hostEnvText = readFileSync(sandbox.hostFile(HOST.hostEnv), "utf8");
    const hostEnv = readEnvFileWithBash(sandbox.hostFile(HOST.hostEnv));
    const host = new Sandbox(name);
    host.fake("docker", composeRunStandIn({
        composeFile: sandbox.composeFile,
        hostComposeFile: hostEnv.COMPOSE_FILE,
        hostPaths: sandbox.mlflowHostPaths(),
        tmpDir: sandbox.dirs.mlflowTmp,
        homeDir: sandbox.dirs.mlflowHome,
    }));
    const setup = (): Promise<RunResult> => runCommandAsync(path.join(HOST_DIR, "mlflow-auth-setup"), [], host.env(host.envFile(hostEnvText, {
        AUTH_SEEDED_FILE: sandbox.dataFile(AUTH_SEEDED_FILE),
        AUTH_USERS_FILE: sandbox.hostFile(HOST.authUsers),
        AUTH_SETUP_PROGRAM: path.join(HOST_DIR, "mlflow-auth-setup.py"),
    })), 180_000);
    return { host, hostEnvText, setup };
}
