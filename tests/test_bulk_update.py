"""POST /actions/bulk/: the rows ticked on /actions/ or /my/ and one form, applied action by
action by actions/bulk.py; the result page lists what changed, what was refused and why."""

import datetime
import re

import pytest
from django.urls import reverse

from actions.models import FollowUpAction, StatusChange
from actions.services import NOTHING_CHANGED, action_change_status
from tests.factories import (
    FollowUpActionFactory,
    ForumFactory,
    SessionFactory,
)

Status = FollowUpAction.Status
pytestmark = pytest.mark.django_db
BULK_URL = "/actions/bulk/"


@pytest.fixture
def ilo_actions(ilo):
    return [
        FollowUpActionFactory(title=title, lead=ilo, status=Status.PLANNED, progress=10)
        for title in ("Handbook on labour migration", "Compendium of good practices")
    ]


@pytest.fixture
def iom_action(iom):
    return FollowUpActionFactory(title="RCP consultation", lead=iom, status=Status.PLANNED)


def ticked(*actions):
    """The checkbox values of these rows, as the list showed them."""
    return [f"{action.pk}:{action.version}" for action in actions]


def post(client, user, actions, **fields):
    client.force_login(user)
    data = {"selected": ticked(*actions), "back": "/actions/", **fields}
    # A valid form redirects to the result page; a refused one answers 400 at once.
    return client.post(BULK_URL, data, follow=True)


def snapshot(action):
    action.refresh_from_db()
    return {
        "status": action.status,
        "progress": action.progress,
        "due_date": action.due_date,
        "lead": action.lead_id,
        "version": action.version,
        "history": action.history.count(),
        "audit": action.audit_trail.count(),
    }


def section(html, heading):
    """The text of the result page's section under `heading` ("Updated", "Refused", ...)."""
    found = re.search(rf"<h2[^>]*>{heading} \(\d+\)</h2>(.*?)</section>", html, re.S)
    return found[1] if found else ""


def test_a_focal_point_updates_two_of_their_actions(client, ilo_focal_point, ilo_actions):
    before = [snapshot(action) for action in ilo_actions]

    response = post(
        client, ilo_focal_point, ilo_actions, status="in_progress", progress="30", note="Drafting."
    )

    assert response.status_code == 200
    for action, old in zip(ilo_actions, before, strict=True):
        new = snapshot(action)
        assert (new["status"], new["progress"]) == (Status.IN_PROGRESS, 30)
        assert new["version"] == old["version"] + 1
        assert new["history"] == old["history"] + 1
        change = action.history.first()
        assert (change.changed_by, change.note) == (ilo_focal_point, "Drafting.")
    html = response.content.decode()
    updated = section(html, "Updated")
    assert "Handbook on labour migration" in updated
    assert "Status: Planned → In progress" in updated
    assert "Progress: 10% → 30%" in updated
    assert "Note: “Drafting.”" in updated
    assert "Started on set to today" in updated  # what the status rules adjusted
    assert "2 actions updated." in html
    assert "Refused (" not in html


def test_another_agencys_action_in_the_selection_is_refused_and_the_others_applied(
    client, ilo_focal_point, ilo_actions, iom_action
):
    before = snapshot(iom_action)

    response = post(client, ilo_focal_point, [*ilo_actions, iom_action], progress="40")

    assert response.status_code == 200
    assert snapshot(iom_action) == before
    assert [snapshot(action)["progress"] for action in ilo_actions] == [40, 40]
    html = response.content.decode()
    refused = section(html, "Refused")
    assert "RCP consultation" in refused
    assert "Not your organisation&#x27;s action" in refused
    assert "RCP consultation" not in section(html, "Updated")
    assert "2 actions updated, 1 refused." in html


def test_a_row_saved_by_someone_else_since_the_list_is_stale_with_who(
    client, ilo_focal_point, secretariat_user, ilo_actions
):
    secretariat_user.first_name, secretariat_user.last_name = "Ana", "Secretariat"
    secretariat_user.save()
    first, second = ilo_actions
    selected = ticked(first, second)  # as the list showed them
    action_change_status(
        action=second, changed_by=secretariat_user, status=Status.ON_HOLD, note="Paused."
    )
    client.force_login(ilo_focal_point)

    response = client.post(
        BULK_URL, {"selected": selected, "progress": "50", "back": "/my/"}, follow=True
    )

    assert snapshot(first)["progress"] == 50
    assert (snapshot(second)["status"], snapshot(second)["progress"]) == (Status.ON_HOLD, 10)
    html = response.content.decode()
    stale = section(html, "Changed by someone else meanwhile")
    assert "Compendium of good practices" in stale
    assert "Changed by Ana Secretariat since you read it" in stale
    assert "1 action updated, 1 changed by someone else meanwhile, not updated." in html


