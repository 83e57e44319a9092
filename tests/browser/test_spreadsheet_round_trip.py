"""A focal point downloads their actions as XLSX, fills it in, uploads it, checks the preview,
applies it and finds the reports in the actions' histories; in Chromium, at 1280 and 390 px."""

import re

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from actions.models import FollowUpAction, StatusChange
from tests.browser.conftest import log_in
from tests.browser.test_every_page import BLOCKING, PHONE, _too_wide, _validate_html
from tests.factories import FollowUpActionFactory

pytestmark = pytest.mark.browser
Status = FollowUpAction.Status
NOTE = "Toolkit chapters 1-3 reviewed by the social partners."


@pytest.fixture
def assignments(ilo, iom):
    return {
        "handbook": FollowUpActionFactory(
            title="Handbook on fair recruitment", lead=ilo, status=Status.PLANNED, progress=10
        ),
        "toolkit": FollowUpActionFactory(
            title="Skills partnership toolkit",
            lead=iom,
            partners=[ilo],
            status=Status.IN_PROGRESS,
            progress=50,
        ),
        "study": FollowUpActionFactory(
            title="Wage protection study", lead=ilo, status=Status.IN_PROGRESS, progress=30
        ),
    }


def download_from_the_import_page(page, live_server, folder):
    page.goto(f"{live_server.url}/actions/import/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download your actions as XLSX").click()
    download = info.value
    assert re.fullmatch(r"gfmd-my-actions-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def fill_in(path, action, **cells):
    """Edit the file as a person would in Excel: by the column's header, in the action's row."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Actions"]
    column = {cell.value: cell.column for cell in sheet[1]}
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == action.pk)
    for header, value in cells.items():
        sheet.cell(row=row, column=column[header], value=value)
    workbook.save(path)


def upload(page, path):
    page.get_by_label("Spreadsheet (XLSX or CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()


def check_page(page, documents, problems):
    """Keep the page for the Nu checker, run axe-core, and check it fits a 390 px phone."""
    documents.append((page.url, page.content()))
    found = Axe().run(page).response["violations"]
    problems += [
        f"{page.url}: {v['id']} ({v['impact']}) {[node['target'] for node in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in BLOCKING
    ]
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    width = _too_wide(page)
    if width["scroll"] > width["limit"] or width["wide"]:
        problems.append(f"{page.url}: too wide at 390 px: {width}")
    page.set_viewport_size(size)


def test_a_focal_point_updates_two_actions_from_a_spreadsheet(
    live_server, page, shot, ilo_focal_point, assignments, tmp_path
):
    handbook, toolkit, study = assignments["handbook"], assignments["toolkit"], assignments["study"]
    documents, problems = [], []
    log_in(page, live_server, ilo_focal_point.username)

    path = download_from_the_import_page(page, live_server, tmp_path)
    expect(
        page.get_by_role("heading", name="Update many actions from a spreadsheet")
    ).to_be_visible()
    expect(page.get_by_role("link", name="My assignments").last).to_have_attribute("href", "/my/")
    shot(page, "import-page")
    check_page(page, documents, problems)
    page.set_viewport_size(PHONE)
    shot(page, "import-page-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    fill_in(path, handbook, Status="In progress")
    fill_in(path, toolkit, Progress=70, Note=NOTE)
    upload(page, path)

    page.wait_for_url(re.compile(r".*/actions/import/[^/]+/$"))
    expect(
        page.get_by_role("heading", name="Check the changes before applying them")
    ).to_be_visible()
    rows = page.locator("table.import-rows tbody tr")
    expect(rows).to_have_count(2)  # the unchanged study is counted, not listed
    expect(page.locator(".import-counts")).to_contain_text("2 will change")
    expect(page.locator(".import-counts")).to_contain_text("1 unchanged")
    expect(rows.filter(has_text=handbook.title)).to_contain_text("Status: Planned → In progress")
    expect(rows.filter(has_text=toolkit.title)).to_contain_text("Progress: 50% → 70%")
    expect(rows.filter(has_text=toolkit.title)).to_contain_text(f"Note: “{NOTE}”")
    assert StatusChange.objects.count() == 0  # the preview wrote nothing
    shot(page, "preview")
    check_page(page, documents, problems)
    page.set_viewport_size(PHONE)
    shot(page, "preview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.reload()  # the preview is kept on the server: a reload shows it again
    expect(page.locator(".import-counts")).to_contain_text("2 will change")

    page.get_by_role("button", name="Apply 2 changes").click()
    expect(page.get_by_role("heading", name="What the spreadsheet changed")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("The changes are applied")
    expect(page.locator(".import-counts")).to_contain_text("2 applied")
    expect(page.locator("table.import-rows tbody tr")).to_have_count(2)
    shot(page, "summary")
    check_page(page, documents, problems)
    page.set_viewport_size(PHONE)
    shot(page, "summary-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name=toolkit.title).click()
    page.wait_for_url(f"{live_server.url}/actions/{toolkit.pk}/")
    expect(page.locator(".timeline li").first).to_contain_text(NOTE)
    shot(page, "action-history")

    handbook.refresh_from_db()
    toolkit.refresh_from_db()
    study.refresh_from_db()
    assert (handbook.status, handbook.progress) == (Status.IN_PROGRESS, 10)
    assert (toolkit.status, toolkit.progress) == (Status.IN_PROGRESS, 70)
    assert study.history.count() == 0
    assert StatusChange.objects.filter(changed_by=ilo_focal_point).count() == 2

    # Back to the preview's address after applying: the summary, nothing applied again.
    page.go_back()
    page.reload()
    expect(page.locator(".import-counts")).to_contain_text("2 applied")
    assert StatusChange.objects.count() == 2

    page.goto(f"{live_server.url}/actions/import/not-a-reference/")
    expect(page.get_by_role("heading", name="No such preview")).to_be_visible()
    expect(page.get_by_role("link", name="Upload the file again")).to_be_visible()
    check_page(page, documents, problems)

    errors = _validate_html(documents, tmp_path)
    assert errors == [], "\n".join(errors)
    assert problems == [], "\n".join(problems)


def test_an_untouched_download_uploaded_again_changes_nothing(
    live_server, page, shot, ilo_focal_point, assignments, tmp_path
):
    log_in(page, live_server, ilo_focal_point.username)
    path = download_from_the_import_page(page, live_server, tmp_path)
    versions = dict(FollowUpAction.objects.values_list("pk", "version"))

    upload(page, path)

    expect(page.locator(".import-counts")).to_contain_text("0 will change")
    expect(page.locator(".import-counts")).to_contain_text("3 unchanged")
    expect(page.get_by_text("Nothing to apply")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Apply"))).to_have_count(0)
    shot(page, "nothing-to-apply")
    assert dict(FollowUpAction.objects.values_list("pk", "version")) == versions
    assert StatusChange.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_upload_page(
    live_server, page, shot, ilo_focal_point, assignments, tmp_path
):
    log_in(page, live_server, ilo_focal_point.username)
    page.goto(f"{live_server.url}/actions/import/")
    photo = tmp_path / "photo.xlsx"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)

    with page.expect_response(lambda r: r.url.endswith("/actions/import/")) as answer:
        upload(page, photo)

    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Nothing was read from this file.")
    expect(page.get_by_role("alert")).to_contain_text("not a spreadsheet the portal can read")
    expect(page.get_by_label("Spreadsheet (XLSX or CSV)")).to_be_visible()  # try another
    shot(page, "refused")
    page.set_viewport_size(PHONE)
    shot(page, "refused-phone")
    assert StatusChange.objects.count() == 0
