"""The organisations index and the organisation page: who an agency or government is,
and what it did.

A fixed number of queries however many organisations, involvements or actions there are.
Actions come through the reverse relations (`led_actions`, `partnered_actions`): this app
never imports from `actions`.
"""

from itertools import groupby

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .models import FocalPoint, Organisation

# The index's headings, one per kind, in this order; a kind missing here shows its label.
KIND_HEADINGS = {
    Organisation.Kind.UN_AGENCY: _("UN agencies"),
    Organisation.Kind.INTERNATIONAL: _("Other international organisations"),
    Organisation.Kind.GOVERNMENT: _("Governments"),
    Organisation.Kind.CIVIL_SOCIETY: _("Civil society"),
    Organisation.Kind.OTHER: _("Other organisations"),
}


@require_safe
def agency_list(request):
    """Every organisation, grouped by kind, with how many actions it leads and partners in."""
    # Two counts in two queries: both in one would join each organisation's led actions to
    # its partnered ones, a product of the two for a busy organisation.
    organisations = Organisation.objects.annotate(led_count=Count("led_actions")).order_by("name")
    partnered = dict(
        Organisation.objects.values_list("pk")
        .annotate(n=Count("partnered_actions"))
        .filter(n__gt=0)
        .order_by()
    )
    headings = {**dict(Organisation.Kind.choices), **KIND_HEADINGS}
    by_kind = {kind: [] for kind in headings}
    for organisation in organisations:
        organisation.partnered_count = partnered.get(organisation.pk, 0)
        by_kind.setdefault(organisation.kind, []).append(organisation)
    groups = [
        {"heading": headings.get(kind, kind), "organisations": members}
        for kind, members in by_kind.items()
        if members
    ]
    context = {"nav": "agencies", "groups": groups, "total": sum(map(len, by_kind.values()))}
    return render(request, "agencies/agency_list.html", context)


@require_safe
def agency_detail(request, acronym):
    organisation = get_object_or_404(
        Organisation.objects.prefetch_related(
            Prefetch("focal_points", queryset=FocalPoint.objects.select_related("user"))
        ),
        acronym=acronym,
    )
    involvements = (
        organisation.involvements.select_related("forum", "session__round_table")
        .prefetch_related("requested_by")
        .order_by("forum__number", "session__code", "role")
    )
    involvements_by_forum = [
        {"forum": forum, "involvements": list(items)}
        for forum, items in groupby(involvements, key=lambda involvement: involvement.forum)
    ]
    coordinated_sessions = organisation.coordinated_sessions.select_related(
        "round_table__forum"
    ).order_by("round_table__forum__number", "code")
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "organisation": organisation,
            "focal_points": list(organisation.focal_points.all()),
            "involvements_by_forum": involvements_by_forum,
            "led_actions": list(organisation.led_actions.for_list()),
            "partnered_actions": list(organisation.partnered_actions.for_list()),
            "coordinated_sessions": list(coordinated_sessions),
            "hosted_forums": list(organisation.hosted_forums.order_by("number")),
            "is_government": organisation.kind == Organisation.Kind.GOVERNMENT,
            # Staff may open each focal point's digest preview from here.
            "is_secretariat": request.viewer.is_secretariat,
            "today": timezone.localdate(),
            "nav": "agencies",
        },
    )
