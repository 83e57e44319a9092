"""/my/export.csv: /my/ as CSV, the user's organisations' actions with /my/'s filters."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from actions.models import FollowUpAction
from tests.factories import FocalPointFactory, FollowUpActionFactory, OrganisationFactory

Status = FollowUpAction.Status


def exported_titles(response):
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row["Title"] for row in csv.DictReader(io.StringIO(body))]


@pytest.fixture
def eighteen(ilo, iom):
    """18 actions, of which ILO leads one and partners in another."""
    FollowUpActionFactory(title="ILO leads", lead=ilo, status=Status.PLANNED)
    FollowUpActionFactory(title="ILO partners", lead=iom, partners=[ilo], status=Status.COMPLETED)
    FollowUpActionFactory.create_batch(16, lead=iom, partners=[OrganisationFactory()])


@pytest.mark.django_db
def test_a_focal_point_downloads_only_their_organisations_actions(
    client, ilo_focal_point, eighteen
):
    client.force_login(ilo_focal_point)
    titles = exported_titles(client.get(reverse("my_export")))
    assert sorted(titles) == ["ILO leads", "ILO partners"]


@pytest.mark.django_db
def test_the_filters_apply_within_my_organisations(client, ilo_focal_point, eighteen):
    client.force_login(ilo_focal_point)
    assert exported_titles(client.get(reverse("my_export"), {"status": "completed"})) == [
        "ILO partners"
    ]
    assert exported_titles(client.get(reverse("my_export"), {"q": "leads"})) == ["ILO leads"]
    # Another organisation's filter does not widen the scope.
    assert exported_titles(client.get(reverse("my_export"), {"lead": "IOM"})) == ["ILO partners"]


@pytest.mark.django_db
def test_someone_serving_two_organisations_gets_each_action_once(client, ilo, iom, eighteen):
    user = FocalPointFactory(organisation=ilo).user
    FocalPointFactory(user=user, organisation=iom)
    client.force_login(user)
    assert len(exported_titles(client.get(reverse("my_export")))) == 18


@pytest.mark.django_db
def test_the_secretariat_downloads_everything_as_on_their_my_page(
    client, secretariat_user, eighteen
):
    client.force_login(secretariat_user)
    assert len(exported_titles(client.get(reverse("my_export")))) == 18


@pytest.mark.django_db
def test_someone_serving_no_organisation_downloads_an_empty_list(client, observer, eighteen):
    client.force_login(observer)
    assert exported_titles(client.get(reverse("my_export"))) == []


@pytest.mark.django_db
def test_the_file_is_named_as_mine_and_dated(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)):
        response = client.get(reverse("my_export"))
    assert response["Content-Disposition"] == (
        'attachment; filename="gfmd-my-actions-2026-12-01.csv"'
    )


@pytest.mark.django_db
def test_an_invalid_filter_is_a_400_with_the_reason(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    response = client.get(reverse("my_export"), {"stale": "0"})
    assert response.status_code == 400
    assert b"stale" in response.content


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("my_export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["action_export", "my_export"])
def test_an_export_only_answers_reading_requests(client, ilo_focal_point, name):
    client.force_login(ilo_focal_point)
    assert client.post(reverse(name)).status_code == 405
