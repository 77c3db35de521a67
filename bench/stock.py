"""Stock Flask-AppBuilder on the console's database: a plain `ModelView` of cases with the case list's columns.

What FAB itself costs for the same page (its permission checks, its count and page queries, its
templates), next to the floor (bench/floor.py) and the console. It logs in through FAB's own form.
"""

from __future__ import annotations

from flask import Flask

LIST_COLUMNS = ["number", "title", "received_at", "applicant_name", "status", "track", "lead_department", "due_date"]


def stock_app(url: str, secret: str) -> Flask:
    """FAB with its own security manager and one ModelView of cases, at /stockcaseview/list/."""
    from flask_appbuilder import AppBuilder, ModelView
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from extensions import db
    from models import Case

    class StockCaseView(ModelView):
        datamodel = SQLAInterface(Case)
        list_columns = LIST_COLUMNS
        # Stock FAB's search form fails on the console's labelled enums (KeyError, a 500): text columns only.
        search_columns = ["number", "title", "applicant_name"]
        base_order = ("received_at", "desc")
        # FAB's form builder fails on a column_property (Case.suspect_counted): forms name plain columns only.
        add_columns = edit_columns = ["number", "title", "applicant_name"]
        show_columns = LIST_COLUMNS

    app = Flask("stock")
    app.config.update(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=secret, WTF_CSRF_ENABLED=False,
                      AUTH_ROLE_ADMIN="系统管理员", FAB_UPDATE_PERMS=True, SQLALCHEMY_TRACK_MODIFICATIONS=False)
    db.init_app(app)
    appbuilder = AppBuilder()
    with app.app_context():
        appbuilder.init_app(app, db.session)
        appbuilder.add_view(StockCaseView, "Cases")
    return app
