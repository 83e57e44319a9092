"""Statuses the sources do not state: the nine GFMD I actions seed 002 only names are
"proposed" by default, and the portal says so ("assumed") until someone reports."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from actions.models import FollowUpAction
from actions.services import action_change_status
from record.management.commands.load_gfmd import DEFAULT_FILE as SHIPPED_RECORD

pytestmark = pytest.mark.django_db

# Named in seed 002's "GFMD I Follow-Up, Actions RTD 1" and "... RTD 3" lists, and nowhere else.
ONLY_NAMED = {
    "gfmd1-rtd1-matrix-good-practices-health-sector",
    "gfmd1-rtd1-feasibility-study-worker-financial-services",
    "gfmd1-rtd1-workshop-good-recruitment-employment-practices",
    "gfmd1-rtd1-workshop-circular-migration",
    "gfmd1-rtd3-expert-working-group",
    "gfmd1-rtd3-report-on-policy-lessons",
    "gfmd1-rtd3-working-group-data-sharing",
    "gfmd1-rtd3-working-group-policy-coherence",
    "gfmd1-rtd3-common-migration-database",
}
ASSUMED_WORDS = "assumed: not stated in the source"


def load():
    out = io.StringIO()
    call_command("load_gfmd", stdout=out)
    return out.getvalue()


@pytest.fixture
def record():
    load()


def assumed_slugs():
    return set(FollowUpAction.objects.filter(status_assumed=True).values_list("slug", flat=True))


def test_the_nine_actions_the_sources_only_name_have_an_assumed_status(record):
    assert assumed_slugs() == ONLY_NAMED
    assert set(
        FollowUpAction.objects.filter(slug__in=ONLY_NAMED).values_list("status", flat=True)
    ) == {FollowUpAction.Status.PROPOSED}


def test_a_proposal_the_source_states_is_not_assumed(record):
    # "Proposal of UN GMG on International Partnership ..." (seed 002); the network of RCP
    # focal points is what the IOM consultation aims to establish (seed 001).
    for slug in (
        "international-partnership-on-migration-and-development",
        "network-rcp-focal-points",
    ):
        action = FollowUpAction.objects.get(slug=slug)
        assert (action.status, action.status_assumed) == (FollowUpAction.Status.PROPOSED, False)


def test_the_list_and_the_action_page_say_the_status_is_assumed(client, observer, record):
    client.force_login(observer)
    listed = client.get(reverse("action_list")).content.decode()
    assert listed.count(ASSUMED_WORDS) == len(ONLY_NAMED)

    matrix = FollowUpAction.objects.get(slug="gfmd1-rtd1-matrix-good-practices-health-sector")
    ipmd = FollowUpAction.objects.get(slug="international-partnership-on-migration-and-development")

    def page(action):
        return client.get(reverse("action_detail", args=[action.pk])).content.decode()

    assert ASSUMED_WORDS in page(matrix)
    assert ASSUMED_WORDS not in page(ipmd)


def test_a_report_states_the_status_even_the_same_one(client, secretariat_user, record):
    matrix = FollowUpAction.objects.get(slug="gfmd1-rtd1-matrix-good-practices-health-sector")
    client.force_login(secretariat_user)

    response = client.post(
        reverse("action_status", args=[matrix.pk]),
        {
            "status": FollowUpAction.Status.PROPOSED,
            "progress": 0,
            "note": "Confirmed with the Belgian Task Force: still a proposal.",
            "version": matrix.version,
        },
    )

    assert response.status_code == 302
    matrix.refresh_from_db()
    assert (matrix.status, matrix.status_assumed) == (FollowUpAction.Status.PROPOSED, False)
    page = client.get(reverse("action_detail", args=[matrix.pk])).content.decode()
    assert ASSUMED_WORDS not in page


def test_reloading_never_marks_a_reported_status_assumed_again(secretariat_user, record):
    matrix = FollowUpAction.objects.get(slug="gfmd1-rtd1-matrix-good-practices-health-sector")
    action_change_status(
        action=matrix, changed_by=secretariat_user, status="planned", note="Planned for 2009."
    )

    load()

    assert assumed_slugs() == ONLY_NAMED - {matrix.slug}


def test_a_portal_loaded_before_the_flag_existed_gets_it_from_the_record_once(record):
    # As the record stood before: every action with the default, nobody has reported.
    FollowUpAction.objects.update(status_assumed=False)

    output = load()

    assert assumed_slugs() == ONLY_NAMED
    assert "Actions: 0 created, 9 updated, 9 unchanged" in output
    versions = dict(FollowUpAction.objects.values_list("slug", "version"))
    assert "Actions: 0 created, 0 updated, 18 unchanged" in load()
    assert dict(FollowUpAction.objects.values_list("slug", "version")) == versions


def test_a_record_entry_must_say_assumed_with_true_or_false(db, tmp_path):
    data = json.loads(SHIPPED_RECORD.read_text(encoding="utf-8"))
    data["actions"][0]["status_assumed"] = "yes"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(Exception, match="status_assumed must be true or false"):
        call_command("load_gfmd", file=str(path), stdout=io.StringIO())
    assert not FollowUpAction.objects.exists()


def test_both_downloads_say_which_statuses_are_assumed(client, observer, record):
    from openpyxl import load_workbook

    client.force_login(observer)
    response = client.get(reverse("action_export"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_title = {row["Title"]: row["Status assumed"] for row in rows}
    matrix = FollowUpAction.objects.get(slug="gfmd1-rtd1-matrix-good-practices-health-sector")
    ipmd = FollowUpAction.objects.get(slug="international-partnership-on-migration-and-development")
    assert by_title[matrix.title] == "yes: not stated in the source"
    assert by_title[ipmd.title] == "no"

    response = client.get(reverse("action_export_xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    header, *cells = workbook.worksheets[0].iter_rows(values_only=True)
    sheet = {row[header.index("Title")]: row[header.index("Status assumed")] for row in cells}
    assert sheet[matrix.title] == "yes: not stated in the source"
    assert sheet[ipmd.title] == "no"
    assert sum(1 for value in sheet.values() if value.startswith("yes")) == len(ONLY_NAMED)
