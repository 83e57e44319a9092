"""The forums index (/forums/): each forum with its round tables, sessions and follow-up.

It lives here, not in roundtables/views.py beside the forum page, because its action counts
and average progress come from ActionTally through the dashboard's own _progress_tables
(one rule for what the average leaves out), and roundtables may not import actions.
"""

from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_safe

from roundtables.models import Forum

from .models import ActionTally
from .views import _progress_tables


@require_safe
def forum_list(request):
    tally = list(ActionTally.objects.groups())
    _, progress, _ = _progress_tables(tally)
    progress_of = {forum.pk: forum for forum in progress}
    # Every action, cancelled ones too: the average leaves them out, the count does not.
    action_totals = {}
    for row in tally:
        action_totals[row["forum_id"]] = action_totals.get(row["forum_id"], 0) + row["actions"]
    forums = list(
        Forum.objects.select_related("host_government")
        .annotate(
            round_table_count=Count("round_tables", distinct=True),
            session_count=Count("round_tables__sessions", distinct=True),
        )
        .order_by("number")
    )
    for forum in forums:
        forum.action_total = action_totals.get(forum.pk, 0)
        # None: no action to average (a forum added since _progress_tables read them, too).
        counted = progress_of.get(forum.pk)
        forum.average_progress = counted.average_progress if counted else None
        forum.unreported_progress = counted.progress["unreported"] if counted else 0
    return render(request, "roundtables/forum_list.html", {"nav": "forums", "forums": forums})
