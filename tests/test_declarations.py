"""One declaration per model is enough: a model declared here, in the test, gets working
CRUD pages, filters, export, REST API and OpenAPI; a wrong declaration stops start-up."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from access.sync import sync_permissions
from app import create_app
from console.build import build_view
from console.checks import ImproperlyConfigured
from console.declare import MenuGroup, Screen, field
from extensions import db
from models.base import enum_type
from models.enums import Grade
from tests.conftest import IsolatedClient, api_token, login, make_config


class Base(DeclarativeBase):
    """A separate registry so the test model never leaks into the real schema."""


class Gadget(Base):
    """A model the console has never seen."""

    __tablename__ = "test_gadget"
    __screen__ = Screen(label=_l("Guide cards"), item_label=_l("Guide card"), route="/gadgets",
                        menu=MenuGroup.BASIC, api="gadgets", order=("id", "asc"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), info=field(_l("Name"), list=True, search=True))
    grade: Mapped[Grade] = mapped_column(enum_type(Grade), info=field(_l("Grade"), list=True, search=True))
    day: Mapped[dt.date | None] = mapped_column(sa.Date, info=field(_l("Date"), list=True))
    remarks: Mapped[str | None] = mapped_column(sa.Text, info=field(_l("Remarks")))


@pytest.fixture
def gadget_app(app, database):
    """A second app on the same database, with Gadget registered beside the real screens."""
    from views import register_screens

    second = create_app(make_config(database.url, CONSOLE_SYNC_AT_START=False))
    second.test_client_class = IsolatedClient
    with second.app_context():
        Base.metadata.create_all(db.engine)
        register_screens(second.appbuilder, [Gadget])
        sync_permissions(second.appbuilder)
    yield second
    with second.app_context():
        db.session.remove()
        Base.metadata.drop_all(db.engine)
        db.engine.dispose()


def test_a_new_model_gets_crud_pages(gadget_app):
    client = login(gadget_app.test_client(), "admin")
    page = client.get("/gadgets/list/")
    assert page.status_code == 200
    assert "名称" in page.get_data(as_text=True) and "等次" in page.get_data(as_text=True)
    form = client.get("/gadgets/add").get_data(as_text=True)
    assert 'name="grade"' in form and "优秀" in form
    created = client.post("/gadgets/add", data={"name": "测试", "grade": "good", "day": "2025-06-30",
                                                "remarks": "一"})
    assert created.status_code == 302
    with gadget_app.app_context():
        gadget = db.session.execute(sa.select(Gadget)).scalar_one()
        assert (gadget.name, gadget.grade, gadget.day) == ("测试", Grade.GOOD, dt.date(2025, 6, 30))
        pk = gadget.id
    shown = client.get(f"/gadgets/show/{pk}").get_data(as_text=True)
    assert "良好" in shown and "2025-06-30" in shown
    assert client.post(f"/gadgets/edit/{pk}", data={"name": "改名", "grade": "pass"}).status_code == 302
    listed = client.get("/gadgets/list/?_flt_0_name=改").get_data(as_text=True)
    assert "改名" in listed and "合格" in listed
    export = client.get("/gadgets/export/csv")
    assert export.status_code == 200 and "改名" in export.get_data(as_text=True)
    invalid = client.post("/gadgets/add", data={"name": "x" * 41, "grade": "nonsense"})
    assert invalid.status_code == 200
    assert "最多 40 个字" in invalid.get_data(as_text=True)
    assert client.post(f"/gadgets/delete/{pk}").status_code == 302
    with gadget_app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Gadget)).scalar_one() == 0


def test_a_new_model_gets_a_rest_api_and_openapi(gadget_app):
    client = gadget_app.test_client()
    headers = {"Authorization": f"Bearer {api_token(client, 'admin')}"}
    created = client.post("/api/v1/gadgets/", json={"name": "接口", "grade": "excellent"}, headers=headers)
    assert created.status_code == 201, created.get_json()
    pk = created.get_json()["id"]
    item = client.get(f"/api/v1/gadgets/{pk}", headers=headers).get_json()["result"]
    assert item["grade"] == "excellent" and item["name"] == "接口"
    refused = client.post("/api/v1/gadgets/", json={"name": "x", "grade": "best"}, headers=headers)
    assert refused.status_code == 400 and "grade" in refused.get_json()["errors"]
    info = client.get("/api/v1/gadgets/_info", headers=headers).get_json()
    assert info["add_columns"] and any(c["label"] == "名称" for c in info["add_columns"])
    spec = client.get("/api/v1/_openapi", headers=headers).get_json()
    assert "/api/v1/gadgets/" in spec["paths"]


def test_declaring_a_missing_column_fails_at_start_up():
    class Broken(Base):
        __tablename__ = "test_broken"
        __screen__ = Screen(label=_l("Name"), route="/broken", order=("no_such_column", "asc"))
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(10), info=field(_l("Name"), list=True))

    with pytest.raises(ImproperlyConfigured, match="no_such_column"):
        build_view(Broken)


def test_a_view_naming_an_unknown_column_fails_at_start_up():
    from console.checks import check_declarations

    with pytest.raises(ImproperlyConfigured, match="colour"):
        check_declarations(Gadget, extra_columns=["name", "colour"])


def test_an_empty_label_fails_at_start_up():
    class Blank(Base):
        __tablename__ = "test_blank"
        __screen__ = Screen(label=_l("Name"), route="/blank")
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(10), info=field(_l(""), list=True))

    with pytest.raises(ImproperlyConfigured, match="label is empty"):
        build_view(Blank)


def test_an_empty_label_fails_inside_a_request_too(app):
    """In a request gettext('') returns the catalog header, so the check reads the msgid."""
    class Hollow(Base):
        __tablename__ = "test_hollow"
        __screen__ = Screen(label=_l("Name"), route="/hollow")
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(10), info=field(_l("Name"), _l(""), list=True))

    with app.test_request_context("/"), pytest.raises(ImproperlyConfigured, match="description is empty"):
        build_view(Hollow)
