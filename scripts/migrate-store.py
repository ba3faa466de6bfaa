"""Moves one host's MLflow data to the scaled tier's stores: the SQLite database into PostgreSQL,
the artifact directory into S3, then verifies both. Run it with MLflow's own Python (the release
the stack deploys, with psycopg2 and boto3: the -full image has them) while the host's MLflow is
stopped, where both stores are reachable.

    python migrate-store.py --sqlite DATA/mlflow.db --artifacts DATA/artifacts \\
        --postgres 'postgresql+psycopg2://USER@HOST:5432/DB?sslmode=verify-full&sslrootcert=CA' \\
        --s3 s3://BUCKET/artifacts

The password comes from PGPASSWORD; S3 credentials as boto3 finds them (MLFLOW_S3_ENDPOINT_URL is
honoured, as MLflow honours it). What it does, and refuses:
  - the SQLite database must be at the schema revision of this MLflow release (the host migrates it
    on every start); the target gets the same schema (MLflow's own table creation and migrations);
  - the target must hold no data: an empty database, or one a fresh server has only initialised
    (the Default experiment, the default workspace), or one that holds this very move's data
    (below); anything else is refused, nothing is changed;
  - every file under the artifact directory is uploaded first, to the same relative key under the S3
    prefix (mlflow-artifacts:/ URIs name no location, so they keep resolving); a file already there
    with the same size is skipped, so a run that was killed (its database work never committed) is
    taken up where it stopped; then every key and size is compared;
  - then every table is copied in one transaction, in foreign-key order, integer key sequences moved
    past the copied keys; the row count of every table and the schema revision are compared, and
    only then is the transaction committed;
  - just before the commit a mark beside the artifacts records the source database's SHA-256: a
    later run of the same move (its task outlived the deployment that started it) finds it and
    leaves the target as it is, while a target that holds any other data is refused, untouched;
  - any failure after the target was found empty rolls the database back and deletes what this
    move writes, so the target is left as empty as it was found, and the error says why.
  - MLflow's auth app (auth mlflow) keeps its users and permissions in tables of its own beside
    MLflow's, which the stack's schema upgrade has already created in the target with the stack's
    users: a host that ran the auth app (it left its record of the users its setup created,
    --auth-seeded-file; its tables at the same auth revision) replaces them with its own, and the
    record becomes the scaled tier's (--auth-seeded-table); a host on basic auth leaves them, and
    the record is dropped, so that the setup after the copy grants the stack's users what was
    copied. These rows never count as data the target holds, and no row is ever printed.
Prints one JSON line with the counts and exits 0 only if everything matched.
"""
import argparse
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlparse

import boto3
import sqlalchemy
from boto3.s3.transfer import TransferConfig
from mlflow.server.auth.db import utils as auth_db
from mlflow.store.db.utils import _get_latest_schema_revision, _initialize_tables, _upgrade_db

BATCH_ROWS = 5000
#: Beside the artifacts, the fingerprint of the database a finished move copied: a later run of the
#: same move finds it and leaves the target as it is (MLflow's keys are experiment ids, never this).
MOVED_FROM_KEY = ".moved-from.json"
#: The auth app's schema revision, in a version table of its own.
AUTH_VERSION_TABLE = "alembic_version_auth"
#: Tables a fresh server fills by itself, and what with.
FRESH_SERVER_ROWS = {"experiments": "experiment_id = 0", "workspaces": "TRUE", "experiment_tags": "experiment_id = 0"}


class MigrationError(Exception):
    pass


def revision(connection, version_table: str = "alembic_version") -> str | None:
    if not sqlalchemy.inspect(connection).has_table(version_table):
        return None
    return connection.execute(sqlalchemy.text(f"SELECT version_num FROM {version_table}")).scalar()


def auth_app_tables() -> set[str]:
    """The auth app's tables at this release, its version table among them: what its own
    migrations create in an empty database."""
    with tempfile.TemporaryDirectory() as scratch:
        # A file, not :memory:: the migrations open connections of their own.
        engine = sqlalchemy.create_engine(f"sqlite:///{scratch}/auth.db")
        auth_db.migrate(engine, "head")
        tables = set(sqlalchemy.inspect(engine).get_table_names())
        engine.dispose()
    return tables


def reflect(connection) -> sqlalchemy.MetaData:
    metadata = sqlalchemy.MetaData()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sqlalchemy.exc.SAWarning)
        metadata.reflect(connection)
    return metadata


def mlflow_tables(connection, apart: set[str]) -> list[sqlalchemy.Table]:
    """The target's tables in foreign-key order, but for those kept apart (the auth app's, the record of its users)."""
    return [t for t in reflect(connection).sorted_tables if t.name not in apart]


