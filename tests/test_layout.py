"""Imports run one way: digests, spreadsheets, savedviews -> actions -> roundtables ->
agencies; no app imports the project package. A newcomer can change a lower app without
reading the ones above it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each app may import of the portal's own packages.
ALLOWED = {
    "agencies": set(),
    "roundtables": {"agencies"},
    "actions": {"agencies", "roundtables"},
    "digests": {"actions", "agencies", "roundtables"},
    "spreadsheets": {"actions", "agencies", "roundtables"},
    "savedviews": {"actions", "agencies", "roundtables"},
    "record": {"actions", "agencies", "roundtables"},
    # Its scripts (run.py, side_by_side.py) start the project as a gunicorn worker does.
    "bench": {"actions", "agencies", "roundtables", "digests", "gfmd_portal"},
}
PORTAL_PACKAGES = {*ALLOWED, "gfmd_portal"}


def _imported_packages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        imported = set(_imported_packages(path)) & PORTAL_PACKAGES
        if bad := imported - ALLOWED[app] - {app}:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert wrong == {}
