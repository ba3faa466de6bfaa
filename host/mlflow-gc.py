"""Garbage collection of the MLflow server's stores, run with the server's own MLflow (the image's
Python, in a one-off container of the mlflow service, or the scaled tier's gc task).

Removes for good, rows and artifacts, what was deleted more than <days> days ago: runs, logged
models, and experiments. It chooses what `mlflow gc` (3.17.2) would get wrong and leaves it:
- a deleted run or logged model that a registered model version was made from (the version's
  files are the run's);
- a deleted experiment that still holds anything else: an active run (a run can be restored in
  a deleted experiment), a run or logged model too young or kept above; deleting its row would
  cascade to them.
Artifacts are deleted in the store itself (mlflow-artifacts: URIs resolved against the server's
--artifacts-destination), so no server needs to answer: `mlflow gc` would send each deletion
through a tracking server whose Host check refuses an internal name. A collected experiment's
whole artifact location goes with it (its logged models' and traces' files, which `mlflow gc`
leaves), before its row, so that SQLite, which reuses experiment ids, never hands a new
experiment a directory with old files in it; but only the location the server gives an
experiment itself (mlflow-artifacts:/<id>): a location a client chose may be shared, or be the
whole store, and then only the rows go.

With MLflow's auth app (its tables in the same database), a collected experiment's grants go
first: SQLite hands a later experiment the same id, which would otherwise inherit them, so that a
user granted the old experiment could read the new one (MLflow's own delete does not remove them:
a deleted experiment can be restored).

Each item is checked again just before it goes (a run restored meanwhile stays), and one that
fails is reported and skipped; the exit status says whether all went.

Usage: python mlflow-gc.py <backend store URI> <artifacts destination> <days>
"""
import datetime
import sys
from urllib.parse import urlparse

from sqlalchemy import inspect, text

from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
from mlflow.utils.time import get_current_time_millis

# A registered model version names its run in run_id, or in source/storage_location
# (runs:/<run>/..., mlflow-artifacts:/<experiment>/<run>/...), and its logged model there too
# (models:/<model id>, .../models/<model id>/...).
RUNS = """
SELECT r.run_uuid FROM runs r
WHERE r.lifecycle_stage = 'deleted' AND r.deleted_time < :threshold
  AND NOT EXISTS (SELECT 1 FROM model_versions v
                  WHERE v.run_id = r.run_uuid
                     OR v.source LIKE '%' || r.run_uuid || '%'
                     OR v.storage_location LIKE '%' || r.run_uuid || '%')
"""
LOGGED_MODELS = """
SELECT m.model_id FROM logged_models m
WHERE m.lifecycle_stage = 'deleted' AND m.last_updated_timestamp_ms < :threshold
  AND NOT EXISTS (SELECT 1 FROM model_versions v
                  WHERE v.source LIKE '%' || m.model_id || '%'
                     OR v.storage_location LIKE '%' || m.model_id || '%')
"""
EXPERIMENTS = f"""
SELECT e.experiment_id FROM experiments e
WHERE e.lifecycle_stage = 'deleted' AND e.last_update_time < :threshold
  AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.experiment_id = e.experiment_id AND r.run_uuid NOT IN ({RUNS}))
  AND NOT EXISTS (SELECT 1 FROM logged_models m WHERE m.experiment_id = e.experiment_id AND m.model_id NOT IN ({LOGGED_MODELS}))
"""


#: The auth app's own schema revision table: there only with auth mlflow.
AUTH_VERSION_TABLE = "alembic_version_auth"


def log(message):
    print(f"mlflow-gc: {message}", flush=True)


def in_store(uri, destination):
    """Where an artifact URI's files are: mlflow-artifacts:/<path> is <destination>/<path>."""
    if uri.startswith("mlflow-artifacts:"):
        return destination.rstrip("/") + "/" + urlparse(uri).path.lstrip("/")
    return uri


def main():
    backend_uri, destination, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
    threshold = get_current_time_millis() - days * 86_400_000
    store = SqlAlchemyStore(backend_uri, "mlflow-artifacts:/")
    auth = None
    if inspect(store.engine).has_table(AUTH_VERSION_TABLE):
        # Imported only with the auth app's tables: a basic-auth server runs the base image.
        from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore as AuthStore
        auth = AuthStore()
        auth.init_db(backend_uri)
    kinds = (("runs", RUNS, "r.run_uuid"), ("logged models", LOGGED_MODELS, "m.model_id"), ("experiments", EXPERIMENTS, "e.experiment_id"))

    def select(query, column=None, item=None):
        """The ids the query selects now, or (with an item) whether it still selects that one."""
        if item is not None:
            query = f"{query} AND {column} = :item"
        with store.engine.connect() as connection:
            return [row[0] for row in connection.execute(text(query), {"threshold": threshold, "item": item})]

    selected = {name: select(query) for name, query, _ in kinds}
    before = datetime.datetime.fromtimestamp(threshold / 1000, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    log(f"deleted before {before}: {len(selected['runs'])} runs, {len(selected['logged models'])} logged models, "
        f"{len(selected['experiments'])} experiments to remove")

    def remove_run(run_id):
        run = store.get_run(run_id)
        # A run's own directory: <location>/<run id>/artifacts.
        if run_id in run.info.artifact_uri:
            get_artifact_repository(in_store(run.info.artifact_uri, destination)).delete_artifacts()
        store._hard_delete_run(run_id)
        return f"run {run_id} of experiment {run.info.experiment_id}"

    def remove_logged_model(model_id):
        model = store.get_logged_model(model_id, allow_deleted=True)
        if model_id in model.artifact_location:
            get_artifact_repository(in_store(model.artifact_location, destination)).delete_artifacts()
        store._hard_delete_logged_model(model_id)
        return f"logged model {model_id} of experiment {model.experiment_id}"

    def remove_experiment(experiment_id):
        experiment = store.get_experiment(experiment_id)
        if experiment.artifact_location.rstrip("/") == f"mlflow-artifacts:/{experiment_id}":
            get_artifact_repository(in_store(experiment.artifact_location, destination)).delete_artifacts()
        if auth:
            auth.delete_grants_for_resource("experiment", str(experiment_id))
        store._hard_delete_experiment(experiment_id)
        return f"experiment {experiment_id} ({experiment.name})"

    failed = 0
    for (name, query, column), remove in zip(kinds, (remove_run, remove_logged_model, remove_experiment)):
        for item in selected[name]:
            try:
                if not select(query, column, item):
                    log(f"kept {name[:-1]} {item}: restored or changed since it was selected")
                    continue
                log(f"removed {remove(item)}")
            except Exception as error:  # one item never stops the rest; the next day tries it again
                failed += 1
                log(f"could not remove {name[:-1]} {item}: {error!r}")
    if failed:
        sys.exit(f"mlflow-gc: {failed} items could not be removed")


if __name__ == "__main__":
    main()
