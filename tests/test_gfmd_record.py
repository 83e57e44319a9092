"""What the shipped GFMD record (fixtures/gfmd_record.json) holds once loaded."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from actions.models import FollowUpAction
from agencies.models import Organisation
from roundtables.models import Forum, Involvement, RoundTable, Session

BRUSSELS = ZoneInfo("Europe/Brussels")

GMG_NOTE_AGENCIES = {
    "ILO": "International Labour Organization",
    "IOM": "International Organization for Migration",
    "UNCTAD": "United Nations Conference on Trade and Development",
    "UNDP": "United Nations Development Programme",
    "UNDESA": "United Nations Secretariat - Department of Economic and Social Affairs",
    "UNFPA": "United Nations Population Fund",
    "OHCHR": "Office of the United Nations High Commissioner for Human Rights",
    "UNHCR": "Office of the United Nations High Commissioner for Refugees",
    "UNODC": "United Nations Office on Drugs and Crime",
    "World Bank": "World Bank",
    # The note's "United Nations’ Children Fund" is a typo: the record has UNICEF's name.
    "UNICEF": "United Nations Children's Fund",
    "UNESCO": "United Nations Educational, Scientific and Cultural Organization",
}


@pytest.fixture
def record(db):
    call_command("load_gfmd", stdout=io.StringIO())


def acronyms(organisations):
    return {organisation.acronym for organisation in organisations}


def test_two_forums_with_three_round_tables_each(record):
    brussels, manila = Forum.objects.order_by("number")
    assert (brussels.short_name, brussels.city, brussels.host_government.acronym) == (
        "GFMD I",
        "Brussels",
        "Belgium",
    )
    assert (brussels.start_date, brussels.end_date) == (
        datetime.date(2007, 7, 9),
        datetime.date(2007, 7, 11),
    )
    assert (manila.short_name, manila.city, manila.host_government.acronym) == (
        "GFMD II",
        "Manila",
        "Philippines",
    )
    # The seeds give the month only.
    assert (manila.start_date, manila.end_date, manila.when) == (None, None, "October 2008")

    assert RoundTable.objects.count() == 6
    for forum in (brussels, manila):
        assert list(forum.round_tables.values_list("number", flat=True)) == [1, 2, 3]
    assert brussels.round_tables.get(number=2).theme.startswith("Remittances and other diaspora")
    assert manila.round_tables.get(number=1).theme.startswith("Migrant's Rights and Development")


def test_gfmd_one_has_the_twelve_sessions_of_the_agenda(record):
    codes = [f"{rt}.{n}" for rt in (1, 2, 3) for n in (1, 2, 3, 4)]
    assert Session.objects.count() == 12
    assert (
        sorted(Session.objects.in_forum(Forum.objects.get(number=1)).values_list("code", flat=True))
        == codes
    )
    for session in Session.objects.select_related("round_table"):
        assert session.code.startswith(f"{session.round_table.number}.")
        assert session.title


def test_session_times_are_brussels_local_time(record):
    first = Session.objects.get(code="1.1")
    assert first.starts_at == datetime.datetime(2007, 7, 10, 15, 0, tzinfo=BRUSSELS)
    assert first.ends_at == datetime.datetime(2007, 7, 10, 18, 0, tzinfo=BRUSSELS)
    # Brussels was on summer time, two hours ahead of UTC.
    assert first.starts_at == datetime.datetime(2007, 7, 10, 13, 0, tzinfo=datetime.UTC)

    wednesday = Session.objects.get(code="3.4")
    assert wednesday.starts_at == datetime.datetime(2007, 7, 11, 9, 0, tzinfo=BRUSSELS)
    assert wednesday.ends_at == datetime.datetime(2007, 7, 11, 12, 0, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("code", "governments"),
    [
        ("1.2", {"Spain", "Morocco"}),
        ("1.3", {"Bangladesh"}),
        ("1.4", {"Luxembourg", "Mauritius"}),
        ("3.1", {"Finland"}),
        ("3.2", {"Sweden"}),
        ("1.1", set()),
    ],
)
def test_session_coordinators(record, code, governments):
    assert acronyms(Session.objects.get(code=code).coordinators.all()) == governments


def test_the_twelve_agencies_of_the_gmg_note(record):
    for acronym, name in GMG_NOTE_AGENCIES.items():
        assert Organisation.objects.get(acronym=acronym).name == name
    # UNICEF and UNESCO were invited "in addition to the 10 GMG members".
    members = acronyms(Organisation.objects.gmg_members())
    assert members == set(GMG_NOTE_AGENCIES) - {"UNICEF", "UNESCO"}
    assert len(members) == 10


def test_other_organisations_have_their_kind(record):
    kinds = dict(Organisation.objects.values_list("acronym", "kind"))
    assert kinds["OSCE"] == Organisation.Kind.INTERNATIONAL
    assert kinds["Center for Migration Studies"] == Organisation.Kind.CIVIL_SOCIETY
    assert kinds["GMG"] == Organisation.Kind.OTHER
    assert kinds["Belgium"] == kinds["RO Korea"] == Organisation.Kind.GOVERNMENT


def test_gfmd_two_steering_group(record):
    steering_group = Forum.objects.get(number=2).steering_group.all()
    assert steering_group.count() == 29
    assert {"Belgium", "Philippines", "RO Korea", "United Kingdom"} <= acronyms(steering_group)
    assert all(org.kind == Organisation.Kind.GOVERNMENT for org in steering_group)
    # The seeds do not say who sat on the first forum's steering group.
    assert not Forum.objects.get(number=1).steering_group.exists()


@pytest.mark.parametrize(
    ("code", "acronym", "role"),
    [
        ("1.1", "UNCTAD", Involvement.Role.BACKGROUND_PAPER),
        ("1.2", "ILO", Involvement.Role.RAPPORTEUR),
        ("1.2", "ILO", Involvement.Role.BACKGROUND_PAPER),
        ("1.2", "IOM", Involvement.Role.SPEAKER),
        ("1.3", "IOM", Involvement.Role.RAPPORTEUR),
        ("1.3", "IOM", Involvement.Role.BACKGROUND_PAPER),
        ("1.3", "UNICEF", Involvement.Role.SPEAKER),
        ("1.3", "UNDP", Involvement.Role.SPEAKER),
        ("1.4", "ILO", Involvement.Role.PAPER_COMMENTS),
        ("2.2", "UNDP", Involvement.Role.ORGANISER),
        ("2.3", "World Bank", Involvement.Role.ORGANISER),
        ("3.1", "ILO", Involvement.Role.PAPER_COMMENTS),
        ("3.1", "IOM", Involvement.Role.PAPER_COMMENTS),
        ("3.2", "World Bank", Involvement.Role.BACKGROUND_PAPER),
        ("3.2", "World Bank", Involvement.Role.SPEAKER),
        ("3.4", "IOM", Involvement.Role.ORGANISER),
        ("3.4", "UNFPA", Involvement.Role.ORGANISER),
        ("3.4", "UNCTAD", Involvement.Role.BACKGROUND_PAPER),
        ("3.4", "UNHCR", Involvement.Role.OTHER),
    ],
)
def test_involvement_in_session(record, code, acronym, role):
    involvement = Involvement.objects.get(
        session__code=code, organisation__acronym=acronym, role=role
    )
    assert involvement.forum.number == 1
    assert involvement.detail


@pytest.mark.parametrize(
    ("acronym", "role"),
    [
        ("UNODC", Involvement.Role.ADVISORY),
        ("OHCHR", Involvement.Role.BACKGROUND_PAPER),
        ("UNHCR", Involvement.Role.BACKGROUND_PAPER),
        ("UNDESA", Involvement.Role.OTHER),
        ("IOM", Involvement.Role.OTHER),
    ],
)
def test_forum_wide_involvement(record, acronym, role):
    involvement = Involvement.objects.get(
        forum__number=1, session=None, organisation__acronym=acronym, role=role
    )
    assert involvement.forum.number == 1
    assert involvement.detail


def test_no_involvement_invents_a_role_in_sessions_the_note_leaves_empty(record):
    assert not Involvement.objects.filter(session__code__in=["2.1", "2.4", "3.3"]).exists()


def test_handbook(record):
    handbook = FollowUpAction.objects.get(slug="migration-and-development-handbook")
    assert handbook.lead.acronym == "IOM"
    assert acronyms(handbook.partners.all()) == {"UNDP", "UNICEF", "World Bank"}
    assert (handbook.forum.number, handbook.round_table.number) == (1, 3)
    assert handbook.source_reference.startswith(
        "IOM, “IOM follow-up activities to the first and preparatory activities for the second "
        "Global Forum on Migration and Development”"
    )


def test_compendium_is_one_completed_action_citing_both_seeds(record):
    compendium = FollowUpAction.objects.get(title__icontains="Compendium")
    assert compendium.status == FollowUpAction.Status.COMPLETED
    assert compendium.progress == 100
    assert compendium.round_table.number == 1
    assert "“GFMD”, slide presentation" in compendium.source_reference
    assert "to the Seventh Coordination Meeting”" in compendium.source_reference


def test_compendium_is_led_by_morocco_and_spain_and_developed_by_iom(record):
    """Seed 003: "Under the leadership of the Governments of Morocco and Spain and in
    collaboration with the ILO and the OSCE, IOM recently developed a Compendium"."""
    compendium = FollowUpAction.objects.get(
        slug="compendium-bilateral-temporary-labour-arrangements"
    )
    assert {compendium.lead.acronym, *acronyms(compendium.co_leads.all())} == {"Morocco", "Spain"}
    assert acronyms(compendium.partners.all()) == {"ILO", "OSCE"}
    assert acronyms(compendium.developed_by.all()) == {"IOM"}


