"""The client side of the backup test.

  python backup_data.py write READY_FILE SECONDS
      Through the server (MLFLOW_TRACKING_* from the environment, as trackingEnv gives them):
      fills one run with metrics in batches, touches READY_FILE, then logs one metric at a time
      for SECONDS, as a training loop does, while the test takes the backup. Any failed call
      ends it with a non-zero status. Prints a JSON summary with the slowest call.
  python backup_data.py read DB_FILE RUN_ID
      Opens a copy of the database with the MLflow API itself (sqlite:///DB_FILE, no server) and
      prints what it sees of the run.
"""
import json
import os
import sys
import time

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric

PREFILL_BATCHES = 40
BATCH = 1000


def write(ready_file, seconds):
    if not os.environ.get("MLFLOW_TRACKING_URI", "").startswith("https://"):
        sys.exit("MLFLOW_TRACKING_URI must be the server's https:// URL")
    client = MlflowClient()
    experiment_id = client.create_experiment("backup-while-writing")
    run_id = client.create_run(experiment_id, run_name="writer").info.run_id
    now = int(time.time() * 1000)
    for batch in range(PREFILL_BATCHES):
        client.log_batch(run_id, metrics=[Metric("prefill", float(i), now, batch * BATCH + i) for i in range(BATCH)])
    with open(ready_file, "w") as f:
        f.write(run_id)
    step, slowest = 0, 0.0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        client.log_metric(run_id, "loss", 1.0 / (1 + step), step=step)
        slowest = max(slowest, time.monotonic() - started)
        step += 1
    client.set_terminated(run_id)
    print(json.dumps({"run_id": run_id, "loss_steps": step, "prefill": PREFILL_BATCHES * BATCH, "slowest_call_s": round(slowest, 3)}))


def read(db_file, run_id):
    client = MlflowClient(tracking_uri=f"sqlite:///{db_file}")
    run = client.get_run(run_id)
    print(json.dumps({
        "version": mlflow.__version__,
        "runs": len(client.search_runs([run.info.experiment_id])),
        "prefill": len(client.get_metric_history(run_id, "prefill")),
        "loss_steps": len(client.get_metric_history(run_id, "loss")),
    }))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], float(sys.argv[3]))
    else:
        read(sys.argv[2], sys.argv[3])
