"""A host's MLflow data directory as a host leaves it, made with the pinned release's own stores:
the SQLite database with an experiment and a run.

  auth_host_store.py auth-app <data dir> <record file> <carol's password>
      a host that ran MLflow's auth app: its tables beside MLflow's hold the stack's admin and
      alice (their passwords from MLFLOW_AUTH_USERS, as the host's setup created them), carol
      (whom the admin added, with her own password) and no bob (the admin deleted him); alice may
      READ the experiment. The record of the users the host's setup created names bob too.
  auth_host_store.py basic <data dir>
      a host on basic auth: no auth app's table.

Prints one JSON line.
"""

import json
import os
import sys
from pathlib import Path

from mlflow.entities import Param
from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore as AuthStore
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as TrackingStore


def mlflow_store(data_dir: Path) -> tuple[str, dict]:
    (data_dir / "artifacts").mkdir(parents=True, exist_ok=True)
    uri = f"sqlite:///{data_dir / 'mlflow.db'}"
    tracking = TrackingStore(uri, "mlflow-artifacts:/")
    experiment_id = tracking.create_experiment("host-team")
    run = tracking.create_run(experiment_id, user_id="admin", start_time=0, tags=[], run_name="on-the-host")
    tracking.log_param(run.info.run_id, Param("lr", "0.01"))
    return uri, {"experiment_id": experiment_id, "run_id": run.info.run_id}


def auth_app(uri: str, experiment_id: str, record: Path, carol_password: str) -> None:
    users = json.loads(os.environ["MLFLOW_AUTH_USERS"])
    admin = next(iter(users))
    auth = AuthStore()
    auth.init_db(uri)
    auth.create_user(admin, users[admin], is_admin=True)
    auth.create_user("alice", users["alice"])
    auth.create_user("carol", carol_password)
    auth.create_experiment_permission(experiment_id, "alice", "READ")
    record.write_text(json.dumps(sorted(users)) + "\n")


if __name__ == "__main__":
    mode, data_dir = sys.argv[1], Path(sys.argv[2])
    if mode not in ("auth-app", "basic"):
        sys.exit(f"unknown mode {mode}")
    database_uri, ids = mlflow_store(data_dir)
    if mode == "auth-app":
        auth_app(database_uri, ids["experiment_id"], Path(sys.argv[3]), sys.argv[4])
    print(json.dumps(ids))
