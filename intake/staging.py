"""Uploaded files kept between the 检查 (dry run) and the 确认导入 of the same file.

A staged file is named by its owner's id and a random token, so one user
cannot import another's upload; files older than a day are swept away.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUFFIXES = ("xlsx", "csv")


def stage(directory: Path, owner_id: int, data: bytes, suffix: str) -> str:
    """Keep `data` for `owner_id`; return the token that finds it again."""
    if suffix not in SUFFIXES:
        raise ValueError(f"not a staged file type: {suffix!r}")
    directory.mkdir(parents=True, exist_ok=True)
    _sweep(directory)
    token = secrets.token_urlsafe(24)
    (directory / f"{owner_id}-{token}.{suffix}").write_bytes(data)
    return token


def load(directory: Path, owner_id: int, token: str) -> tuple[bytes, str] | None:
    """The staged bytes and file name of `owner_id`'s `token`; None if unknown or swept."""
    path = _path(directory, owner_id, token)
    return (path.read_bytes(), path.name) if path is not None else None


def discard(directory: Path, owner_id: int, token: str) -> None:
    """Forget a staged file once it has been imported."""
    path = _path(directory, owner_id, token)
    if path is not None:
        path.unlink(missing_ok=True)


def _path(directory: Path, owner_id: int, token: str) -> Path | None:
    if not TOKEN.match(token or ""):
        return None
    for suffix in SUFFIXES:
        path = directory / f"{owner_id}-{token}.{suffix}"
        if path.is_file():
            return path
    return None


def _sweep(directory: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
