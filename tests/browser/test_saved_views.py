"""Saved views in Chromium: filter the list, save it under a name, open it again from the
dashboard and from /views/, rename it (unchanged, one change, refused), delete it; and the
pages valid, accessible and no wider than a 390 px phone."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import FollowUpAction
from savedviews.models import SavedView
from tests.browser.conftest import log_in
from tests.browser.test_every_page import BLOCKING, LAPTOP, PHONE, _too_wide, _validate_html
from tests.factories import FollowUpActionFactory, RoundTableFactory

pytestmark = pytest.mark.browser
Status = FollowUpAction.Status
ACTION_LINK = re.compile(r"^/actions/\d+/$")


@pytest.fixture
def rt3_actions(ilo, iom):
    today = timezone.localdate()
    rt3 = RoundTableFactory(number=3, theme="Policy and institutional coherence")
    for title, lead, due_in in [
        ("RT 3 overdue: labour market survey", ilo, -10),
        ("RT 3 overdue: diaspora mapping", iom, -3),
        ("RT 3 on time: remittance guide", ilo, 30),
    ]:
        FollowUpActionFactory(
            title=title,
            lead=lead,
            forum=rt3.forum,
            round_table=rt3,
            status=Status.IN_PROGRESS,
            due_date=today + datetime.timedelta(days=due_in),
        )
    FollowUpActionFactory(
        title="Elsewhere overdue: return handbook",
        lead=iom,
        status=Status.IN_PROGRESS,
        due_date=today - datetime.timedelta(days=5),
    )
    return rt3


def listed_titles(page):
    """The titles of the actions the list shows, in order."""
    links = page.locator("table.action-table tbody a")
    return [
        link.inner_text()
        for link in links.all()
        if ACTION_LINK.match(link.get_attribute("href") or "")
    ]


def snapshot(view):
    view.refresh_from_db()
    return {
        "name": view.name,
        "shared": view.shared,
        "list_name": view.list_name,
        "query": view.query,
        "updated_at": view.updated_at,
    }


def open_filters(page):
    panel = page.locator("details.filter-panel")
    if panel.count() and panel.get_attribute("open") is None:
        panel.locator("summary").click()


def test_a_saved_view_comes_back_from_the_dashboard_and_views_page_and_can_be_renamed(
    live_server, page, shot, ilo_focal_point, rt3_actions
):
    log_in(page, live_server, ilo_focal_point.username)
    # A focal point lands on their assignments.
    expect(page).to_have_url(f"{live_server.url}/my/")

    page.goto(f"{live_server.url}/actions/")
    open_filters(page)
    page.get_by_label("Round table").select_option(str(rt3_actions.pk))
    page.get_by_label("Overdue", exact=True).select_option("true")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/actions/?*overdue=true*")
    filtered = listed_titles(page)
    assert sorted(filtered) == [
        "RT 3 overdue: diaspora mapping",
        "RT 3 overdue: labour market survey",
    ]
    shot(page, "filtered")

    save_form = page.locator("form.save-view-form")
    save_form.get_by_label("Name").fill("RT 3 overdue")
    save_form.get_by_label("Share with everyone").check()
    save_form.get_by_role("button", name="Save view").click()
    expect(page.locator(".messages")).to_contain_text("Saved view “RT 3 overdue”.")
    view = SavedView.objects.get()
    assert view.shared and view.owner == ilo_focal_point
    expect(page).to_have_url(live_server.url + view.get_absolute_url())
    assert listed_titles(page) == filtered
    panel = page.locator("section.saved-views")
    expect(panel.get_by_role("link", name="RT 3 overdue")).to_have_attribute("aria-current", "page")
    shot(page, "saved")

    # Refused: the same name in other letters; the name and the box ticked stay.
    save_form = page.locator("form.save-view-form")
    save_form.get_by_label("Name").fill("rt 3 OVERDUE")
    save_form.get_by_label("Share with everyone").check()
    save_form.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("You already have a view named “rt 3 OVERDUE”.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("rt 3 OVERDUE")
    expect(page.get_by_label("Share with everyone")).to_be_checked()
    shot(page, "save-refused")
    assert SavedView.objects.count() == 1

    # Shared: on the dashboard, as a link that reproduces the list.
    page.goto(f"{live_server.url}/")
    shared = page.locator("section.shared-views")
    expect(shared).to_contain_text(ilo_focal_point.get_full_name())
    shot(page, "dashboard")
    shared.get_by_role("link", name="RT 3 overdue").click()
    page.wait_for_url("**/actions/?*overdue=true*")
    assert listed_titles(page) == filtered
    open_filters(page)
    expect(page.get_by_label("Round table")).to_have_value(str(rt3_actions.pk))
    expect(page.get_by_label("Overdue", exact=True)).to_have_value("true")

    # And from /views/.
    page.goto(f"{live_server.url}/views/")
    shot(page, "views")
    page.get_by_role("main").get_by_role("link", name="RT 3 overdue", exact=True).click()
    page.wait_for_url("**/actions/?*overdue=true*")
    assert listed_titles(page) == filtered

    # Rename, saved unchanged: nothing changes, and the page says so.
    before = snapshot(view)
    page.goto(f"{live_server.url}/views/")
    page.get_by_role("link", name="Rename “RT 3 overdue”").click()
    expect(page.get_by_label("Name")).to_have_value("RT 3 overdue")
    expect(page.get_by_label("Share with everyone")).to_be_checked()
    shot(page, "rename-form")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{live_server.url}/views/")
    expect(page.locator(".messages")).to_contain_text("Nothing changed")
    assert snapshot(view) == before

    # One change: only the name changes.
    page.get_by_role("link", name="Rename “RT 3 overdue”").click()
    page.get_by_label("Name").fill("RT 3 overdue, all leads")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{live_server.url}/views/")
    expect(page.locator(".messages")).to_contain_text(
        "Renamed “RT 3 overdue” to “RT 3 overdue, all leads”."
    )
    after = snapshot(view)
    assert {key for key in before if before[key] != after[key]} == {"name", "updated_at"}
    shot(page, "renamed")

    # Refused: an empty name (spaces pass the browser's check); the other field keeps what
    # was chosen, and nothing is saved.
    before = snapshot(view)
    page.get_by_role("link", name="Rename “RT 3 overdue, all leads”").click()
    page.get_by_label("Name").fill("   ")
    page.get_by_label("Share with everyone").uncheck()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".field-error")).to_contain_text("Give the view a name.")
    expect(page.get_by_label("Share with everyone")).not_to_be_checked()
    expect(page.get_by_label("Name")).to_have_value("   ")
    shot(page, "rename-refused")
    assert snapshot(view) == before

    # Delete: asks first, then deletes.
    page.goto(f"{live_server.url}/views/")
    page.get_by_role("link", name="Delete “RT 3 overdue, all leads”").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete the saved view")
    assert SavedView.objects.filter(pk=view.pk).exists()
    shot(page, "delete-question")
    page.get_by_role("button", name="Delete view").click()
    page.wait_for_url(f"{live_server.url}/views/")
    expect(page.locator(".messages")).to_contain_text("Deleted saved view")
    assert not SavedView.objects.exists()


def test_saved_view_pages_are_valid_accessible_and_fit_a_phone(
    live_server, browser, shot, tmp_path, ilo_focal_point, iom_focal_point, rt3_actions
):
    mine = SavedView.objects.create(
        owner=ilo_focal_point,
        name="My agency, due this quarter, with a name long enough to wrap on a phone",
        list_name="my_assignments",
        query="due_before=2027-03-31&sort=due",
    )
    SavedView.objects.create(
        owner=iom_focal_point,
        name="RT 3 overdue",
        list_name="action_list",
        query=f"round_table={rt3_actions.pk}&overdue=true",
        shared=True,
    )
    context = browser.new_context(viewport=LAPTOP, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, ilo_focal_point.username)
    paths = [
        "/",
        "/actions/",
        f"/actions/?round_table={rt3_actions.pk}&overdue=true",
        "/my/?sort=title",
        "/views/",
        f"/views/{mine.pk}/edit/",
        f"/views/{mine.pk}/delete/",
    ]
    documents, violations, too_wide = [], [], []
    axe = Axe()

    def check(path, html):
        documents.append((path, html))
        found = axe.run(page).response["violations"]
        violations.extend(
            f"{path}: {v['id']} ({v['impact']}): {v['help']}"
            for v in found
            if v["impact"] in BLOCKING
        )

    for path in paths:
        page.set_viewport_size(LAPTOP)
        check(path, page.goto(live_server.url + path).text())
        shot(page, f"laptop{path.replace('/', '_')[:40]}")
        page.set_viewport_size(PHONE)
        page.reload()
        width = _too_wide(page)
        if width["scroll"] > width["limit"] or width["wide"]:
            too_wide.append(f"{path}: {width}")
        shot(page, f"phone{path.replace('/', '_')[:40]}")

    # The page of a refused save (a POST), at both widths.
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/actions/?overdue=true")
    page.locator("form.save-view-form").get_by_label("Name").fill("   ")
    with page.expect_response(lambda response: response.request.method == "POST") as refused:
        page.get_by_role("button", name="Save view").click()
    assert refused.value.status == 400
    check("/views/new/ (refused)", refused.value.text())
    page.set_viewport_size(PHONE)
    width = _too_wide(page)
    if width["scroll"] > width["limit"] or width["wide"]:
        too_wide.append(f"/views/new/: {width}")
    shot(page, "phone-save-refused")
    context.close()

    errors = _validate_html(documents, tmp_path)
    assert errors == [], "\n".join(errors)
    assert violations == [], "\n".join(violations)
    assert too_wide == [], "\n".join(too_wide)
