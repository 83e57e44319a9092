"""Load the GFMD record (fixtures/gfmd_record.json) into the portal.

Organisations, forums, round tables, sessions, involvements and follow-up actions
are matched on their natural keys (acronym, forum number, round table number,
session code, action slug), so running the command again creates nothing new and
only writes what the file changed.

Actions are the exception to "the file wins": a new action is created through
actions.services.action_create, which writes its first history entry; an existing
one gets its descriptive fields from the file, but never its status, progress,
started_on or completed_on, which staff own in the portal and change only through
action_change_status. Until someone reports on it, the file may still say that its
status is assumed and that no source gives its progress (Command.restate).

Everything happens in one transaction: a bad entry stops the load with a
CommandError naming it, and nothing is written.
"""

import datetime
import json
import zoneinfo
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from actions.models import ORGANISATION_SETS, FollowUpAction
from actions.services import (
    EDITABLE_FIELDS,
    action_create,
    action_restate_from_record,
    action_update,
    value_differs,
)
from agencies.models import SECRETARIAT_GROUP, Organisation
from record.models import Citation, Source, Statement
from roundtables.models import Forum, Involvement, Meeting, MeetingSitting, RoundTable, Session

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "gfmd_record.json"

# Keys each kind of entry may have; anything else is most likely a typo. Keys starting
# with "_" are comments for the human reader and are ignored everywhere.
ORGANISATION_KEYS = {"acronym", "name", "kind", "is_gmg_member"}
FORUM_KEYS = {
    "number",
    "short_name",
    "city",
    "host",
    "start_date",
    "end_date",
    "period_label",
    "timezone",
    "steering_group",
    "round_tables",
}
ROUND_TABLE_KEYS = {"number", "theme", "sessions"}
SESSION_KEYS = {"code", "title", "starts_at", "ends_at", "coordinators"}
INVOLVEMENT_KEYS = {"forum", "session", "organisation", "role", "detail", "requested_by", "quotes"}
# An action's organisations besides its lead (ORGANISATION_SETS), each a list of acronyms
# in the file: what one of them is called in an error message.
ONE_OF = {"co_leads": "co-lead", "partners": "partner", "developed_by": "developer"}
# An action in the file: what staff edit, plus its key, organisations and reported state.
ACTION_KEYS = {
    *EDITABLE_FIELDS,
    *ORGANISATION_SETS,
    "slug",
    "status",
    "status_assumed",
    "progress",
    "quotes",
}
SOURCE_KEYS = {"key", "title", "author", "kind", "date", "date_note"}
MEETING_KEYS = {
    "slug",
    "name",
    "kind",
    "forum",
    "start_date",
    "end_date",
    "date_precision",
    "place",
    "description",
    "timezone",
    "sittings",
    "quotes",
}
SITTING_KEYS = {"starts_at", "ends_at"}
QUOTE_KEYS = {"source", "passage"}
STATEMENT_KEYS = {"kind", "forum", "round_table", "text", "source", "is_draft"}
TOP_LEVEL_KEYS = {
    "sources",
    "organisations",
    "forums",
    "statements",
    "meetings",
    "involvements",
    "actions",
}

# What the file may change on an action that already exists: what staff may edit, but
# the dates they record (started, completed) stay theirs.
ACTION_DESCRIPTIVE_FIELDS = tuple(
    name for name in EDITABLE_FIELDS if name not in ("started_on", "completed_on")
)


class BadEntry(CommandError):
    def __init__(self, where, problem):
        super().__init__(f"{where}: {problem}")


def _fields(entry, where, allowed, required):
    if not isinstance(entry, dict):
        raise BadEntry(where, "expected an object")
    keys = {key for key in entry if not key.startswith("_")}
    if unknown := keys - allowed:
        raise BadEntry(where, f"unknown key(s) {', '.join(sorted(unknown))}")
    if missing := set(required) - keys:
        raise BadEntry(where, f"missing key(s) {', '.join(sorted(missing))}")
    return entry


