"""An action titled <script>alert(1)</script> is shown as text on every page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import FollowUpAction
from actions.services import action_change_status
from tests.factories import FollowUpActionFactory, InvolvementFactory, SessionFactory

SCRIPT = "<script>alert(1)</script>"


@pytest.mark.django_db
def test_script_in_user_content_is_escaped_everywhere(client, secretariat_user, ilo):
    session = SessionFactory(title=SCRIPT)
    InvolvementFactory(session=session, organisation=ilo, detail=SCRIPT)
    action = FollowUpActionFactory(
        title=SCRIPT,
        description=SCRIPT,
        forum=session.round_table.forum,
        round_table=session.round_table,
        session=session,
        lead=ilo,
        source_reference=SCRIPT,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
        status=FollowUpAction.Status.PLANNED,
    )
    action_change_status(
        action=action,
        changed_by=secretariat_user,
        status=FollowUpAction.Status.PLANNED,
        note=SCRIPT,
    )
    client.force_login(secretariat_user)

    pages = [
        reverse("dashboard"),
        reverse("action_list"),
        reverse("action_list") + "?q=%3Cscript%3E",
        reverse("action_list") + "?due_after=%3Cscript%3Ealert(1)%3C/script%3E",
        reverse("my_assignments"),
        reverse("action_detail", args=[action.pk]),
        reverse("action_edit", args=[action.pk]),
        reverse("forum_detail", args=[action.forum.pk]),
        reverse("session_detail", args=[session.pk]),
        reverse("agency_detail", args=[ilo.acronym]),
        reverse("involvement_matrix") + f"?forum={action.forum.pk}",
    ]
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code in (200, 400), url
        assert SCRIPT not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
