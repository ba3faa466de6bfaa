"""A streaming chat completion through MLflow's AI Gateway, as a client sees it behind nginx, run
by test/real-mlflow.e2e.test.ts with the trackingEnv environment. The gateway's provider is an
Ollama (MLflow's built-in base URL, http://localhost:11434/v1) that the test serves itself,
sending one server-sent event every EVENT_GAP_S seconds.

    python stream.py ENDPOINT_NAME     prints one JSON line: the seconds after the request at
                                       which each event arrived, and the text they carried
"""

import json
import os
import sys
import time

import requests
from mlflow.entities.gateway_endpoint import GatewayEndpointModelConfig, GatewayModelLinkageType
from mlflow.tracking._tracking_service.utils import _get_store


def main(endpoint_name: str) -> None:
    store = _get_store()
    secret = store.create_gateway_secret(f"{endpoint_name}-key", {"api_key": "ollama"}, provider="ollama")
    model = store.create_gateway_model_definition(f"{endpoint_name}-model", secret.secret_id, "ollama", "fake")
    store.create_gateway_endpoint(
        endpoint_name,
        [GatewayEndpointModelConfig(model_definition_id=model.model_definition_id, linkage_type=GatewayModelLinkageType.PRIMARY)],
        usage_tracking=False,
    )

    started = time.monotonic()
    response = requests.post(
        f"{os.environ['MLFLOW_TRACKING_URI']}/gateway/mlflow/v1/chat/completions",
        json={"model": endpoint_name, "messages": [{"role": "user", "content": "count"}], "stream": True},
        auth=(os.environ["MLFLOW_TRACKING_USERNAME"], os.environ["MLFLOW_TRACKING_PASSWORD"]),
        verify=os.environ["MLFLOW_TRACKING_SERVER_CERT_PATH"],
        stream=True,
        timeout=60,
    )
    assert response.status_code == 200, (response.status_code, response.text[:2000])
    arrivals, text = [], ""
    for line in response.iter_lines(chunk_size=1):
        if not line.startswith(b"data: ") or line == b"data: [DONE]":
            continue
        arrivals.append(round(time.monotonic() - started, 3))
        for choice in json.loads(line[len(b"data: "):])["choices"]:
            text += choice.get("delta", {}).get("content") or ""
    print(json.dumps({"content_type": response.headers.get("content-type"), "arrivals": arrivals, "text": text}))


if __name__ == "__main__":
    main(sys.argv[1])
