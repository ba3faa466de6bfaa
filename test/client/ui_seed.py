"""Gives the UI test something to show: one experiment with one finished run, written with the
real client through nginx, with the settings trackingEnv gives (MLFLOW_TRACKING_URI, _USERNAME,
_PASSWORD, _SERVER_CERT_PATH come from the environment). Prints what it wrote as one JSON line.

Usage: python ui_seed.py EXPERIMENT_NAME WORK_DIR
"""
import json
import os
import sys

import mlflow


def main() -> None:
    experiment_name, work_dir = sys.argv[1], sys.argv[2]
    # Without it the client would quietly write a local mlflow.db instead of going through nginx.
    if not os.environ.get("MLFLOW_TRACKING_URI", "").startswith("https://"):
        sys.exit("MLFLOW_TRACKING_URI must be the server's https:// URL")
    experiment_id = mlflow.create_experiment(experiment_name)
    # Values a person would look for on the run page; unusual enough not to appear by chance.
    params = {"learning_rate": "0.0137", "optimizer": "adamw-ui-check"}
    metric_key, last_loss = "val_loss", 0.4242
    notes = os.path.join(work_dir, "notes.txt")
    with open(notes, "w") as f:
        f.write("written by ui_seed.py\n")
    with mlflow.start_run(experiment_id=experiment_id, run_name="ui-check-run") as run:
        mlflow.log_params(params)
        mlflow.set_tag("stage", "ui-e2e")
        for step, value in enumerate([0.9, 0.7, 0.55, last_loss]):
            mlflow.log_metric(metric_key, value, step=step)
        mlflow.log_artifact(notes)
    print(json.dumps({
        "experiment_id": experiment_id,
        "experiment_name": experiment_name,
        "run_id": run.info.run_id,
        "run_name": "ui-check-run",
        "params": params,
        "metric": {"key": metric_key, "last": last_loss},
    }))


if __name__ == "__main__":
    main()
