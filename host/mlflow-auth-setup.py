"""Prepares MLflow's auth app (auth mlflow) before MLflow's servers start.

Run by mlflow-auth-setup in a one-off container of the mlflow service, with the service's
environment (MLFLOW_AUTH_CONFIG_PATH):  python - <tracking store URI>  with MLFLOW_AUTH_USERS, the
stack's users and their generated passwords as JSON.

- Brings the auth app's tables to the release's schema (its own migrations), once, before the
  servers start: servers migrating one schema at the same time fail.
- Creates each of the stack's users that does not exist yet with its generated password, the
  configured admin (the first of them) as the admin. A user that exists keeps its password: one
  the admin changed through the REST API is not reset.
- When the admin is created, that is the first start with the auth app (a server that used nginx's
  basic auth until now, or a new one): every other user gets MANAGE on every experiment and
  registered model that exists, which is what nginx's basic auth let each of them do, so that no
  one loses what they used. The admin narrows it from there.
"""

import json
import os
import sys

from mlflow.entities import ViewType
from mlflow.server.auth.config import read_auth_config
from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore as AuthStore
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as TrackingStore

PAGE = 1000


def pages(search):
    """Every item of a paged search, `search(page_token)` returning a PagedList."""
    token = None
    while True:
        page = search(token)
        yield from page
        token = page.token
        if not token:
            return


def main():
    tracking_uri = sys.argv[1]
    users = json.loads(os.environ["MLFLOW_AUTH_USERS"])
    config = read_auth_config()
    admin = config.admin_username
    if admin not in users:
        sys.exit(f"mlflow-auth-setup: the admin {admin!r} is not one of the stack's users {sorted(users)}")

    store = AuthStore()
    store.init_db(config.database_uri)
    first_start = not store.has_user(admin, use_primary=True)
    created = []
    for name, password in users.items():
        if not store.has_user(name, use_primary=True):
            store.create_user(name, password, is_admin=name == admin)
            created.append(name)
    print(f"mlflow-auth-setup: {len(users)} users of the stack, created {created or 'none'}", file=sys.stderr)

    if not first_start:
        return
    grantees = [name for name in users if name != admin]
    if not grantees:
        return
    tracking = TrackingStore(tracking_uri, "mlflow-artifacts:/")
    experiments = [e.experiment_id for e in pages(lambda token: tracking.search_experiments(
        view_type=ViewType.ALL, max_results=PAGE, page_token=token))]
    models = [m.name for m in pages(lambda token: RegistryStore(tracking_uri).search_registered_models(
        max_results=PAGE, page_token=token))]
    for name in grantees:
        for experiment_id in experiments:
            store.create_experiment_permission(experiment_id, name, "MANAGE")
        for model in models:
            store.create_registered_model_permission(model, name, "MANAGE")
    print(f"mlflow-auth-setup: first start with the auth app: {len(grantees)} users keep MANAGE on "
          f"{len(experiments)} experiments and {len(models)} registered models", file=sys.stderr)


if __name__ == "__main__":
    main()