def count(connection, table: sqlalchemy.Table, where: str = "TRUE") -> int:
    return connection.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(table).where(sqlalchemy.text(where))).scalar()


def prepare_target(engine, head: str) -> None:
    """The pinned schema on the target, created or brought up to date by MLflow itself."""
    with engine.connect() as connection:
        current = revision(connection)
    if current is None:
        _initialize_tables(engine)
    elif current != head:
        _upgrade_db(engine)


def data_held(target, tables: list[sqlalchemy.Table]) -> dict[str, int]:
    """Rows beyond what a fresh server makes, per table."""
    held = {}
    for table in tables:
        if table.name == "alembic_version":
            continue
        beyond_fresh = count(target, table, f"NOT ({FRESH_SERVER_ROWS[table.name]})") if table.name in FRESH_SERVER_ROWS else count(target, table)
        if beyond_fresh:
            held[table.name] = beyond_fresh
    return held


def refusal(held: dict[str, int]) -> MigrationError:
    return MigrationError(f"the target database already holds data ({held}); migrate only into a new, empty one")


def refuse_unless_empty(target, tables: list[sqlalchemy.Table]) -> None:
    held = data_held(target, tables)
    if held:
        raise refusal(held)


def checkpoint(sqlite_path: Path) -> None:
    """Applies the write-ahead log a host left (its database is in WAL mode, and a snapshot of a
    running host holds a log) to the file, so that the file alone is the database: what its
    fingerprint covers and what a read-only open reads. The volume is this task's own copy."""
    connection = sqlite3.connect(sqlite_path)
    try:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise MigrationError(f"--sqlite {sqlite_path}: its write-ahead log could not be applied (the database is in use)")
    finally:
        connection.close()


def fingerprint(sqlite_path: Path) -> str:
    digest = hashlib.sha256()
    with sqlite_path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def copy_tables(source, target, tables: list[sqlalchemy.Table]) -> dict[str, int]:
    for table in reversed(tables):
        if table.name != "alembic_version":
            target.execute(table.delete())
    copied = {}
    source_metadata = reflect(source)
    for table in tables:
        if table.name == "alembic_version":
            continue
        if table.name not in source_metadata.tables:
            raise MigrationError(f"the source has no table {table.name}, although both are at the same revision")
        source_table = source_metadata.tables[table.name]
        booleans = {c.name for c in table.columns if isinstance(c.type, sqlalchemy.Boolean)}
        # A generated column is computed by PostgreSQL from the others, as SQLite computed it.
        columns = [c.name for c in table.columns if c.computed is None]
        rows = source.execute(sqlalchemy.select(*[source_table.c[name] for name in columns])).mappings()
        total = 0
        while batch := rows.fetchmany(BATCH_ROWS):
            values = [{k: (bool(v) if k in booleans and v is not None else v) for k, v in row.items()} for row in batch]
            target.execute(table.insert(), values)
            total += len(values)
        copied[table.name] = total
        # Keys copied as they are leave a serial's sequence behind them: move it past the largest.
        # Never back: a sequence keeps its value when the copy is rolled back (PostgreSQL does not
        # roll back setval), and rows the copy replaced (the upgrade's users) come back with theirs.
        for column in table.primary_key.columns:
            if isinstance(column.type, sqlalchemy.Integer):
                sequence = target.execute(sqlalchemy.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}).scalar()
                if sequence:
                    target.execute(sqlalchemy.text(
                        f'SELECT setval(:s, GREATEST(COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, '
                        'COALESCE(pg_sequence_last_value(CAST(:s AS regclass)), 0) + 1), false)'), {"s": sequence})
    return copied


def count_differences(source, target, tables: list[sqlalchemy.Table]) -> dict[str, dict]:
    """The tables whose row counts differ between the source and the target (None: the source lacks it)."""
    differ = {}
    source_tables = reflect(source).tables
    for table in tables:
        have = count(target, table)
        want = count(source, source_tables[table.name]) if table.name in source_tables else None
        if have != want:
            differ[table.name] = {"source": want, "target": have}
    return differ


def verify_tables(source, target, tables: list[sqlalchemy.Table]) -> None:
    differ = count_differences(source, target, tables)
    if differ:
        raise MigrationError(f"row counts differ after the copy: {differ}")
    if revision(target) != revision(source):
        raise MigrationError(f"schema revisions differ after the copy: source {revision(source)}, target {revision(target)}")


