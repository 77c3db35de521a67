"""The floor of a list page: bare SQL (one count, one page) and a minimal template, no framework.

The console's list pages are compared with this (issue 11: at most twice the floor). It reads the
same database as the console and shows the same columns of the case list.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, render_template_string, request

PAGE = """<!doctype html><html><body><p>共 {{ count }} 条</p><table>
{% for row in rows %}<tr>{% for value in row %}<td>{{ value if value is not none else "" }}</td>{% endfor %}</tr>
{% endfor %}</table></body></html>"""

COUNT = "SELECT count(*) FROM \"case\" WHERE status != 'voided'"
ROWS = """SELECT c.number, c.title, c.received_at, c.applicant_name, c.status, c.track, d.name, c.due_date
FROM "case" c LEFT JOIN department d ON d.id = c.lead_department_id WHERE c.status != 'voided'
ORDER BY c.received_at DESC, c.id DESC LIMIT :size OFFSET :offset"""


def floor_app(url: str) -> Flask:
    """A Flask app serving /floor/cases/?page=N&size=M from `url`."""
    app = Flask("floor")
    engine = sa.create_engine(url)

    @app.get("/floor/cases/")
    def cases() -> str:
        page, size = int(request.args.get("page", 0)), int(request.args.get("size", 25))
        with engine.connect() as conn:
            count = conn.execute(sa.text(COUNT)).scalar_one()
            rows = conn.execute(sa.text(ROWS), {"size": size, "offset": page * size}).all()
        return render_template_string(PAGE, count=count, rows=rows)

    app.extensions["floor_engine"] = engine
    return app
