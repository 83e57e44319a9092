"""The secretariat changes an action's status from the browser, keyboard-only where it can."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import FollowUpAction
from tests.browser.conftest import PASSWORD
from tests.factories import FollowUpActionFactory

pytestmark = pytest.mark.browser


def test_secretariat_changes_status_with_a_note(live_server, page, shot, secretariat_user, ilo):
    today = timezone.localdate()
    action = FollowUpActionFactory(
        title="Publish the labour migration guidelines",
        lead=ilo,
        status=FollowUpAction.Status.PLANNED,
        progress=10,
        due_date=today + datetime.timedelta(days=90),
    )
    FollowUpActionFactory(title="Hold a regional consultation", lead=ilo)
    history_before = action.history.count()
    note = "Drafting has started with the tripartite working group."

    # Keyboard only: Tab from the top of the login page to the username field, type,
    # Tab to the password, type, and send the form with Enter.
    page.goto(f"{live_server.url}/accounts/login/")
    shot(page, "login")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_username":
            break
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(secretariat_user.username)
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("Signed in as")).to_be_visible()
    shot(page, "dashboard")

    # The skip link is the first stop on the dashboard and moves focus to the content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    shot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Actions").click()
    page.wait_for_url(f"{live_server.url}/actions/")
    expect(page.get_by_role("heading", name="Follow-up actions", level=1)).to_be_visible()
    shot(page, "action-list")

    page.get_by_role("link", name=action.title).click()
    page.wait_for_url(f"{live_server.url}/actions/{action.pk}/")
    expect(page.get_by_role("heading", name=action.title, level=1)).to_be_visible()
    shot(page, "action-detail")

    page.select_option("select[name=status]", "in_progress")
    page.fill("input[name=progress]", "40")
    page.fill("textarea[name=note]", note)
    shot(page, "report-filled")
    page.get_by_role("button", name="Save report").click()

    page.wait_for_url(f"{live_server.url}/actions/{action.pk}/")
    expect(page.locator(".messages")).to_contain_text(
        "Saved: the action is now in progress, progress 40%."
    )
    newest = page.locator("ol.timeline > li").first
    expect(newest).to_contain_text("Planned → In progress, progress 40%")
    expect(newest.locator(".note")).to_have_text(note)
    expect(page.locator("ol.timeline > li")).to_have_count(history_before + 1)
    shot(page, "saved")

    action.refresh_from_db()
    assert action.status == FollowUpAction.Status.IN_PROGRESS
    assert action.progress == 40
    assert action.started_on == today
    assert action.history.count() == history_before + 1
    change = action.history.first()
    assert change.old_status == FollowUpAction.Status.PLANNED
    assert change.new_status == FollowUpAction.Status.IN_PROGRESS
    assert change.note == note
    assert change.changed_by == secretariat_user
