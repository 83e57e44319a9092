from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_safe

from roundtables.models import Forum, RoundTable
from roundtables.selectors import summarise_progress

from . import bulk_views, permissions, services
from .audit import audit_entries, changes_since
from .filters import DEFAULT_SORT, SORT_FIELDS, FollowUpActionFilter
from .forms import (
    EditActionForm,
    NewActionForm,
    StatusReportForm,
    merged_edit_form,
    status_report_outcomes,
)
from .models import (
    ActionTally,
    FollowUpAction,
    StatusChange,
    prefetch_partners,
)
from .navigation import list_to_return_to, remember_list
from .selectors import assignments_of, list_page
from .services import ActionChangedSinceRead
from .wording import progress_in_words

PAGE_SIZE = 25
DASHBOARD_LIST_SIZE = 10
DUE_SOON_DAYS = 30
STALE_DAYS = 60


def _progress_tables(totals):
    """Status counts and average progress per forum and per round table, from one pass.

    `totals`: ActionTally.objects.groups(), one row per (forum, round table, status) with
    its count, how many have a progress reported and their sum; cancelled actions count by
    status but not towards progress. Each forum and round table gets `progress`
    (roundtables.selectors.summarise_progress), `action_count` and `average_progress`.
    """
    status_counts, forum_sums, round_table_sums = {}, {}, {}
    for row in totals:
        status_counts[row["status"]] = status_counts.get(row["status"], 0) + row["actions"]
        if row["status"] == FollowUpAction.Status.CANCELLED:
            continue
        for sums, key in ((forum_sums, row["forum_id"]), (round_table_sums, row["round_table_id"])):
            count, reported, progress = sums.get(key, (0, 0, 0))
            sums[key] = (
                count + row["actions"],
                reported + row["reported"],
                progress + row["progress_sum"],
            )

    def annotate(objects, sums):
        for obj in objects:
            obj.progress = summarise_progress(*sums.get(obj.pk, (0, 0, 0)))
            obj.action_count = obj.progress["count"]
            obj.average_progress = obj.progress["average"]
        return objects

    forums = annotate(list(Forum.objects.all()), forum_sums)
    forum_of = {forum.pk: forum for forum in forums}
    round_tables = annotate(list(RoundTable.objects.all()), round_table_sums)
    for round_table in round_tables:
        round_table.forum = forum_of[round_table.forum_id]  # read above, not joined again
    return status_counts, forums, round_tables


@require_safe
def dashboard(request):
    today = timezone.localdate()
    actions = FollowUpAction.objects.for_list_without_partners()
    overdue = list(actions.overdue(today).order_by("due_date", "pk")[:DASHBOARD_LIST_SIZE])
    due_soon = list(
        actions.due_within(DUE_SOON_DAYS, today).order_by("due_date", "pk")[:DASHBOARD_LIST_SIZE]
    )
    # Never reported in the portal first (as the record gives them), then the oldest report.
    stale = list(
        actions.stale(STALE_DAYS).order_by(F("last_reported_at").asc(nulls_first=True), "pk")[
            :DASHBOARD_LIST_SIZE
        ]
    )
    prefetch_partners(overdue, due_soon, stale)
    counts, forum_progress, round_table_progress = _progress_tables(ActionTally.objects.groups())
    context = {
        "nav": "dashboard",
        "today": today,
        "status_counts": [
            (value, label, counts.get(value, 0)) for value, label in FollowUpAction.Status.choices
        ],
        "total": sum(counts.values()),
        "overdue": overdue,
        "due_soon": due_soon,
        "stale": stale,
        "due_soon_days": DUE_SOON_DAYS,
        "stale_days": STALE_DAYS,
        "latest_changes": StatusChange.objects.news()
        .select_related("action", "changed_by")
        .order_by("-changed_at", "-id")[:DASHBOARD_LIST_SIZE],
        "forum_progress": forum_progress,
        "round_table_progress": round_table_progress,
    }
    return render(request, "actions/dashboard.html", context)


