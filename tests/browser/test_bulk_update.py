"""The bulk update from the lists, in Chromium: tick rows (or "select all on this page"),
fill one form, apply, read what changed and what was refused, and go back to the same
filtered list. Also: a row changed by someone else meanwhile, a focal point's selection
with an action they may not change, one note for all, and the form refused as sent.
"""

import re

import pytest
from playwright.sync_api import expect

from actions.models import FollowUpAction, StatusChange
from actions.services import action_change_status
from tests.browser.conftest import log_in
from tests.browser.test_every_page import BLOCKING, PHONE, _too_wide, _validate_html
from tests.factories import FollowUpActionFactory, ForumFactory

pytestmark = pytest.mark.browser
Status = FollowUpAction.Status
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def actions(ilo, iom):
    forum = ForumFactory(short_name="GFMD I")
    planned = [
        FollowUpActionFactory(
            title=title, forum=forum, lead=ilo, partners=[iom], status=Status.PLANNED, progress=10
        )
        for title in (
            "Compendium of good practices on labour mobility",
            "Handbook on migration and development",
            "Workshop on remittances",
        )
    ]
    other = FollowUpActionFactory(
        title="Working group on data sharing", forum=forum, lead=iom, status=Status.IN_PROGRESS
    )
    return {"planned": planned, "iom_only": other}


def _snapshot(action):
    action.refresh_from_db()
    return {
        "status": action.status,
        "progress": action.progress,
        "due_date": action.due_date,
        "lead": action.lead_id,
        "version": action.version,
        "history_rows": action.history.count(),
        "audit_rows": action.audit_trail.count(),
    }


def _check_page(page, shot, step, documents, violations, too_wide):
    """Desktop and phone screenshots, axe at desktop, the phone's width; the HTML for Nu."""
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size(DESKTOP)
    documents.append((f"{step} {page.url}", page.content()))
    found = Axe().run(page).response["violations"]
    violations += [
        f"{step}: {v['id']} ({v['impact']}) {[node['target'] for node in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in BLOCKING
    ]
    shot(page, f"{step}-desktop")
    page.set_viewport_size(PHONE)
    width = _too_wide(page)
    if width["scroll"] > width["limit"] or width["wide"]:
        too_wide.append(f"{step}: {width}")
    shot(page, f"{step}-phone")
    page.set_viewport_size(DESKTOP)


def test_secretariat_filters_ticks_applies_and_goes_back_to_the_same_list(
    live_server, page, shot, secretariat_user, actions, iom, tmp_path
):
    documents, violations, too_wide = [], [], []
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/")
    page.locator("summary", has_text="Filter actions").click()  # the filters fold away
    page.get_by_label("Planned").check()
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name=re.compile(r"^Title")).click()
    expect(page).to_have_url(re.compile(r"status=planned.*sort=title"))
    filtered = page.url
    rows = page.locator("table.action-table tbody tr")
    expect(rows).to_have_count(3)
    _check_page(page, shot, "list", documents, violations, too_wide)

    # "Select all on this page", then one row left out.
    select_all = page.get_by_label("Select all on this page")
    select_all.check()
    expect(page.locator("[data-selected-count]")).to_have_text("3 actions selected")
    page.get_by_label("Select Workshop on remittances").uncheck()
    expect(select_all).not_to_be_checked()
    expect(page.locator("[data-selected-count]")).to_have_text("2 actions selected")
    page.select_option("#bulk_status", "in_progress")
    page.fill("#bulk_progress", "25")
    page.fill("#bulk_due_date", "2027-03-05")
    page.select_option("#bulk_lead", label="IOM")
    page.fill("#bulk_note", "Work plan agreed.")
    shot(page, "filled")
    page.get_by_role("button", name="Apply to the selected actions").click()

    expect(page.locator(".messages")).to_contain_text("2 actions updated.")
    updated = page.locator("section", has=page.get_by_role("heading", name="Updated (2)"))
    expect(updated).to_contain_text("Status: Planned → In progress")
    expect(updated).to_contain_text("Progress: 10% → 25%")
    expect(updated).to_contain_text("Due date: none → 5 March 2027")
    expect(updated).to_contain_text("Lead: ILO → IOM")
    expect(updated).to_contain_text("Started on set to today")
    _check_page(page, shot, "result", documents, violations, too_wide)
    first, second, workshop = actions["planned"]
    for action in (first, second):
        after = _snapshot(action)
        assert (after["status"], after["progress"], after["lead"]) == (
            Status.IN_PROGRESS,
            25,
            iom.pk,
        )
        assert after["due_date"].isoformat() == "2027-03-05"
        assert after["history_rows"] == 1  # one report; the edit is in the audit trail
    assert _snapshot(workshop)["status"] == Status.PLANNED

    page.get_by_role("link", name="Back to the list").first.click()
    expect(page).to_have_url(filtered)
    expect(rows).to_have_count(1)  # the two updated are in progress now
    expect(page.get_by_label("Planned")).to_be_checked()

    errors = _validate_html(documents, tmp_path)
    assert errors == [], "\n".join(errors)
    assert violations == [], "\n".join(violations)
    assert too_wide == [], "\n".join(too_wide)


