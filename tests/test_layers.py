"""Imports point down the house (STYLE.md): a package never imports one above it, and packages on the same
floor never import each other both ways. The few upward imports that remain are listed by file, so a new one
fails here and the list can only shrink."""

from __future__ import annotations

import ast
import pathlib
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
FLOOR = {
    "views": 6, "commands": 6,
    "seed": 5, "notices": 5, "jobs": 5,
    "workflow": 4, "evaluation": 4, "intake": 4, "kpi": 4, "backups": 4, "guides": 4, "attachments": 4,
    "access": 3, "sms": 3,
    "models": 2,
    "console": 1,
    "workdays": 0,
}
STILL_UPWARD = {
    # the login page and session expiry answer with the console's own login URL and redirect rule
    ("access/login_view.py", "views"), ("access/sessions.py", "views"),
    # row scope is a security rule that the generic list/API machinery applies
    ("console/api_schema.py", "access"), ("console/lookup.py", "access"), ("console/scoping.py", "access"),
    ("console/build.py", "views"),
    # the holiday table is a model; the calendar caches it per request
    ("workdays/importer.py", "models"), ("workdays/store.py", "models"), ("workdays/store.py", "console"),
}


def imports() -> dict[tuple[str, str], int]:
    """(file, imported package) → count, for every import of one house package by another, in any scope."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for package in FLOOR:
        for path in (ROOT / package).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for name in names:
                    target = name.split(".")[0]
                    if target in FLOOR and target != package:
                        found[(f"{package}/{path.name}", target)] += 1
    return found


def test_every_package_has_a_floor():
    outside = {"tests", "migrations", "bench", "instance", "build"}
    packages = {path.parent.name for path in ROOT.glob("*/*.py")} - outside
    assert packages <= set(FLOOR), f"place these in FLOOR: {sorted(packages - set(FLOOR))}"


def test_no_package_imports_one_above_it():
    upward = {(file, target) for file, target in imports() if FLOOR[target] > FLOOR[file.split("/")[0]]}
    assert upward <= STILL_UPWARD, sorted(upward - STILL_UPWARD)
    assert STILL_UPWARD <= upward, f"fixed, take off the list: {sorted(STILL_UPWARD - upward)}"


def test_packages_on_one_floor_do_not_import_each_other_both_ways():
    edges = {(file.split("/")[0], target) for file, target in imports()}
    both_ways = {tuple(sorted(edge)) for edge in edges if edge[::-1] in edges and FLOOR[edge[0]] == FLOOR[edge[1]]}
    assert not both_ways, sorted(both_ways)
