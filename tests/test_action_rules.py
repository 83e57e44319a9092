"""Model rules of a follow-up action: constraints, consistency, overdue."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actions.models import FollowUpAction
from tests.factories import FollowUpActionFactory, RoundTableFactory, SessionFactory


@pytest.mark.django_db
@pytest.mark.parametrize("progress", [101, 250])
def test_database_refuses_progress_over_100(progress):
    action = FollowUpActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpAction.objects.filter(pk=action.pk).update(progress=progress)


@pytest.mark.django_db
def test_database_refuses_negative_progress():
    action = FollowUpActionFactory()
    # PositiveSmallIntegerField has its own check on PostgreSQL; ours names the rule on both.
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpAction.objects.filter(pk=action.pk).update(progress=-1)


@pytest.mark.django_db
def test_database_refuses_unknown_status():
    action = FollowUpActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpAction.objects.filter(pk=action.pk).update(status="done-ish")


@pytest.mark.django_db
def test_session_from_another_round_table_is_refused_with_a_clear_message():
    round_table = RoundTableFactory(number=1)
    other_round_table = RoundTableFactory(forum=round_table.forum, number=3)
    session = SessionFactory(round_table=other_round_table, code="3.4")
    action = FollowUpActionFactory.build(
        forum=round_table.forum, round_table=round_table, session=session, lead=None
    )

    with pytest.raises(ValidationError) as caught:
        action.full_clean(exclude=["slug"])

    assert caught.value.message_dict["session"] == [
        "Session 3.4 belongs to round table 3, not to round table 1."
    ]


@pytest.mark.django_db
def test_round_table_from_another_forum_is_refused():
    round_table = RoundTableFactory()
    action = FollowUpActionFactory.build(
        forum=FollowUpActionFactory().forum, round_table=round_table
    )

    with pytest.raises(ValidationError) as caught:
        action.full_clean(exclude=["slug", "lead"])

    assert "round_table" in caught.value.message_dict


@pytest.mark.django_db
def test_database_refuses_a_session_without_its_round_table():
    session = SessionFactory()
    action = FollowUpActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpAction.objects.filter(pk=action.pk).update(session=session, round_table=None)


@pytest.mark.django_db
def test_consistent_origin_passes_validation():
    session = SessionFactory()
    action = FollowUpActionFactory.build(
        forum=session.round_table.forum,
        round_table=session.round_table,
        session=session,
        lead=None,
    )
    action.full_clean()


DUE = datetime.date(2026, 3, 15)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "status", "overdue"),
    [
        (DUE - datetime.timedelta(days=1), "in_progress", False),
        (DUE, "in_progress", False),  # due today is not late yet
        (DUE + datetime.timedelta(days=1), "in_progress", True),
        (DUE + datetime.timedelta(days=1), "proposed", True),
        (DUE + datetime.timedelta(days=1), "completed", False),
        (DUE + datetime.timedelta(days=1), "cancelled", False),
    ],
)
def test_overdue_is_computed_from_due_date_and_status(today, status, overdue):
    action = FollowUpActionFactory(due_date=DUE, status=status)

    assert action.is_overdue(today=today) is overdue
    assert FollowUpAction.objects.overdue(today=today).filter(pk=action.pk).exists() is overdue


@pytest.mark.django_db
def test_action_without_due_date_is_never_overdue():
    action = FollowUpActionFactory(due_date=None)
    assert not action.is_overdue(today=datetime.date(2099, 1, 1))
    assert not FollowUpAction.objects.overdue(today=datetime.date(2099, 1, 1)).exists()
