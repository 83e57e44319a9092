"""actions/bulk.py: many proposed changes, checked without writing, then applied one action
at a time through the status and edit services."""

import datetime

import pytest

from actions import bulk
from actions.bulk import KEEP, Proposal, Verdict
from actions.models import FollowUpAction, StatusChange
from actions.permissions import Viewer
from actions.services import action_change_status, action_update, day_in_words
from tests.factories import FollowUpActionFactory

Status = FollowUpAction.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def ilo_action(ilo):
    return FollowUpActionFactory(
        title="Handbook", lead=ilo, status=Status.PLANNED, progress=10, version=3
    )


def proposal(action, **changes):
    return Proposal(action_id=action.pk, read_version=action.version, **changes)


def test_a_preview_says_what_would_change_in_words_and_writes_nothing(ilo_action, ilo_focal_point):
    [outcome] = bulk.preview(
        Viewer(ilo_focal_point),
        [proposal(ilo_action, status=Status.IN_PROGRESS, progress=40, note="Drafting.")],
    )

    assert outcome.verdict == Verdict.WILL_CHANGE
    assert [str(change) for change in outcome.changes] == [
        "Status: Planned → In progress",
        "Progress: 10% → 40%",
        "Note: “Drafting.”",
    ]
    assert outcome.adjusted == [f"Started on set to today ({day_in_words(datetime.date.today())})."]
    ilo_action.refresh_from_db()
    assert (ilo_action.status, ilo_action.progress, ilo_action.version) == (Status.PLANNED, 10, 3)
    assert not StatusChange.objects.exists()


def test_a_row_that_asks_for_what_the_action_already_is_is_unchanged(ilo_action, ilo_focal_point):
    [outcome] = bulk.preview(
        Viewer(ilo_focal_point), [proposal(ilo_action, status=Status.PLANNED, progress="10")]
    )
    assert outcome.verdict == Verdict.UNCHANGED
    assert outcome.changes == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"progress": 150}, "Progress is a whole number from 0 to 100."),
        ({"progress": "half"}, "Progress is a whole number from 0 to 100."),
        ({"status": "finished"}, "“finished” is not a status an action can have."),
        (
            {"due_date": datetime.date(2027, 3, 5)},
            "Only secretariat staff can change the due date.",
        ),
    ],
)
def test_a_bad_row_is_refused_with_the_reason_in_words(
    ilo_action, ilo_focal_point, changes, reason
):
    [outcome] = bulk.preview(Viewer(ilo_focal_point), [proposal(ilo_action, **changes)])
    assert (outcome.verdict, outcome.reason) == (Verdict.REFUSED, reason)


def test_another_agencys_action_and_an_unknown_id_are_refused(ilo_action, iom_focal_point):
    outcomes = bulk.preview(
        Viewer(iom_focal_point),
        [
            proposal(ilo_action, progress=50),
            Proposal(action_id=987654, read_version=1, progress=50),
        ],
    )
    assert [o.verdict for o in outcomes] == [Verdict.REFUSED, Verdict.REFUSED]
    assert outcomes[0].reason.startswith("Not your organisation's action")
    assert outcomes[1].reason == "No action has the ID 987654."


def test_a_partner_may_change_the_action(ilo_action, iom, iom_focal_point):
    ilo_action.partners.set([iom])
    [outcome] = bulk.preview(Viewer(iom_focal_point), [proposal(ilo_action, progress=50)])
    assert outcome.verdict == Verdict.WILL_CHANGE


def test_a_row_read_before_someone_else_saved_is_stale_and_says_who(
    ilo_action, ilo_focal_point, secretariat_user
):
    read = proposal(ilo_action, progress=60)
    secretariat_user.first_name, secretariat_user.last_name = "Ana", "Reyes"
    secretariat_user.save()
    action_change_status(
        action=ilo_action, changed_by=secretariat_user, status=Status.PLANNED, progress=20
    )

    [outcome] = bulk.preview(Viewer(ilo_focal_point), [read])

    assert outcome.verdict == Verdict.STALE
    assert outcome.reason.startswith("Changed by Ana Reyes since you read it")


def test_apply_writes_one_history_row_per_changed_action_and_skips_the_unchanged(
    ilo, ilo_focal_point
):
    first = FollowUpActionFactory(lead=ilo, status=Status.PLANNED, progress=0)
    second = FollowUpActionFactory(lead=ilo, status=Status.IN_PROGRESS, progress=50)

    outcomes = bulk.apply(
        Viewer(ilo_focal_point),
        ilo_focal_point,
        [
            proposal(first, status=Status.COMPLETED, progress=40),
            proposal(second, status=Status.IN_PROGRESS, progress=50),
        ],
    )

    assert [o.verdict for o in outcomes] == [Verdict.APPLIED, Verdict.UNCHANGED]
    assert outcomes[0].adjusted[0] == "Progress set to 100%: a completed action is done."
    first.refresh_from_db()
    assert (first.status, first.progress) == (Status.COMPLETED, 100)
    assert list(StatusChange.objects.values_list("action_id", "changed_by__username")) == [
        (first.pk, "ilo-focal")
    ]


