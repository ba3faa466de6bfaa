"""MLflow's authorization function with auth oidc (its auth app's ``authorization_function``).

Two kinds of caller reach MLflow through nginx:

* People, signed in with the company's OpenID Provider. oauth2-proxy holds their session; nginx
  asks it about every request and hands MLflow the person's e-mail and groups in two headers it
  sets itself on every request (a client's own header of that name never arrives). MLflow needs a
  user row for its permission checks: a person's is created on first sight, with a random password
  nobody learns. Members of the admin groups are admins; a person's roles are those named like
  their groups: a role named like none of them is taken back. The groups are those of the
  session's sign-in, brought in line at its first request and then once a minute.
* Machines, with Basic credentials: the stack's users and their generated passwords, or users the
  admin made. Their password is checked against the users table on every request, so that a
  password changed or a user deleted through any server stops working on every server at once; the
  slow scrypt check runs once per password and hash, not once per request.
"""

import hashlib
import hmac
import os
import re
import secrets
import threading
import time

from flask import request
from mlflow.exceptions import MlflowException
from mlflow.server.auth import make_basic_auth_response, store
from mlflow.server.auth.db.models import SqlRole, SqlUser, SqlUserRoleAssignment
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import Authorization
from werkzeug.security import check_password_hash

USER_HEADER = os.environ["MLFLOW_IDENTITY_USER_HEADER"]
GROUPS_HEADER = os.environ["MLFLOW_IDENTITY_GROUPS_HEADER"]
ADMIN_GROUPS = frozenset(group for group in os.environ.get("MLFLOW_IDENTITY_ADMIN_GROUPS", "").split(",") if group)

#: How long a person's admin flag and roles, once brought in line with their groups, are trusted.
SYNC_SECONDS = 60
#: The auth app's own role of each user (its direct grants): never one of the provider's groups.
PERSONAL_ROLE = re.compile(r"^__user_\d+__$")
#: Remembered password checks; past this many (old passwords pile up) the memory starts over.
MAX_REMEMBERED = 1024
#: Tries of a person's first request: another server may create the same rows at the same time.
SYNC_ATTEMPTS = 3

_lock = threading.Lock()
#: One sync at a time per person in this server: a UI page's burst of first requests brings them in line once.
_sync_locks = {}  # username -> threading.Lock
_checked = {}  # (username, SHA-256 of the password) -> the password hash it matched
_synced = {}  # (username, groups) -> when they were last brought in line


def authenticate():
    credentials = request.authorization
    if credentials is not None and credentials.type == "basic":
        return _machine(credentials)
    username = request.headers.get(USER_HEADER, "")
    if not username:
        return make_basic_auth_response()
    # oauth2-proxy sends a header line per group, which nginx joins with commas (a space after each tolerated).
    groups = frozenset(group.strip() for group in request.headers.get(GROUPS_HEADER, "").split(",") if group.strip())
    _sync_person(username, groups)
    return Authorization("basic", {"username": username})


def _machine(credentials):
    username, password = credentials.username or "", credentials.password or ""
    with store.ManagedSessionMaker() as session:
        row = session.query(SqlUser.password_hash).filter(SqlUser.username == username).one_or_none()
    if row is None:
        return make_basic_auth_response()
    current = row[0]
    key = (username, hashlib.sha256(password.encode()).digest())
    with _lock:
        known = _checked.get(key)
    if known is None or not hmac.compare_digest(known, current):
        if not check_password_hash(current, password):
            return make_basic_auth_response()
        with _lock:
            if len(_checked) >= MAX_REMEMBERED:
                _checked.clear()
            _checked[key] = current
    return credentials


def _fresh(key):
    with _lock:
        return time.monotonic() - _synced.get(key, -SYNC_SECONDS) < SYNC_SECONDS


def _sync_person(username, groups):
    key = (username, groups)
    if _fresh(key):
        return
    with _lock:
        person_lock = _sync_locks.setdefault(username, threading.Lock())
    with person_lock:
        if _fresh(key):
            return
        for attempt in range(1, SYNC_ATTEMPTS + 1):
            try:
                _bring_in_line(username, groups)
                break
            except MlflowException as error:
                # Another server made the same user or assignment meanwhile: what it made is now there.
                # (MLflow's sessions hand a database's IntegrityError on as the cause.)
                if attempt == SYNC_ATTEMPTS or not isinstance(error.__cause__, IntegrityError):
                    raise
        with _lock:
            _synced[key] = time.monotonic()


def _bring_in_line(username, groups):
    if not store.has_user(username, use_primary=True):
        try:
            store.create_user(username, secrets.token_urlsafe(32), is_admin=bool(ADMIN_GROUPS & groups))
        except MlflowException as error:
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
    with store.ManagedSessionMaker(read_only=False) as session:
        user = session.query(SqlUser).filter(SqlUser.username == username).one()
        # Without admin groups, who is admin is decided in MLflow, not here.
        if ADMIN_GROUPS:
            user.is_admin = bool(ADMIN_GROUPS & groups)
        held = {
            assignment.role_id: assignment
            for assignment in session.query(SqlUserRoleAssignment).filter(SqlUserRoleAssignment.user_id == user.id)
        }
        roles = session.query(SqlRole).filter(SqlRole.id.in_(held) | SqlRole.name.in_(groups)).all()
        for role in roles:
            if PERSONAL_ROLE.match(role.name):
                continue
            if role.name in groups and role.id not in held:
                session.add(SqlUserRoleAssignment(user_id=user.id, role_id=role.id))
            elif role.name not in groups and role.id in held:
                session.delete(held[role.id])
