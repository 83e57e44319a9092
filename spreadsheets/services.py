"""The import: a file read into a batch of proposals, previewed (writing nothing) as often
as its page is opened, then applied once. What each row may do is actions.bulk's to say."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core import signing
from django.utils import timezone

from actions import bulk
from actions.bulk import Verdict
from actions.models import FollowUpAction

from .models import BATCH_LIFETIME, ImportBatch, row_to_json
from .reading import ReadRow, read_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from actions.permissions import Viewer

# The reference in a batch's address: its id, signed with the time it was made, so a
# reference cannot be guessed or altered and stops working after BATCH_LIFETIME.
REFERENCE_SALT = "spreadsheets.import-batch"


class BatchExpired(Exception):
    pass


class BatchNotFound(Exception):
    pass


@dataclass
class RowResult:
    """One row of a preview or of the summary of what applying did, in words."""

    row: int
    action_id: int | None  # as the row gives it
    title: str  # empty when no action has that ID
    verdict: str  # a bulk.Verdict value
    changes: list[str] = field(default_factory=list)
    adjusted: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def verdict_label(self) -> str:
        """The verdict in the reader's language ("will change"), from its stored value."""
        return Verdict(self.verdict).label


def import_upload(*, user: User, file_name: str, data: bytes) -> ImportBatch:
    """Read the file and keep it as a batch to preview; raises reading.UnreadableFile."""
    read = read_upload(file_name, data)
    rows = read.rows
    unversioned = [row for row in rows if row.proposal and row.proposal.read_version is None]
    if unversioned:
        # A row that does not say which version it was read at counts as read now: the
        # preview shows the action as it is, and a save by someone after this is still caught.
        versions = dict(
            FollowUpAction.objects.filter(
                pk__in=[row.action_id for row in unversioned]
            ).values_list("pk", "version")
        )
        for row in unversioned:
            assert row.proposal is not None
            row.proposal = dataclasses.replace(
                row.proposal, read_version=versions.get(row.proposal.action_id)
            )
    ImportBatch.objects.expired().delete()  # old batches go as new ones come
    return ImportBatch.objects.create(
        uploaded_by=user,
        file_name=file_name[:255],
        has_version=read.has_version,
        rows=[row_to_json(row) for row in rows],
    )


def batch_reference(batch: ImportBatch) -> str:
    return signing.TimestampSigner(salt=REFERENCE_SALT).sign(str(batch.pk))


def batch_for(reference: str, user: User) -> ImportBatch:
    """The batch a reference names, if it is this user's and has not expired."""
    signer = signing.TimestampSigner(salt=REFERENCE_SALT)
    try:
        pk = int(signer.unsign(reference, max_age=BATCH_LIFETIME))
    except signing.SignatureExpired:
        raise BatchExpired from None
    except (signing.BadSignature, ValueError):
        raise BatchNotFound from None
    batch = ImportBatch.objects.filter(pk=pk, uploaded_by=user).first()
    if batch is None:
        raise BatchNotFound  # someone else's, or deleted
    if batch.uploaded_at < timezone.now() - BATCH_LIFETIME:
        raise BatchExpired
    return batch


def import_preview(viewer: Viewer, batch: ImportBatch) -> list[RowResult]:
    """What applying the batch would do now, row by row; writes nothing."""
    rows = batch.read_rows()
    outcomes = bulk.preview(viewer, [row.proposal for row in rows if row.proposal])
    return _results(rows, outcomes)


def import_apply(viewer: Viewer, user: User, batch: ImportBatch) -> bool:
    """Apply the batch's changes, each action in its own transaction, and keep the summary.

    False when the batch was already applied: one request claims it (a conditional UPDATE,
    as digests claim a delivery), so a second click or a resent form applies nothing twice.
    If the process dies after the claim and before the summary is saved, the changes made
    are in the actions' histories and the batch says its summary was not recorded.
    """
    claimed = ImportBatch.objects.filter(pk=batch.pk, applied_at__isnull=True).update(
        applied_at=timezone.now()
    )
    if not claimed:
        return False
    rows = batch.read_rows()
    outcomes = bulk.apply(viewer, user, [row.proposal for row in rows if row.proposal])
    batch.results = [dataclasses.asdict(result) for result in _results(rows, outcomes)]
    batch.save(update_fields=["results"])
    return True


def applied_results(batch: ImportBatch) -> list[RowResult] | None:
    if batch.results is None:
        return None
    return [RowResult(**result) for result in batch.results]


def _results(rows: list[ReadRow], outcomes: list[bulk.Outcome]) -> list[RowResult]:
    """The file's rows with their outcomes (the rows that could be read, in order) or
    their reading problem, in the file's order."""
    outcome_of = iter(outcomes)
    titles = _titles([row.action_id for row in rows if row.proposal is None and row.action_id])
    results = []
    for row in rows:
        if row.proposal is None:
            results.append(
                RowResult(
                    row.number,
                    row.action_id,
                    titles.get(row.action_id, ""),
                    Verdict.REFUSED.value,
                    reason=row.problem,
                )
            )
            continue
        outcome = next(outcome_of)
        results.append(
            RowResult(
                row.number,
                outcome.proposal.action_id,
                outcome.title,
                outcome.verdict.value,
                [str(change) for change in outcome.changes],
                list(outcome.adjusted),
                outcome.reason,
            )
        )
    return results


def _titles(action_ids: list[int | None]) -> dict[int | None, str]:
    if not action_ids:
        return {}
    return dict(FollowUpAction.objects.filter(pk__in=action_ids).values_list("pk", "title"))


def tally(results: list[RowResult]) -> dict[str, int]:
    """How many rows of each verdict, by the verdict's name in lower case ("will_change"),
    every verdict named (zero when none)."""
    counts = {verdict.name.lower(): 0 for verdict in Verdict}
    for result in results:
        counts[Verdict(result.verdict).name.lower()] += 1
    return counts


def worth_showing(results: list[RowResult]) -> list[RowResult]:
    """The rows that change an action or cannot be applied: a downloaded list of thousands
    of actions with three rows filled in is about those three."""
    return [result for result in results if result.verdict != Verdict.UNCHANGED]
