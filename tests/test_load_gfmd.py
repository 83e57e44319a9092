"""The load_gfmd command: idempotent, leaves staff's status reports alone, all or nothing."""

import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import FollowUpAction, StatusChange
from actions.services import action_change_status
from agencies.models import SECRETARIAT_GROUP, Organisation
from record.management.commands.load_gfmd import DEFAULT_FILE as SHIPPED_RECORD
from record.models import Citation, Source
from roundtables.models import Forum, Involvement, Meeting, MeetingSitting, RoundTable, Session

MODELS = (
    Group,
    Organisation,
    Forum,
    RoundTable,
    Session,
    Meeting,
    MeetingSitting,
    Source,
    Citation,
    Involvement,
    FollowUpAction,
    StatusChange,
)


def load(path=None):
    out = io.StringIO()
    if path is None:
        call_command("load_gfmd", stdout=out)
    else:
        call_command("load_gfmd", file=str(path), stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def m2m_counts():
    return {
        "steering_group": Forum.steering_group.through.objects.count(),
        "coordinators": Session.coordinators.through.objects.count(),
        "partners": FollowUpAction.partners.through.objects.count(),
        "co_leads": FollowUpAction.co_leads.through.objects.count(),
        "developed_by": FollowUpAction.developed_by.through.objects.count(),
    }


@pytest.fixture
def record():
    return json.loads(SHIPPED_RECORD.read_text(encoding="utf-8"))


@pytest.fixture
def write_record(tmp_path):
    def write(data):
        path = tmp_path / "record.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write


def test_first_load_reports_what_it_created(db):
    output = load()
    assert "Organisations: 58 created" in output
    assert "Actions: 18 created" in output
    assert Group.objects.filter(name=SECRETARIAT_GROUP).exists()


def test_loading_twice_creates_nothing_new(db):
    load()
    first = counts(), m2m_counts()
    versions = dict(FollowUpAction.objects.values_list("slug", "version"))

    output = load()

    assert (counts(), m2m_counts()) == first
    assert first[0]["StatusChange"] == first[0]["FollowUpAction"] == 18
    # Nothing changed, so nothing was written: open edit forms stay valid.
    assert dict(FollowUpAction.objects.values_list("slug", "version")) == versions
    summary = [line for line in output.splitlines() if " created, " in line]
    assert len(summary) == 10
    assert all(": 0 created, 0 updated, " in line for line in summary)


def test_an_existing_secretariat_group_is_kept(db):
    group = Group.objects.create(name=SECRETARIAT_GROUP)
    load()
    assert list(Group.objects.all()) == [group]


def test_reloading_leaves_a_reported_status_alone(db, secretariat_user):
    load()
    ipmd = FollowUpAction.objects.get(slug="international-partnership-on-migration-and-development")
    action_change_status(
        action=ipmd,
        changed_by=secretariat_user,
        status=FollowUpAction.Status.IN_PROGRESS,
        progress=20,
        note="Steering Group agreed to take it forward.",
    )
    ipmd.refresh_from_db()
    reported = (ipmd.status, ipmd.progress, ipmd.started_on, ipmd.completed_on, ipmd.version)
    history = ipmd.history.count()

    load()

    ipmd.refresh_from_db()
    assert (
        ipmd.status,
        ipmd.progress,
        ipmd.started_on,
        ipmd.completed_on,
        ipmd.version,
    ) == reported
    assert ipmd.status == FollowUpAction.Status.IN_PROGRESS
    assert ipmd.history.count() == history == 2


def test_reloading_an_edited_record_updates_descriptions_but_not_status(db, record, write_record):
    load()
    handbook = FollowUpAction.objects.get(slug="migration-and-development-handbook")
    version = handbook.version

    entry = next(a for a in record["actions"] if a["slug"] == handbook.slug)
    entry.update(
        title="Migration and Development Handbook (two volumes)",
        partners=["UNDP", "UNICEF"],
        status="completed",
        progress=100,
    )
    output = load(write_record(record))

    handbook.refresh_from_db()
    assert handbook.title == "Migration and Development Handbook (two volumes)"
    assert {org.acronym for org in handbook.partners.all()} == {"UNDP", "UNICEF"}
    # Status belongs to the portal once an action exists (no source gives its progress).
    assert (handbook.status, handbook.progress) == (FollowUpAction.Status.IN_PROGRESS, None)
    assert handbook.history.count() == 1
    assert handbook.version == version + 1
    assert "Actions: 0 created, 1 updated, 17 unchanged" in output


def test_reloading_updates_organisations_and_involvements_in_place(db, record, write_record):
    load()
    before = counts()
    record["organisations"][0]["name"] = "International Labour Office"
    record["involvements"][0]["detail"] = "Shorter."

    load(write_record(record))

    assert counts() == before
    assert Organisation.objects.get(acronym="ILO").name == "International Labour Office"
    assert Involvement.objects.filter(detail="Shorter.").count() == 1


def break_last_action_partner(record):
    record["actions"][-1]["partners"] = ["Atlantis"]


def break_involvement_session(record):
    record["involvements"][0]["session"] = "3.9"


def break_involvement_role(record):
    record["involvements"][-1]["role"] = "chair"


def break_completed_progress(record):
    record["actions"][-1]["status"] = "completed"
    record["actions"][-1]["progress"] = 50


def break_key_name(record):
    record["actions"][-1]["parnters"] = record["actions"][-1].pop("partners")


def break_session_prefix(record):
    record["forums"][0]["round_tables"][0]["sessions"][0]["code"] = "2.9"


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        (
            break_last_action_partner,
            "idm-2009-human-rights-and-migration.*unknown partner 'Atlantis'",
        ),
        (break_involvement_session, "GFMD I has no session '3.9'"),
        (break_involvement_role, "role 'chair' is not one of"),
        (break_completed_progress, "a completed action has progress 100"),
        (break_key_name, "unknown key\\(s\\) parnters"),
        (break_session_prefix, "GFMD I session 2.9"),
    ],
)
def test_a_bad_record_fails_and_writes_nothing(db, record, write_record, breaks, message):
    breaks(record)
    empty = counts()

    with pytest.raises(CommandError, match=message):
        load(write_record(record))

    assert counts() == empty


def test_a_bad_record_leaves_an_earlier_load_untouched(db, record, write_record):
    load()
    before = counts()
    record["organisations"][0]["name"] = "Renamed"
    record["involvements"].append(
        {"forum": 1, "session": "1.1", "organisation": "XYZ", "role": "speaker", "detail": ""}
    )

    with pytest.raises(CommandError, match="unknown organisation 'XYZ'"):
        load(write_record(record))

    assert counts() == before
    assert Organisation.objects.get(acronym="ILO").name == "International Labour Organization"


def test_a_file_that_is_not_json_fails_clearly(db, tmp_path):
    path = tmp_path / "record.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        load(path)
