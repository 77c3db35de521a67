"""Where attachment bytes are kept: a folder under UPLOAD_FOLDER (default) or an S3-compatible object store.

Both answer the same three calls, addressed by a key such as `attachments/2025/06/<uuid>` that the database
row records; the original file name is never part of a key.

    store = storage_from_config(app.config)
    store.save(key, data); store.read(key); store.delete(key)
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

PREFIX = "attachments"
"""Top folder of every key: the local store keeps files in UPLOAD_FOLDER/attachments/, so a backup carries them."""


def new_key(today: dt.date) -> str:
    """A fresh, unguessable key filed by year and month: attachments/<yyyy>/<mm>/<uuid>."""
    return f"{PREFIX}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}"


class Storage(Protocol):
    """What the attachment service needs from a store."""

    def save(self, key: str, data: bytes) -> None:
        """Keep `data` under `key` (written completely before the call returns)."""

    def read(self, key: str) -> bytes:
        """The bytes kept under `key`; FileNotFoundError when there are none."""

    def delete(self, key: str) -> None:
        """Forget `key` (no error when it is already gone)."""


class LocalStorage:
    """Files under a folder on this machine — by default UPLOAD_FOLDER, which `flask backup` copies whole."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not key.startswith(f"{PREFIX}/") or not path.is_relative_to(self.root.resolve()):
            raise FileNotFoundError(key)
        return path

    def save(self, key: str, data: bytes) -> None:
        """Write to a temporary name, flush to disk, then rename: a reader never sees half a file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        with partial.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)

    def read(self, key: str) -> bytes:
        """The file's bytes."""
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove the file, if it is there."""
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in a bucket of an S3-compatible store (MinIO, or AWS itself); boto3 is imported only here."""

    def __init__(self, bucket: str, *, endpoint: str | None = None, access_key: str | None = None,
                 secret_key: str | None = None, region: str | None = None, client: Any = None) -> None:
        self.bucket = bucket
        if client is None:
            import boto3  # the optional extra `[s3]`: only deployments that choose S3 need it

            client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access_key,
                                  aws_secret_access_key=secret_key, region_name=region)
        self.client = client

    def save(self, key: str, data: bytes) -> None:
        """Put the object."""
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def read(self, key: str) -> bytes:
        """Get the object's bytes."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(key) from exc
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        """Delete the object (S3 does not mind a missing one)."""
        self.client.delete_object(Bucket=self.bucket, Key=key)


class StorageConfigError(RuntimeError):
    """ATTACHMENT_STORAGE names no store we have, or S3 is chosen without a bucket."""


def storage_from_config(config: Mapping[str, Any]) -> Storage:
    """The store the configuration chooses (ATTACHMENT_STORAGE: `local` or `s3`)."""
    kind = (config.get("ATTACHMENT_STORAGE") or "local").lower()
    if kind == "local":
        return LocalStorage(config["UPLOAD_FOLDER"])
    if kind == "s3":
        if not config.get("ATTACHMENT_S3_BUCKET"):
            raise StorageConfigError("ATTACHMENT_STORAGE=s3 需要设置 ATTACHMENT_S3_BUCKET。")
        return S3Storage(config["ATTACHMENT_S3_BUCKET"], endpoint=config.get("ATTACHMENT_S3_ENDPOINT"),
                         access_key=config.get("ATTACHMENT_S3_ACCESS_KEY"),
                         secret_key=config.get("ATTACHMENT_S3_SECRET_KEY"),
                         region=config.get("ATTACHMENT_S3_REGION"))
    raise StorageConfigError(f"ATTACHMENT_STORAGE 只能是 local 或 s3，而不是 {kind}。")