def test_a_row_changed_by_someone_else_meanwhile_is_stale(
    live_server, page, shot, ilo_focal_point, secretariat_user, actions
):
    secretariat_user.first_name, secretariat_user.last_name = "Ana", "Officer"
    secretariat_user.save()
    first, second, _third = actions["planned"]
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/my/?sort=title")
    page.get_by_label(f"Select {first.title}").check()
    page.get_by_label(f"Select {second.title}").check()
    page.fill("#bulk_progress", "40")
    # Someone saves the second action after the list was loaded.
    action_change_status(
        action=second, changed_by=secretariat_user, status=Status.ON_HOLD, note="Paused."
    )
    page.get_by_role("button", name="Apply to the selected actions").click()

    expect(page.locator(".messages")).to_contain_text(
        "1 action updated, 1 changed by someone else meanwhile, not updated."
    )
    stale = page.locator(
        "section", has=page.get_by_role("heading", name="Changed by someone else meanwhile (1)")
    )
    expect(stale).to_contain_text(second.title)
    expect(stale).to_contain_text("Changed by Ana Officer since you read it")
    shot(page, "stale")
    assert _snapshot(first)["progress"] == 40
    assert (_snapshot(second)["status"], _snapshot(second)["progress"]) == (Status.ON_HOLD, 10)
    page.get_by_role("link", name="Back to the list").first.click()
    expect(page).to_have_url(f"{live_server.url}/my/?sort=title")


def test_a_focal_points_selection_with_an_action_they_may_not_change(
    live_server, page, shot, ilo_focal_point, actions
):
    mine = actions["planned"][0]
    not_mine = actions["iom_only"]
    before = _snapshot(not_mine)
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/actions/?sort=title")
    # A focal point is not offered the secretariat's fields.
    expect(page.locator("#bulk_due_date")).to_have_count(0)
    expect(page.locator("#bulk_lead")).to_have_count(0)
    page.get_by_label(f"Select {mine.title}").check()
    page.get_by_label(f"Select {not_mine.title}").check()
    page.fill("#bulk_progress", "60")
    page.get_by_role("button", name="Apply to the selected actions").click()

    expect(page.locator(".messages")).to_contain_text("1 action updated, 1 refused.")
    refused = page.locator("section", has=page.get_by_role("heading", name="Refused (1)"))
    expect(refused).to_contain_text(not_mine.title)
    expect(refused).to_contain_text("Not your organisation's action")
    shot(page, "refused-row")
    assert _snapshot(mine)["progress"] == 60
    assert _snapshot(not_mine) == before


