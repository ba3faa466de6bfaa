// The real MLflow Python client (a virtual environment of scripts/python-envs.sh) talking to the
// sandbox's nginx with the settings `trackingEnv` gives a user: the same renderer writes the
// shell lines, and bash reads them, as a user's `eval "$(... trackingEnv)"` would.
import { spawnSync } from "child_process";
import { writeFileSync } from "fs";
import * as path from "path";
import { renderTrackingEnv } from "../../lib/render/clientEnv";
import { projectRoot } from "../../lib/projectRoot";
import { NginxSandbox } from "../../harness/nginxSandbox";
import { run, RunResult, scratchDir } from "../../harness/namespace";
import { PythonEnvName, pythonEnvBin } from "../../harness/pythonEnv";

/** The environment of a client of `user`, with the render's CA in a file of its own. */
export function trackingEnv(sandbox: NginxSandbox, user: string): Record<string, string> {
    return clientEnvFromTrackingEnv(renderTrackingEnv({
        url: `https://${sandbox.values.domain ?? sandbox.publicIp}`,
        user,
        password: sandbox.users[user],
        caCertFile: "mlflow-ca.pem",
    }), sandbox.caCert);
}

/**
 * What bash makes of a stack's `trackingEnv` lines, run in a directory that holds the stack's
 * CA certificate under the name they give it (as README tells a user to save it): the MLFLOW_*
 * variables, the CA's path made absolute.
 */
export function clientEnvFromTrackingEnv(lines: string, caPem: string): Record<string, string> {
    const dir = scratchDir("client");
    const envFile = path.join(dir, "tracking.env");
    writeFileSync(envFile, lines);
    const result = spawnSync("/bin/bash", ["-c", 'set -eu; source "$1"; env -0', "_", envFile], { encoding: "utf8", env: {}, cwd: dir });
    if (result.status !== 0) throw new Error(`bash could not read ${envFile}: ${result.stderr}`);
    const env = Object.fromEntries(result.stdout.split("\0").filter(line => line.startsWith("MLFLOW_"))
        .map(line => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    if (!env.MLFLOW_TRACKING_URI) throw new Error(`${envFile} sets no MLFLOW_TRACKING_URI`);
    if (env.MLFLOW_TRACKING_SERVER_CERT_PATH) {
        env.MLFLOW_TRACKING_SERVER_CERT_PATH = path.resolve(dir, env.MLFLOW_TRACKING_SERVER_CERT_PATH);
        writeFileSync(env.MLFLOW_TRACKING_SERVER_CERT_PATH, caPem);
    }
    return env;
}

/**
 * Runs a script of test/client/ with the given virtual environment's Python. The machine's own settings
 * are left out (HOME, TMPDIR in the scratch directory); inside the namespace nothing but `lo`
 * is reachable, so MLflow's telemetry is switched off rather than left to fail on every call.
 */
export function runClient(pythonEnv: PythonEnvName, script: string, args: string[], env: Record<string, string>, timeoutMs = 180_000): Promise<RunResult> {
    const home = scratchDir("client-home");
    return run(pythonEnvBin(pythonEnv), [path.join(projectRoot(), "test", "client", script), ...args], {
        timeoutMs,
        // Never the project: a client without a tracking URI would create mlflow.db in its cwd.
        cwd: home,
        env: { PATH: "/usr/bin:/bin", HOME: home, TMPDIR: home, LANG: "C.UTF-8", MLFLOW_DISABLE_TELEMETRY: "true", ...env },
    });
}
