"""An ILO focal point finds their overdue actions and reports progress on one."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import FollowUpAction
from tests.browser.conftest import log_in
from tests.factories import FollowUpActionFactory

pytestmark = pytest.mark.browser


def test_focal_point_reports_on_an_overdue_assignment(
    live_server, page, shot, ilo_focal_point, ilo, iom
):
    today = timezone.localdate()
    last_month = today - datetime.timedelta(days=30)
    in_progress = FollowUpAction.Status.IN_PROGRESS
    led_overdue = FollowUpActionFactory(
        title="ILO overdue: fair recruitment toolkit",
        lead=ilo,
        status=in_progress,
        progress=20,
        due_date=last_month,
    )
    partnered_overdue = FollowUpActionFactory(
        title="ILO partner overdue: skills partnership pilot",
        lead=iom,
        partners=[ilo],
        status=in_progress,
        progress=50,
        due_date=last_month,
    )
    not_overdue = FollowUpActionFactory(
        title="ILO on time: wage protection study",
        lead=ilo,
        status=in_progress,
        due_date=today + datetime.timedelta(days=60),
    )
    other_agency_overdue = FollowUpActionFactory(
        title="IOM overdue: return reintegration handbook",
        lead=iom,
        status=in_progress,
        due_date=last_month,
    )
    note = "Toolkit chapters 1-3 reviewed by the social partners."

    log_in(page, live_server, ilo_focal_point.username, shot)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My assignments").click()
    page.wait_for_url(f"{live_server.url}/my/")
    expect(page.get_by_role("heading", name="My assignments", level=1)).to_be_visible()
    # Unfiltered, all three ILO actions are there and the IOM-only one is not.
    expect(page.locator("table.action-table tbody tr")).to_have_count(3)
    shot(page, "my-assignments")

    page.locator("details.filter-panel summary").click()  # folded until filters are in use
    page.get_by_label("Overdue", exact=True).select_option("true")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/my/?*overdue=true*")
    shot(page, "my-assignments-overdue")

    rows = page.locator("table.action-table tbody tr")
    expect(rows).to_have_count(2)
    titles = rows.locator("a[href^='/actions/']").all_inner_texts()  # each row's title
    assert sorted(titles) == sorted([led_overdue.title, partnered_overdue.title])
    expect(page.get_by_role("link", name=not_overdue.title)).to_have_count(0)
    expect(page.get_by_role("link", name=other_agency_overdue.title)).to_have_count(0)
    expect(page.locator(".result-count")).to_have_text("2 actions match these filters.")

    page.get_by_role("link", name=led_overdue.title).click()
    page.wait_for_url(f"{live_server.url}/actions/{led_overdue.pk}/")
    expect(page.get_by_text("Overdue by")).to_be_visible()
    shot(page, "action-detail")

    expect(page.locator("select[name=status]")).to_have_value("in_progress")
    page.fill("input[name=progress]", "60")
    page.fill("textarea[name=note]", note)
    page.get_by_role("button", name="Save report").click()

    page.wait_for_url(f"{live_server.url}/actions/{led_overdue.pk}/")
    expect(page.locator(".messages")).to_contain_text(
        "Saved: the action is now in progress, progress 60%."
    )
    newest = page.locator("ol.timeline > li").first
    expect(newest).to_contain_text("In progress: progress 20% → 60%")
    expect(newest.locator(".note")).to_have_text(note)
    shot(page, "saved")

    led_overdue.refresh_from_db()
    assert led_overdue.status == in_progress
    assert led_overdue.progress == 60
    assert led_overdue.history.count() == 1
    change = led_overdue.history.get()
    assert (change.old_progress, change.progress) == (20, 60)
    assert change.note == note
    assert change.changed_by == ilo_focal_point
    # Nothing else moved.
    partnered_overdue.refresh_from_db()
    assert partnered_overdue.progress == 50
    assert not partnered_overdue.history.exists()