def test_one_note_confirms_every_selected_action_once(
    live_server, page, shot, ilo_focal_point, actions
):
    planned = actions["planned"]
    before = {action.pk: _snapshot(action) for action in planned}
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/my/")
    page.get_by_label("Select all on this page").check()
    page.fill("#bulk_note", "Still on track.")
    page.get_by_role("button", name="Apply to the selected actions").click()

    expect(page.locator(".messages")).to_contain_text("3 actions updated.")
    shot(page, "confirmed")
    for action in planned:
        after = _snapshot(action)
        old = before[action.pk]
        assert (after["status"], after["progress"]) == (old["status"], old["progress"])
        assert after["history_rows"] == old["history_rows"] + 1
        [confirmation] = StatusChange.objects.filter(action=action, note="Still on track.")
        assert confirmation.is_confirmation


def test_the_form_sent_unchanged_is_refused_keeps_the_selection_and_one_field_changes_only_it(
    live_server, page, shot, secretariat_user, actions, tmp_path
):
    first, second, third = actions["planned"]
    before = {action.pk: _snapshot(action) for action in actions["planned"]}
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/?status=planned")
    page.get_by_label(f"Select {first.title}").check()
    page.get_by_label(f"Select {second.title}").check()

    # Sent with nothing to change: refused, nothing written, the selection still ticked.
    page.get_by_role("button", name="Apply to the selected actions").click()
    expect(page.locator(".message-error")).to_contain_text("Nothing was changed.")
    expect(page.locator(".field-error")).to_contain_text("Nothing to change")
    expect(page.get_by_label(first.title)).to_be_checked()
    expect(page.get_by_label(second.title)).to_be_checked()
    assert {a.pk: _snapshot(a) for a in actions["planned"]} == before

    # Refused for a contradiction: what was typed stays.
    page.fill("#bulk_due_date", "2027-03-05")
    page.check("#bulk_clear_due_date")
    page.fill("#bulk_note", "Typed before the refusal.")
    page.get_by_role("button", name="Apply to the selected actions").click()
    expect(page.locator(".field-error")).to_contain_text("Choose a new due date or clear it")
    expect(page.locator("#bulk_due_date")).to_have_value("2027-03-05")
    expect(page.locator("#bulk_clear_due_date")).to_be_checked()
    expect(page.locator("#bulk_note")).to_have_value("Typed before the refusal.")
    documents, violations, too_wide = [], [], []
    _check_page(page, shot, "refused-form", documents, violations, too_wide)
    assert {a.pk: _snapshot(a) for a in actions["planned"]} == before

    # One field changed (progress), from the refused page itself: only it changes.
    page.fill("#bulk_due_date", "")
    page.uncheck("#bulk_clear_due_date")
    page.fill("#bulk_note", "")
    page.fill("#bulk_progress", "35")
    page.get_by_role("button", name="Apply to the selected actions").click()
    expect(page.locator(".messages")).to_contain_text("2 actions updated.")
    for action in (first, second):
        after, old = _snapshot(action), before[action.pk]
        changed = {name for name in old if old[name] != after[name]}
        assert changed == {"progress", "version", "history_rows", "audit_rows"}
        assert after["progress"] == 35
    assert _snapshot(third) == before[third.pk]
    page.get_by_role("link", name="Back to the list").first.click()
    expect(page).to_have_url(f"{live_server.url}/actions/?status=planned")

    errors = _validate_html(documents, tmp_path)
    assert errors == [], "\n".join(errors)
    assert violations == [], "\n".join(violations)
    assert too_wide == [], "\n".join(too_wide)


def test_without_javascript_rows_are_ticked_one_by_one(
    live_server, browser, shot, ilo_focal_point, actions
):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/my/")
    expect(page.get_by_label("Select all on this page")).to_be_hidden()
    first = actions["planned"][0]
    page.get_by_label(f"Select {first.title}").check()
    page.fill("#bulk_note", "Checked without scripts.")
    page.get_by_role("button", name="Apply to the selected actions").click()
    expect(page.locator(".messages")).to_contain_text("1 action updated.")
    shot(page, "no-javascript")
    assert StatusChange.objects.filter(action=first, note="Checked without scripts.").exists()
    context.close()
