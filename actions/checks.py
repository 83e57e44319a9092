"""System check: the derived tables' triggers are all in the database.

Database checks run only when databases are named: `manage.py check --database default`,
and before `migrate`.
"""

import sys

from django.core import checks
from django.db import connections, router

from . import triggers
from .models import FollowUpAction

HINT = "Run manage.py migrate, which re-installs them."


def _running_migrate():
    # `migrate` runs the database checks before migrating, and would stop at an Error it
    # is about to repair; there it is a warning. (call_command skips the checks unless asked.)
    return sys.argv[1:2] == ["migrate"]


@checks.register(checks.Tags.database)
def check_derived_table_triggers(app_configs=None, databases=None, **kwargs):
    if app_configs is not None and not any(config.name == "actions" for config in app_configs):
        return []
    problems = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor not in triggers.VENDORS:
            continue
        if not router.allow_migrate_model(alias, FollowUpAction):
            continue
        where = {name: (table, derived) for name, table, derived in triggers.expected(connection)}
        for name in triggers.missing(connection):
            table, derived = where[name]
            message = (
                f"Database '{alias}': trigger {name} on {table} is missing; "
                f"{derived} no longer follows the actions."
            )
            if _running_migrate():
                problems.append(
                    checks.Warning(message, hint="This migrate re-installs it.", id="actions.W001")
                )
            else:
                problems.append(checks.Error(message, hint=HINT, id="actions.E001"))
    return problems