def test_a_note_alone_confirms_every_selected_action_once(client, ilo_focal_point, ilo_actions):
    before = [snapshot(action) for action in ilo_actions]
    changed_at = [action.status_changed_at for action in ilo_actions]

    response = post(client, ilo_focal_point, ilo_actions, note="Still on track.")

    assert response.status_code == 200
    for action, old, status_changed_at in zip(ilo_actions, before, changed_at, strict=True):
        new = snapshot(action)
        assert (new["status"], new["progress"]) == (old["status"], old["progress"])
        assert new["history"] == old["history"] + 1
        [confirmation] = StatusChange.objects.filter(action=action, note="Still on track.")
        assert confirmation.is_confirmation
        assert action.status_changed_at == status_changed_at  # confirmed, not changed
        assert action.last_reported_at > status_changed_at
    assert "2 actions updated." in response.content.decode()


def test_a_selection_that_would_change_nothing_is_refused_with_the_reason(
    client, ilo_focal_point, ilo_actions
):
    before = [snapshot(action) for action in ilo_actions]

    response = post(client, ilo_focal_point, ilo_actions, status="planned", progress="10")

    assert [snapshot(action) for action in ilo_actions] == before
    html = response.content.decode()
    assert section(html, "Refused").count(NOTHING_CHANGED) == 2
    assert "0 actions updated, 2 refused." in html


def test_secretariat_staff_set_the_due_date_and_the_lead(
    client, secretariat_user, ilo_actions, iom
):
    before = [snapshot(action) for action in ilo_actions]
    response = post(client, secretariat_user, ilo_actions, due_date="2027-03-05", lead=str(iom.pk))

    for action, old in zip(ilo_actions, before, strict=True):
        new = snapshot(action)
        assert (new["due_date"], new["lead"]) == (datetime.date(2027, 3, 5), iom.pk)
        # An edit, one audit entry and one version; not a status report.
        assert (new["history"], new["audit"]) == (old["history"], old["audit"] + 1)
        assert new["version"] == old["version"] + 1
    updated = section(response.content.decode(), "Updated")
    assert "Due date: none → 5 March 2027" in updated
    assert "Lead: ILO → IOM" in updated


def test_secretariat_staff_clear_the_due_date_and_the_lead(client, secretariat_user, ilo):
    action = FollowUpActionFactory(lead=ilo, due_date=datetime.date(2027, 1, 1))

    post(client, secretariat_user, [action], clear_due_date="on", lead="none")

    assert (snapshot(action)["due_date"], snapshot(action)["lead"]) == (None, None)


