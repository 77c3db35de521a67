"""The catalog is complete: every string we or FAB can show has a Chinese translation."""

from __future__ import annotations

import io
import re
from pathlib import Path

import flask_appbuilder
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from console.introspect import attributes, screen_of
from models import SCREEN_MODELS
from models.base import LabeledEnum

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations/zh/LC_MESSAGES/messages.po"
MO = ROOT / "translations/zh/LC_MESSAGES/messages.mo"
FAB_PO = Path(flask_appbuilder.__file__).parent / "translations/zh/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _extract(root: Path, skip: tuple[str, ...] = ()) -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]

    def keep(path: str) -> bool:
        return not any(part in skip for part in Path(path).parts)

    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map, keywords=KEYWORDS, callback=None, strip_comment_tags=True,
            directory_filter=lambda d: keep(d)):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            ids.add(msgid)
    return ids


def _translated(catalog_path: Path) -> dict[str, str]:
    with open(catalog_path, "rb") as fh:
        catalog = read_po(fh)
    return {m.id if isinstance(m.id, str) else m.id[0]: (m.string if isinstance(m.string, str) else m.string[0])
            for m in catalog if m.id and m.string and not m.fuzzy}


def test_every_string_of_ours_is_translated():
    ours = _extract(ROOT, skip=("tests", "bench", "venv", ".venv", ".git", "instance", "build", "migrations"))
    translated = _translated(PO)
    missing = sorted(ours - set(translated))
    assert not missing, f"untranslated: {missing[:20]}"


def test_every_string_of_fab_is_translated_by_fab_or_us():
    fab = _extract(Path(flask_appbuilder.__file__).parent, skip=("tests", "translations"))
    covered = set(_translated(FAB_PO)) | set(_translated(PO))
    # Screens we do not offer (LDAP/OAuth registration, FAB charts) are not required.
    missing = sorted(m for m in fab - covered if "%" not in m)
    assert not missing, f"FAB strings with no Chinese: {missing}"


def test_translations_are_chinese_not_copies():
    copies = [k for k, v in _translated(PO).items() if not CJK.search(v) and not re.fullmatch(r"[\W\d%()s]*", v)]
    allowed = {"OK"}
    assert set(copies) <= allowed, copies


def test_the_committed_mo_matches_the_po():
    with open(PO, "rb") as fh:
        catalog = read_po(fh)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    expected = {m.id: m.string for m in read_mo(compiled) if m.id}
    with open(MO, "rb") as fh:
        actual = {m.id: m.string for m in read_mo(fh) if m.id}
    assert actual == expected, "run `pybabel compile -d translations` and commit the .mo"


def test_every_declared_label_and_enum_reads_chinese(app):
    with app.test_request_context("/"):
        for model in SCREEN_MODELS:
            assert CJK.search(str(screen_of(model).label)), model
            for attr in attributes(model):
                assert CJK.search(str(attr.field.label)), f"{model.__name__}.{attr.name}"
                if attr.field.description:
                    assert CJK.search(str(attr.field.description)), f"{model.__name__}.{attr.name}"
        for enum_cls in LabeledEnum.__subclasses__():
            for member in enum_cls:
                assert CJK.search(str(member.label)), f"{enum_cls.__name__}.{member.name}"


def test_api_info_labels_are_chinese_and_never_the_catalog_header(api):
    client = api("admin")
    for resource in ("cases", "departments", "coordinators", "evaluations", "criticisms", "supervisions"):
        info = client.get(f"/api/v1/{resource}/_info").get_json()
        text = str(info)
        assert "Project-Id-Version" not in text and "Content-Type" not in text, resource
        for column in info.get("add_columns", []):
            assert CJK.search(column["label"]), (resource, column["name"])


def test_each_string_has_one_entry_in_the_catalog():
    """A msgid written twice (two merges adding the same string) keeps only one translation, silently: msgfmt -c
    refuses such a file, babel does not. Each entry starts on a line of its own after a blank line."""
    text = PO.read_text(encoding="utf-8")
    ids = re.findall(r'^msgid ((?:"(?:[^"\\]|\\.)*"\n?)+)', text, flags=re.M)
    seen: dict[str, int] = {}
    for raw in ids:
        seen[raw] = seen.get(raw, 0) + 1
    twice = [raw for raw, n in seen.items() if n > 1]
    assert not twice, twice
    glued = re.findall(r'^msgstr [^\n]*\nmsgid ', text, flags=re.M)
    assert not glued, f"{len(glued)} entries start without a blank line before them"
