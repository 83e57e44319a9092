"""The action lists as files: /actions/export.csv and /my/export.csv here, and the XLSX
files of the same lists (spreadsheets/views.py) through `export_list`.

Each export is its list: the same filters, the same scope, the same order.
"""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from .export import csv_lines
from .filters import FollowUpActionFilter
from .models import FollowUpAction
from .selectors import assignments_of


@require_safe
def action_export(request):
    """/actions/'s filters as CSV: every matching row, streamed rather than built in memory."""
    return export_list(request, mine=False, extension="csv", respond=_csv_response)


@require_safe
def my_export(request):
    """/my/ as CSV: the user's organisations' actions (everything for the secretariat)."""
    return export_list(request, mine=True, extension="csv", respond=_csv_response)


def export_list(request, *, mine, extension, respond):
    """The list a download exports, whatever its format: /my/'s actions (`mine`) or every
    action, with the request's filters and sort; a 400 with the reason for bad filters.

    `respond(queryset, sort, filename, site_url)` makes the file's response.
    """
    if mine:
        assignments = assignments_of(request.viewer)
        actions, organisation_ids = assignments.actions, assignments.organisation_ids
        file_stem = "gfmd-my-actions"
    else:
        actions, organisation_ids = FollowUpAction.objects.all(), None
        file_stem = "gfmd-actions"
    filterset = FollowUpActionFilter(
        request.GET or None, queryset=actions, organisation_ids=organisation_ids
    )
    if filterset.is_bound and not filterset.is_valid():
        problems = "; ".join(
            pgettext("a field and its errors", "%(field)s: %(errors)s")
            % {"field": field, "errors": " ".join(errors)}
            for field, errors in filterset.errors.items()
        )
        return HttpResponse(
            _("Cannot export: %(problems)s") % {"problems": problems} + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    site_url = f"{request.scheme}://{request.get_host()}"
    filename = f"{file_stem}-{timezone.localdate().isoformat()}.{extension}"
    return respond(filterset.qs, filterset.current_sort(), filename, site_url)


def _csv_response(queryset, sort, filename, site_url):
    response = StreamingHttpResponse(
        csv_lines(queryset, site_url, sort=sort), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
