"""The organisation page: who an agency or government is, and what it did.

A fixed number of queries however many involvements or actions it has. Actions
come through the reverse relations (`led_actions`, `partnered_actions`): this
app never imports from `actions`.
"""

from itertools import groupby

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .models import FocalPoint, Organisation


@require_safe
def agency_detail(request, acronym):
    organisation = get_object_or_404(
        Organisation.objects.prefetch_related(
            Prefetch("focal_points", queryset=FocalPoint.objects.select_related("user"))
        ),
        acronym=acronym,
    )
    involvements = organisation.involvements.select_related(
        "forum", "session__round_table"
    ).order_by("forum__number", "session__code", "role")
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
            "today": timezone.localdate(),
        },
    )
