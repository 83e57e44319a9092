"""The action lists as CSV files: /actions/export.csv and /my/export.csv.

Each export is its list: the same filters, the same scope, the same order.
"""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from .export import csv_lines
from .filters import FollowUpActionFilter
from .models import FollowUpAction
from .selectors import assignments_of


@require_safe
def action_export(request):
    """/actions/'s filters as CSV: every matching row, streamed rather than built in memory."""
    return _export(request, FollowUpAction.objects.all(), "gfmd-actions")


@require_safe
def my_export(request):
    """/my/ as CSV: the user's organisations' actions (everything for the secretariat)."""
    assignments = assignments_of(request.viewer)
    return _export(
        request,
        assignments.actions,
        "gfmd-my-actions",
        organisation_ids=assignments.organisation_ids,
    )


def _export(request, actions, file_stem, organisation_ids=None):
    filterset = FollowUpActionFilter(
        request.GET or None, queryset=actions, organisation_ids=organisation_ids
    )
    if filterset.is_bound and not filterset.is_valid():
        problems = "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items()
        )
        return HttpResponse(
            f"Cannot export: {problems}\n", status=400, content_type="text/plain; charset=utf-8"
        )
    site_url = f"{request.scheme}://{request.get_host()}"
    response = StreamingHttpResponse(
        csv_lines(filterset.qs, site_url, sort=filterset.current_sort()),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"{file_stem}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
