"""The everyday flow, in Chromium, as a person does it: filter, sort and page a list, open an
action, report on it and come back to the same page; fold and unfold the filters on a phone;
choose a forum and see only its round tables; read why an inverted date range finds nothing;
choose partners by searching; read what a report will adjust before saving it."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import FollowUpAction
from tests.browser.conftest import TIMEOUT_MS, log_in
from tests.browser.test_every_page import BLOCKING, PHONE, _too_wide, _validate_html
from tests.factories import (
    FollowUpActionFactory,
    ForumFactory,
    GovernmentFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
)

pytestmark = pytest.mark.browser
Status = FollowUpAction.Status


def open_filters(page):
    panel = page.locator("details.filter-panel")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")


def listed_titles(page):
    return page.locator("table.action-table tbody tr td a[href^='/actions/']").all_inner_texts()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def two_forums(ilo):
    brussels = ForumFactory(short_name="GFMD I")
    manila = ForumFactory(short_name="GFMD II")
    tree = {"brussels": brussels, "manila": manila}
    for forum in (brussels, manila):
        for number in (1, 2):
            round_table = RoundTableFactory(
                forum=forum, number=number, theme=f"{forum.short_name} theme {number}"
            )
            tree[f"{forum.short_name} RT {number}"] = round_table
            SessionFactory(round_table=round_table, code=f"{number}.1", title="Opening")
            SessionFactory(round_table=round_table, code=f"{number}.2", title="Closing")
    FollowUpActionFactory(
        title="Remittances study", forum=manila, round_table=tree["GFMD II RT 2"], lead=ilo
    )
    FollowUpActionFactory(title="Skills handbook", forum=brussels, lead=ilo)
    return tree


def offered(page, name):
    """The labels a <select> offers, less its empty choice."""
    return page.locator(f"select[name={name}] option:not([value=''])").all_inner_texts()


def test_a_report_made_from_page_two_of_a_filtered_sorted_list_comes_back_to_that_page(
    live_server, page, shot, ilo_focal_point, ilo
):
    for n in range(30):
        FollowUpActionFactory(title=f"Planned action {n:02d}", lead=ilo, status=Status.PLANNED)
    FollowUpActionFactory(title="Finished action", lead=ilo, status=Status.COMPLETED)
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/actions/")

    open_filters(page)
    page.get_by_label("Planned", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/actions/?*status=planned*")
    page.locator("table.action-table thead").get_by_role("link", name="Title").click()
    page.wait_for_url("**sort=title*")
    page.get_by_role("link", name="Next ›").click()
    page.wait_for_url("**page=2*")
    list_url = page.url
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    assert listed_titles(page) == [f"Planned action {n}" for n in range(25, 30)]
    shot(page, "page-two")

    page.get_by_role("link", name="Planned action 27").click()
    page.wait_for_url(re.compile(r".*/actions/\d+/$"))
    breadcrumbs = page.get_by_role("list", name="Breadcrumbs")
    expect(breadcrumbs.get_by_role("link", name="Actions")).to_have_attribute(
        "href", list_url.removeprefix(live_server.url)
    )
    page.select_option("select[name=status]", "in_progress")
    page.fill("input[name=progress]", "10")
    page.get_by_role("button", name="Save report").click()
    expect(page.locator(".messages")).to_contain_text("Saved: the action is now in progress")
    shot(page, "reported")

    page.get_by_role("link", name="‹ Back to the list").click()
    page.wait_for_url(list_url)
    # The same filters, sort and page: the action reported on has left the planned ones.
    assert listed_titles(page) == [f"Planned action {n}" for n in (25, 26, 28, 29)]
    expect(page.get_by_label("Planned", exact=True)).to_be_checked()
    shot(page, "back-on-page-two")


def test_the_filters_fold_away_on_a_phone_and_skip_to_the_results(
    live_server, phone, shot, observer, ilo
):
    FollowUpActionFactory.create_batch(3, lead=ilo, status=Status.PLANNED)
    log_in(phone, live_server, observer.username)
    phone.goto(f"{live_server.url}/actions/")

    expect(phone.get_by_label("Text", exact=True)).to_be_hidden()
    results = phone.get_by_role("heading", name="Results", level=2)
    # Folded, the results start within the first screen.
    assert results.bounding_box()["y"] < PHONE["height"]
    shot(phone, "folded")

    phone.locator("details.filter-panel summary").click()
    expect(phone.get_by_label("Text", exact=True)).to_be_visible()
    # Short fields two to a row, the long ones across it.
    for left, right in (("Role", "Due on or after"), ("Due on or before", "Overdue")):
        left_box = phone.get_by_label(left, exact=True).bounding_box()
        right_box = phone.get_by_label(right, exact=True).bounding_box()
        assert left_box["y"] == pytest.approx(right_box["y"], abs=2), (left, right)
        assert left_box["x"] + left_box["width"] <= right_box["x"]
    forum = phone.get_by_label("Forum", exact=True).bounding_box()
    assert forum["width"] > PHONE["width"] * 0.8
    width = _too_wide(phone)
    assert width["scroll"] <= width["limit"] and not width["wide"], width
    shot(phone, "unfolded")

    phone.get_by_role("link", name="Skip to results").click()
    expect(phone).to_have_url(f"{live_server.url}/actions/#results")
    expect(results).to_be_in_viewport()

    phone.locator("details.filter-panel summary").click()
    expect(phone.get_by_label("Text", exact=True)).to_be_hidden()


def test_choosing_a_forum_offers_only_its_round_tables_and_sessions(
    live_server, page, browser, shot, observer, two_forums
):
    log_in(page, live_server, observer.username)
    page.goto(f"{live_server.url}/actions/")
    open_filters(page)
    assert len(offered(page, "round_table")) == 4

    page.get_by_label("Forum").select_option(label="GFMD II")
    assert offered(page, "round_table") == [
        "GFMD II · RT 1: GFMD II theme 1",
        "GFMD II · RT 2: GFMD II theme 2",
    ]
    assert offered(page, "session") == [
        "GFMD II · 1.1 Opening",
        "GFMD II · 1.2 Closing",
        "GFMD II · 2.1 Opening",
        "GFMD II · 2.2 Closing",
    ]
    page.get_by_label("Round table").select_option(label="GFMD II · RT 2: GFMD II theme 2")
    assert offered(page, "session") == ["GFMD II · 2.1 Opening", "GFMD II · 2.2 Closing"]
    shot(page, "narrowed")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**round_table=*")
    assert listed_titles(page) == ["Remittances study"]
    # After the page is sent, the server offers the same.
    assert offered(page, "round_table") == [
        "GFMD II · RT 1: GFMD II theme 1",
        "GFMD II · RT 2: GFMD II theme 2",
    ]

    # Another forum: its round tables come back, and the one of GFMD II is let go.
    page.get_by_label("Forum").select_option(label="GFMD I")
    expect(page.get_by_label("Round table")).to_have_value("")
    assert offered(page, "round_table") == [
        "GFMD I · RT 1: GFMD I theme 1",
        "GFMD I · RT 2: GFMD I theme 2",
    ]

    # A session chosen first chooses its round table and forum.
    page.get_by_label("Forum").select_option("")
    page.get_by_label("Session").select_option(label="GFMD II · 1.2 Closing")
    expect(page.get_by_label("Round table")).to_have_value(str(two_forums["GFMD II RT 1"].pk))
    expect(page.get_by_label("Forum")).to_have_value(str(two_forums["manila"].pk))

    # Without JavaScript the server narrows them once the forum is applied.
    context = browser.new_context(java_script_enabled=False)
    no_script = context.new_page()
    log_in(no_script, live_server, observer.username)
    no_script.goto(f"{live_server.url}/actions/")
    no_script.locator("details.filter-panel summary").click()
    assert len(offered(no_script, "round_table")) == 4
    no_script.get_by_label("Forum").select_option(label="GFMD I")
    no_script.get_by_role("button", name="Apply filters").click()
    no_script.wait_for_url("**forum=*")
    assert offered(no_script, "round_table") == [
        "GFMD I · RT 1: GFMD I theme 1",
        "GFMD I · RT 2: GFMD I theme 2",
    ]
    assert listed_titles(no_script) == ["Skills handbook"]
    context.close()


def test_a_round_table_of_another_forum_in_a_link_says_so(live_server, page, observer, two_forums):
    log_in(page, live_server, observer.username)
    page.goto(
        f"{live_server.url}/actions/?forum={two_forums['brussels'].pk}"
        f"&round_table={two_forums['GFMD II RT 2'].pk}"
    )
    expect(page.locator(".field-round_table .errorlist")).to_have_text(
        "“GFMD II · RT 2: GFMD II theme 2” is not a round table of GFMD I. "
        "Choose one of its round tables, or “Any forum”."
    )
    expect(page.get_by_text("No results: the filters above need correcting.")).to_be_visible()


def test_the_action_form_offers_only_the_chosen_forums_round_tables(
    live_server, page, shot, secretariat_user, two_forums
):
    action = FollowUpAction.objects.get(title="Remittances study")
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/{action.pk}/edit/")
    # Opened on GFMD II: only its round tables, the saved one chosen.
    assert offered(page, "round_table") == [
        "GFMD II · RT 1: GFMD II theme 1",
        "GFMD II · RT 2: GFMD II theme 2",
    ]
    expect(page.locator("#id_round_table")).to_have_value(str(two_forums["GFMD II RT 2"].pk))
    page.select_option("#id_forum", label="GFMD I")
    expect(page.locator("#id_round_table")).to_have_value("")
    page.select_option("#id_round_table", label="GFMD I · RT 2: GFMD I theme 2")
    assert offered(page, "session") == ["GFMD I · 2.1 Opening", "GFMD I · 2.2 Closing"]
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("Changed: forum, round table.")
    action.refresh_from_db()
    assert (action.forum, action.round_table) == (
        two_forums["brussels"],
        two_forums["GFMD I RT 2"],
    )


def test_an_inverted_date_range_says_which_date_is_wrong(live_server, page, shot, observer, ilo):
    FollowUpActionFactory(lead=ilo, due_date=datetime.date(2027, 4, 1))
    log_in(page, live_server, observer.username)
    page.goto(f"{live_server.url}/actions/")
    open_filters(page)
    page.fill("#id_due_after", "2027-06-01")
    page.fill("#id_due_before", "2027-03-01")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**due_after=2027-06-01*")
    expect(page.locator(".field-due_after .errorlist")).to_have_text(
        "The first date is after the second: 1 June 2027 is later than 1 March 2027, so no "
        "action can be due between them. Swap the dates, or clear one."
    )
    expect(page.locator("details.filter-panel")).to_have_attribute("open", "")
    # What was typed stays, to correct.
    expect(page.locator("#id_due_after")).to_have_value("2027-06-01")
    expect(page.locator("#id_due_before")).to_have_value("2027-03-01")
    expect(page.get_by_text("No results: the filters above need correcting.")).to_be_visible()
    shot(page, "inverted-range")


@pytest.fixture
def many_organisations(ilo, iom):
    OrganisationFactory(acronym="UNDP", name="United Nations Development Programme")
    OrganisationFactory(acronym="UNHCR", name="UN Refugee Agency")
    GovernmentFactory(acronym="Philippines")
    GovernmentFactory(acronym="Côte d'Ivoire")
    for n in range(40):
        OrganisationFactory(acronym=f"AGENCY{n:02d}", name=f"Agency number {n}")


def test_partners_are_chosen_by_searching_and_exactly_the_ticked_ones_are_saved(
    live_server, page, shot, secretariat_user, ilo, iom, many_organisations
):
    action = FollowUpActionFactory(title="Handbook", lead=ilo, partners=[iom])
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/{action.pk}/edit/")
    # The form has three such pickers (co-leads, partners, developers): this is the partners'.
    picker = page.get_by_role("group", name="Partners")
    ticked = picker.locator(".partner-chosen")
    expect(ticked).to_have_text("Ticked: IOM")

    search = picker.get_by_label("Find an organisation")
    search.fill("development")
    expect(picker.get_by_label("UNDP — United Nations Development Programme")).to_be_visible()
    expect(picker.get_by_label("UNHCR — UN Refugee Agency")).to_be_hidden()
    # The ticked one stays in view, whatever is typed.
    expect(picker.get_by_label("IOM — International Organization for Migration")).to_be_visible()
    expect(picker.locator("[data-partner-shown]")).to_have_text(
        re.compile(r"^2 of \d+ shown \(ticked ones always are\)\.$")
    )
    picker.get_by_label("UNDP — United Nations Development Programme").check()
    search.press("Enter")  # only searches: the form is not sent
    search.fill("cote")
    picker.get_by_label("Côte d'Ivoire").check()
    expect(ticked).to_have_text("Ticked: Côte d'Ivoire, IOM, UNDP")
    shot(page, "searched")
    picker.get_by_label("IOM — International Organization for Migration").uncheck()
    expect(ticked).to_have_text("Ticked: Côte d'Ivoire, UNDP")
    search.fill("")
    expect(picker.get_by_label("UNHCR — UN Refugee Agency")).to_be_visible()
    assert page.url.endswith("/edit/")

    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("Changes saved. Changed: partners.")
    assert sorted(action.partners.values_list("acronym", flat=True)) == ["Côte d'Ivoire", "UNDP"]

    # Saved again unchanged: nothing changes.
    action.refresh_from_db()
    version = action.version
    page.goto(f"{live_server.url}/actions/{action.pk}/edit/")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("Nothing to save")
    action.refresh_from_db()
    assert action.version == version
    assert sorted(action.partners.values_list("acronym", flat=True)) == ["Côte d'Ivoire", "UNDP"]


def test_without_javascript_every_partner_shows_and_no_search_box(
    live_server, browser, secretariat_user, ilo, iom, many_organisations
):
    action = FollowUpActionFactory(title="Handbook", lead=ilo, partners=[iom])
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/{action.pk}/edit/")
    for search in page.get_by_label("Find an organisation").all():
        expect(search).to_be_hidden()
    partners = page.get_by_role("group", name="Partners")
    expect(partners.get_by_label("UNHCR — UN Refugee Agency")).to_be_attached()
    assert partners.locator(".partner-options input[type=checkbox]").count() >= 46
    partners.get_by_label("UNHCR — UN Refugee Agency").check()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{live_server.url}/actions/{action.pk}/")
    assert sorted(action.partners.values_list("acronym", flat=True)) == ["IOM", "UNHCR"]
    context.close()


def test_completed_at_40_percent_is_explained_before_saving(
    live_server, page, shot, ilo_focal_point, ilo
):
    action = FollowUpActionFactory(
        title="Toolkit",
        lead=ilo,
        status=Status.IN_PROGRESS,
        progress=40,
        started_on=datetime.date(2026, 1, 5),
    )
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    hint = page.locator("#status-hint")
    expect(hint).to_be_empty()

    page.select_option("select[name=status]", "completed")
    today = timezone.localdate()
    completed_on = f"{today.day} {today:%B %Y}"
    expect(hint).to_have_text(
        "When you save: Progress set to 100%: a completed action is done. "
        f"Completed on set to {completed_on}."
    )
    expect(hint).to_have_attribute("aria-live", "polite")
    shot(page, "explained-before-saving")
    action.refresh_from_db()
    assert (action.status, action.progress) == (Status.IN_PROGRESS, 40)  # nothing saved yet

    page.fill("input[name=progress]", "100")
    expect(hint).to_have_text(f"When you save: Completed on set to {completed_on}.")
    page.fill("input[name=progress]", "40")
    page.get_by_role("button", name="Save report").click()
    # The server decides, and says again what it adjusted.
    expect(page.locator(".messages")).to_contain_text(
        "Saved: the action is now completed, progress 100%. Progress set to 100%"
    )
    action.refresh_from_db()
    assert (action.status, action.progress, action.completed_on) == (
        Status.COMPLETED,
        100,
        today,
    )


def test_moving_a_cancelled_actions_progress_is_said_to_be_refused(
    live_server, page, shot, ilo_focal_point, ilo
):
    action = FollowUpActionFactory(lead=ilo, status=Status.CANCELLED, progress=30)
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    hint = page.locator("#status-hint")
    page.fill("input[name=progress]", "50")
    expect(hint).to_have_text(
        "This report would not be saved: A cancelled action's progress cannot change. "
        "To resume it, choose another status."
    )
    page.select_option("select[name=status]", "on_hold")
    expect(hint).to_be_empty()
    page.select_option("select[name=status]", "in_progress")
    expect(hint).to_contain_text("Started on set to today")
    shot(page, "cancelled")


def test_the_pages_of_the_flow_are_valid_and_accessible(
    live_server, browser, secretariat_user, two_forums, tmp_path, many_organisations
):
    action = FollowUpAction.objects.get(title="Remittances study")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, secretariat_user.username)
    documents, violations = [], []
    axe = Axe()
    for path in (
        "/actions/?status=planned&forum=" + str(two_forums["manila"].pk),
        "/actions/?due_after=2027-06-01&due_before=2027-03-01",
        f"/actions/{action.pk}/",
        f"/actions/{action.pk}/edit/",
        "/actions/new/",
    ):
        response = page.goto(live_server.url + path)
        documents.append((path, response.text()))
        # After the scripts ran: the search box shown, the options narrowed, a hint said.
        if page.locator("select[name=status]").count():
            page.select_option("select[name=status]", "completed")
        found = axe.run(page).response["violations"]
        violations += [
            f"{path}: {v['id']} ({v['impact']}): {v['help']}"
            for v in found
            if v["impact"] in BLOCKING
        ]
    context.close()
    errors = _validate_html(documents, tmp_path)
    assert errors == [], "\n".join(errors)
    assert violations == [], "\n".join(violations)
