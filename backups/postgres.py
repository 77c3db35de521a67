"""PostgreSQL: pg_dump of one exported snapshot, pg_restore into an empty database.

The connection reaches pg_dump and pg_restore through libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD,
PGDATABASE, PGSSLMODE …) built from the SQLAlchemy URL, never on the command line, where `ps` would show the
password to every user of the machine.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

import sqlalchemy as sa

from backups import BackupError

FILE = "database.dump"
FALLBACK_BIN = "/usr/lib/postgresql/*/bin"
"""Where Debian keeps the client programs when they are not on PATH."""
LIBPQ_ENV = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD", "dbname": "PGDATABASE",
             "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
             "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME", "options": "PGOPTIONS",
             "target_session_attrs": "PGTARGETSESSIONATTRS", "service": "PGSERVICE"}
"""libpq's connection parameters (also accepted in the URL's query string) and their environment variables."""


def program(name: str) -> str:
    """The path of pg_dump or pg_restore: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", Path(path).parent.parent.name))

    candidates = sorted(glob.glob(f"{FALLBACK_BIN}/{name}"), key=version)
    if not candidates:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（如 apt-get install postgresql-client），"
                          "版本不低于数据库服务器。")
    return candidates[-1]


def environment(url: sa.URL) -> dict[str, str]:
    """The process environment with the URL's connection settings as libpq variables (the URL wins)."""
    settings = {key: value[-1] if isinstance(value, tuple) else value
                for key, value in url.query.items() if key in LIBPQ_ENV}
    settings.update({key: value for key, value in (("host", url.host), ("port", url.port), ("user", url.username),
                                                    ("password", url.password), ("dbname", url.database))
                     if value is not None})
    env = {key: value for key, value in os.environ.items() if key not in LIBPQ_ENV.values()}
    env.update({LIBPQ_ENV[key]: str(value) for key, value in settings.items()})
    return env


def _run(name: str, args: list[str], url: sa.URL) -> None:
    done = subprocess.run([program(name), *args], env=environment(url), capture_output=True, text=True)
    if done.returncode != 0:
        said = done.stderr.strip()[-1500:] or f"退出码 {done.returncode}"
        raise BackupError(f"{name} 失败：{said}")


def dump(url: sa.URL, snapshot_id: str, target: Path) -> None:
    """`pg_dump --format=custom` of the exported snapshot `snapshot_id` into the file `target`."""
    _run("pg_dump", ["--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"], url)


def load(dump_file: Path, url: sa.URL) -> None:
    """`pg_restore` a checked dump into the empty database `url` names, in one transaction.

    Owners and privileges of the original are not replayed: the restored objects belong to the connecting user,
    who need not have the same name as on the machine the backup came from.
    """
    # The database name goes on the command line (pg_restore writes a script instead unless given one);
    # the rest of the connection, the password included, comes from the environment.
    _run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                        f"--dbname={url.database}", str(dump_file)], url)


def clear(conn: sa.Connection) -> None:
    """Drop what a failed restore left in the default schema: the database is empty again, as it was before."""
    inspector = sa.inspect(conn)
    quote = conn.dialect.identifier_preparer.quote
    for view in inspector.get_view_names():
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {quote(view)} CASCADE")
    for table in inspector.get_table_names():
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {quote(table)} CASCADE")
    for sequence in inspector.get_sequence_names():
        conn.exec_driver_sql(f"DROP SEQUENCE IF EXISTS {quote(sequence)} CASCADE")