def _date(value, where, name):
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadEntry(where, f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def _local_datetime(value, tz, where, name):
    if value in (None, ""):
        return None
    if tz is None:
        raise BadEntry(where, f"{name} is given but the forum has no timezone")
    try:
        naive = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadEntry(where, f"{name} {value!r} is not a local time (YYYY-MM-DDTHH:MM)") from None
    if naive.tzinfo is not None:
        raise BadEntry(where, f"{name} is local time in the forum's timezone: drop the offset")
    return naive.replace(tzinfo=tz)


def _choice(value, choices, where, name):
    if value not in choices.values:
        raise BadEntry(where, f"{name} {value!r} is not one of {', '.join(choices.values)}")
    return value


def _list(entry, key, where):
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise BadEntry(where, f"{key} must be a list")
    return value


class Command(BaseCommand):
    help = "Load the GFMD record (forums, sessions, organisations, involvements, actions)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(DEFAULT_FILE),
            help=f"The record to load (default {DEFAULT_FILE}).",
        )

    def handle(self, *args, **options):
        record = self.read(Path(options["file"]))
        self.tally = {}
        with transaction.atomic():
            self.load(record)
        for label, counts in self.tally.items():
            self.stdout.write(
                f"{label}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        self.stdout.write(self.style.SUCCESS("GFMD record loaded."))

    def read(self, path):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from exc
        _fields(record, path.name, TOP_LEVEL_KEYS, TOP_LEVEL_KEYS)
        return record

    # Writing -----------------------------------------------------------------

    def count(self, label, outcome):
        self.tally.setdefault(label, Counter(created=0, updated=0, unchanged=0))[outcome] += 1

    def upsert(self, model, where, lookup, values):
        """Create or update one row by its natural key, writing only what differs."""
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            instance, outcome = model(**lookup, **values), "created"
            changed = None
        else:
            changed = [
                name for name, value in values.items() if value_differs(instance, name, value)
            ]
            outcome = "updated" if changed else "unchanged"
            for name in changed:
                setattr(instance, name, values[name])
        if outcome != "unchanged":
            try:
                instance.full_clean()
            except ValidationError as exc:
                raise BadEntry(where, "; ".join(exc.messages)) from exc
            instance.save(update_fields=changed)
        return instance, outcome

    def set_organisations(self, manager, entry, key, where, outcome, name):
        """Set a many-to-many to exactly the organisations listed under key.

        Returns the row's outcome: an unchanged row whose organisations changed is updated.
        """
        organisations = [
            self.organisation(acronym, where, name) for acronym in _list(entry, key, where)
        ]
        if set(manager.values_list("pk", flat=True)) == {org.pk for org in organisations}:
            return outcome
        manager.set(organisations)
        return "updated" if outcome == "unchanged" else outcome

    def organisation(self, acronym, where, name="organisation"):
        try:
            return self.organisations[acronym]
        except (KeyError, TypeError):
            raise BadEntry(where, f"unknown {name} {acronym!r}") from None

    def load(self, record):
        self.sources = self.read_sources(record["sources"])
        _, created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
        self.count("Groups", "created" if created else "unchanged")
        self.load_organisations(record["organisations"])
        self.load_forums(record["forums"])
        self.load_statements(record["statements"])
        self.load_meetings(record["meetings"])
        self.load_involvements(record["involvements"])
        self.load_actions(record["actions"])

    def read_sources(self, entries):
        """{seed file: its Source}, the documents people read instead of a file name."""
        if not isinstance(entries, list):
            raise BadEntry("sources", "expected a list of documents")
        sources = {}
        for index, entry in enumerate(entries):
            where = (
                f"sources[{index}] ({entry.get('key', '?') if isinstance(entry, dict) else '?'})"
            )
            _fields(entry, where, SOURCE_KEYS, {"key", "title"})
            if entry["key"] in sources:
                raise BadEntry(where, "this key appears twice")
            values = {
                "title": entry["title"],
                "author": entry.get("author", ""),
                "kind": entry.get("kind", ""),
                "date": _date(entry.get("date"), where, "date"),
                "date_note": entry.get("date_note", ""),
            }
            source, outcome = self.upsert(Source, where, {"key": entry["key"]}, values)
            self.count("Sources", outcome)
            sources[entry["key"]] = source
        return sources

    def quotes(self, entry, where, *, passage_required=True):
        """[(source, passage)] of an entry's "quotes", in the file's order. An involvement
        may cite a document without a passage (one read off a table)."""
        quotes = []
        required = QUOTE_KEYS if passage_required else {"source"}
        for index, quote in enumerate(_list(entry, "quotes", where)):
            quote_where = f"{where} quotes[{index}]"
            _fields(quote, quote_where, QUOTE_KEYS, required)
            if quote["source"] not in self.sources:
                raise BadEntry(quote_where, f"unknown source {quote['source']!r}")
            passage = quote.get("passage", "")
            if not isinstance(passage, str) or (passage_required and not passage.strip()):
                raise BadEntry(quote_where, "passage is empty")
            quotes.append((self.sources[quote["source"]], passage))
        return quotes

    def set_quotes(self, owner_field, owner, quotes):
        """Make the citations of `owner` (an action, meeting or involvement: Citation's field
        `owner_field`) exactly `quotes`, in order; rewrite them only when they differ.
        Returns whether anything changed."""
        current = [(c.source_id, c.passage) for c in owner.citations.order_by("position")]
        if current == [(source.pk, passage) for source, passage in quotes]:
            return False
        owner.citations.all().delete()
        Citation.objects.bulk_create(
            Citation(
                source=source,
                passage=passage,
                position=position,
                **{owner_field: owner},
            )
            for position, (source, passage) in enumerate(quotes)
        )
        return True

    def cited(self, reference, where):
        """ "001_x.txt: passage; 003_y.txt: passage" as the documents' names and passages."""
        if not isinstance(reference, str) or not reference.strip():
            raise BadEntry(where, "source_reference is empty: say which seed says this")
        citations = []
        for citation in reference.split("; "):
            file_name, _, passage = citation.partition(": ")
            if file_name not in self.sources:
                raise BadEntry(where, f"source_reference cites {file_name!r}, not in sources")
            document = self.sources[file_name].cited_as()
            citations.append(f"{document}: {passage}" if passage else document)
        return "; ".join(citations)

    def load_organisations(self, entries):
        self.organisations = {}
        for index, entry in enumerate(entries):
            where = f"organisations[{index}] ({entry.get('acronym', '?')})"
            _fields(entry, where, ORGANISATION_KEYS, {"acronym", "name", "kind"})
            acronym = entry["acronym"]
            if acronym in self.organisations:
                raise BadEntry(where, "this acronym appears twice")
            values = {
                "name": entry["name"],
                "kind": _choice(entry["kind"], Organisation.Kind, where, "kind"),
                "is_gmg_member": entry.get("is_gmg_member", False),
            }
            if not isinstance(values["is_gmg_member"], bool):
                raise BadEntry(where, "is_gmg_member must be true or false")
            organisation, outcome = self.upsert(Organisation, where, {"acronym": acronym}, values)
            self.organisations[acronym] = organisation
            self.count("Organisations", outcome)

    def load_forums(self, entries):
        self.forums, self.round_tables, self.sessions = {}, {}, {}
        for index, entry in enumerate(entries):
            where = f"forums[{index}] ({entry.get('short_name', '?')})"
            _fields(entry, where, FORUM_KEYS, {"number", "short_name", "city", "host"})
            number = entry["number"]
            if number in self.forums:
                raise BadEntry(where, f"forum number {number} appears twice")
            tz = None
            if entry.get("timezone"):
                try:
                    tz = zoneinfo.ZoneInfo(entry["timezone"])
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    raise BadEntry(where, f"unknown timezone {entry['timezone']!r}") from None
            values = {
                "short_name": entry["short_name"],
                "city": entry["city"],
                "host_government": self.organisation(entry["host"], where, "host"),
                "start_date": _date(entry.get("start_date"), where, "start_date"),
                "end_date": _date(entry.get("end_date"), where, "end_date"),
                "period_label": entry.get("period_label", ""),
            }
            forum, outcome = self.upsert(Forum, where, {"number": number}, values)
            outcome = self.set_organisations(
                forum.steering_group,
                entry,
                "steering_group",
                where,
                outcome,
                "steering group member",
            )
            self.count("Forums", outcome)
            self.forums[number] = forum
            for rt_index, rt_entry in enumerate(_list(entry, "round_tables", where)):
                self.load_round_table(forum, tz, rt_entry, f"{where} round_tables[{rt_index}]")

    def load_round_table(self, forum, tz, entry, where):
        _fields(entry, where, ROUND_TABLE_KEYS, {"number", "theme"})
        number = entry["number"]
        if (forum.number, number) in self.round_tables:
            raise BadEntry(where, f"round table {number} appears twice")
        round_table, outcome = self.upsert(
            RoundTable, where, {"forum": forum, "number": number}, {"theme": entry["theme"]}
        )
        self.count("Round tables", outcome)
        self.round_tables[forum.number, number] = round_table
        for session_entry in _list(entry, "sessions", where):
            code = session_entry.get("code", "?") if isinstance(session_entry, dict) else "?"
            session_where = f"{forum.short_name} session {code}"
            self.load_session(round_table, tz, session_entry, session_where)

    def load_session(self, round_table, tz, entry, where):
        _fields(entry, where, SESSION_KEYS, {"code", "title"})
        forum = round_table.forum
        code = entry["code"]
        if (forum.number, code) in self.sessions:
            raise BadEntry(where, "this session code appears twice")
        values = {
            "title": entry["title"],
            "starts_at": _local_datetime(entry.get("starts_at"), tz, where, "starts_at"),
            "ends_at": _local_datetime(entry.get("ends_at"), tz, where, "ends_at"),
        }
        session, outcome = self.upsert(
            Session, where, {"round_table": round_table, "code": code}, values
        )
        outcome = self.set_organisations(
            session.coordinators, entry, "coordinators", where, outcome, "coordinator"
        )
        self.count("Sessions", outcome)
        self.sessions[forum.number, code] = session

    def forum(self, number, where):
        try:
            return self.forums[number]
        except (KeyError, TypeError):
            raise BadEntry(where, f"unknown forum {number!r}") from None

    def session(self, forum, code, where):
        if code is None:
            return None
        try:
            return self.sessions[forum.number, code]
        except (KeyError, TypeError):
            raise BadEntry(where, f"{forum} has no session {code!r}") from None

    def load_statements(self, entries):
        """What the sources say of the GFMD, the forums and their round tables: the file's
        list, in its order, rewritten only when it differs."""
        wanted = []
        for index, entry in enumerate(entries):
            where = f"statements[{index}]"
            _fields(entry, where, STATEMENT_KEYS, {"kind", "text", "source"})
            forum = None if entry.get("forum") is None else self.forum(entry["forum"], where)
            round_table = None
            if entry.get("round_table") is not None:
                round_table = self.round_tables.get(
                    (getattr(forum, "number", None), entry["round_table"])
                )
                if round_table is None:
                    raise BadEntry(where, f"{forum} has no round table {entry['round_table']!r}")
            if entry["source"] not in self.sources:
                raise BadEntry(where, f"unknown source {entry['source']!r}")
            statement = Statement(
                kind=_choice(entry["kind"], Statement.Kind, where, "kind"),
                forum=forum,
                round_table=round_table,
                text=entry["text"],
                is_draft=entry.get("is_draft", False),
                source=self.sources[entry["source"]],
                position=index,
            )
            if forum is None and statement.kind != Statement.Kind.ORIGIN:
                raise BadEntry(where, "only how the GFMD began is said of no forum")
            try:
                # The constraints are checked on saving: these rows replace those in place.
                statement.clean_fields()
                statement.clean()
            except ValidationError as exc:
                raise BadEntry(where, "; ".join(exc.messages)) from exc
            wanted.append(statement)
        fields = ("kind", "forum_id", "round_table_id", "text", "is_draft", "source_id", "position")

        def key(statement):
            return tuple(getattr(statement, name) for name in fields)

        existing = [key(s) for s in Statement.objects.order_by("position", "pk")]
        if existing == [key(s) for s in wanted]:
            outcome = "unchanged"
        else:
            outcome = "updated" if existing else "created"
            Statement.objects.all().delete()
            Statement.objects.bulk_create(wanted)
        for _statement in wanted:
            self.count("Statements", outcome)

    def load_meetings(self, entries):
        self.meetings = {}
        for index, entry in enumerate(entries):
            where = f"meetings[{index}] ({entry.get('slug', '?')})"
            _fields(entry, where, MEETING_KEYS, {"slug", "name", "kind", "start_date", "quotes"})
            slug = entry["slug"]
            if slug in self.meetings:
                raise BadEntry(where, "this slug appears twice")
            forum = None if entry.get("forum") is None else self.forum(entry["forum"], where)
            tz = None
            if entry.get("timezone"):
                try:
                    tz = zoneinfo.ZoneInfo(entry["timezone"])
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    raise BadEntry(where, f"unknown timezone {entry['timezone']!r}") from None
            values = {
                "name": entry["name"],
                "kind": _choice(entry["kind"], Meeting.Kind, where, "kind"),
                "forum": forum,
                "start_date": _date(entry["start_date"], where, "start_date"),
                "end_date": _date(entry.get("end_date"), where, "end_date"),
                "date_precision": _choice(
                    entry.get("date_precision", Meeting.Precision.DAY),
                    Meeting.Precision,
                    where,
                    "date_precision",
                ),
                "place": entry.get("place", ""),
                "description": entry.get("description", ""),
            }
            meeting, outcome = self.upsert(Meeting, where, {"slug": slug}, values)
            sittings = set()
            for sitting_index, sitting in enumerate(_list(entry, "sittings", where)):
                sitting_where = f"{where} sittings[{sitting_index}]"
                _fields(sitting, sitting_where, SITTING_KEYS, SITTING_KEYS)
                sittings.add(
                    (
                        _local_datetime(sitting["starts_at"], tz, sitting_where, "starts_at"),
                        _local_datetime(sitting["ends_at"], tz, sitting_where, "ends_at"),
                    )
                )
            if set(meeting.sittings.values_list("starts_at", "ends_at")) != sittings:
                meeting.sittings.all().delete()
                for starts_at, ends_at in sorted(sittings):
                    sitting = MeetingSitting(meeting=meeting, starts_at=starts_at, ends_at=ends_at)
                    try:
                        sitting.full_clean()
                    except ValidationError as exc:
                        raise BadEntry(where, "; ".join(exc.messages)) from exc
                    sitting.save()
                outcome = "updated" if outcome == "unchanged" else outcome
            quotes = self.quotes(entry, where)
            if self.set_quotes("meeting", meeting, quotes) and outcome == "unchanged":
                outcome = "updated"
            self.count("Meetings", outcome)
            self.meetings[slug] = meeting

    def meeting(self, slug, where, name):
        if slug is None:
            return None
        try:
            return self.meetings[slug]
        except (KeyError, TypeError):
            raise BadEntry(where, f"unknown {name} {slug!r}") from None

    def load_involvements(self, entries):
        seen = set()
        for index, entry in enumerate(entries):
            where = (
                f"involvements[{index}] ({entry.get('organisation', '?')} "
                f"{entry.get('role', '?')} in {entry.get('session') or 'the forum'})"
            )
            _fields(entry, where, INVOLVEMENT_KEYS, {"forum", "session", "organisation", "role"})
            forum = self.forum(entry["forum"], where)
            session = self.session(forum, entry["session"], where)
            organisation = self.organisation(entry["organisation"], where)
            role = _choice(entry["role"], Involvement.Role, where, "role")
            key = (forum.pk, session.pk if session else None, organisation.pk, role)
            if key in seen:
                raise BadEntry(where, "this organisation already has this role here")
            seen.add(key)
            involvement, outcome = self.upsert(
                Involvement,
                where,
                {"forum": forum, "session": session, "organisation": organisation, "role": role},
                {"detail": entry.get("detail", "")},
            )
            outcome = self.set_organisations(
                involvement.requested_by, entry, "requested_by", where, outcome, "requester"
            )
            quotes = self.quotes(entry, where, passage_required=False)
            if self.set_quotes("involvement", involvement, quotes) and outcome == "unchanged":
                outcome = "updated"
            self.count("Involvements", outcome)

    def load_actions(self, entries):
        seen = set()
        for index, entry in enumerate(entries):
            where = f"actions[{index}] ({entry.get('slug', '?')})"
            _fields(entry, where, ACTION_KEYS, {"slug", "title", "forum", "source_reference"})
            slug = entry["slug"]
            if not isinstance(slug, str) or slugify(slug) != slug:
                raise BadEntry(where, "slug must be lower-case letters, digits and hyphens")
            if slug in seen:
                raise BadEntry(where, "this slug appears twice")
            seen.add(slug)
            fields = self.action_fields(entry, where)
            initial_status = self.action_status(entry, where)
            organisation_sets = {
                name: [
                    self.organisation(acronym, where, ONE_OF[name])
                    for acronym in _list(entry, name, where)
                ]
                for name in ORGANISATION_SETS
            }
            quotes = self.quotes(entry, where)
            existing = FollowUpAction.objects.filter(slug=slug).first()
            try:
                if existing is None:
                    existing = action_create(
                        created_by=None,
                        from_record=True,
                        **organisation_sets,
                        note=f"Recorded from the GFMD record ({fields['source_reference']}).",
                        slug=slug,
                        **fields,
                        **initial_status,
                    )
                    outcome = "created"
                else:
                    outcome = self.update_action(existing, fields, organisation_sets)
                    if self.restate(existing, initial_status):
                        outcome = "updated"
            except ValidationError as exc:
                raise BadEntry(where, "; ".join(exc.messages)) from exc
            # The passages are the record's, not part of the action staff edit: no version.
            if self.set_quotes("action", existing, quotes) and outcome == "unchanged":
                outcome = "updated"
            self.count("Actions", outcome)

    def action_fields(self, entry, where):
        forum = self.forum(entry["forum"], where)
        round_table = None
        if entry.get("round_table") is not None:
            round_table = self.round_tables.get((forum.number, entry["round_table"]))
            if round_table is None:
                raise BadEntry(where, f"{forum} has no round table {entry['round_table']!r}")
        session = self.session(forum, entry.get("session"), where)
        if session is not None and session.round_table != round_table:
            raise BadEntry(
                where, f"session {session.code} is not in round table {entry.get('round_table')}"
            )
        lead = entry.get("lead")
        return {
            "title": entry["title"],
            "description": entry.get("description", ""),
            "forum": forum,
            "round_table": round_table,
            "session": session,
            "lead": None if lead is None else self.organisation(lead, where, "lead"),
            "due_date": _date(entry.get("due_date"), where, "due_date"),
            "source_reference": self.cited(entry["source_reference"], where),
            "source_meeting": self.meeting(entry.get("source_meeting"), where, "source_meeting"),
            "venue": self.meeting(entry.get("venue"), where, "venue"),
        }

    def action_status(self, entry, where):
        """Where a new action starts; existing actions keep what staff reported since."""
        status = _choice(
            entry.get("status", FollowUpAction.Status.PROPOSED),
            FollowUpAction.Status,
            where,
            "status",
        )
        # None (null): no source gives a figure, shown as "not reported".
        progress = entry.get("progress")
        if progress is not None and (
            not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100
        ):
            raise BadEntry(where, "progress is a whole number from 0 to 100, or null")
        if status == FollowUpAction.Status.COMPLETED and progress != 100:
            raise BadEntry(where, "a completed action has progress 100")
        completed_on = _date(entry.get("completed_on"), where, "completed_on")
        if completed_on and status != FollowUpAction.Status.COMPLETED:
            raise BadEntry(where, "completed_on is only for completed actions")
        status_assumed = entry.get("status_assumed", False)
        if not isinstance(status_assumed, bool):
            raise BadEntry(where, "status_assumed must be true or false")
        return {
            "status": status,
            "status_assumed": status_assumed,
            "progress": progress,
            "started_on": _date(entry.get("started_on"), where, "started_on"),
            "completed_on": completed_on,
        }

    def restate(self, action, initial_status):
        """Until someone reports on an action, the file may still say that its status is
        assumed, and that no source gives its progress (an older file loaded 0 % there);
        it never sets a status or a figure on an existing action, and never overrides a
        report. Returns whether anything changed."""
        if action.reported_in_portal:
            return False
        status_assumed = initial_status["status_assumed"]
        progress = None if initial_status["progress"] is None else action.progress
        if (action.status_assumed, action.progress) == (status_assumed, progress):
            return False
        action_restate_from_record(action=action, status_assumed=status_assumed, progress=progress)
        return True

    def update_action(self, action, fields, organisation_sets):
        # Through the service, so the version moves on and an open edit form notices;
        # it writes only what differs.
        _, changed = action_update(
            action=action,
            updated_by=None,
            expected_version=None,
            **organisation_sets,
            **{name: fields[name] for name in ACTION_DESCRIPTIVE_FIELDS},
        )
        return "updated" if changed else "unchanged"
