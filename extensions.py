"""Flask extensions, created without an app and bound in `app.create_app`.

`AppBuilder` is deliberately not here: a module-level instance keeps state from
the first app and serves 404 to a second one, so the factory creates it.
"""

from flask_appbuilder.models.sqla import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA(metadata=Model.metadata)
"""The SQLAlchemy handle; shares FAB's metadata so migrations see every table."""

migrate = Migrate(compare_type=True, render_as_batch=True)
"""Alembic migrations under migrations/; batch mode keeps SQLite ALTERs working."""

csrf = CSRFProtect()
"""FAB does not protect its own POSTs; this does, for every HTML form."""
