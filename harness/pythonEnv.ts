// The Python virtual environments that scripts/python-envs.sh builds from requirements/<name>.txt.
import { existsSync } from "fs";
import * as path from "path";
import { projectRoot } from "../lib/projectRoot";

/** Names of the files in requirements/ (one environment each). */
export type PythonEnvName = string;

/** The directory of an environment; PYTHON_ENVS moves all of them, as in scripts/python-envs.sh. */
export function pythonEnvDir(name: PythonEnvName): string {
    return path.join(process.env.PYTHON_ENVS ?? path.join(projectRoot(), ".venv"), name);
}

/** An executable of an environment (python, mlflow, moto_server, ...); throws with the command that builds it when absent. */
export function pythonEnvBin(name: PythonEnvName, program = "python"): string {
    const file = path.join(pythonEnvDir(name), "bin", program);
    if (!existsSync(file)) {
        throw new Error(`${file} is missing: build the environment with \`scripts/python-envs.sh ${name}\` (.ci/run does)`);
    }
    return file;
}
