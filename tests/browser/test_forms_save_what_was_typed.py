"""Every form, in Chromium: saved unchanged, nothing changes; one field changed, only it
changes; refused, what was typed stays.

The test client cannot see these: a browser drops a `type="date"` value it cannot read
(10/12/2026) and sends textarea line breaks as CRLF.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import FollowUpAction
from actions.services import action_change_status
from digests.models import DigestPreference
from tests.browser.conftest import log_in
from tests.factories import FollowUpActionFactory, ForumFactory, OrganisationFactory

pytestmark = pytest.mark.browser
Status = FollowUpAction.Status


def _snapshot(action):
    action.refresh_from_db()
    return {
        "title": action.title,
        "description": action.description,
        "lead": action.lead_id,
        "co_leads": sorted(action.co_leads.values_list("pk", flat=True)),
        "partners": sorted(action.partners.values_list("pk", flat=True)),
        "developed_by": sorted(action.developed_by.values_list("pk", flat=True)),
        "forum": action.forum_id,
        "venue": action.venue_id,
        "source_meeting": action.source_meeting_id,
        "due_date": action.due_date,
        "started_on": action.started_on,
        "completed_on": action.completed_on,
        "status": action.status,
        "progress": action.progress,
        "version": action.version,
        "audit_rows": action.audit_trail.count(),
        "history_rows": action.history.count(),
    }


@pytest.fixture
def dated_action(ilo, iom):
    today = timezone.localdate()
    action = FollowUpActionFactory(
        title="Handbook on labour migration",
        description="Chapter one.\nChapter two.",
        lead=ilo,
        status=Status.IN_PROGRESS,
        progress=40,
        due_date=today + datetime.timedelta(days=9),
        started_on=datetime.date(2008, 3, 1),
    )
    action.partners.set([iom])
    action.co_leads.set([OrganisationFactory(acronym="Spain", name="Spain")])
    action.developed_by.set([OrganisationFactory(acronym="OSCE", name="OSCE")])
    return action


def test_the_edit_form_saved_unchanged_changes_nothing_and_one_field_changes_only_it(
    live_server, page, shot, secretariat_user, dated_action
):
    before = _snapshot(dated_action)
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/{dated_action.pk}/edit/")
    expect(page.locator("#id_due_date")).to_have_value(before["due_date"].isoformat())
    expect(page.locator("#id_started_on")).to_have_value("2008-03-01")
    # Co-leads, partners and developers are checkboxes: the saved ones are ticked, and sent
    # as they are.
    partners = page.get_by_role("group", name="Partners")
    expect(partners.get_by_label("IOM — International Organization for Migration")).to_be_checked()
    expect(partners.get_by_label("ILO — International Labour Organization")).not_to_be_checked()
    expect(page.get_by_role("group", name="Co-leads").get_by_label("Spain")).to_be_checked()
    expect(page.get_by_role("group", name="Developed by").get_by_label("OSCE")).to_be_checked()
    shot(page, "edit-form")

    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{live_server.url}/actions/{dated_action.pk}/")
    expect(page.locator(".messages")).to_contain_text("Nothing to save: no field was changed.")
    assert _snapshot(dated_action) == before

    page.goto(f"{live_server.url}/actions/{dated_action.pk}/edit/")
    page.fill("#id_title", "Migration and Development Handbook")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{live_server.url}/actions/{dated_action.pk}/")
    expect(page.locator(".messages")).to_contain_text("Changes saved. Changed: title.")
    shot(page, "saved")
    after = _snapshot(dated_action)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"title", "version", "audit_rows"}
    assert after["title"] == "Migration and Development Handbook"
    # The audit trail names the one field, in words.
    audit = page.locator("table.audit tbody tr").first
    expect(audit).to_contain_text("Title")
    expect(page.locator("table.audit")).not_to_contain_text("Due date")


def test_the_edit_form_changes_the_co_leads_and_only_them(
    live_server, page, shot, secretariat_user, dated_action
):
    before = _snapshot(dated_action)
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/{dated_action.pk}/edit/")
    co_leads = page.get_by_role("group", name="Co-leads")
    co_leads.get_by_label("Find an organisation").fill("iom")
    co_leads.get_by_label("IOM — International Organization for Migration").check()
    expect(co_leads.locator(".partner-chosen")).to_have_text("Ticked: IOM, Spain")
    page.get_by_role("button", name="Save changes").click()
    # IOM partners in this action: a co-lead cannot be a partner too.
    expect(page.locator(".message-error")).to_contain_text("Nothing was saved.")
    expect(page.get_by_role("group", name="Partners")).to_contain_text(
        "A co-lead cannot be a partner too: IOM."
    )
    assert _snapshot(dated_action) == before
    # What was ticked stays ticked.
    co_leads = page.get_by_role("group", name="Co-leads")
    expect(co_leads.get_by_label("IOM — International Organization for Migration")).to_be_checked()
    expect(co_leads.get_by_label("Spain")).to_be_checked()

    page.get_by_role("group", name="Partners").get_by_label(
        "IOM — International Organization for Migration"
    ).uncheck()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{live_server.url}/actions/{dated_action.pk}/")
    expect(page.locator(".messages")).to_contain_text("Changes saved. Changed: co-leads, partners.")
    after = _snapshot(dated_action)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"co_leads", "partners", "version", "audit_rows"}
    expect(page.locator("dl.facts")).to_contain_text("Leads")
    shot(page, "co-led")


def test_the_report_form_saved_unchanged_is_refused_and_one_field_changes_only_it(
    live_server, page, shot, ilo_focal_point, dated_action
):
    before = _snapshot(dated_action)
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/actions/{dated_action.pk}/")

    page.get_by_role("button", name="Save report").click()
    expect(page.locator(".field-error")).to_contain_text("Nothing changed.")
    # Focus goes to the error summary, so a screen reader hears why.
    expect(page.locator(".message-error")).to_be_focused()
    shot(page, "unchanged-refused")
    assert _snapshot(dated_action) == before

    page.fill("input[name=progress]", "55")
    page.get_by_role("button", name="Save report").click()
    expect(page.locator(".messages")).to_contain_text("now in progress, progress 55%")
    after = _snapshot(dated_action)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"progress", "version", "audit_rows", "history_rows"}
    assert after["started_on"] == datetime.date(2008, 3, 1)


def test_the_report_form_of_an_action_with_no_progress_reported_keeps_it_not_reported(
    live_server, page, shot, ilo_focal_point, ilo
):
    """The progress field starts empty (not 0): saved unchanged, it is refused; a new
    status alone leaves the progress not reported; a figure typed is saved."""
    action = FollowUpActionFactory(lead=ilo, status=Status.PLANNED, progress=None)
    before = _snapshot(action)
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    expect(page.locator("input[name=progress]")).to_have_value("")
    expect(page.locator("main")).to_contain_text("Planned, progress not reported")

    page.get_by_role("button", name="Save report").click()
    expect(page.locator(".field-error")).to_contain_text("Nothing changed.")
    assert _snapshot(action) == before

    page.select_option("select[name=status]", Status.IN_PROGRESS)
    page.get_by_role("button", name="Save report").click()
    expect(page.locator(".messages")).to_contain_text("now in progress, progress not reported")
    shot(page, "status-alone")
    after = _snapshot(action)
    assert {name for name in before if before[name] != after[name]} == {
        "status",
        "started_on",
        "version",
        "audit_rows",
        "history_rows",
    }
    assert after["progress"] is None

    page.fill("input[name=progress]", "10")
    page.get_by_role("button", name="Save report").click()
    expect(page.locator(".messages")).to_contain_text("now in progress, progress 10%")
    assert _snapshot(action)["progress"] == 10


def test_a_stale_report_keeps_what_was_typed_and_sends_again_in_one_click(
    live_server, context, shot, ilo_focal_point, secretariat_user, dated_action
):
    tab_a = context.new_page()
    log_in(tab_a, live_server, ilo_focal_point.username)
    tab_a.goto(f"{live_server.url}/actions/{dated_action.pk}/")
    tab_b = context.new_page()
    tab_b.goto(f"{live_server.url}/actions/{dated_action.pk}/")
    tab_b.fill("input[name=progress]", "45")
    tab_b.get_by_role("button", name="Save report").click()
    expect(tab_b.locator(".messages")).to_contain_text("progress 45%")

    tab_a.select_option("select[name=status]", "on_hold")
    tab_a.fill("input[name=progress]", "50")
    tab_a.fill("textarea[name=note]", "Waiting for the director's sign-off.\nBack in May.")
    tab_a.get_by_role("button", name="Save report").click()

    conflict = tab_a.locator("#conflict")
    expect(conflict).to_contain_text("changed this action since you opened it")
    expect(conflict).to_contain_text("Progress 40 → 45")
    expect(tab_a.locator("select[name=status]")).to_have_value("on_hold")
    expect(tab_a.locator("input[name=progress]")).to_have_value("50")
    expect(tab_a.locator("textarea[name=note]")).to_have_value(
        "Waiting for the director's sign-off.\nBack in May."
    )
    shot(tab_a, "refused-kept")

    tab_a.get_by_role("button", name="Send my report again").click()
    expect(tab_a.locator(".messages")).to_contain_text(
        "Saved: the action is now on hold, progress 50%"
    )
    dated_action.refresh_from_db()
    assert (dated_action.status, dated_action.progress) == ("on_hold", 50)
    assert dated_action.history.first().note == "Waiting for the director's sign-off.\nBack in May."


def test_a_stale_edit_keeps_the_persons_change_and_the_others(
    live_server, context, shot, secretariat_user, ilo_focal_point, dated_action
):
    page = context.new_page()
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/{dated_action.pk}/edit/")
    # Meanwhile a focal point reports, and another officer moves the due date.
    action_change_status(
        action=dated_action, changed_by=ilo_focal_point, status=Status.IN_PROGRESS, progress=45
    )
    page.fill("#id_title", "Handbook, second edition")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#conflict")).to_contain_text("since you opened the form")
    expect(page.locator("#id_title")).to_have_value("Handbook, second edition")
    expect(page.locator("#id_due_date")).to_have_value(dated_action.due_date.isoformat())
    shot(page, "edit-refused-kept")
    page.get_by_role("button", name="Save my changes again").click()
    expect(page.locator(".messages")).to_contain_text("Changed: title.")
    dated_action.refresh_from_db()
    assert (dated_action.title, dated_action.progress) == ("Handbook, second edition", 45)


def test_the_new_action_form_keeps_its_dates_and_makes_one_action_if_sent_twice(
    live_server, page, shot, secretariat_user
):
    forum = ForumFactory(short_name="GFMD II")
    OrganisationFactory(acronym="UNDP")
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/new/")
    page.fill("#id_title", "Workshop on circular migration")
    page.select_option("#id_forum", str(forum.pk))
    page.fill("#id_due_date", "2027-03-01")
    page.select_option("#id_status", "completed")
    shot(page, "new-filled")
    page.get_by_role("button", name="Create action").click()
    expect(page.locator(".messages")).to_contain_text("Progress set to 100%")
    action = FollowUpAction.objects.get(title="Workshop on circular migration")
    assert action.due_date == datetime.date(2027, 3, 1)
    assert (action.progress, action.completed_on) == (100, timezone.localdate())

    # A double click sends the form twice: one action, and the page shows it.
    page.goto(f"{live_server.url}/actions/new/")
    page.fill("#id_title", "Working group on data sharing")
    page.select_option("#id_forum", str(forum.pk))
    page.get_by_role("button", name="Create action").dblclick()
    page.wait_for_url(f"{live_server.url}/actions/*/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Working group on data sharing")
    assert FollowUpAction.objects.filter(title="Working group on data sharing").count() == 1


def test_the_new_action_form_refused_keeps_what_was_typed(live_server, page, secretariat_user):
    ForumFactory()
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/new/")
    page.fill("#id_title", "Data sharing working group")
    page.fill("#id_description", "Line one.\nLine two.")
    page.fill("#id_due_date", "2027-06-30")
    page.get_by_role("button", name="Create action").click()  # no forum chosen
    expect(page.locator(".message-error")).to_be_focused()
    expect(page.locator("#id_title")).to_have_value("Data sharing working group")
    expect(page.locator("#id_description")).to_have_value("Line one.\nLine two.")
    expect(page.locator("#id_due_date")).to_have_value("2027-06-30")
    assert not FollowUpAction.objects.exists()


def test_the_digest_settings_saved_unchanged_change_nothing(
    live_server, page, shot, ilo_focal_point
):
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/settings/digest/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Nothing to save")
    assert not DigestPreference.objects.filter(user=ilo_focal_point).exists()

    page.get_by_label("Send me the weekly digest").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("no longer receive")
    shot(page, "digest-off")
    assert DigestPreference.objects.get(user=ilo_focal_point).receives_digests is False


def test_the_filter_form_keeps_its_dates_across_a_resubmit(live_server, page, observer, ilo):
    today = timezone.localdate()
    FollowUpActionFactory(title="Due soon", lead=ilo, due_date=today + datetime.timedelta(days=5))
    FollowUpActionFactory(title="Due later", lead=ilo, due_date=today + datetime.timedelta(days=90))
    log_in(page, live_server, observer.username)
    page.goto(f"{live_server.url}/actions/")
    page.locator("details.filter-panel summary").click()  # folded until filters are in use
    page.fill("#id_due_before", (today + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/actions/?*due_before=*")
    first_url = page.url
    expect(page.locator("table.action-table tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.url == first_url
    expect(page.locator("table.action-table tbody tr")).to_have_count(1)


def test_the_password_reset_form_refused_keeps_the_address_and_sent_says_the_same(
    live_server, page, shot, ilo_focal_point, mailoutbox
):
    page.goto(f"{live_server.url}/accounts/password_reset/")
    page.fill("#id_email", "not an address")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".field-error")).to_contain_text("valid email address")
    expect(page.locator("#id_email")).to_have_value("not an address")
    assert mailoutbox == []

    ilo_focal_point.email = "focal@ilo.org"
    ilo_focal_point.save()
    page.fill("#id_email", "focal@ilo.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    shot(page, "reset-sent")
    assert [message.to for message in mailoutbox] == [["focal@ilo.org"]]


def test_the_unsubscribe_page_asks_then_unsubscribes_once(live_server, page, shot, ilo_focal_point):
    from digests import tokens

    ilo_focal_point.email = "focal@ilo.org"
    ilo_focal_point.save()
    link = f"{live_server.url}/digests/unsubscribe/{tokens.unsubscribe_token(ilo_focal_point)}/"
    page.goto(link)
    expect(page.locator("main")).to_contain_text("ilo-focal")
    assert not DigestPreference.objects.filter(user=ilo_focal_point).exists()  # a GET only asks
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("main")).to_contain_text("You are unsubscribed")
    shot(page, "unsubscribed")
    assert DigestPreference.objects.get(user=ilo_focal_point).receives_digests is False
    page.goto(link)
    expect(page.locator("main")).to_contain_text("already been used")


def test_a_refused_sign_in_keeps_the_username_and_says_why_in_the_pages_language(
    live_server, browser, shot, observer
):
    """agencies.forms.SignInForm: the portal's own words for a refused sign-in (Django's
    Spanish said "clave"); the username stays typed, the password does not."""
    context = browser.new_context(locale="es-ES", extra_http_headers={"Accept-Language": "es"})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", observer.username)
        page.fill("#id_password", "not the password")
        page.locator("form button[type=submit]").last.click()

        expect(page.locator("main")).to_contain_text(
            "Introduzca un nombre de usuario y una contraseña correctos."
        )
        expect(page.locator("#id_username")).to_have_value(observer.username)
        expect(page.locator("#id_password")).to_have_value("")
        shot(page, "sign-in-refused-es")
        assert "/accounts/login/" in page.url
    finally:
        context.close()
