"""An uploaded spreadsheet, kept between its preview and its applying."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.bulk import KEEP, Proposal

from .reading import ReadRow

# How long a preview can be opened and applied; older batches are deleted.
BATCH_LIFETIME_HOURS = 24
BATCH_LIFETIME = datetime.timedelta(hours=BATCH_LIFETIME_HOURS)


class ImportBatchQuerySet(models.QuerySet):
    def expired(self, now=None):
        return self.filter(uploaded_at__lt=(now or timezone.now()) - BATCH_LIFETIME)


class ImportBatch(models.Model):
    """The rows of one uploaded file, as read (the proposals, or why a row cannot be read),
    so its preview survives a reload and is recomputed from them; then, once applied, what
    applying did."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="spreadsheet_imports",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=255)
    # Whether the file said which version of each action it was read at; if not, each row
    # counts as read when it was uploaded.
    has_version = models.BooleanField(_("has version"))
    rows = models.JSONField(_("rows"))  # [row_to_json(ReadRow)], in the file's order
    # Set once, by the one request that applies the batch (a conditional UPDATE).
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    results = models.JSONField(_("results"), null=True, blank=True)  # [outcome rows] once applied

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        indexes = [
            # Deleting the expired batches at each upload (ImportBatch.objects.expired()).
            models.Index(fields=["uploaded_at"], name="import_batch_uploaded_idx"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_by}, {self.uploaded_at:%Y-%m-%d %H:%M})"

    def read_rows(self) -> list[ReadRow]:
        return [row_from_json(row) for row in self.rows]


def row_to_json(row: ReadRow) -> dict:
    data = {"row": row.number, "action_id": row.action_id, "problem": row.problem}
    proposal = row.proposal
    if proposal is not None:
        data.update(
            read_version=proposal.read_version,
            status=proposal.status,
            progress=proposal.progress,
            note=proposal.note,
        )
        if proposal.due_date is not KEEP:
            data["due_date"] = proposal.due_date.isoformat() if proposal.due_date else None
    return data


def row_from_json(data: dict) -> ReadRow:
    proposal = None
    if not data["problem"]:
        due_date = data.get("due_date", KEEP)
        if isinstance(due_date, str):
            due_date = datetime.date.fromisoformat(due_date)
        proposal = Proposal(
            action_id=data["action_id"],
            read_version=data["read_version"],
            status=data["status"],
            progress=data["progress"],
            note=data["note"],
            due_date=due_date,
        )
    return ReadRow(data["row"], proposal, data["problem"], data["action_id"])
