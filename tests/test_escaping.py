"""An action titled <script>alert(1)</script> is shown as text on every page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import FollowUpAction
from actions.services import action_change_status
from tests.factories import (
    FollowUpActionFactory,
    InvolvementFactory,
    OrganisationFactory,
    SessionFactory,
)

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


@pytest.mark.django_db
def test_every_cell_of_the_action_table_is_escaped(client, secretariat_user):
    """The table's rows are built in Python (actions.templatetags.action_tables), not by
    the template engine: each text it takes from the database must still be escaped."""
    session = SessionFactory(code='<b>"3.1', round_table__forum__short_name="<i>F&Co")
    action = FollowUpActionFactory(
        title='<img src=x onerror="alert(1)">',
        forum=session.round_table.forum,
        round_table=session.round_table,
        session=session,
        lead=OrganisationFactory(acronym="<u>LEAD"),
        partners=[OrganisationFactory(acronym="P&'Q")],
    )
    client.force_login(secretariat_user)

    html = client.get(reverse("action_list")).content.decode()
    row = html[html.index("<tbody>") : html.index("</tbody>")]

    expected = [
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;",
        f'href="{reverse("action_detail", args=[action.pk])}"',
        f'href="{reverse("agency_detail", args=["<u>LEAD"])}">&lt;u&gt;LEAD</a>',
        "P&amp;&#x27;Q",
        "&lt;i&gt;F&amp;Co · &lt;b&gt;&quot;3.1",
    ]
    for text in expected:
        assert text in row
    for raw in ("<img", "<u>", "<i>", "<b>", "P&'Q"):
        assert raw not in row


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"lead": '<i>"O'}])
def test_every_option_of_the_filter_form_is_escaped(client, secretariat_user, params):
    """The organisation and session options are built with format_html
    (actions.widgets.ManyOptionsSelect), the status boxes in templates/actions/_filters.html."""
    OrganisationFactory(acronym='<i>"O')
    SessionFactory(code="<b>9.9", title="<u>T")
    client.force_login(secretariat_user)

    html = client.get(reverse("action_list"), params).content.decode()
    start = html.index('<form method="get" class="filters"')
    form = html[start : html.index("</form>", start)]

    organisation_selects = 4 if params else 1  # lead, partner, agency only from an old link
    assert form.count('<option value="&lt;i&gt;&quot;O">&lt;i&gt;&quot;O</option>') == (
        organisation_selects - (1 if params else 0)
    )
    if params:
        assert '<option value="&lt;i&gt;&quot;O" selected>&lt;i&gt;&quot;O</option>' in form
    assert "&lt;b&gt;9.9" in form
    for raw in ("<i>", "<b>", "<u>"):
        assert raw not in form
