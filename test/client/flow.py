"""What a user does with MLflow's own Python client against the deployed server, run by
test/real-mlflow.e2e.test.ts with the environment `trackingEnv` gives (MLFLOW_TRACKING_URI,
_USERNAME, _PASSWORD, MLFLOW_TRACKING_SERVER_CERT_PATH), through nginx to the real server.

    python flow.py good WORKDIR        the whole flow; writes WORKDIR/flow.json (ids, checksums)
    python flow.py refused WORKDIR     every call of the flow again, each of which must be refused
                                       with 401 (run it without credentials or with a wrong password)

Every step checks what it got back; a failure ends the script with a traceback and exit 1.
"""

import hashlib
import json
import os
import re
import sys
from pathlib import Path

import mlflow
import mlflow.pyfunc
from mlflow import MlflowClient
from mlflow.entities import Metric
from mlflow.exceptions import MlflowException

# Each refused run comes from an address of its own, so that nginx's limit on failed logins (a
# burst of 20 per client address) answers 401, not 429, to every one of its calls.
if source := os.environ.get("FLOW_SOURCE_ADDRESS"):
    import urllib3.connection

    _connection_init = urllib3.connection.HTTPConnection.__init__

    def _bound_connection_init(self, *args, **kwargs):
        kwargs["source_address"] = (source, 0)
        _connection_init(self, *args, **kwargs)

    urllib3.connection.HTTPConnection.__init__ = _bound_connection_init

EXPERIMENT = "real-client-flow"
MODEL_NAME = "flow-adder"
ALIAS = "champion"
BATCH_STEPS = 3000
METRIC_STEPS = 50
CHUNK = 1 << 20


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def tree_digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def write_random(path: Path, size: int) -> None:
    with open(path, "wb") as file:
        for _ in range(size // CHUNK):
            file.write(os.urandom(CHUNK))


class AddN(mlflow.pyfunc.PythonModel):
    def __init__(self, n: int):
        self.n = n

    def predict(self, context, model_input, params=None):
        return [int(x) + self.n for x in list(model_input)]


@mlflow.trace
def add(a: int, b: int) -> int:
    return a + b


def inputs(work: Path) -> dict[str, Path]:
    files = {"small": work / "small.txt", "dir": work / "data", "big": work / "model.bin"}
    if not files["small"].exists():
        files["small"].write_text("hello from the real client\n")
        (files["dir"] / "nested").mkdir(parents=True)
        (files["dir"] / "a.csv").write_text("x,y\n1,2\n")
        (files["dir"] / "nested" / "b.json").write_text('{"k": 1}\n')
        write_random(files["dir"] / "nested" / "c.bin", 3 * CHUNK)
        write_random(files["big"], int(os.environ["FLOW_BIG_BYTES"]))
    return files


def good(work: Path) -> None:
    client = MlflowClient()
    files = inputs(work)
    experiment_id = mlflow.create_experiment(EXPERIMENT)
    assert client.get_experiment_by_name(EXPERIMENT).experiment_id == experiment_id
    mlflow.set_experiment(experiment_id=experiment_id)

    with mlflow.start_run(run_name="flow") as run:
        run_id = run.info.run_id
        mlflow.log_params({"lr": "0.01", "layers": "3"})
        mlflow.set_tags({"team": "platform", "stage": "e2e"})
        for step in range(METRIC_STEPS):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        now = 1_700_000_000_000
        client.log_batch(run_id, metrics=[Metric("accuracy", step / BATCH_STEPS, now + step, step) for step in range(BATCH_STEPS)])
        mlflow.log_artifact(str(files["small"]))
        mlflow.log_artifacts(str(files["dir"]), artifact_path="data")
        mlflow.log_artifact(str(files["big"]), artifact_path="big")

        model = mlflow.pyfunc.log_model(name="adder", python_model=AddN(5), pip_requirements=[f"mlflow=={mlflow.__version__}"])

    got = client.get_run(run_id)
    assert got.data.params == {"lr": "0.01", "layers": "3"}, got.data.params
    assert got.data.tags["team"] == "platform" and got.data.tags["stage"] == "e2e"
    assert len(client.get_metric_history(run_id, "loss")) == METRIC_STEPS
    history = client.get_metric_history(run_id, "accuracy")
    assert len(history) == BATCH_STEPS and history[-1].step == BATCH_STEPS - 1, len(history)

    assert sorted(f.path for f in client.list_artifacts(run_id)) == ["big", "data", "small.txt"]
    assert sorted(f.path for f in client.list_artifacts(run_id, "data")) == ["data/a.csv", "data/nested"]
    big_listed = client.list_artifacts(run_id, "big")
    assert [(f.path, f.file_size) for f in big_listed] == [("big/model.bin", files["big"].stat().st_size)]

    downloads = work / "downloads"
    small = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="small.txt", dst_path=str(downloads / "small")))
    data = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="data", dst_path=str(downloads / "dir")))
    big = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="big/model.bin", dst_path=str(downloads / "big")))
    assert sha256(small) == sha256(files["small"])
    assert tree_digests(data) == tree_digests(files["dir"]), (tree_digests(data), tree_digests(files["dir"]))
    big_digest = sha256(big)
    assert big_digest == sha256(files["big"])
    big.unlink()

    by_run = mlflow.pyfunc.load_model(f"runs:/{run_id}/adder")
    assert list(by_run.predict([1, 2, 3])) == [6, 7, 8]
    version = mlflow.register_model(f"runs:/{run_id}/adder", MODEL_NAME)
    client.set_registered_model_alias(MODEL_NAME, ALIAS, version.version)
    assert client.get_model_version_by_alias(MODEL_NAME, ALIAS).version == version.version
    by_alias = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@{ALIAS}")
    assert list(by_alias.predict([10])) == [15]

    assert add(2, 3) == 5
    trace_id = mlflow.get_last_active_trace_id()
    trace = mlflow.get_trace(trace_id, flush=True)
    assert trace is not None, trace_id
    spans = trace.data.spans
    assert [s.name for s in spans] == ["add"] and spans[0].inputs == {"a": 2, "b": 3} and spans[0].outputs == 5, spans
    assert trace_id in [t.info.trace_id for t in mlflow.search_traces(locations=[experiment_id], return_type="list")]

    found = mlflow.search_runs(experiment_ids=[experiment_id], filter_string="params.lr = '0.01' and metrics.loss < 0.5 and tags.team = 'platform'", output_format="list")
    assert [r.info.run_id for r in found] == [run_id], found
    assert mlflow.search_runs(experiment_ids=[experiment_id], filter_string="params.lr = '0.02'", output_format="list") == []

    (work / "flow.json").write_text(json.dumps({
        "experiment_id": experiment_id,
        "run_id": run_id,
        "model_id": model.model_id,
        "trace_id": trace_id,
        "big_sha256": big_digest,
        "artifacts": ["small.txt", "data/a.csv", "data/nested/b.json", "data/nested/c.bin", "big/model.bin"],
    }))


