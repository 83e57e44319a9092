"""Personas shared by every test: who can do what in the portal."""

import os

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from tests.factories import FocalPointFactory, OrganisationFactory, UserFactory


@pytest.fixture
def ilo(db):
    return OrganisationFactory(acronym="ILO", name="International Labour Organization")


@pytest.fixture
def iom(db):
    return OrganisationFactory(acronym="IOM", name="International Organization for Migration")


@pytest.fixture
def secretariat_user(db):
    return UserFactory(username="secretariat", secretariat=True)


@pytest.fixture
def ilo_focal_point(ilo):
    return FocalPointFactory(user=UserFactory(username="ilo-focal"), organisation=ilo).user


@pytest.fixture
def iom_focal_point(iom):
    return FocalPointFactory(user=UserFactory(username="iom-focal"), organisation=iom).user


@pytest.fixture
def observer(db):
    """Signed in, serves no organisation: may read, may not change anything."""
    return UserFactory(username="observer")


IN_CI = os.environ.get("CI", "").lower() == "true"


def missing_service(reason):
    """On a laptop a missing service skips its tests; in CI (CI=true) it fails them."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _needs_postgres(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing_service("this test needs PostgreSQL: set DATABASE_URL")


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Each test starts in English: a request the test client sends in French leaves French
    active in the thread afterwards (LocaleMiddleware activates a language per request and
    leaves it), which would put the next test's words in French."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
