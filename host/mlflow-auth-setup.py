"""Prepares MLflow's auth app (auth mlflow) before MLflow's servers start.

On the host, mlflow-auth-setup runs it in a one-off container of the mlflow service, with the
service's environment (MLFLOW_AUTH_CONFIG_PATH):  python - <tracking store URI>  with, in the
environment, MLFLOW_AUTH_USERS, the stack's users and their generated passwords as JSON, and
MLFLOW_AUTH_SEEDED, the names earlier runs created (JSON; none on the first start since basic).
It prints the names created so far, for the next run. The scaled tier's one-off tasks keep those
names in the database instead, in the table --seeded-table names (there is no other place that
lasts).

- Brings the auth app's tables to the release's schema (its own migrations), once, before the
  servers start: servers migrating one schema at the same time fail.
- Creates each of the stack's users once, with its generated password. A user that exists keeps
  its password (one the admin changed through the REST API is not reset), and one the admin
  deleted stays deleted. The admin (the configured admin_username, the first of the stack's users)
  is the exception: MLflow's servers refuse to start without it, so it is created again if it is
  missing, and made an admin again if it is not one.
- On the first start with the auth app (a new server, or one that used nginx's basic auth until
  now), every other user gets MANAGE on every experiment, registered model and prompt that exists, which
  is what basic auth let each of them do, so that no one loses what they used; the admin narrows it
  from there. Grants that exist are kept, so an interrupted first start completes on the next.
"""

import argparse
import contextlib
import json
import os
import sys

import sqlalchemy

from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import ErrorCode, RESOURCE_ALREADY_EXISTS
from mlflow.server.auth.config import read_auth_config
from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore as AuthStore
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as TrackingStore

PAGE = 1000
#: The advisory lock the setups on one PostgreSQL database take turns with ("mlflow" in ASCII).
SETUP_LOCK = 0x6D6C666C6F77


def log(message):
    print(f"mlflow-auth-setup: {message}", file=sys.stderr)


def pages(search):
    """Every item of a paged search, `search(page_token)` returning a PagedList."""
    token = None
    while True:
        page = search(token)
        yield from page
        token = page.token
        if not token:
            return


def grant(create, *args):
    """A permission, unless it exists already."""
    try:
        create(*args, "MANAGE")
    except MlflowException as error:
        if error.error_code != ErrorCode.Name(RESOURCE_ALREADY_EXISTS):
            raise


class SeededInDatabase:
    """The names created so far, as rows of a table of their own in the tracking store's database."""

    def __init__(self, tracking_uri, table):
        self.engine = sqlalchemy.create_engine(tracking_uri, hide_parameters=True)
        self.table = sqlalchemy.Table(table, sqlalchemy.MetaData(), sqlalchemy.Column("username", sqlalchemy.String(255), primary_key=True))

    def read(self):
        with self.engine.begin() as connection:
            self.table.create(connection, checkfirst=True)
            return {row.username for row in connection.execute(sqlalchemy.select(self.table.c.username))}

    def write(self, names):
        with self.engine.begin() as connection:
            connection.execute(self.table.delete())
            connection.execute(self.table.insert(), [{"username": name} for name in sorted(names)])


@contextlib.contextmanager
def one_at_a_time(tracking_uri):
    """On PostgreSQL, a session-level advisory lock for the whole setup: two one-off tasks (a
    `pulumi up` cancelled while its upgrade ran, and the next) would otherwise create the same
    users at once, and one of them fail. A host runs one setup at a time (systemd)."""
    if not tracking_uri.startswith("postgresql"):
        yield
        return
    engine = sqlalchemy.create_engine(tracking_uri, hide_parameters=True, poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": SETUP_LOCK})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": SETUP_LOCK})
            connection.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tracking_uri")
    parser.add_argument("--seeded-table", help="keep the names created so far in this table, not in MLFLOW_AUTH_SEEDED and on stdout")
    args = parser.parse_args()
    with one_at_a_time(args.tracking_uri):
        setup(args.tracking_uri, args.seeded_table and SeededInDatabase(args.tracking_uri, args.seeded_table))


def setup(tracking_uri, record):
    users = json.loads(os.environ["MLFLOW_AUTH_USERS"])
    seeded = record.read() if record else set(json.loads(os.environ.get("MLFLOW_AUTH_SEEDED") or "[]"))
    config = read_auth_config()
    admin = config.admin_username
    if admin not in users:
        sys.exit(f"mlflow-auth-setup: the admin {admin!r} is not one of the stack's users {sorted(users)}")

    store = AuthStore()
    store.init_db(config.database_uri)
    created = []
    for name, password in users.items():
        if store.has_user(name, use_primary=True) or (name in seeded and name != admin):
            continue
        store.create_user(name, password, is_admin=name == admin)
        created.append(name)
    if not store.get_user(admin).is_admin:
        store.update_user(admin, is_admin=True)
        log(f"made {admin} an admin again")
    log(f"{len(users)} users of the stack, created {created or 'none'}")

    grantees = [name for name in users if name != admin and store.has_user(name, use_primary=True)]
    if not seeded and grantees:
        tracking = TrackingStore(tracking_uri, "mlflow-artifacts:/")
        experiments = [e.experiment_id for e in pages(lambda token: tracking.search_experiments(
            view_type=ViewType.ALL, max_results=PAGE, page_token=token))]
        registry = RegistryStore(tracking_uri)
        models = [m.name for m in pages(lambda token: registry.search_registered_models(max_results=PAGE, page_token=token))]
        # Prompts are registered models that model searches leave out, with grants of their own.
        prompts = [p.name for p in pages(lambda token: registry.search_prompts(max_results=PAGE, page_token=token))]
        for name in grantees:
            for experiment_id in experiments:
                grant(store.create_experiment_permission, experiment_id, name)
            for model in models:
                grant(store.create_registered_model_permission, model, name)
            for prompt in prompts:
                grant(lambda prompt_name, user, permission: store.grant_user_resource_permission(user, "prompt", prompt_name, permission), prompt, name)
        log(f"first start with the auth app: {len(grantees)} users keep MANAGE on "
            f"{len(experiments)} experiments, {len(models)} registered models and {len(prompts)} prompts")
    names = seeded | set(users)
    if record:
        record.write(names)
    else:
        print(json.dumps(sorted(names)))


if __name__ == "__main__":
    main()
