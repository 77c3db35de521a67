"""The application factory: `flask` finds `create_app` here with no FLASK_APP."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

import models  # noqa: F401  (declares every table before FAB initialises)
from config import Config, fill_instance_defaults
from extensions import csrf, db, migrate


def create_app(config: Any = None) -> Flask:
    """Build the console. `config` is a config class, or a mapping applied over `Config`."""
    app = Flask(__name__, instance_relative_config=True)
    if config is None or isinstance(config, Mapping):
        app.config.from_object(Config)
        app.config.update(config or {})
    else:
        app.config.from_object(config)
    fill_instance_defaults(app.config, app.instance_path)
    from access.passwords import fab_password_validator

    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", fab_password_validator)

    from access.proxies import trust_proxies

    app.wsgi_app = trust_proxies(app.wsgi_app, app.config.get("TRUSTED_PROXIES"))  # type: ignore[method-assign]
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR") or _migrations_dir()))
    csrf.init_app(app)

    from access.hooks import install_request_hooks
    from access.scope import register_model_scopes
    from commands import register_commands
    from console.timing import install_server_timing
    from views import create_appbuilder
    from views.errors import register_error_handlers

    with app.app_context():
        _enable_sqlite_foreign_keys()
        install_server_timing(app, db.engine)
    register_model_scopes()
    create_appbuilder(app)
    register_error_handlers(app)
    install_request_hooks(app)
    from kpi.summary import install_summary_refresh

    install_summary_refresh(db.session)
    register_commands(app)
    from jobs.celery_app import init_celery
    from jobs.exports import ExportJobs, remember_jobs_at_login

    init_celery(app)
    app.extensions["export_jobs"] = ExportJobs()
    remember_jobs_at_login(app)
    return app


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent / "migrations")


def _enable_sqlite_foreign_keys() -> None:
    """SQLite ignores foreign keys unless told otherwise; PostgreSQL always checks them."""
    from sqlalchemy import event

    engine = db.engine
    if engine.dialect.name != "sqlite" or getattr(engine, "_console_fk_listener", False):
        return

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    event.listen(engine, "connect", on_connect)
    engine._console_fk_listener = True
    engine.dispose()
