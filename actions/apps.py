import sys

from django.apps import AppConfig
from django.db import connections, router, transaction
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Follow-up actions")  # the admin's heading

    def ready(self):
        from . import checks  # noqa: F401  registers the derived tables' trigger check

        post_migrate.connect(install_triggers, sender=self, dispatch_uid="actions.triggers")


def install_triggers(sender, using, verbosity=1, **kwargs):
    """After every migrate (and flush), put the derived tables' triggers back as
    actions/triggers.py defines them: a migration that rebuilt a table (most AlterFields on
    SQLite) dropped its triggers with the old table, and no later migration has to know."""
    from . import triggers
    from .models import FollowUpAction

    connection = connections[using]
    if connection.vendor not in triggers.VENDORS:
        return
    if not router.allow_migrate_model(using, FollowUpAction):
        return
    with transaction.atomic(using=using):
        # Only the sets whose tables exist: none before the actions app is migrated or
        # after it is migrated to zero.
        was_missing = triggers.missing(connection)
        triggers.install(connection)
        if was_missing:
            # Installed triggers keep the rows in step from now on; rows written while
            # they were missing (the rest of the migration that dropped them, a data
            # migration, anything run before this migrate) left the derived tables stale,
            # so count them again. Only then: it reads every action.
            triggers.rebuild(connection, triggers.sets_of(was_missing, connection))
    if was_missing and verbosity >= 1:
        stdout = kwargs.get("stdout") or sys.stdout
        stdout.write(
            f"  Re-installed missing triggers ({', '.join(was_missing)}) and refilled "
            "their derived tables."
        )
