"""The lists as XLSX, and a spreadsheet read back as changes: upload, preview, apply."""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actions.export_views import export_list

from . import services
from .forms import UploadForm
from .models import BATCH_LIFETIME_HOURS
from .reading import MAX_ROWS, MAX_UPLOAD_BYTES, MiB, UnreadableFile, grouped
from .uploads import upload_was_too_large
from .writing import xlsx_response


@require_safe
def action_export_xlsx(request):
    """/actions/'s filters as XLSX, to fill in and upload again."""
    return _export(request, mine=False)


@require_safe
def my_export_xlsx(request):
    """/my/ as XLSX: the user's organisations' actions with /my/'s filters."""
    return _export(request, mine=True)


def _export(request, *, mine):
    respond = partial(xlsx_response, due_date_editable=request.viewer.can_manage_actions())
    return export_list(request, mine=mine, extension="xlsx", respond=respond)


@require_http_methods(["GET", "HEAD", "POST"])
def spreadsheet_import(request):
    """The upload page; an upload is kept as a batch and shown as its preview."""
    if request.method != "POST":
        return _import_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES, too_large=upload_was_too_large(request))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_upload(
                user=request.user, file_name=upload.name, data=upload.read()
            )
        except UnreadableFile as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("spreadsheet_import_preview", services.batch_reference(batch))
    return _import_page(request, form, status=400)


def _import_page(request, form, status=200):
    context = {
        "form": form,
        "max_rows": grouped(MAX_ROWS),
        "max_megabytes": grouped(MAX_UPLOAD_BYTES // MiB),
        "lifetime_hours": BATCH_LIFETIME_HOURS,
    }
    return render(request, "spreadsheets/import_form.html", context, status=status)


@require_safe
def spreadsheet_import_preview(request, reference):
    """What the file would change (recomputed at each opening), or, once it was applied,
    what applying did."""
    batch, gone = _batch_or_gone(request, reference)
    if gone:
        return gone
    context = {"batch": batch, "reference": reference}
    if batch.applied_at is not None:
        results = services.applied_results(batch)
        template = "spreadsheets/import_summary.html"
    else:
        results = services.import_preview(request.viewer, batch)
        template = "spreadsheets/import_preview.html"
    if results is not None:
        context.update(
            results=results,
            shown=services.worth_showing(results),
            counts=services.tally(results),
        )
    return render(request, template, context)


@require_POST
def spreadsheet_import_apply(request, reference):
    batch, gone = _batch_or_gone(request, reference)
    if gone:
        return gone
    if services.import_apply(request.viewer, request.user, batch):
        messages.success(request, _("The changes are applied: here is what was done, row by row."))
    else:
        messages.info(request, _("This file was already applied; nothing was applied again."))
    return redirect("spreadsheet_import_preview", reference)


def _batch_or_gone(request, reference):
    """(the batch, None), or (None, the page saying it is gone: 410 expired, 404 unknown)."""
    try:
        return services.batch_for(reference, request.user), None
    except services.BatchExpired:
        expired, status = True, 410
    except services.BatchNotFound:
        expired, status = False, 404
    context = {
        "expired": expired,
        "import_url": reverse("spreadsheet_import"),
        "lifetime_hours": BATCH_LIFETIME_HOURS,
    }
    return None, render(request, "spreadsheets/import_gone.html", context, status=status)
