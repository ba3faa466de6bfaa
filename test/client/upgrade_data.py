"""Data for the upgrade and migration tests, written through one server and read back through
another (MLFLOW_TRACKING_URI, _USERNAME, _PASSWORD, _SERVER_CERT_PATH from the environment, as
trackingEnv gives them).

  python upgrade_data.py write MANIFEST WORK_DIR    (upgrade: the oldest release the settings accept)
  python upgrade_data.py verify MANIFEST WORK_DIR   (upgrade: the pinned release, after `mlflow db upgrade`;
                                                     migration: the scaled tier, after migrate-store.py)
  python upgrade_data.py extend MANIFEST WORK_DIR   (migration: new items get keys after the copied ones)

`write` records in MANIFEST what it wrote; `verify` reads every item back and exits non-zero with
what differs. Both print a one-line JSON summary.
"""
import hashlib
import json
import os
import sys

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow import MlflowClient

MODEL_NAME = "upgrade-model"
ALIAS = "champion"


class AddN(mlflow.pyfunc.PythonModel):
    def __init__(self, n):
        self.n = n

    def predict(self, context, model_input, params=None):
        return model_input["x"] + self.n


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write(manifest_file, work_dir):
    client = MlflowClient()
    files = os.path.join(work_dir, "files")
    os.makedirs(os.path.join(files, "plots"), exist_ok=True)
    with open(os.path.join(files, "weights.bin"), "wb") as f:
        f.write(np.random.default_rng(3).bytes(300_000))
    for name in ("a.txt", "b.txt"):
        with open(os.path.join(files, "plots", name), "w") as f:
            f.write(f"plot {name}\n")

    runs = []
    trained = mlflow.create_experiment("upgrade-training")
    with mlflow.start_run(experiment_id=trained, run_name="trained") as run:
        mlflow.log_params({"learning_rate": "0.01", "batch_size": "64"})
        mlflow.set_tags({"team": "upgrade", "note": "written by MLflow " + mlflow.__version__})
        steps = 500
        for start in range(0, steps, 100):
            client.log_batch(run.info.run_id, metrics=[
                mlflow.entities.Metric("loss", 1.0 / (1 + step), 1_700_000_000_000 + step, step)
                for step in range(start, start + 100)])
        mlflow.log_metric("accuracy", 0.93, step=7)
        mlflow.log_artifact(os.path.join(files, "weights.bin"))
        mlflow.log_artifacts(os.path.join(files, "plots"), artifact_path="plots")
        mlflow.log_input(mlflow.data.from_numpy(np.arange(10), name="upgrade-data"), context="training")
        runs.append(run.info.run_id)
    with mlflow.start_run(experiment_id=trained, run_name="failed") as run:
        mlflow.log_param("learning_rate", "10")
        mlflow.log_metric("loss", float("nan"), step=0)
        runs.append(run.info.run_id)
        mlflow.end_run(status="FAILED")

    models = mlflow.create_experiment("upgrade-models")
    with mlflow.start_run(experiment_id=models, run_name="models") as run:
        # Fixed requirements: inferring them starts a subprocess per model and only costs time here.
        mlflow.pyfunc.log_model(name="add7", python_model=AddN(7), registered_model_name=MODEL_NAME,
                                pip_requirements=["mlflow==" + mlflow.__version__, "pandas"])
        mlflow.pyfunc.log_model(name="add100", python_model=AddN(100), registered_model_name=MODEL_NAME,
                                pip_requirements=["mlflow==" + mlflow.__version__, "pandas"])
        runs.append(run.info.run_id)
    # The alias on the older version: reading it back must resolve the alias, not "latest".
    client.set_registered_model_alias(MODEL_NAME, ALIAS, "1")

    @mlflow.trace(name="upgrade-span")
    def traced(x):
        return x * 2

    traced(21)
    trace_id = mlflow.get_last_active_trace_id()

    manifest = {"version": mlflow.__version__, "experiments": {}, "runs": {}, "trace_id": trace_id,
                "model": {"name": MODEL_NAME, "alias": ALIAS, "version": "1", "input": [1, 2], "output": [8, 9]}}
    for experiment_id in (trained, models):
        experiment = client.get_experiment(experiment_id)
        manifest["experiments"][experiment_id] = {"name": experiment.name, "artifact_location": experiment.artifact_location}
    for run_id in runs:
        run = client.get_run(run_id)
        artifacts = {}
        for path in list_files(client, run_id):
            local = client.download_artifacts(run_id, path, os.path.join(work_dir, "written", run_id))
            artifacts[path] = sha256(local)
        manifest["runs"][run_id] = {
            "experiment_id": run.info.experiment_id,
            "name": run.info.run_name,
            "status": run.info.status,
            "params": run.data.params,
            "tags": {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")},
            "metrics": {key: history(client, run_id, key) for key in run.data.metrics},
            "artifacts": artifacts,
            "datasets": sorted(d.dataset.name for d in run.inputs.dataset_inputs),
        }
    with open(manifest_file, "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps({"version": mlflow.__version__, "runs": len(runs), "trace_id": trace_id}))


def list_files(client, run_id, path=None):
    found = []
    for item in client.list_artifacts(run_id, path):
        found.extend(list_files(client, run_id, item.path) if item.is_dir else [item.path])
    return sorted(found)


def history(client, run_id, key):
    # NaN is written as a string so that the manifest stays JSON and compares equal to itself.
    return sorted([m.step, "nan" if m.value != m.value else m.value] for m in client.get_metric_history(run_id, key))


def verify(manifest_file, work_dir):
    client = MlflowClient()
    with open(manifest_file) as f:
        manifest = json.load(f)
    problems = []

    def check(what, got, want):
        if got != want:
            problems.append(f"{what}: got {got!r}, wrote {want!r}")

    for experiment_id, written in manifest["experiments"].items():
        experiment = client.get_experiment(experiment_id)
        check(f"experiment {experiment_id}", {"name": experiment.name, "artifact_location": experiment.artifact_location}, written)
        found = {r.info.run_id for r in client.search_runs([experiment_id], max_results=100)}
        check(f"runs of experiment {experiment_id}", found, {i for i, r in manifest["runs"].items() if r["experiment_id"] == experiment_id})
    metric_points = 0
    for run_id, written in manifest["runs"].items():
        run = client.get_run(run_id)
        check(f"run {run_id} status", run.info.status, written["status"])
        check(f"run {run_id} name", run.info.run_name, written["name"])
        check(f"run {run_id} params", run.data.params, written["params"])
        check(f"run {run_id} tags", {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")}, written["tags"])
        check(f"run {run_id} datasets", sorted(d.dataset.name for d in run.inputs.dataset_inputs), written["datasets"])
        check(f"run {run_id} metric keys", sorted(run.data.metrics), sorted(written["metrics"]))
        for key, points in written["metrics"].items():
            check(f"run {run_id} history of {key}", history(client, run_id, key), points)
            metric_points += len(points)
        check(f"run {run_id} artifact list", list_files(client, run_id), sorted(written["artifacts"]))
        for path, digest in written["artifacts"].items():
            local = client.download_artifacts(run_id, path, os.path.join(work_dir, "read", run_id))
            check(f"run {run_id} artifact {path}", sha256(local), digest)

    model = manifest["model"]
    version = client.get_model_version_by_alias(model["name"], model["alias"])
    check("model version behind the alias", version.version, model["version"])
    loaded = mlflow.pyfunc.load_model(f"models:/{model['name']}@{model['alias']}")
    check("prediction of models:/name@alias", [int(v) for v in loaded.predict(pd.DataFrame({"x": model["input"]}))], model["output"])

    trace = client.get_trace(manifest["trace_id"])
    check("trace spans", [s.name for s in trace.data.spans], ["upgrade-span"])
    check("trace output", trace.data.spans[0].outputs, 42)

    if problems:
        sys.exit("read back after the upgrade differs:\n" + "\n".join(problems))
    print(json.dumps({"version": mlflow.__version__, "runs": len(manifest["runs"]), "metric_points": metric_points,
                      "artifacts": sum(len(r["artifacts"]) for r in manifest["runs"].values())}))


def extend(manifest_file, work_dir):
    """After a copy into another database: new items get keys after the copied ones."""
    client = MlflowClient()
    with open(manifest_file) as f:
        manifest = json.load(f)
    experiment_id = mlflow.create_experiment("after-the-move")
    newest = max(int(i) for i in manifest["experiments"])
    if int(experiment_id) <= newest:
        sys.exit(f"the new experiment got id {experiment_id}, not after the copied {newest}")
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_metric("loss", 0.5, step=1)
    if client.get_run(run.info.run_id).data.metrics != {"loss": 0.5}:
        sys.exit("the new run's metric did not read back")
    print(json.dumps({"experiment_id": experiment_id, "run_id": run.info.run_id}))


if __name__ == "__main__":
    if not os.environ.get("MLFLOW_TRACKING_URI", "").startswith("https://"):
        sys.exit("MLFLOW_TRACKING_URI must be the server's https:// URL")
    {"write": write, "verify": verify, "extend": extend}[sys.argv[1]](sys.argv[2], sys.argv[3])