def copy_auth_app(source, target, apart: set[str], seeded_file: Path | None, seeded_table: str | None) -> dict:
    """The auth app's users and permissions, and the record of which users its setup created (see above).
    A host ran the auth app when it left that record (on basic auth it drops it, and keeps the app's tables)."""
    target_metadata = reflect(target)
    auth_tables = [t for t in target_metadata.sorted_tables if t.name in apart and t.name not in (AUTH_VERSION_TABLE, seeded_table)]
    record = target_metadata.tables.get(seeded_table) if seeded_table else None
    host_ran_auth_app = bool(seeded_file and seeded_file.is_file())
    if not auth_tables:
        return {"auth_app": "the host ran MLflow's auth app, this stack uses basic auth: its users and permissions stay in the snapshot"} \
            if host_ran_auth_app else {}
    if not host_ran_auth_app:
        if record is not None:
            record.drop(target)
        return {"auth_app": "the host used basic auth: the stack's users stay as the schema upgrade created them"}
    source_revision, target_revision = revision(source, AUTH_VERSION_TABLE), revision(target, AUTH_VERSION_TABLE)
    if source_revision != target_revision:
        raise MigrationError(f"the host's auth app is at revision {source_revision}, this release's at "
                             f"{target_revision}: start the host once with the release the stack deploys, then migrate")
    copied = copy_tables(source, target, auth_tables)
    differ = count_differences(source, target, auth_tables)
    if differ:
        raise MigrationError(f"row counts of the auth app's tables differ after the copy: {differ}")
    seeded = json.loads(seeded_file.read_text())
    if not (isinstance(seeded, list) and all(isinstance(name, str) for name in seeded)):
        raise MigrationError(f"--auth-seeded-file {seeded_file} holds no list of user names")
    if record is not None:
        target.execute(record.delete())
        if seeded:
            target.execute(record.insert(), [{"username": name} for name in seeded])
    return {"auth_app": {k: v for k, v in copied.items() if v}, "auth_seeded_users": seeded}


def open_stores(sqlite_path: Path, postgres_uri: str, apart: set[str]):
    """The source at this release's schema revision, and the target with the same schema; what data the target holds."""
    if not sqlite_path.is_file():
        raise MigrationError(f"--sqlite {sqlite_path}: no such file")
    # No row in an error message: the auth app's tables hold password hashes.
    source_engine = sqlalchemy.create_engine(f"sqlite:///file:{sqlite_path}?mode=ro&uri=true", hide_parameters=True)
    head = _get_latest_schema_revision()
    with source_engine.connect() as source:
        source_revision = revision(source)
    if source_revision != head:
        raise MigrationError(f"--sqlite {sqlite_path} is at schema revision {source_revision}, this MLflow release at {head}: "
                             "start the host once with the release the stack deploys (it migrates the database), then migrate")
    target_engine = sqlalchemy.create_engine(postgres_uri, hide_parameters=True)
    prepare_target(target_engine, head)
    with target_engine.connect() as target:
        held = data_held(target, mlflow_tables(target, apart))
    return source_engine, target_engine, head, held


def migrate_database(source_engine, target_engine, head: str, apart: set[str], copy_auth, before_commit) -> dict:
    """Every table in one transaction, committed only after the copy and `before_commit` are verified."""
    with source_engine.connect() as source, target_engine.begin() as target:
        tables = mlflow_tables(target, apart)
        refuse_unless_empty(target, tables)
        copied = copy_tables(source, target, tables)
        verify_tables(source, target, tables)
        auth = copy_auth(source, target)
        before_commit()
    return {"revision": head, "tables": len(copied), "rows": sum(copied.values()), "rows_per_table": {k: v for k, v in copied.items() if v}, **auth}


