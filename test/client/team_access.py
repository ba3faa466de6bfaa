"""One user of a server with MLflow's auth app, through the MLflow client (MLFLOW_TRACKING_* from
the environment). Prints one JSON line.

  team_access.py write <experiment name> <file>   create the experiment, a run with a metric and
                                                 the file as an artifact, download it back
  team_access.py try <experiment id> <run id> <artifact name> <dir>
                                                 what this user may do with someone else's
                                                 experiment: each attempt "allowed" or the error
"""

import json
import sys
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def attempt(action):
    try:
        action()
        return "allowed"
    except MlflowException as error:
        return f"{error.error_code}: {str(error)[:300]}"


def write(name, file):
    mlflow.set_experiment(name)
    with mlflow.start_run() as run:
        mlflow.log_metric("loss", 0.25)
        mlflow.log_artifact(file)
    back = MlflowClient().download_artifacts(run.info.run_id, Path(file).name, str(Path(file).parent / "back"))
    experiment = mlflow.get_experiment_by_name(name)
    print(json.dumps({
        "experiment_id": experiment.experiment_id,
        "run_id": run.info.run_id,
        "run_name": run.info.run_name,
        "downloaded_same": Path(back).read_bytes() == Path(file).read_bytes(),
    }))


def try_all(experiment_id, run_id, artifact, directory):
    client = MlflowClient()
    results = {
        "search_sees_it": experiment_id in [e.experiment_id for e in client.search_experiments(max_results=1000)],
        "get_experiment": attempt(lambda: client.get_experiment(experiment_id)),
        "get_run": attempt(lambda: client.get_run(run_id)),
        "metric_history": attempt(lambda: client.get_metric_history(run_id, "loss")),
        "download": attempt(lambda: client.download_artifacts(run_id, artifact, directory)),
        "log_metric": attempt(lambda: client.log_metric(run_id, "intruder", 1.0)),
        "create_run": attempt(lambda: client.create_run(experiment_id)),
        "delete_run": attempt(lambda: client.delete_run(run_id)),
        "delete_experiment": attempt(lambda: client.delete_experiment(experiment_id)),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "try":
        try_all(*sys.argv[2:6])
    else:
        sys.exit(f"unknown mode {sys.argv[1]}")
