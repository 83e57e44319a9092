"""Saved views on other apps' pages: the dashboard's "Shared views", and beside each list
"Your views" and the form that saves it. Tags, so the actions app need not know of them."""

from django import template

from savedviews.forms import SaveViewForm
from savedviews.models import SavedView

register = template.Library()

# Enough for a panel; every view is on /views/.
SHARED_ON_DASHBOARD = 20
BESIDE_A_LIST = 30


@register.inclusion_tag("savedviews/_shared_views.html")
def shared_views():
    """Every shared view, with its owner's name, in one query."""
    return {"views": list(SavedView.objects.shared_with_everyone()[:SHARED_ON_DASHBOARD])}


@register.inclusion_tag("savedviews/_your_views.html", takes_context=True)
def your_views(context):
    """The user's own views, then the others' shared ones, in one query; the view the page
    shows is marked as the current one."""
    request = context["request"]
    return {
        "views": list(SavedView.objects.visible_to(request.user)[:BESIDE_A_LIST]),
        "current_url": request.get_full_path(),
        "user": request.user,
    }


@register.inclusion_tag("savedviews/_save_form.html", takes_context=True)
def save_view_form(context):
    """The form that saves this list as a view, once the list is filtered or sorted and its
    filters are valid (the server checks them again when saving)."""
    request, filterset = context["request"], context["filter"]
    list_name = request.resolver_match.url_name
    valid = filterset.is_bound and filterset.is_valid()
    shown = (
        valid
        and list_name in SavedView.List.values
        and (context.get("is_filtered") or bool(filterset.form.cleaned_data.get("sort")))
    )
    form = SaveViewForm(initial={"list_name": list_name, "query": request.GET.urlencode()})
    return {"form": form if shown else None}
