"""The audit trail keeps every saved version of an action with the partners it had then.

actions.models.AuditTrail writes the partners' snapshot itself (by id, in one narrow query):
these tests hold it to what django-simple-history's own snapshot gives.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.audit import audit_entries
from actions.services import action_change_status, action_create, action_update
from tests.factories import ForumFactory, OrganisationFactory


def _snapshots(action):
    """(version, kind of save, partners' acronyms) of every record, oldest first."""
    return [
        (
            record.version,
            record.history_type,
            sorted(link.organisation.acronym for link in record.partners.all()),
        )
        for record in action.audit_trail.order_by("history_id")
    ]


def test_each_version_keeps_the_partners_it_was_saved_with(secretariat_user, ilo, iom):
    osce = OrganisationFactory(acronym="OSCE")
    action = action_create(
        created_by=secretariat_user,
        partners=[ilo],
        title="Compendium of good practices",
        forum=ForumFactory(),
        lead=iom,
    )
    action_change_status(action=action, changed_by=secretariat_user, status="in_progress")
    action, _ = action_update(
        action=action,
        updated_by=secretariat_user,
        expected_version=action.version,
        partners=[ilo, osce],
    )
    action_change_status(
        action=action, changed_by=secretariat_user, status="in_progress", progress=40
    )
    action.refresh_from_db()

    # Creating saves the row, then its partners: two versions numbered 1, as the admin's.
    assert _snapshots(action) == [
        (1, "+", []),
        (1, "~", ["ILO"]),
        (2, "~", ["ILO"]),
        (3, "~", ["ILO", "OSCE"]),
        (3, "~", ["ILO", "OSCE"]),
        (4, "~", ["ILO", "OSCE"]),
    ]
    partner_change = [
        (change.label, change.old, change.new)
        for entry in audit_entries(action)
        for change in entry.changes
        if change.label == "Partners"
    ]
    # Newest first: the edit that added OSCE, then the creation's partners.
    assert partner_change == [("Partners", "ILO", "ILO, OSCE"), ("Partners", "–", "ILO")]


def test_a_status_report_writes_the_snapshot_in_fixed_queries(secretariat_user, ilo, iom):
    action = action_create(
        created_by=secretariat_user,
        partners=[ilo, iom],
        title="Handbook",
        forum=ForumFactory(),
        lead=iom,
    )
    with CaptureQueriesContext(connection) as report:
        action_change_status(action=action, changed_by=secretariat_user, status="planned")
    snapshot_reads = [q for q in report.captured_queries if "followupaction_partners" in q["sql"]]
    # One read of the partner links (ids only, no join to the action's row), one insert.
    assert len(snapshot_reads) == 2, [q["sql"] for q in snapshot_reads]
    assert "agencies_organisation" not in snapshot_reads[0]["sql"]
    assert sorted(link.organisation_id for link in action.audit_trail.first().partners.all()) == (
        sorted([ilo.pk, iom.pk])
    )
