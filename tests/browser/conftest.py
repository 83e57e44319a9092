"""Browser tests: Playwright (sync API) drives Debian's Chromium against `live_server`.

One Chromium per test module, a fresh browser context
(cookies, storage) per test, and a `shot` helper that saves a full-page screenshot of
each page a test visits under test-output/screenshots/<test name>/NN-<step>.png.
"""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import missing_service


# Playwright's sync API runs an asyncio event loop in the test thread (through greenlets)
# for as long as the browser lives. Django sees that running loop and refuses ORM calls from
# the thread (SynchronousOnlyOperation), although the tests' ORM calls are ordinary blocking
# calls, never made from a coroutine. So allow them, but only while a browser module runs:
# the browser is closed at the end of each module, and the rest of the suite keeps the check.
@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright_loop():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Every UserFactory user has this password.
PASSWORD = "correct horse battery staple"
# Fail in seconds, not in Playwright's default 30 s, when something is not on the page.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser(_allow_orm_beside_playwright_loop):
    if not Path(CHROMIUM).exists():
        missing_service("Chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def shot(request):
    """shot(page, "step"): a full-page screenshot, numbered in the order the test takes them."""
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    folder = request.config.rootpath / "test-output" / "screenshots" / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    count = 0

    def take(page, step):
        nonlocal count
        count += 1
        path = folder / f"{count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, live_server, username, shot=None):
    """Sign in through the login form (fill and click); screenshots both pages if given `shot`."""
    page.goto(f"{live_server.url}/accounts/login/")
    if shot:
        shot(page, "login")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Where each role lands: focal points on /my/, everyone else on the dashboard.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if shot:
        shot(page, "dashboard")
