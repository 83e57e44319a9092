"""Saving a list as a view, and the owner's page to rename, share or delete views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import services
from .forms import SENT_QUERY_MAX_LENGTH, SavedViewForm, SaveViewForm
from .models import SavedView


def get_own_saved_view(user, pk) -> SavedView:
    """The view, if this user owns it; 404 otherwise, so others' views are not even named."""
    return get_object_or_404(SavedView, pk=pk, owner=user)


def _add_errors(form, error: ValidationError):
    for field, field_errors in error.message_dict.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


@require_safe
def saved_view_list(request):
    views = list(SavedView.objects.visible_to(request.user))
    context = {
        "own_views": [view for view in views if view.owner_id == request.user.pk],
        "others_views": [view for view in views if view.owner_id != request.user.pk],
    }
    return render(request, "savedviews/saved_view_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def saved_view_create(request):
    if request.method != "POST":
        # Where a refused save leaves the address bar; the forms are on the lists.
        return redirect("saved_view_list")
    form = SaveViewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            view = services.saved_view_create(owner=request.user, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved view “%(name)s”.") % {"name": view.name})
            return redirect(view.get_absolute_url())
    context = {"form": form, "back_url": _list_url(request.POST)}
    return render(request, "savedviews/save_refused.html", context, status=400)


def _list_url(data):
    """The list a refused save came from, with the filters it was sent (the list marks what
    it cannot use); only a known list, and the query re-encoded, so only a query follows."""
    list_name = data.get("list_name")
    if list_name not in SavedView.List.values:
        list_name = SavedView.List.ACTIONS
    sent = data.get("query", "")
    query = QueryDict(sent).urlencode() if len(sent) <= SENT_QUERY_MAX_LENGTH else ""
    return f"{reverse(list_name)}?{query}" if query else reverse(list_name)


@require_http_methods(["GET", "HEAD", "POST"])
def saved_view_edit(request, pk):
    view = get_own_saved_view(request.user, pk)
    form = SavedViewForm(
        request.POST if request.method == "POST" else None,
        initial={"name": view.name, "shared": view.shared},
    )
    if request.method == "POST" and form.is_valid():
        old_name = view.name
        try:
            changed = services.saved_view_update(saved_view=view, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if changed:
                messages.success(request, _changes_said(old_name, view, changed))
            else:
                messages.info(
                    request, _("Nothing changed: “%(name)s” is as it was.") % {"name": view.name}
                )
            return redirect("saved_view_list")
    status = 400 if form.errors else 200
    return render(
        request, "savedviews/saved_view_edit.html", {"form": form, "view": view}, status=status
    )


def _changes_said(old_name, view, changed):
    said = []
    if "name" in changed:
        said.append(_("Renamed “%(old)s” to “%(new)s”.") % {"old": old_name, "new": view.name})
    if "sharing" in changed:
        if view.shared:
            said.append(_("“%(name)s” is now shared with everyone.") % {"name": view.name})
        else:
            said.append(_("“%(name)s” is now private: only you see it.") % {"name": view.name})
    return " ".join(said)


@require_http_methods(["GET", "HEAD", "POST"])
def saved_view_delete(request, pk):
    view = get_own_saved_view(request.user, pk)
    if request.method != "POST":
        # Asks first: a link checker or a prefetch must not delete anything.
        return render(request, "savedviews/saved_view_delete.html", {"view": view})
    services.saved_view_delete(saved_view=view)
    messages.success(request, _("Deleted saved view “%(name)s”.") % {"name": view.name})
    return redirect("saved_view_list")
