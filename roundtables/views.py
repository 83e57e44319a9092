"""The forum, meeting, session and involvement-matrix pages (the forums index, which counts actions,
is actions/index_views.py).

Each page runs a fixed number of queries. Follow-up actions come through the
reverse relations (`forum.actions`, `session.actions`): this app never imports
from `actions`.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import selectors
from .models import Forum, Meeting, Session


@require_safe
def forum_detail(request, pk):
    try:
        forum = selectors.forum_for_detail(pk)
    except Forum.DoesNotExist:
        raise Http404("No forum with this number.") from None
    actions = list(forum.actions.for_list())
    progress = selectors.progress_by_round_table(actions)
    said = selectors.forum_statements(forum)
    round_tables = []
    for round_table in forum.round_tables.all():
        round_tables.append(
            {
                "round_table": round_table,
                "sessions": sorted(round_table.sessions.all(), key=selectors.session_sort_key),
                "progress": progress.get(round_table.pk),
                "said": said["round_tables"].get(round_table.pk),
            }
        )
    return render(
        request,
        "roundtables/forum_detail.html",
        {
            "forum": forum,
            "said": said,
            "steering_group": list(forum.steering_group.all()),
            "round_tables": round_tables,
            "forum_wide_progress": progress.get(None),
            "actions": actions,
            "today": timezone.localdate(),
            "nav": "forums",
        },
    )


@require_safe
def meeting_detail(request, pk):
    try:
        meeting = selectors.meeting_for_detail(pk)
    except Meeting.DoesNotExist:
        raise Http404("No meeting with this number.") from None
    return render(
        request,
        "roundtables/meeting_detail.html",
        {
            "meeting": meeting,
            "forum": meeting.forum,
            "held_here": list(meeting.actions_held_here.for_list()),
            "from_here": list(meeting.actions_from_here.for_list()),
            "today": timezone.localdate(),
            "nav": "forums",
        },
    )


@require_safe
def session_detail(request, pk):
    session = get_object_or_404(
        Session.objects.select_related("round_table__forum").prefetch_related("coordinators"),
        pk=pk,
    )
    involvements = list(
        session.involvements.select_related("organisation")
        .prefetch_related("requested_by", "citations__source")
        .order_by("organisation__acronym", "role")
    )
    return render(
        request,
        "roundtables/session_detail.html",
        {
            "session": session,
            "forum": session.round_table.forum,
            "coordinators": list(session.coordinators.all()),
            "involvements": involvements,
            "involvement_sources": selectors.sources_of(involvements),
            "actions": list(session.actions.for_list()),
            "today": timezone.localdate(),
            "nav": "forums",
        },
    )


@require_safe
def involvement_matrix(request):
    forums = selectors.forums_for_matrix()
    context = {"nav": "matrix", "forums": forums, "forum": None, "matrix": None, "error": ""}
    status = 200
    raw = request.GET.get("forum", "").strip()
    if raw:
        try:
            wanted = int(raw)
        except ValueError:
            wanted = None
        forum = next((f for f in forums if f.pk == wanted), None)
        if forum is None:
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            # Translators: "Show" is the button beside the list of forums.
            context["error"] = _(
                "There is no forum “%(forum)s”. Choose a forum from the list and press Show."
            ) % {"forum": shown}
            status = 400
    else:
        forum = selectors.default_matrix_forum(forums)
    if forum is not None:
        context["forum"] = forum
        context["matrix"] = selectors.build_matrix(forum)
    return render(request, "roundtables/involvement_matrix.html", context, status=status)
