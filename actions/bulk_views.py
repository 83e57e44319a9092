"""The bulk update of the lists: the rows ticked on /actions/ or /my/ and one form, applied
by actions/bulk.py action by action; a page says what changed, what was refused and why."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django.views.decorators.http import require_POST, require_safe

from . import bulk
from .bulk import Outcome, Verdict
from .bulk_forms import BulkUpdateForm, blank_fields, read_selection
from .filters import organisation_ids_by_acronym
from .models import FollowUpAction
from .navigation import ListToReturnTo, list_link
from .selectors import organisation_directory
from .services import NOTHING_CHANGED

if TYPE_CHECKING:
    from collections.abc import Collection

    from django.contrib.auth.models import User
    from django.http import HttpRequest, HttpResponse

    from .permissions import Viewer


# The last bulk update's result, for the page the POST redirects to.
RESULT_SESSION_KEY = "bulk_update_result"


def offers_bulk_form(viewer: Viewer, served_ids: Collection[int] | None = None) -> bool:
    """Whether the lists let this person tick rows: those who may report on some action,
    secretariat staff and focal points. `served_ids`: their organisations, if read already."""
    if viewer.is_secretariat:
        return True
    return bool(served_ids if served_ids is not None else viewer.organisation_ids)


def organisations_served_by(viewer: Viewer) -> tuple[dict[str, int], list[int]]:
    """{acronym: id} of every organisation (what the filters read) and the ids of those the
    viewer serves, in the filters' one query."""
    every, mine = organisation_directory(viewer)
    return every, list(mine.values())


def _url(name: str, query: str = "") -> str:
    url = reverse(name)
    return f"{url}?{query}" if query else url


def list_context(
    request: HttpRequest,
    organisation_ids: dict[str, int],
    served_ids: Collection[int] | None,
    export_view: str,
    export_query: str,
) -> dict[str, Any]:
    """What a list page adds for the bulk form, the XLSX download and the import."""
    viewer = request.viewer  # type: ignore[attr-defined]
    selectable = offers_bulk_form(viewer, served_ids)
    fields = None
    if selectable:
        fields = blank_fields(
            secretariat=viewer.can_manage_actions(), organisation_ids=organisation_ids
        )
    return {
        "bulk_selectable": selectable,
        "bulk_fields": fields,
        "bulk_back": request.get_full_path(),
        # action_export -> action_export_xlsx, my_export -> my_export_xlsx: the same list.
        "xlsx_export_url": _url(f"{export_view}_xlsx", export_query),
        "spreadsheet_import_url": _url("spreadsheet_import") if selectable else None,
    }


def back_to_list(value: str | None) -> ListToReturnTo:
    """Where "Back to the list" leads: the list the form was sent from (its `back` field),
    with its filters, sort and page; only /actions/ or /my/, never another address."""
    return list_link(value) or list_link(reverse("action_list"))


@dataclasses.dataclass
class BulkReport:
    """The outcomes as the result page groups them."""

    applied: list[Outcome]
    refused: list[Outcome]
    stale: list[Outcome]

    @classmethod
    def of(cls, outcomes: list[Outcome]) -> BulkReport:
        report = cls([], [], [])
        for outcome in outcomes:
            if outcome.verdict == Verdict.APPLIED:
                report.applied.append(outcome)
            elif outcome.verdict == Verdict.STALE:
                report.stale.append(outcome)
            elif outcome.verdict == Verdict.UNCHANGED:
                # Nothing to write is a refusal here: the person asked for a change.
                report.refused.append(
                    dataclasses.replace(outcome, verdict=Verdict.REFUSED, reason=_(NOTHING_CHANGED))
                )
            else:
                report.refused.append(outcome)
        return report

    def as_stored(self) -> dict[str, list[dict[str, Any]]]:
        """What the result page shows, as plain data the session can keep: the words in the
        language of the request that applied the changes."""
        return {
            group: [
                {
                    "action_id": outcome.proposal.action_id,
                    "exists": outcome.action is not None,
                    "title": outcome.title,
                    "changes": [str(change) for change in outcome.changes],
                    "adjusted": list(outcome.adjusted),
                    "reason": outcome.reason,
                }
                for outcome in getattr(self, group)
            ]
            for group in ("applied", "refused", "stale")
        }

    def summary(self) -> str:
        applied = len(self.applied)
        parts = [
            ngettext("%(count)s action updated", "%(count)s actions updated", applied)
            % {"count": applied}
        ]
        if self.refused:
            refused = len(self.refused)
            parts.append(
                npgettext("how many actions", "%(count)s refused", "%(count)s refused", refused)
                % {"count": refused}
            )
        if self.stale:
            stale = len(self.stale)
            parts.append(
                npgettext(
                    "how many actions",
                    "%(count)s changed by someone else meanwhile, not updated",
                    "%(count)s changed by someone else meanwhile, not updated",
                    stale,
                )
                % {"count": stale}
            )
        # "2 actions updated, 1 refused.": the same commas and full stop in French and Spanish.
        return ", ".join(parts) + "."


def _refused_form(request: HttpRequest, form: BulkUpdateForm, back: ListToReturnTo) -> HttpResponse:
    """The form again, as typed, with the actions that were ticked: 400."""
    selected, _not_understood = read_selection(request.POST.getlist("selected"))
    titles = dict(
        FollowUpAction.objects.filter(pk__in=[row.pk for row in selected]).values_list(
            "pk", "title"
        )
    )
    context = {
        "bulk_form": form,
        "selected": [(row, titles[row.pk]) for row in selected if row.pk in titles],
        "back": back,
        "bulk_back": back.url,
        "nav": back.nav,
    }
    return render(request, "actions/bulk_form.html", context, status=400)


@require_POST
def action_bulk_update(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
    if not offers_bulk_form(viewer):
        raise PermissionDenied(
            _("Only the secretariat and the focal points of an organisation can update actions.")
        )
    form = BulkUpdateForm(
        request.POST,
        organisation_ids=organisation_ids_by_acronym(),
        secretariat=viewer.can_manage_actions(),
    )
    back = back_to_list(request.POST.get("back"))
    if not form.is_valid():
        return _refused_form(request, form, back)
    user = cast("User", request.user)  # signed in: LoginRequiredMiddleware
    report = BulkReport.of(bulk.apply(viewer, user, form.proposals()))
    level = messages.SUCCESS if not (report.refused or report.stale) else messages.WARNING
    messages.add_message(request, level, report.summary())
    # The result is shown by a GET, so reloading it shows it again instead of sending the
    # changes a second time.
    request.session[RESULT_SESSION_KEY] = {"report": report.as_stored(), "back": back.url}
    return redirect("action_bulk_result")


@require_safe
def action_bulk_result(request: HttpRequest) -> HttpResponse:
    """The last bulk update's result, as it was when applied."""
    stored = request.session.get(RESULT_SESSION_KEY)
    if not stored:
        messages.info(request, _("There is no bulk update to show: tick actions on a list first."))
        return redirect("action_list")
    back = back_to_list(stored["back"])
    context = {"report": stored["report"], "back": back, "nav": back.nav}
    return render(request, "actions/bulk_result.html", context)