def test_ipmd_is_proposed_by_the_gmg(record):
    ipmd = FollowUpAction.objects.get(slug="international-partnership-on-migration-and-development")
    assert ipmd.status == FollowUpAction.Status.PROPOSED
    assert ipmd.lead.acronym == "GMG"
    assert ipmd.source_reference


def test_iom_cms_conference_completed_without_an_invented_date(record):
    conference = FollowUpAction.objects.get(slug="iom-cms-conference-2008")
    assert conference.status == FollowUpAction.Status.COMPLETED
    assert conference.progress == 100
    assert acronyms(conference.partners.all()) == {"Center for Migration Studies"}
    # "January 2008" is all the seed says: it stays in the description.
    assert conference.completed_on is None
    assert "January 2008" in conference.description


def test_round_table_follow_up_lists(record):
    data_sharing = FollowUpAction.objects.get(title="Working Group on Data Sharing")
    assert (data_sharing.forum.number, data_sharing.round_table.number) == (1, 3)
    assert data_sharing.lead is None
    assert data_sharing.source_reference

    brussels = Forum.objects.get(number=1)
    from_rtd1 = FollowUpAction.objects.filter(source_reference__contains="Actions RTD 1")
    from_rtd3 = FollowUpAction.objects.filter(source_reference__contains="Actions RTD 3")
    assert from_rtd1.count() == 5
    assert from_rtd3.count() == 6
    assert set(from_rtd1.values_list("round_table", flat=True)) == {
        brussels.round_tables.get(number=1).pk
    }
    assert set(from_rtd3.values_list("round_table", flat=True)) == {
        brussels.round_tables.get(number=3).pk
    }