@pytest.mark.parametrize("field", ["due date", "lead"])
def test_a_focal_point_cannot_change_the_due_date_or_the_lead(
    client, ilo_focal_point, ilo_actions, iom, field
):
    """The form does not show them to focal points; a POST that sends them anyway is refused."""
    fields = {"due_date": "2027-03-05"} if field == "due date" else {"lead": str(iom.pk)}
    reason = f"Only secretariat staff can change the {field}."
    before = [snapshot(action) for action in ilo_actions]

    response = post(client, ilo_focal_point, ilo_actions, note="Moving it.", **fields)

    assert [snapshot(action) for action in ilo_actions] == before
    assert section(response.content.decode(), "Refused").count(reason) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"progress": "150"}, "Ensure this value is less than or equal to 100."),
        ({"selected": [], "note": "Typed note"}, "No action is selected"),
        ({"selected": ["12:abc"], "note": "Typed note"}, "The selection was not understood"),
        ({"due_date": "2027-13-40"}, "Enter a valid date."),
        ({"due_date": "2027-03-05", "clear_due_date": "on"}, "Choose a new due date or clear it"),
        ({"status": "finished"}, "Select a valid choice."),
        ({}, "Nothing to change: choose what to change, or write a note"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_keeps_what_was_typed(
    client, secretariat_user, ilo_actions, data, message
):
    before = [snapshot(action) for action in ilo_actions]
    client.force_login(secretariat_user)
    form = {"selected": ticked(*ilo_actions), "back": "/actions/?status=planned", **data}

    response = client.post(BULK_URL, form, follow=True)

    assert response.status_code == 400
    assert [snapshot(action) for action in ilo_actions] == before
    html = response.content.decode()
    assert message in html
    assert "Nothing was changed." in html
    if "note" in data:
        assert re.search(r'name="note"[^>]*>\s*Typed note</textarea>', html)
    if data.get("progress"):
        assert 'value="150"' in html
    # The ticked actions stay ticked, at the version the list showed.
    expected = [] if "selected" in data else ticked(*ilo_actions)
    assert re.findall(r'name="selected" value="([^"]+)" checked', html) == expected
    assert 'href="/actions/?status=planned"' in html  # back to the same list


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("/actions/?status=planned&sort=-due&page=2", "/actions/?status=planned&sort=-due&page=2"),
        ("/my/?q=hand%20book", "/my/?q=hand+book"),
        ("/my/", "/my/"),
        ("https://evil.example/actions/", "/actions/"),
        ("//evil.example/actions/", "/actions/"),
        ("/actions/1/edit/", "/actions/"),
        ("javascript:alert(1)", "/actions/"),
        ("", "/actions/"),
    ],
)
def test_back_to_the_list_keeps_its_filters_sort_and_page_and_only_leads_to_a_list(
    client, ilo_focal_point, ilo_actions, back, expected
):
    response = post(client, ilo_focal_point, ilo_actions, note="On track.", back=back)

    links = re.findall(
        r'<a[^>]*href="([^"]*)"[^>]*>Back to the list</a>', response.content.decode()
    )
    assert links and set(links) == {expected.replace("&", "&amp;")}


def test_someone_who_may_report_on_nothing_is_refused(client, observer, ilo_actions):
    before = [snapshot(action) for action in ilo_actions]

    response = post(client, observer, ilo_actions, note="Hello.")

    assert response.status_code == 403
    assert [snapshot(action) for action in ilo_actions] == before