def refused(work: Path) -> None:
    """Each call of good(), against what good() made; each must come back 401 from nginx."""
    client = MlflowClient()
    files = inputs(work)
    ids = json.loads((work / "flow.json").read_text())
    run_id = ids["run_id"]
    calls = {
        "create_experiment": lambda: mlflow.create_experiment(EXPERIMENT + "-refused"),
        "get_experiment_by_name": lambda: client.get_experiment_by_name(EXPERIMENT),
        "create_run": lambda: client.create_run(ids["experiment_id"]),
        "log_param": lambda: client.log_param(run_id, "refused", "1"),
        "set_tag": lambda: client.set_tag(run_id, "refused", "1"),
        "log_metric": lambda: client.log_metric(run_id, "refused", 1.0),
        "log_batch": lambda: client.log_batch(run_id, metrics=[Metric("refused", 1.0, 0, 0)]),
        "log_artifact": lambda: client.log_artifact(run_id, str(files["small"])),
        "log_artifacts": lambda: client.log_artifacts(run_id, str(files["dir"]), "refused"),
        "log_artifact_big": lambda: client.log_artifact(run_id, str(files["big"]), "refused"),
        "list_artifacts": lambda: client.list_artifacts(run_id),
        "download_artifacts": lambda: mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="small.txt", dst_path=str(work / "refused")),
        "download_big": lambda: mlflow.artifacts.download_artifacts(artifact_uri=f"mlflow-artifacts:/{ids['experiment_id']}/{run_id}/artifacts/big/model.bin", dst_path=str(work / "refused")),
        "load_model_run": lambda: mlflow.pyfunc.load_model(f"runs:/{run_id}/adder"),
        "load_model_alias": lambda: mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@{ALIAS}"),
        # mlflow.get_trace() logs a failure and returns None; the client's call raises it.
        "get_trace": lambda: client.get_trace(ids["trace_id"]),
        "search_runs": lambda: mlflow.search_runs(experiment_ids=[ids["experiment_id"]], filter_string="params.lr = '0.01'", output_format="list"),
    }

    def outcome(call):
        try:
            result = call()
        except Exception as error:  # MlflowException; requests' ConnectionError when nginx closes an upload it refused
            text = str(error)
            # The status itself ("error code 401", "401 Client Error"), not a run id that holds the digits.
            if re.search(r"(?<!\w)401(?!\w)", text):
                return "401"
            kind = "aborted" if "Connection aborted" in text else "other" if isinstance(error, MlflowException) else type(error).__name__
            return f"{kind}: {text[:300]}"
        return f"succeeded: {str(result)[:200]}"

    outcomes = {}
    for name, call in calls.items():
        outcomes[name] = outcome(call)
        # A kept-alive connection the other end closed just as the call went out ends before any
        # answer ("Connection aborted"); HTTP clients send such a request again on a new
        # connection, and so does this one, once (MLflow's own retries are off here: they would
        # wait out back-offs). Anything that did answer counts as it is.
        if outcomes[name].startswith("aborted"):
            print(f"{name}: {outcomes[name]}; sent again on a new connection", file=sys.stderr)
            outcomes[name] = outcome(call)
    (work / f"refused-{os.environ['FLOW_LABEL']}.json").write_text(json.dumps(outcomes))
    wrong = {name: result for name, result in outcomes.items() if result != "401"}
    assert not wrong, wrong


if __name__ == "__main__":
    mode, workdir = sys.argv[1], Path(sys.argv[2])
    {"good": good, "refused": refused}[mode](workdir)
