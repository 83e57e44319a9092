"""Pages answer only the methods they serve: anything else is a 405 with an Allow header."""

import pytest
from django.urls import reverse

from tests.factories import FollowUpActionFactory, SessionFactory


@pytest.fixture
def pages(ilo):
    action = FollowUpActionFactory(lead=ilo)
    session = SessionFactory()
    return {
        "read-only": [
            reverse("dashboard"),
            reverse("action_list"),
            reverse("my_assignments"),
            reverse("action_export"),
            reverse("action_detail", args=[action.pk]),
            reverse("forum_detail", args=[action.forum_id]),
            reverse("session_detail", args=[session.pk]),
            reverse("involvement_matrix"),
            reverse("digest_log"),
            reverse("digest_preview") + "?user=secretariat",
        ],
        "forms": [
            reverse("action_create"),
            reverse("action_edit", args=[action.pk]),
            reverse("action_status", args=[action.pk]),
            reverse("digest_settings"),
        ],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_no_page_answers_a_method_it_does_not_serve(client, secretariat_user, pages, method):
    client.force_login(secretariat_user)
    for url in pages["read-only"] + pages["forms"]:
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert "GET" in response["Allow"], url


@pytest.mark.django_db
def test_a_post_to_a_read_only_page_is_refused(client, secretariat_user, pages):
    client.force_login(secretariat_user)
    for url in pages["read-only"]:
        response = client.post(url, {"anything": "1"})
        assert response.status_code == 405, url
        assert "POST" not in response["Allow"], url