def test_the_bulk_update_only_answers_post(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(BULK_URL).status_code == 405


def test_queries_grow_with_the_actions_not_with_their_checks(client, secretariat_user, ilo):
    """A fixed number of reads for the selection, then each action's own write: its lock,
    update, audit and history rows (and, in a test's transaction, four savepoints)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size in (2, 6):
        actions = FollowUpActionFactory.create_batch(size, lead=ilo, status=Status.PLANNED)
        client.force_login(secretariat_user)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                BULK_URL, {"selected": ticked(*actions), "progress": "20", "back": "/actions/"}
            )
        assert response.status_code == 302
        assert f"{size} actions updated." in client.get(response["Location"]).content.decode()
        counts[size] = len(captured)
    per_action = (counts[6] - counts[2]) / 4
    assert per_action <= 10, counts


# --- the list pages -----------------------------------------------------------------------


def checkboxes(html):
    return re.findall(
        r'<input type="checkbox" name="selected" value="(\d+:\d+)" form="bulk-form"', html
    )


@pytest.mark.parametrize(
    ("persona", "url_name", "secretariat_fields"),
    [
        ("secretariat_user", "action_list", True),
        ("secretariat_user", "my_assignments", True),
        ("ilo_focal_point", "action_list", False),
        ("ilo_focal_point", "my_assignments", False),
    ],
)
def test_the_lists_offer_a_checkbox_per_row_and_the_bulk_form(
    request,
    client,
    django_assert_max_num_queries,
    ilo_actions,
    persona,
    url_name,
    secretariat_fields,
):
    client.force_login(request.getfixturevalue(persona))

    with django_assert_max_num_queries(10):
        response = client.get(reverse(url_name), {"status": "planned", "sort": "title"})

    html = response.content.decode()
    assert sorted(checkboxes(html)) == sorted(ticked(*ilo_actions))
    assert 'aria-label="Select Handbook on labour migration"' in html
    assert 'aria-label="Select all on this page" hidden' in html
    assert '<form id="bulk-form" method="post" action="/actions/bulk/"' in html
    assert f'name="back" value="{reverse(url_name)}?status=planned&amp;sort=title"' in html
    assert ('name="due_date"' in html) == secretariat_fields
    assert ('name="lead"' in html) == secretariat_fields
    assert "js/bulk-select" in html


def test_someone_who_may_report_on_nothing_gets_no_checkboxes(client, observer, ilo_actions):
    client.force_login(observer)
    for url in (reverse("action_list"), reverse("my_assignments")):
        html = client.get(url).content.decode()
        assert checkboxes(html) == []
        assert 'id="bulk-form"' not in html


def test_an_empty_list_has_no_bulk_form(client, secretariat_user, ilo_actions):
    client.force_login(secretariat_user)
    html = client.get(reverse("action_list"), {"q": "no such words"}).content.decode()
    assert 'id="bulk-form"' not in html


def test_other_pages_with_an_action_table_have_no_checkboxes(client, secretariat_user, ilo):
    session = SessionFactory(round_table__forum=ForumFactory())
    FollowUpActionFactory(
        lead=ilo,
        forum=session.round_table.forum,
        round_table=session.round_table,
        session=session,
        status=Status.PLANNED,
        due_date=datetime.date.today() - datetime.timedelta(days=3),
        last_reported_at=None,
        status_changed_at=None,
    )
    client.force_login(secretariat_user)
    pages = [
        reverse("dashboard"),
        reverse("agency_detail", args=[ilo.acronym]),
        reverse("forum_detail", args=[session.round_table.forum.pk]),
        reverse("session_detail", args=[session.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert '<table class="action-table' in html, url
        assert checkboxes(html) == [], url
        assert "Select all on this page" not in html, url


@pytest.mark.parametrize(
    ("url_name", "xlsx_name"),
    [("action_list", "action_export_xlsx"), ("my_assignments", "my_export_xlsx")],
)
def test_the_lists_link_to_their_xlsx_export_and_to_the_import(
    client, ilo_focal_point, observer, ilo_actions, url_name, xlsx_name
):
    client.force_login(ilo_focal_point)
    html = client.get(reverse(url_name), {"status": "planned", "page": "1"}).content.decode()
    # The same list, page left out, as the CSV link.
    assert f'<a href="{reverse(xlsx_name)}?status=planned">Download as XLSX</a>' in html
    assert f'<a href="{reverse("spreadsheet_import")}">Update from a spreadsheet</a>' in html

    client.force_login(observer)
    html = client.get(reverse(url_name)).content.decode()
    assert "Download as XLSX" in html
    assert "Update from a spreadsheet" not in html


def test_the_form_keeps_the_version_each_row_was_listed_at(client, ilo_focal_point, ilo_actions):
    """A second bulk update from the same (old) page is stale: it does not overwrite the first."""
    client.force_login(ilo_focal_point)
    html = client.get(reverse("my_assignments")).content.decode()
    selected = checkboxes(html)

    client.post(BULK_URL, {"selected": selected, "progress": "20"})
    again = client.post(BULK_URL, {"selected": selected, "progress": "30"}, follow=True)

    assert [snapshot(action)["progress"] for action in ilo_actions] == [20, 20]
    assert "0 actions updated, 2 changed by someone else meanwhile" in again.content.decode()


def test_a_title_in_the_checkbox_label_is_escaped(client, ilo_focal_point, ilo):
    action = FollowUpActionFactory(title='Plan "A" <b>now</b>', lead=ilo)
    client.force_login(ilo_focal_point)
    html = client.get(reverse("my_assignments")).content.decode()
    assert (
        f'value="{action.pk}:{action.version}" form="bulk-form" '
        'aria-label="Select Plan &quot;A&quot; &lt;b&gt;now&lt;/b&gt;"'
    ) in html


def test_the_result_is_a_page_of_its_own_that_a_reload_shows_again_without_applying_again(
    client, ilo_focal_point, ilo_actions
):
    response = post(client, ilo_focal_point, ilo_actions, progress="40")
    assert response.redirect_chain == [(reverse("action_bulk_result"), 302)]
    versions = [snapshot(action)["version"] for action in ilo_actions]

    reloaded = client.get(reverse("action_bulk_result"))

    assert reloaded.status_code == 200
    assert "Progress: 10% → 40%" in section(reloaded.content.decode(), "Updated")
    assert [snapshot(action)["version"] for action in ilo_actions] == versions


def test_the_result_page_with_no_bulk_update_sends_back_to_the_list(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    response = client.get(reverse("action_bulk_result"), follow=True)
    assert response.redirect_chain == [(reverse("action_list"), 302)]
    assert "There is no bulk update to show" in response.content.decode()
