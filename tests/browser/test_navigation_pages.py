"""The everyday flow, in Chromium, on the real GFMD record: the navigation to Forums and
Agencies, the digest log and a preview opened from it, a focal point's own preview, the
password change and signing out. Each page is checked with the Nu HTML checker and
axe-core, and at 390 px for anything wider than the phone."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from agencies.models import Organisation
from digests.models import DigestDelivery
from tests.browser.conftest import PASSWORD, log_in
from tests.browser.test_every_page import BLOCKING, PHONE, _too_wide, _validate_html
from tests.factories import FocalPointFactory, UserFactory

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
NEW_PASSWORD = "a longer passphrase for 2027"


@pytest.fixture
def record(db):
    """The shipped record, an IOM focal point, and this week's digests sent to both."""
    call_command("load_gfmd", stdout=io.StringIO())
    iom = Organisation.objects.get(acronym="IOM")
    focal_point = FocalPointFactory(
        user=UserFactory(username="iom-focal", first_name="Ines", last_name="Moreau"),
        organisation=iom,
    ).user
    return {"iom": iom, "focal_point": focal_point}


class PageChecks:
    """Collects, for each page visited: its HTML for the Nu checker, axe-core's serious
    findings, and whatever sticks out of a 390 px phone; screenshots at both widths."""

    def __init__(self, page, shot):
        self.page, self.shot = page, shot
        self.documents, self.violations, self.too_wide = [], [], []
        self.axe = Axe()

    def check(self, name):
        page = self.page
        self.documents.append((page.url, page.content()))
        found = self.axe.run(page).response["violations"]
        self.violations += [
            f"{page.url}: {v['id']} ({v['impact']}): {v['help']}"
            for v in found
            if v["impact"] in BLOCKING
        ]
        self.shot(page, f"{name}-1280")
        page.set_viewport_size(PHONE)
        width = _too_wide(page)
        if width["scroll"] > width["limit"] or width["wide"]:
            self.too_wide.append(f"{page.url}: {width}")
        self.shot(page, f"{name}-390")
        page.set_viewport_size(DESKTOP)

    def assert_clean(self, folder):
        errors = _validate_html(self.documents, folder)
        assert errors == [], "\n".join(errors)
        assert self.violations == [], "\n".join(self.violations)
        assert self.too_wide == [], "\n".join(self.too_wide)


def _nav(page):
    return page.get_by_role("navigation", name="Main")


def test_staff_follow_the_navigation_to_forums_agencies_the_log_and_a_preview(
    live_server, page, shot, record, secretariat_user, tmp_path
):
    call_command("send_digests", stdout=io.StringIO())
    delivery = DigestDelivery.objects.get(recipient=record["focal_point"])
    assert delivery.status == "sent" and delivery.contents
    checks = PageChecks(page, shot)
    log_in(page, live_server, secretariat_user.username)

    _nav(page).get_by_role("link", name="Forums").click()
    page.wait_for_url(f"{live_server.url}/forums/")
    expect(_nav(page).locator('[aria-current="page"]')).to_have_text("Forums")
    expect(page.locator(".forum-card")).to_have_count(2)
    first = page.locator(".forum-card").first
    expect(first).to_contain_text("9–11 July 2007")
    expect(first).to_contain_text("Belgium")
    checks.check("forums")
    first.get_by_role("link", name="GFMD I, Brussels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("GFMD I, Brussels")
    expect(_nav(page).locator('[aria-current="page"]')).to_have_text("Forums")

    _nav(page).get_by_role("link", name="Agencies").click()
    page.wait_for_url(f"{live_server.url}/agencies/")
    expect(_nav(page).locator('[aria-current="page"]')).to_have_text("Agencies")
    expect(page.get_by_role("heading", name="UN agencies", level=2)).to_be_visible()
    checks.check("agencies")
    page.get_by_role("link", name="International Organization for Migration").click()
    page.wait_for_url(f"{live_server.url}/agencies/IOM/")
    expect(page.get_by_role("link", name="Preview digest of Ines Moreau")).to_be_visible()
    checks.check("agency-with-preview-links")

    _nav(page).get_by_role("link", name="Digest log").click()
    page.wait_for_url(f"{live_server.url}/digests/deliveries/")
    expect(_nav(page).locator('[aria-current="page"]')).to_have_text("Digest log")
    row = page.locator("tbody tr", has_text="iom-focal@example.org")
    row.get_by_text("What it said").click()
    expect(row.locator("details")).to_contain_text(delivery.subject)
    expect(row.locator("details")).to_contain_text(delivery.contents[0]["titles"][0])
    checks.check("digest-log")
    row.get_by_role("link", name=re.compile("^Preview")).click()
    expect(page.locator(".preview-banner")).to_contain_text(
        f"Preview of iom-focal’s digest for week {delivery.week}"
    )
    shot(page, "preview-from-the-log")

    checks.assert_clean(tmp_path)


def test_a_focal_point_previews_their_own_digest_changes_the_password_and_signs_out(
    live_server, page, shot, record, tmp_path
):
    focal_point = record["focal_point"]
    checks = PageChecks(page, shot)
    log_in(page, live_server, focal_point.username)
    expect(_nav(page).get_by_role("link", name="Digest log")).to_have_count(0)

    page.get_by_role("link", name="Digest settings").click()
    checks.check("digest-settings")
    page.get_by_role("link", name="Preview my next digest").click()
    expect(page.locator(".preview-banner")).to_contain_text("Preview of iom-focal’s digest")
    shot(page, "own-preview")
    page.go_back()

    page.get_by_role("link", name="Change password").click()
    page.wait_for_url(f"{live_server.url}/accounts/password_change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    checks.check("password-form")
    saved_hash = type(focal_point).objects.get(pk=focal_point.pk).password

    # Sent as it came: refused, nothing changes.
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_role("alert").first).to_contain_text("Your password was not changed")
    expect(page.locator(".field-error").first).to_contain_text("This field is required.")
    assert type(focal_point).objects.get(pk=focal_point.pk).password == saved_hash

    # A wrong current password: refused with the reason. Django never sends a password back
    # to the browser, so the three fields are empty again; the page says to type them again.
    page.get_by_label("Old password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    expect(page.locator(".field-error")).to_contain_text("old password was entered incorrectly")
    expect(page.get_by_label("New password", exact=True)).to_have_value("")
    checks.check("password-refused")
    assert type(focal_point).objects.get(pk=focal_point.pk).password == saved_hash

    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    page.wait_for_url(f"{live_server.url}/accounts/password_change/done/")
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    checks.check("password-changed")
    # Still signed in.
    _nav(page).get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/?signed_out=1")
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    checks.check("signed-out")

    # The old password no longer works; the new one does.
    page.fill("#id_username", focal_point.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.fill("#id_username", focal_point.username)
    page.fill("#id_password", NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()

    checks.assert_clean(tmp_path)


def test_the_navigation_fits_a_phone(live_server, browser, shot, record, secretariat_user):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, secretariat_user.username)
    page.goto(f"{live_server.url}/agencies/")

    width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    header = page.locator(".site-header").bounding_box()
    shot(page, "phone-header")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"
    for link in _nav(page).get_by_role("link").all() + page.locator(".user-box a").all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], link.inner_text()
    # Wrapped, but not a whole screen of header before the page starts.
    assert header["height"] < PHONE["height"] / 2
    context.close()