class ArtifactStore:
    """The artifact directory and its place in S3."""

    def __init__(self, directory: Path, destination: str):
        url = urlparse(destination)
        if url.scheme != "s3" or not url.netloc:
            raise MigrationError(f"--s3 {destination}: expected s3://<bucket>/<prefix>")
        if not directory.is_dir():
            raise MigrationError(f"--artifacts {directory}: no such directory")
        self.directory, self.bucket, self.prefix = directory, url.netloc, url.path.strip("/")
        self.s3 = boto3.client("s3", endpoint_url=os.environ.get("MLFLOW_S3_ENDPOINT_URL") or None)
        self.local = {self.key_of(p): p.stat().st_size for p in sorted(directory.rglob("*")) if p.is_file()}

    def key_of(self, path: Path) -> str:
        return "/".join(filter(None, [self.prefix, path.relative_to(self.directory).as_posix()]))

    def stored(self) -> dict[str, int]:
        found = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else ""):
            found.update({o["Key"]: o["Size"] for o in page.get("Contents", [])})
        return found

    def upload(self) -> dict:
        already = self.stored()
        transfer = TransferConfig(multipart_threshold=64 << 20, multipart_chunksize=64 << 20)
        uploaded = 0
        for path in sorted(self.directory.rglob("*")):
            if path.is_file() and already.get(self.key_of(path)) != self.local[self.key_of(path)]:
                self.s3.upload_file(str(path), self.bucket, self.key_of(path), Config=transfer)
                uploaded += 1
        return {"files": len(self.local), "bytes": sum(self.local.values()), "uploaded": uploaded}

    def missing(self) -> list[str]:
        after = self.stored()
        return sorted(k for k, size in self.local.items() if after.get(k) != size)

    def verify(self) -> None:
        missing = self.missing()
        if missing:
            raise MigrationError(f"{len(missing)} artifact(s) missing or of another size in s3://{self.bucket}: {missing[:10]}")

    @property
    def marker_key(self) -> str:
        return "/".join(filter(None, [self.prefix, MOVED_FROM_KEY]))

    def moved_from(self) -> dict | None:
        try:
            return json.loads(self.s3.get_object(Bucket=self.bucket, Key=self.marker_key)["Body"].read())
        except self.s3.exceptions.NoSuchKey:
            return None

    def mark_moved_from(self, record: dict) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=self.marker_key, Body=json.dumps(record).encode())

    def remove_uploaded(self) -> int:
        """Deletes what this move writes (its files and its mark), and checks that none is left."""
        keys = [*self.local, self.marker_key]
        for start in range(0, len(keys), 1000):
            answer = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys[start:start + 1000]], "Quiet": True})
            if answer.get("Errors"):
                raise MigrationError(f"could not delete {len(answer['Errors'])} uploaded object(s), e.g. {answer['Errors'][0]}")
        left = sorted(set(keys) & set(self.stored()))
        if left:
            raise MigrationError(f"{len(left)} uploaded object(s) still in s3://{self.bucket} after deleting them: {left[:10]}")
        return len(keys)


def migrate(args) -> dict:
    sqlite_path = args.sqlite.resolve()
    if sqlite_path.is_file():
        checkpoint(sqlite_path)
    apart = auth_app_tables() | ({args.auth_seeded_table} if args.auth_seeded_table else set())
    source_engine, target_engine, head, held = open_stores(sqlite_path, args.postgres, apart)
    artifacts = ArtifactStore(args.artifacts.resolve(), args.s3)
    source_print = fingerprint(sqlite_path)
    if held:
        # A move that finished while nobody watched (its task outlived the deployment that started
        # it) is found by its mark, verified, and left as it is; any other data is refused, untouched.
        mark = artifacts.moved_from()
        with source_engine.connect() as source, target_engine.connect() as target:
            if mark and mark.get("sqlite_sha256") == source_print and revision(target) == revision(source) \
                    and not count_differences(source, target, mlflow_tables(target, apart)) and not artifacts.missing():
                return {"already_moved": True, "revision": head, "rows_per_table": held, "artifacts": len(artifacts.local)}
        raise refusal(held)

    def before_commit():
        artifacts.verify()
        artifacts.mark_moved_from({"sqlite_sha256": source_print, "revision": head})

    # From here on the target is ours: it held no data, and a failure leaves it so again.
    try:
        uploaded = artifacts.upload()
        database = migrate_database(source_engine, target_engine, head, apart,
                                    copy_auth=lambda source, target: copy_auth_app(source, target, apart, args.auth_seeded_file, args.auth_seeded_table),
                                    before_commit=before_commit)
    except BaseException as error:
        cause = error if isinstance(error, MigrationError) else MigrationError(f"{type(error).__name__}: {error}")
        try:
            removed = artifacts.remove_uploaded()
        except BaseException as cleanup_error:
            raise MigrationError(f"{cause}; and cleaning up failed too, so the bucket may hold part of the copy: {cleanup_error}") from error
        print(f"migrate-store: the copy failed; the database was rolled back and the {removed} object(s) this move writes "
              f"were deleted, so the target is empty again", file=sys.stderr)
        raise cause from error
    return {"database": database, "artifacts": uploaded}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", type=Path, required=True, help="the host's mlflow.db (MLflow stopped)")
    parser.add_argument("--artifacts", type=Path, required=True, help="the host's artifact directory")
    parser.add_argument("--postgres", required=True, help="the scaled tier's backend store URI (password from PGPASSWORD)")
    parser.add_argument("--s3", required=True, help="the scaled tier's artifacts destination, s3://<bucket>/<prefix>")
    parser.add_argument("--auth-seeded-file", type=Path, help="the host's record of the users its auth setup created (JSON names)")
    parser.add_argument("--auth-seeded-table", help="the scaled tier's table of that record")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        summary = migrate(args)
    except MigrationError as error:
        print(f"migrate-store: {error}", file=sys.stderr)
        return 1
    summary["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