def _sort_columns(request, current_sort):
    """Column headers for the action table; each links to the list sorted by it."""
    columns = []
    for key, (label, _field) in SORT_FIELDS.items():
        if current_sort == key:
            aria_sort, next_sort = "ascending", f"-{key}"
        elif current_sort == f"-{key}":
            aria_sort, next_sort = "descending", key
        else:
            aria_sort, next_sort = None, key
        params = request.GET.copy()
        params["sort"] = next_sort
        params.pop("page", None)
        columns.append({"label": label, "url": f"?{params.urlencode()}", "aria_sort": aria_sort})
        if key == "lead":
            columns += [
                {"label": _("Partners")},
                {"label": pgettext("where an action comes from: its forum or session", "From")},
            ]
    return columns


def _action_list_page(
    request,
    base_queryset,
    template,
    extra_context,
    scope=None,
    organisation_ids=None,
    export_view="action_export",
):
    """The filtered, sorted, paginated list shared by /actions/ and /my/.

    `scope`: the ActionsOfOrganisations `base_queryset` is limited to (a focal point's);
    `organisation_ids`: {acronym: id} of every organisation, if read already.
    """
    # Whose organisations the bulk form's rights depend on: /my/ knows them (its scope); on
    # /actions/ the filters' one query of every organisation also says which they serve.
    served_ids = scope.organisation_ids if scope is not None else None
    if organisation_ids is None and not request.viewer.is_secretariat:
        organisation_ids, served_ids = bulk_views.organisations_served_by(request.viewer)
    filterset = FollowUpActionFilter(
        request.GET or None, queryset=base_queryset, organisation_ids=organisation_ids
    )
    valid = not filterset.is_bound or filterset.is_valid()
    page = list_page(filterset, scope, request.GET.get("page"), PAGE_SIZE) if valid else None
    current_sort = request.GET.get("sort") if valid and request.GET.get("sort") else DEFAULT_SORT
    export_params = request.GET.copy()
    export_params.pop("page", None)
    context = {
        "filter": filterset,
        "page_obj": page,
        "actions": page.object_list if page else [],
        "result_count": page.paginator.count if page else 0,
        "sort_columns": _sort_columns(request, current_sort),
        "today": timezone.localdate(),
        # The export of this very list: the same scope (export_view) and filters.
        "export_url": f"{reverse(export_view)}?{export_params.urlencode()}",
        # A page number or a sort order leaves no action out: not "filtered".
        "is_filtered": not valid or bool(filterset.narrowing_filters()),
        "can_create": request.viewer.can_manage_actions(),
        # The row checkboxes and the bulk form, the XLSX download and the import.
        **bulk_views.list_context(
            request, filterset.organisation_ids, served_ids, export_view, export_params.urlencode()
        ),
        **extra_context,
    }
    return remember_list(request, render(request, template, context, status=200 if valid else 400))


@require_safe
def action_list(request):
    return _action_list_page(
        request, FollowUpAction.objects.all(), "actions/action_list.html", {"nav": "actions"}
    )


@require_safe
def my_assignments(request):
    """A focal point's actions (lead or partner); secretariat staff see everything."""
    assignments = assignments_of(request.viewer)
    context = {
        "nav": "my",
        "organisations": list(assignments.mine),
        "is_secretariat": assignments.scope is None,
    }
    return _action_list_page(
        request,
        assignments.actions,
        "actions/my_assignments.html",
        context,
        scope=assignments.scope,
        organisation_ids=assignments.organisation_ids,
        export_view="my_export",
    )


def _render_detail(request, action, status_form=None, status=200, **extra_context):
    viewer = request.viewer
    can_report = viewer.can_report_on(action)
    if can_report and status_form is None:
        status_form = StatusReportForm.for_action(action)
    can_edit = viewer.can_manage_actions()
    back_to_list = list_to_return_to(request)
    today = timezone.localdate()
    context = {
        # Who changed which field, for the secretariat only.
        "audit_entries": audit_entries(action) if can_edit else None,
        "action": action,
        "history": action.history.select_related("changed_by"),
        "today": today,
        "is_overdue": action.is_overdue(today),  # the one rule (FollowUpAction.is_overdue)
        "can_report": can_report,
        "can_edit": can_edit,
        "status_form": status_form if can_report else None,
        # What static/js/status-hints.js says before saving: the service's own rules.
        "status_outcomes": status_report_outcomes(action) if can_report else None,
        # The list it was opened from, with its filters, sort and page.
        "back_to_list": back_to_list,
        "nav": back_to_list.nav,
        **extra_context,
    }
    return render(request, "actions/action_detail.html", context, status=status)


