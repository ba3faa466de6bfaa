"""The stores mlflow-gc is tested on (test/gc.e2e.test.ts): made with MLflow's own client through
nginx to the real server, then aged and read with SQL on the server's database.

    python gc_world.py make WORKDIR       experiments, runs, artifacts, a logged model and a model
                                          version, deleted and restored; writes WORKDIR/world.json
    python gc_world.py age DB_URI WORKDIR what is to be old was deleted 40 days ago
    python gc_world.py rows DB_URI        the ids of the runs, experiments, logged models and model
                                          versions the database holds, as JSON
"""

import json
import sys
import tempfile
import time
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from sqlalchemy import create_engine, text

AGE_DAYS = 40


def artifact_run(experiment_id, name):
    with mlflow.start_run(experiment_id=experiment_id, run_name=name) as run:
        mlflow.log_param("name", name)
        mlflow.log_metric("steps", 3)
        mlflow.log_text(f"{name}\n", "notes/readme.txt")
    return run.info.run_id


def make(workdir):
    client = MlflowClient()
    # First, so that its id (1) is a prefix of three kept experiments' ids (10, 11, 12).
    collected = client.create_experiment("gc-collected")
    kept = {index: client.create_experiment(f"gc-kept-{index}") for index in range(2, 13)}
    with_restored_run, active = kept[2], kept[3]
    world = {
        "collected": collected,
        "withRestoredRun": with_restored_run,
        "active": active,
        "prefixed": [kept[10], kept[11], kept[12]],
        "runs": {
            "old": artifact_run(active, "old"),
            "recent": artifact_run(active, "recent"),
            "kept": artifact_run(active, "kept"),
            "registered": artifact_run(active, "registered"),
            "inCollected": artifact_run(collected, "in-collected"),
            "restored": artifact_run(with_restored_run, "restored"),
            **{f"prefixed{index}": artifact_run(kept[index], f"prefixed-{index}") for index in (10, 11, 12)},
        },
    }
    runs = world["runs"]
    # A model version made from a run that is deleted afterwards: its files are the run's.
    registered_uri = client.get_run(runs["registered"]).info.artifact_uri + "/notes"
    client.create_registered_model("gc-registered")
    version = client.create_model_version("gc-registered", registered_uri, run_id=runs["registered"])
    world["modelVersion"] = {"name": "gc-registered", "version": version.version}
    # A logged model of the collected experiment, with files of its own (outside every run).
    model = client.create_logged_model(collected, name="gc-model")
    with tempfile.TemporaryDirectory() as local:
        (Path(local) / "weights.txt").write_text("0.5\n")
        client.log_model_artifacts(model.model_id, local)
    world["loggedModel"] = model.model_id
    # An experiment whose location a client chose: the whole store. Collecting it must not empty the store.
    whole_store = client.create_experiment("gc-whole-store", artifact_location="mlflow-artifacts:/")
    world["wholeStore"] = whole_store
    runs["inWholeStore"] = artifact_run(whole_store, "in-whole-store")
    # A deleted experiment with a run restored in it: nothing of it may go.
    client.delete_experiment(with_restored_run)
    client.restore_run(runs["restored"])
    for name in ("old", "recent", "registered"):
        client.delete_run(runs[name])
    client.delete_logged_model(model.model_id)
    client.delete_experiment(collected)
    client.delete_experiment(whole_store)
    Path(workdir, "world.json").write_text(json.dumps(world, indent=2))


def age(db_uri, workdir):
    world = json.loads(Path(workdir, "world.json").read_text())
    runs = world["runs"]
    long_ago = int(time.time() * 1000) - AGE_DAYS * 86_400_000
    with create_engine(db_uri).begin() as connection:
        for run_id in (runs["old"], runs["registered"], runs["inCollected"], runs["inWholeStore"]):
            connection.execute(text("UPDATE runs SET deleted_time = :t WHERE run_uuid = :id"), {"t": long_ago, "id": run_id})
        for experiment_id in (world["collected"], world["withRestoredRun"], world["wholeStore"]):
            connection.execute(text("UPDATE experiments SET last_update_time = :t WHERE experiment_id = :id"),
                               {"t": long_ago, "id": int(experiment_id)})
        connection.execute(text("UPDATE logged_models SET last_updated_timestamp_ms = :t WHERE model_id = :id"),
                           {"t": long_ago, "id": world["loggedModel"]})


def rows(db_uri):
    with create_engine(db_uri).connect() as connection:
        def column(query):
            return sorted(str(row[0]) for row in connection.execute(text(query)))
        print(json.dumps({
            "runs": column("SELECT run_uuid FROM runs"),
            "experiments": column("SELECT experiment_id FROM experiments"),
            "loggedModels": column("SELECT model_id FROM logged_models"),
            "modelVersions": column("SELECT name || '/' || version FROM model_versions"),
            "metricsOfRuns": column("SELECT DISTINCT run_uuid FROM metrics"),
            "paramsOfRuns": column("SELECT DISTINCT run_uuid FROM params"),
        }))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "make":
        make(sys.argv[2])
    elif command == "age":
        age(sys.argv[2], sys.argv[3])
    elif command == "rows":
        rows(sys.argv[2])
    else:
        sys.exit(f"unknown command {command}")
