"""Read-side helpers for the forum, session and matrix pages.

Every function here runs a fixed number of queries, however many sessions,
involvements or actions a forum has. Nothing here imports from `actions`: the
follow-up actions are reached through the reverse relations (`forum.actions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeAlias, TypedDict

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext

from .models import Forum, Involvement, Meeting, RoundTable, Session

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from agencies.models import Organisation

    class _HasInvolvements(TypedDict):
        has_involvements: bool

    # A forum as forums_for_matrix() reads it.
    MatrixForum: TypeAlias = WithAnnotations[Forum, _HasInvolvements]

# (pk, label) pairs for a filter's <select>.
Choices: TypeAlias = list[tuple[int, str]]


def session_sort_key(session: Session) -> list[tuple[int, int, str]]:
    """Sort "1.2" before "1.10": codes compare part by part, numbers as numbers."""
    parts = re.split(r"(\d+)", session.code)
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts]


def forum_for_detail(pk: int) -> Forum:
    """The forum with its host, steering group, round tables, sessions and coordinators, and
    its calendar of meetings."""
    sessions = Session.objects.prefetch_related("coordinators")
    round_tables = RoundTable.objects.order_by("number").prefetch_related(
        Prefetch("sessions", queryset=sessions)
    )
    return (
        Forum.objects.select_related("host_government")
        .prefetch_related(
            "steering_group",
            Prefetch("round_tables", queryset=round_tables),
            Prefetch("meetings", queryset=Meeting.objects.prefetch_related("sittings")),
        )
        .get(pk=pk)
    )


def meeting_for_detail(pk: int) -> Meeting:
    """The meeting with its forum, sittings and the passages of the sources behind it."""
    return (
        Meeting.objects.select_related("forum")
        .prefetch_related("sittings", "citations__source")
        .get(pk=pk)
    )


def average_percent(total: int, count: int) -> int | None:
    """The average of `count` percentages summing to `total`, to the nearest whole per cent,
    halves up (20 % and 25 % make 23 %), or None for none (summarise_progress counts only
    the reported ones).

    The one rounding of average progress: the dashboard, the forum pages and the digests
    all show it. In integers, (2 * total + count) // (2 * count), so no float or
    banker's rounding (Python's round() takes 22.5 to 22) creeps in.
    """
    if not count:
        return None
    return (2 * total + count) // (2 * count)


class ActionProgress(Protocol):
    """What progress_by_round_table() reads of a follow-up action (actions.models is above
    this app, so it is described here, not imported)."""

    @property
    def Status(self) -> Any: ...  # the model's nested TextChoices

    @property
    def status(self) -> str: ...

    @property
    def round_table_id(self) -> int | None: ...

    @property
    def progress(self) -> int | None: ...


class ProgressSummary(TypedDict):
    count: int  # the actions counted (cancelled ones are left out by the callers)
    unreported: int  # of them, those with no progress reported
    average: int | None  # of the reported ones only; None when none is reported


def summarise_progress(count: int, reported: int, total: int) -> ProgressSummary:
    """`count` actions, `reported` of them with a progress, summing to `total`: an action
    with no progress reported does not pull the average down, and is counted apart."""
    return {
        "count": count,
        "unreported": count - reported,
        "average": average_percent(total, reported),
    }


def progress_by_round_table(
    actions: Iterable[ActionProgress],
) -> dict[int | None, ProgressSummary]:
    """Average progress and count of the non-cancelled actions, per round table id.

    `actions` is an already fetched list, so this costs no query. Actions tied to no
    round table are summed under the key None.
    """
    totals: dict[int | None, tuple[int, int, int]] = {}
    for action in actions:
        if action.status == action.Status.CANCELLED:
            continue
        count, reported, total = totals.get(action.round_table_id, (0, 0, 0))
        if action.progress is not None:
            reported, total = reported + 1, total + action.progress
        totals[action.round_table_id] = (count + 1, reported, total)
    return {key: summarise_progress(*sums) for key, sums in totals.items()}


def forums_for_matrix() -> list[MatrixForum]:
    """All forums, each annotated with whether any involvement is recorded for it."""
    return list(
        Forum.objects.order_by("number").annotate(
            has_involvements=Exists(Involvement.objects.filter(forum=OuterRef("pk")))
        )
    )


def default_matrix_forum(forums: Sequence[MatrixForum]) -> MatrixForum | None:
    """The latest forum with involvements, else the first forum, else None."""
    with_involvements = [forum for forum in forums if forum.has_involvements]
    if with_involvements:
        return with_involvements[-1]
    return forums[0] if forums else None


@dataclass
class MatrixColumnGroup:
    round_table: RoundTable
    sessions: list[Session] = field(default_factory=list)


@dataclass
class MatrixCell:
    session: Session | None  # None: the "Across the forum" column
    involvements: list[Involvement] = field(default_factory=list)


@dataclass
class MatrixRow:
    organisation: Organisation
    cells: list[MatrixCell]


@dataclass
class Matrix:
    forum: Forum
    groups: list[MatrixColumnGroup]
    sessions: list[Session]
    rows: list[MatrixRow]
    involvement_count: int = 0

    @property
    def column_count(self) -> int:
        """Organisation, "Across the forum", then one column per session."""
        return 2 + len(self.sessions)

    @property
    def row_groups(self) -> list[tuple[str, list[MatrixRow]]]:
        """The rows split into GMG members and the others, leaving out an empty group."""
        members = [row for row in self.rows if row.organisation.is_gmg_member]
        others = [row for row in self.rows if not row.organisation.is_gmg_member]
        groups = [
            (gettext("Global Migration Group members"), members),
            (gettext("Other organisations and governments"), others),
        ]
        return [(label, rows) for label, rows in groups if rows]


def build_matrix(forum: Forum) -> Matrix:
    """Annex 2 of the GMG note for one forum, from one session query and one involvement query.

    Rows: the organisations with an involvement in the forum, GMG members first, then the
    others, each by acronym. Columns: "Across the forum" (involvements with no session),
    then the forum's sessions grouped by round table.
    """
    sessions = sorted(
        Session.objects.in_forum(forum).select_related("round_table"),
        key=lambda s: (s.round_table.number, session_sort_key(s)),
    )
    groups: list[MatrixColumnGroup] = []
    for session in sessions:
        if not groups or groups[-1].round_table.pk != session.round_table_id:
            groups.append(MatrixColumnGroup(round_table=session.round_table))
        groups[-1].sessions.append(session)

    role_order = {role: index for index, role in enumerate(Involvement.Role.values)}
    involvements = sorted(
        Involvement.objects.filter(forum=forum).select_related("organisation"),
        key=lambda i: (role_order.get(i.role, len(role_order)), i.pk),
    )
    column_of = {session.pk: index + 1 for index, session in enumerate(sessions)}
    rows_by_org: dict[int, MatrixRow] = {}
    placed = 0
    for involvement in involvements:
        if involvement.session_id is None:
            column = 0
        elif involvement.session_id in column_of:
            column = column_of[involvement.session_id]
        else:
            # A session of another forum: refused by Involvement.clean(), so only bad data.
            continue
        org = involvement.organisation
        row = rows_by_org.get(org.pk)
        if row is None:
            row = MatrixRow(
                organisation=org,
                cells=[MatrixCell(session=None)] + [MatrixCell(session=s) for s in sessions],
            )
            rows_by_org[org.pk] = row
        row.cells[column].involvements.append(involvement)
        placed += 1

    rows = sorted(
        rows_by_org.values(),
        key=lambda r: (not r.organisation.is_gmg_member, r.organisation.acronym.casefold()),
    )
    return Matrix(
        forum=forum, groups=groups, sessions=sessions, rows=rows, involvement_count=placed
    )


class ForumTree(NamedTuple):
    """Forums, round tables and sessions as (pk, label) choices, and the parent of each, so a
    chosen forum can narrow the round tables and sessions offered."""

    forums: Choices
    round_tables: Choices
    sessions: Choices
    forum_of_round_table: dict[int, int]
    round_table_of_session: dict[int, int]


def forum_tree_choices() -> ForumTree:
    """Forums, round tables and sessions as (pk, label) choices for the action filters.

    One query (forums joined to their round tables and sessions) instead of one per list:
    the list pages have ten queries to spend. Forums without round tables and round tables
    without sessions are kept.
    """
    rows = Forum.objects.order_by(
        "number", "round_tables__number", "round_tables__sessions__code"
    ).values_list(
        "pk",
        "short_name",
        "round_tables__pk",
        "round_tables__number",
        "round_tables__theme",
        "round_tables__sessions__pk",
        "round_tables__sessions__code",
        "round_tables__sessions__title",
    )
    forums: dict[int, str] = {}
    round_tables: dict[int, str] = {}
    sessions: Choices = []
    forum_of_round_table: dict[int, int] = {}
    round_table_of_session: dict[int, int] = {}
    # The words the exports name a round table with (actions.export), after the forum's name.
    round_table_name = gettext("RT %(number)s: %(theme)s")
    for forum_pk, forum, rt_pk, rt_number, theme, session_pk, code, title in rows:
        forums.setdefault(forum_pk, forum)
        if rt_pk is not None:
            name = round_table_name % {"number": rt_number, "theme": theme}
            round_tables.setdefault(rt_pk, f"{forum} · {name}")
            forum_of_round_table[rt_pk] = forum_pk
        if session_pk is not None:
            sessions.append((session_pk, f"{forum} · {code} {title}"))
            round_table_of_session[session_pk] = rt_pk
    return ForumTree(
        list(forums.items()),
        list(round_tables.items()),
        sessions,
        forum_of_round_table,
        round_table_of_session,
    )


def forum_statements(forum: Forum) -> dict:
    """What the sources say of a forum, by kind, in the record's order, and of each of its
    round tables ({round table id: {"theme": [...], "sub_theme": [...]}}); one query."""
    said: dict = {"format": [], "standing": [], "feedback": [], "round_tables": {}}
    for statement in forum.statements.select_related("source"):
        if statement.round_table_id is None:
            said.setdefault(statement.kind, []).append(statement)
        else:
            of_round_table = said["round_tables"].setdefault(
                statement.round_table_id, {"theme": [], "sub_theme": []}
            )
            of_round_table.setdefault(statement.kind, []).append(statement)
    return said


def sources_of(involvements: Iterable[Involvement]) -> list[Any]:
    """The documents the involvements cite (their citations read with their sources), once
    each, in the order first cited."""
    sources: dict[int, Any] = {}
    for involvement in involvements:
        for citation in involvement.citations.all():
            sources.setdefault(citation.source_id, citation.source)
    return list(sources.values())