def test_a_note_alone_confirms_the_action_is_on_track(ilo_action, ilo_focal_point):
    [outcome] = bulk.apply(
        Viewer(ilo_focal_point), ilo_focal_point, [proposal(ilo_action, note="Still on track.")]
    )
    assert outcome.verdict == Verdict.APPLIED
    change = StatusChange.objects.get()
    assert (change.is_confirmation, change.note) == (True, "Still on track.")


def test_apply_refuses_a_row_saved_by_someone_else_after_the_preview_and_applies_the_rest(
    ilo, ilo_focal_point, secretariat_user
):
    first = FollowUpActionFactory(lead=ilo, progress=0)
    second = FollowUpActionFactory(lead=ilo, progress=0)
    proposals = [proposal(first, progress=30), proposal(second, progress=30)]
    assert [o.verdict for o in bulk.preview(Viewer(ilo_focal_point), proposals)] == [
        Verdict.WILL_CHANGE,
        Verdict.WILL_CHANGE,
    ]
    action_update(
        action=first,
        updated_by=secretariat_user,
        expected_version=first.version,
        title="Renamed meanwhile",
    )

    outcomes = bulk.apply(Viewer(ilo_focal_point), ilo_focal_point, proposals)

    assert [o.verdict for o in outcomes] == [Verdict.STALE, Verdict.APPLIED]
    assert secretariat_user.get_full_name() in outcomes[0].reason
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.progress, second.progress) == (0, 30)


def test_the_secretariat_changes_due_date_and_lead_with_the_status_in_one_go(
    ilo_action, iom, secretariat_user
):
    [outcome] = bulk.apply(
        Viewer(secretariat_user),
        secretariat_user,
        [
            proposal(
                ilo_action,
                progress=20,
                due_date=datetime.date(2027, 3, 5),
                lead_id=iom.pk,
            )
        ],
    )

    assert outcome.verdict == Verdict.APPLIED
    assert [str(change) for change in outcome.changes] == [
        "Due date: none → 5 March 2027",
        "Lead: ILO → IOM",
        "Progress: 10% → 20%",
    ]
    ilo_action.refresh_from_db()
    assert (ilo_action.progress, ilo_action.due_date, ilo_action.lead) == (
        20,
        datetime.date(2027, 3, 5),
        iom,
    )
    assert ilo_action.version == 5  # one report, one edit
    assert ilo_action.history.count() == 1


def test_a_cancelled_actions_progress_cannot_move(ilo, ilo_focal_point):
    action = FollowUpActionFactory(lead=ilo, status=Status.CANCELLED, progress=30)
    [outcome] = bulk.preview(Viewer(ilo_focal_point), [proposal(action, progress=50)])
    assert outcome.verdict == Verdict.REFUSED
    assert outcome.reason.startswith("A cancelled action's progress cannot change.")


def test_preview_reads_a_fixed_number_of_queries_whatever_the_rows(
    ilo, ilo_focal_point, django_assert_num_queries
):
    actions = [FollowUpActionFactory(lead=ilo) for _ in range(30)]
    viewer = Viewer(ilo_focal_point)
    assert viewer.organisation_ids and not viewer.is_secretariat  # read before counting
    with django_assert_num_queries(2):  # the actions, their partners
        outcomes = bulk.preview(viewer, [proposal(a, progress=5) for a in actions])
    assert {o.verdict for o in outcomes} == {Verdict.WILL_CHANGE}


def test_keep_leaves_the_due_date_and_none_clears_it(ilo_action, secretariat_user):
    ilo_action.due_date = datetime.date(2027, 1, 1)
    ilo_action.save()
    viewer = Viewer(secretariat_user)
    [kept] = bulk.preview(viewer, [proposal(ilo_action, due_date=KEEP, progress=10)])
    [cleared] = bulk.preview(viewer, [proposal(ilo_action, due_date=None)])
    assert kept.verdict == Verdict.UNCHANGED
    assert [str(c) for c in cleared.changes] == ["Due date: 1 January 2027 → none"]


def test_an_unknown_status_is_refused_with_the_action_it_was_meant_for(ilo_action, ilo_focal_point):
    [outcome] = bulk.preview(Viewer(ilo_focal_point), [proposal(ilo_action, status="finished")])
    assert outcome.verdict == Verdict.REFUSED
    assert outcome.action == ilo_action  # so the import's preview can name the row's action
    assert outcome.title == "Handbook"