@require_safe
def action_detail(request, pk):
    return _render_detail(request, permissions.get_action_for_reading(pk))


def _conflict_context(conflict, read_version):
    """What the refused form shows: who changed the action since it was read, and what."""
    return {
        "conflict": conflict,
        "changes_meanwhile": changes_since(conflict.action, read_version),
    }


def _saved_message(request, text, adjusted):
    messages.success(request, " ".join([text, *adjusted]))


@require_http_methods(["GET", "HEAD", "POST"])
def action_status(request, pk):
    if request.method != "POST":
        # Where a refused report leaves the address bar: the action's page has the form.
        return redirect("action_detail", pk=pk)
    action = permissions.get_action_for_report(request.viewer, pk)
    form = StatusReportForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, action, form, status=400)
    read_version = form.cleaned_data["version"]
    try:
        change = services.action_change_status(
            action=action,
            changed_by=request.user,
            status=form.cleaned_data["status"],
            progress=form.cleaned_data["progress"],
            note=form.cleaned_data["note"],
            expected_version=read_version,
        )
    except ActionChangedSinceRead as conflict:
        current = permissions.get_action_for_reading(pk)
        # Everything typed stays; only the version moves on, so one click sends it again.
        data = request.POST.copy()
        data["version"] = current.version
        return _render_detail(
            request,
            current,
            StatusReportForm(data),
            status=409,
            **_conflict_context(conflict, read_version),
        )
    except ValidationError as error:
        for field, field_errors in error.message_dict.items():
            for message in field_errors:
                form.add_error(field if field in form.fields else None, message)
        return _render_detail(request, action, form, status=400)
    if change.is_confirmation:
        text = _("Confirmed: the action is unchanged, and your note is recorded.")
    else:
        text = _("Saved: the action is now %(status)s, progress %(progress)s.") % {
            "status": change.get_new_status_display().lower(),
            "progress": progress_in_words(change.progress),
        }
    _saved_message(request, text, change.adjusted)
    return redirect("action_detail", pk=action.pk)


def _render_form(request, form, action=None, status=200, **extra_context):
    back_to_list = list_to_return_to(request)
    context = {
        "form": form,
        "action": action,
        "back_to_list": back_to_list,
        "nav": back_to_list.nav,
        **extra_context,
    }
    return render(request, "actions/action_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def action_create(request):
    permissions.require_secretariat(
        request.viewer, pgettext("what only secretariat staff can do", "create actions")
    )
    form = NewActionForm(request.POST or None)
    if request.method != "POST":
        return _render_form(request, form)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            action = services.action_create(created_by=request.user, **data)
        except services.ActionAlreadyCreated as twice:
            messages.info(
                request, _("This form was already sent: the action below is the one it made.")
            )
            return redirect("action_detail", pk=twice.action.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _saved_message(
                request, _("Action “%(title)s” created.") % {"title": action.title}, action.adjusted
            )
            return redirect("action_detail", pk=action.pk)
    return _render_form(request, form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def action_edit(request, pk):
    action = permissions.get_action_for_edit(request.viewer, pk)
    form = EditActionForm(
        request.POST or None, instance=action, initial={"version": action.version}
    )
    if request.method != "POST":
        return _render_form(request, form, action)
    if form.is_valid():
        data = dict(form.cleaned_data)
        read_version = data.pop("version")
        try:
            updated, changed = services.action_update(
                action=action,
                updated_by=request.user,
                expected_version=read_version,
                **data,
            )
        except ActionChangedSinceRead as conflict:
            return _render_form(
                request,
                merged_edit_form(conflict.action, read_version, form.cleaned_data),
                conflict.action,
                status=409,
                **_conflict_context(conflict, read_version),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                fields = ", ".join(changed)
                messages.success(
                    request, _("Changes saved. Changed: %(fields)s.") % {"fields": fields}
                )
            else:
                messages.info(request, _("Nothing to save: no field was changed."))
            return redirect("action_detail", pk=updated.pk)
    return _render_form(request, form, action, status=400)