def test_rcp_consultation_follows_up_session_3_4(record):
    consultation = FollowUpAction.objects.get(slug="rcp-consultation")
    assert consultation.session.code == "3.4"
    assert consultation.lead.acronym == "IOM"
    assert consultation.status == FollowUpAction.Status.IN_PROGRESS


def test_every_action_is_sourced_and_consistent(record):
    for action in FollowUpAction.objects.all():
        action.full_clean()
        assert action.source_reference, action.slug
        if action.status == FollowUpAction.Status.COMPLETED:
            assert action.progress == 100, action.slug
        # Each action starts with one history entry recording where it came from.
        (first,) = action.history.all()
        assert (first.old_status, first.new_status) == ("", action.status)
        assert first.changed_by is None
        assert "GFMD record" in first.note


def test_the_only_exact_action_date_is_the_one_a_seed_gives(record):
    dated = FollowUpAction.objects.exclude(due_date=None, started_on=None, completed_on=None)
    assert [(a.slug, a.due_date) for a in dated] == [
        ("idm-2009-human-rights-and-migration", datetime.date(2009, 2, 26))
    ]


def test_sources_are_named_as_documents_never_as_file_names(record):
    for action in FollowUpAction.objects.all():
        assert ".txt" not in action.source_reference, action.slug
        assert action.history.last().note.count(".txt") == 0, action.slug


def test_hedged_statements_keep_their_hedge(record):
    """Seed 004 says Belgium "has requested that the MIDA approach/project be discussed",
    and IOM's support was "to the extent the other agencies and the Belgians want and need
    such assistance": the record says no more than that."""
    mida = Involvement.objects.get(organisation__acronym="DRC", session__code="1.4").detail
    assert "has requested that the MIDA approach/project be discussed in session 1.4" in mida
    assert "is discussed" not in mida
    advisory = Involvement.objects.get(
        forum__number=1, organisation__acronym="IOM", session=None, role=Involvement.Role.ADVISORY
    ).detail
    assert "to the extent the other agencies and the Belgians want and need such assistance" in (
        advisory
    )
