"""Fixtures: a real database per test, the real app, clients logged in per role.

The schema is built once per run by the Alembic migrations and filled with the
demo district (`seed-demo`); that database is the template. Before each test
the working database is restored from it: a file copy on SQLite, `CREATE
DATABASE … TEMPLATE` on PostgreSQL (when TEST_DATABASE_URL is set, each run
creates and drops its own databases on that server).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from config import TestConfig
from extensions import db

PASSWORD = TestConfig.DEMO_PASSWORD


class TestDatabase:
    """A template database and a working copy restored from it before each test."""

    def __init__(self, tmp_dir: str) -> None:
        server = os.environ.get("TEST_DATABASE_URL")
        self.postgres = bool(server)
        token = uuid.uuid4().hex[:8]
        if self.postgres:
            self.server = sa.make_url(server)
            self.work_name, self.template_name = f"bcs_test_{token}", f"bcs_test_{token}_tpl"
            self.url = self.server.set(database=self.work_name).render_as_string(hide_password=False)
            self._admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
            with self._admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{self.work_name}"'))
        else:
            self.work_file = os.path.join(tmp_dir, "work.db")
            self.template_file = os.path.join(tmp_dir, "template.db")
            self.url = f"sqlite:///{self.work_file}"

    def freeze_template(self) -> None:
        """Keep the current working database as the template."""
        db.engine.dispose()
        if self.postgres:
            with self._admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{self.template_name}" TEMPLATE "{self.work_name}"'))
        else:
            shutil.copyfile(self.work_file, self.template_file)

    def restore(self) -> None:
        """Make the working database an exact copy of the template again."""
        db.engine.dispose()
        if self.postgres:
            with self._admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.work_name}" WITH (FORCE)'))
                conn.execute(sa.text(f'CREATE DATABASE "{self.work_name}" TEMPLATE "{self.template_name}"'))
        else:
            shutil.copyfile(self.template_file, self.work_file)

    def drop(self) -> None:
        """Remove this run's databases from the server."""
        if self.postgres:
            with self._admin.connect() as conn:
                for name in (self.work_name, self.template_name):
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self._admin.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own application context.

    A test that also holds an app context (to call services directly) would
    otherwise share `g` — and Flask-Login's cached user — across requests of
    different users, which a real server never does.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_config(url: str, **extra: Any) -> type:
    """A TestConfig subclass pointing at `url`."""
    return type("RunConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, **extra})


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """The run's template and working database."""
    test_db = TestDatabase(str(tmp_path_factory.mktemp("db")))
    yield test_db
    test_db.drop()


@pytest.fixture(scope="session")
def app(database: TestDatabase) -> Iterator[Flask]:
    """The console, migrated and seeded once; every test starts from that state."""
    from flask_migrate import upgrade

    from access.system import as_system
    from seed.demo import seed_all

    application = create_app(make_config(database.url, CONSOLE_SYNC_AT_START=False))
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade()
        with as_system():
            seed_all(PASSWORD)
        db.session.remove()
        database.freeze_template()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def fresh_database(request: pytest.FixtureRequest, database: TestDatabase) -> Iterator[None]:
    """Restore the working database before each test that uses the app."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        database.restore()
        app.appbuilder.sm.limiter.reset()
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    with app.app_context():
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """An anonymous browser."""
    return app.test_client()


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> FlaskClient:
    """Log `client` in through the real login form; fail the test if it does not work."""
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
    assert "/login" not in response.headers["Location"], f"login of {username} was refused"
    return client


@pytest.fixture
def as_user(app: Flask) -> Any:
    """`as_user("coordinator")` → a test client logged in as that demo account."""

    def make(username: str) -> FlaskClient:
        return login(app.test_client(), username)

    return make


class ApiClient:
    """A REST client holding a JWT from /api/v1/security/login."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.post(url, json=json, headers=self.headers, **kwargs)

    def put(self, url: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.put(url, json=json, headers=self.headers, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self.client.delete(url, headers=self.headers, **kwargs)


def api_token(client: FlaskClient, username: str, password: str = PASSWORD) -> str:
    """A JWT access token for a demo account."""
    response = client.post("/api/v1/security/login",
                           json={"username": username, "password": password, "provider": "db"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["access_token"]


@pytest.fixture
def api(app: Flask) -> Any:
    """`api("coordinator")` → an ApiClient with that account's token."""

    def make(username: str) -> ApiClient:
        client = app.test_client()
        return ApiClient(client, api_token(client, username))

    return make


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context for calling services directly."""
    with app.app_context():
        yield app
