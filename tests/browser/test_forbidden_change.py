"""An ILO focal point cannot report on an IOM-led action, even by posting the form by hand."""

import pytest
from playwright.sync_api import expect

from actions.models import FollowUpAction
from tests.browser.conftest import log_in
from tests.factories import FollowUpActionFactory

pytestmark = pytest.mark.browser


def test_focal_point_cannot_change_another_agencys_action(
    live_server, context, page, shot, ilo_focal_point, iom
):
    action = FollowUpActionFactory(
        title="IOM-led: diaspora engagement mapping",
        lead=iom,
        status=FollowUpAction.Status.PLANNED,
        progress=10,
    )
    before = (action.status, action.progress, action.version, action.last_reported_at)

    log_in(page, live_server, ilo_focal_point.username, shot)
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    expect(page.get_by_role("heading", name=action.title, level=1)).to_be_visible()
    shot(page, "action-detail")

    # Reading is allowed; reporting is not offered.
    expect(page.get_by_role("heading", name="Reporting")).to_be_visible()
    expect(page.locator(f"form[action='/actions/{action.pk}/status/']")).to_have_count(0)
    expect(page.get_by_role("button", name="Save report")).to_have_count(0)
    expect(page.locator("select[name=status]")).to_have_count(0)

    # Post the report anyway: a hand-made form with the CSRF token from the cookie, so it is
    # the permission check, not the CSRF check, that must turn it down.
    csrf_token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    with page.expect_response(f"**/actions/{action.pk}/status/") as response_info:
        page.evaluate(
            """([url, token]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = url;
                const fields = {
                    csrfmiddlewaretoken: token, status: "completed", progress: "100",
                    note: "Done, says ILO.", version: "1",
                };
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [f"/actions/{action.pk}/status/", csrf_token],
        )
    assert response_info.value.status == 403
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="You cannot do that", level=1)).to_be_visible()
    expect(page.get_by_text("Nothing was changed.")).to_be_visible()
    shot(page, "forbidden")

    action.refresh_from_db()
    assert (action.status, action.progress, action.version, action.last_reported_at) == before
    assert not action.history.exists()
