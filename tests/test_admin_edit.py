"""An edit in the admin goes through the edit service, like the portal's form: the version
check, only what differs, one audit entry."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from actions.admin import FollowUpActionAdmin
from actions.models import FollowUpAction
from actions.services import action_update
from tests.factories import FollowUpActionFactory, UserFactory


@pytest.fixture
def editor(db):
    return UserFactory(username="admin-editor", is_staff=True, is_superuser=True)


def _admin_form(editor, action, **changes):
    request = RequestFactory().post("/admin/")
    request.user = editor
    model_admin = FollowUpActionAdmin(FollowUpAction, site)
    form_class = model_admin.get_form(request, action, change=True)
    unbound = form_class(instance=action)
    data = {}
    for name in unbound.fields:
        value = unbound[name].value()
        if name == "partners":
            data[name] = [str(pk) for pk in value or []]
        elif value is not None:
            data[name] = value.isoformat() if isinstance(value, datetime.date) else value
    data.update(changes)
    return model_admin, request, form_class(data, instance=action)


def test_an_admin_edit_is_one_versioned_audited_change(editor):
    action = FollowUpActionFactory(title="Old title", due_date=datetime.date(2027, 1, 1))
    audit_rows = action.audit_trail.count()
    model_admin, request, form = _admin_form(editor, action, title="New title")
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.instance, form, change=True)
    action.refresh_from_db()
    assert (action.title, action.version) == ("New title", 2)
    assert action.due_date == datetime.date(2027, 1, 1)
    assert action.audit_trail.count() == audit_rows + 1


def test_an_unchanged_admin_save_writes_nothing(editor):
    action = FollowUpActionFactory(title="Same")
    audit_rows = action.audit_trail.count()
    model_admin, request, form = _admin_form(editor, action)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.instance, form, change=True)
    action.refresh_from_db()
    assert action.version == 1
    assert action.audit_trail.count() == audit_rows


def test_a_stale_admin_form_is_refused(editor):
    action = FollowUpActionFactory(title="Read at version 1")
    _model_admin, _request, form = _admin_form(editor, action, title="Mine")
    action_update(action=action, updated_by=None, expected_version=1, title="Someone else's")
    assert not form.is_valid()
    assert "Someone changed this action since you opened it" in str(form.non_field_errors())
    action.refresh_from_db()
    assert action.title == "Someone else's"
