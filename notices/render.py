"""Filling a .docx template (docxtpl: Jinja inside a Word file an admin can edit in Word or WPS)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, Listing
from flask import current_app

from console.validators import without_control_characters

SHIPPED = Path(__file__).resolve().parent / "templates"
"""The templates that come with the console: receipt.docx, decline_notice.docx."""


def template_path(name: str) -> Path:
    """The admin's copy in NOTICE_TEMPLATE_FOLDER when there is one, else the shipped template."""
    folder = current_app.config.get("NOTICE_TEMPLATE_FOLDER")
    if folder and (Path(folder) / name).is_file():
        return Path(folder) / name
    return SHIPPED / name


def _docx_value(value: Any) -> Any:
    """Text made safe for Word's XML: no control characters, line breaks kept, markup escaped."""
    if isinstance(value, dict):
        return {key: _docx_value(item) for key, item in value.items()}
    if isinstance(value, str):
        return Listing(without_control_characters(value))
    return value


def render_docx(name: str, context: dict[str, Any]) -> bytes:
    """The template `name` filled with `context`, as the bytes of a .docx."""
    document = DocxTemplate(str(template_path(name)))
    document.render({key: _docx_value(value) for key, value in context.items()}, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
