"""The upload folder in a backup: copied file by file with a checksum each, checked before it comes back.

Files are copied after the database snapshot, so every file a row of the snapshot names is there — provided an
upload writes its file before it commits the row naming it, as it should. A newer file may come along; it does
no harm.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from backups import BackupError
from backups.manifest import sha256_file


def copy_tree(source: Path, target: Path) -> dict[str, dict[str, Any]]:
    """Copy every regular file under `source` into `target`; {relative path: {"size", "sha256"}}."""
    entries: dict[str, dict[str, Any]] = {}
    target.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        return entries
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        name = path.relative_to(source).as_posix()
        copy = target / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as src, copy.open("wb") as dst:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        shutil.copystat(path, copy)
        entries[name] = {"size": size, "sha256": digest.hexdigest()}
    return entries


def _inside(folder: Path, name: str) -> Path:
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise BackupError(f"备份清单中的文件名 {name} 指向备份目录之外，拒绝恢复。")
    return path


def check(folder: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Every file the manifest lists is in `folder` with its checksum; else a BackupError naming the first."""
    for name, entry in entries.items():
        path = _inside(folder, name)
        if not path.is_file():
            raise BackupError(f"不是完整的备份：缺少 {folder / name}。")
        if path.stat().st_size != entry.get("size", path.stat().st_size) or sha256_file(path) != entry["sha256"]:
            raise BackupError(f"备份已损坏：{folder / name} 的校验值与备份清单不符。")


def check_empty(target: Path) -> None:
    """Restore writes only into an empty or absent upload folder."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"附件目录 {target} 中已有文件：恢复只写入空的附件目录，请先清空或改用新目录"
                          "（UPLOAD_FOLDER）。")


def restore_tree(folder: Path, entries: dict[str, dict[str, Any]], target: Path) -> None:
    """Copy the checked files of a backup into the upload folder."""
    target.mkdir(parents=True, exist_ok=True)
    for name in entries:
        copy = target / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(_inside(folder, name), copy)
