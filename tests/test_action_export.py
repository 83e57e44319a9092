"""/actions/export.csv: the list's filters as a streamed CSV."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from actions import export
from actions.models import FollowUpAction
from tests.factories import FollowUpActionFactory, OrganisationFactory

Status = FollowUpAction.Status


def read_csv(response):
    assert response.streaming, "the export must stream, not build the file in memory"
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.django_db
def test_export_has_every_matching_row_with_the_filters_applied(client, secretariat_user, ilo):
    partner = OrganisationFactory(acronym="OSCE")
    FollowUpActionFactory.create_batch(
        30, lead=ilo, partners=[partner], status=Status.PLANNED, progress=10
    )
    FollowUpActionFactory.create_batch(4, status=Status.COMPLETED)
    client.force_login(secretariat_user)

    response = client.get(reverse("action_export"), {"status": "planned", "page": "2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="gfmd-actions-')
    rows = read_csv(response)
    assert len(rows) == 30  # all matching rows, not one page of them
    assert {row["status"] for row in rows} == {"Planned"}
    assert rows[0]["lead"] == "ILO"
    assert rows[0]["partners"] == "OSCE"
    assert rows[0]["progress"] == "10"
    assert rows[0]["url"].startswith("http://testserver/actions/")


@pytest.mark.django_db
def test_export_escapes_commas_quotes_newlines_and_formulas(client, secretariat_user):
    tricky = [
        'Handbook, "volume 1"\nand 2',
        '=HYPERLINK("http://evil")',
        "+1 more workshop",
        "@SUM(A1)",
        "-10 per cent",
        "Ordinary title",
    ]
    for title in tricky:
        FollowUpActionFactory(title=title)
    client.force_login(secretariat_user)

    rows = read_csv(client.get(reverse("action_export")))

    exported = {row["title"] for row in rows}
    assert 'Handbook, "volume 1"\nand 2' in exported  # quoted by csv, intact
    assert '\'=HYPERLINK("http://evil")' in exported
    assert "'+1 more workshop" in exported
    assert "'@SUM(A1)" in exported
    assert "'-10 per cent" in exported
    assert "Ordinary title" in exported


@pytest.mark.django_db
def test_export_with_an_invalid_filter_is_a_400_with_the_reason(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(reverse("action_export"), {"due_after": "someday"})
    assert response.status_code == 400
    assert b"due_after" in response.content
    assert b"Enter a valid date" in response.content


@pytest.mark.django_db
def test_export_link_on_the_list_carries_the_filters(client, secretariat_user):
    FollowUpActionFactory()
    client.force_login(secretariat_user)
    response = client.get(reverse("action_list"), {"status": "planned", "page": "1"})
    assert b'href="/actions/export.csv?status=planned"' in response.content


@pytest.mark.django_db
def test_export_runs_a_fixed_number_of_queries(
    client, secretariat_user, ilo, django_assert_max_num_queries
):
    FollowUpActionFactory.create_batch(60, lead=ilo, partners=[ilo])
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(10):
        rows = read_csv(client.get(reverse("action_export")))
    assert len(rows) == 60


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["", "title", "-lead", "-due"])
def test_every_row_keeps_its_own_partners_across_chunks_in_any_order(
    client, secretariat_user, monkeypatch, sort
):
    """Partners come in the rows' own query, one row per partner, folded back per action."""
    monkeypatch.setattr(export, "CHUNK_SIZE", 3)
    orgs = [OrganisationFactory(acronym=acronym) for acronym in ("ILO", "IOM", "UNDP", "OSCE")]
    expected = {}
    for n in range(8):
        partners = orgs[: n % 4]  # none, one, two, three
        action = FollowUpActionFactory(
            title=f"Action {(n * 5) % 8}",
            lead=orgs[n % 3],
            due_date=datetime.date(2027, 1, 1 + (n * 3) % 8) if n != 5 else None,
            partners=partners,
        )
        expected[str(action.pk)] = "; ".join(sorted(org.acronym for org in partners))
    client.force_login(secretariat_user)

    listed = client.get(reverse("action_list"), {"sort": sort} if sort else {})
    rows = read_csv(client.get(reverse("action_export"), {"sort": sort} if sort else {}))

    assert {row["id"]: row["partners"] for row in rows} == expected
    assert [row["title"] for row in rows] == [action.title for action in listed.context["actions"]]
