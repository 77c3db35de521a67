"""What an uploaded file really is, read from its bytes, and whether it may be kept.

The allow-list is PDF, JPG, PNG, DOCX, XLSX and OFD. The extension only states a claim; the content decides:
a file whose bytes are not what its extension says is refused, as are unknown types, empty and oversized files.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from flask_babel import gettext

from console.errors import ConsoleError


@dataclass(frozen=True)
class Kind:
    """An accepted type: its name, the extensions that claim it, the Content-Type it is served with."""

    name: str
    extensions: tuple[str, ...]
    content_type: str
    previewable: bool = False


KINDS = {k.name: k for k in (
    Kind("pdf", ("pdf",), "application/pdf", previewable=True),
    Kind("jpg", ("jpg", "jpeg"), "image/jpeg", previewable=True),
    Kind("png", ("png",), "image/png", previewable=True),
    Kind("docx", ("docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    Kind("xlsx", ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    Kind("ofd", ("ofd",), "application/ofd"),
)}
"""The allow-list, by the name `sniff` answers."""

BY_CONTENT_TYPE = {k.content_type: k for k in KINDS.values()}
MAX_NAME_LENGTH = 200


def _zip_kind(data: bytes) -> str | None:
    """docx, xlsx or ofd from the names inside a ZIP container; None for any other (or a broken) ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


def sniff(data: bytes) -> str | None:
    """The kind of file `data` is (a key of KINDS), from its magic numbers; None when not an accepted type."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def clean_file_name(raw: str | None) -> str:
    """The name as a user would recognise it, without folders, control or format characters; '' if none left."""
    name = re.split(r"[/\\]", raw or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:MAX_NAME_LENGTH - len(extension) - 1] + dot + extension) if dot and len(extension) < 10 \
            else name[:MAX_NAME_LENGTH]
    return name


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: the cleaned name, its kind and its bytes."""

    file_name: str
    kind: Kind
    data: bytes


def _refuse(message: str) -> ConsoleError:
    return ConsoleError(message, fields={"file": [message]})


def allowed_names() -> str:
    """“PDF、JPG、PNG、DOCX、XLSX、OFD” for messages and the upload form."""
    return "、".join(k.name.upper() for k in KINDS.values())


def check_upload(raw_name: str | None, data: bytes | None, max_bytes: int) -> CheckedFile:
    """The checked upload, or a ConsoleError (400, field `file`) saying in Chinese why it is refused."""
    if raw_name is None or data is None:
        raise _refuse(gettext("Choose a file to upload."))
    name = clean_file_name(raw_name)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if not name or not extension:
        raise _refuse(gettext("The file name is not usable; rename the file (e.g. 材料.pdf) and try again."))
    if not data:
        raise _refuse(gettext("The file is empty."))
    if len(data) > max_bytes:
        raise _refuse(gettext("The file is larger than %(size)s MB.", size=f"{max_bytes / 1024 / 1024:g}"))
    claimed = next((k for k in KINDS.values() if extension in k.extensions), None)
    if claimed is None:
        raise _refuse(gettext("Only %(kinds)s files are accepted.", kinds=allowed_names()))
    actual = sniff(data)
    if actual is None:
        raise _refuse(gettext("The file's content is not a readable %(kinds)s file.", kinds=allowed_names()))
    if actual != claimed.name:
        raise _refuse(gettext("The file's content does not match its extension."))
    return CheckedFile(name, claimed, data)
