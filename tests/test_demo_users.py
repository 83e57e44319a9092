"""create_demo_users: the logins `make run` prints, made once, never on a portal in use."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from agencies.models import FocalPoint, is_secretariat

GMG_NOTE_AGENCIES = {
    "ILO", "IOM", "UNCTAD", "UNDP", "UNDESA", "UNFPA",
    "OHCHR", "UNHCR", "UNODC", "World Bank", "UNICEF", "UNESCO",
}  # fmt: skip


@pytest.mark.django_db
def test_one_secretariat_user_and_one_focal_point_per_agency(settings, capsys):
    settings.DEBUG = True
    call_command("load_gfmd", verbosity=0)

    call_command("create_demo_users")
    call_command("create_demo_users")  # a second `make run`

    User = get_user_model()
    assert User.objects.count() == 13
    assert is_secretariat(User.objects.get(username="secretariat"))
    assert set(FocalPoint.objects.values_list("organisation__acronym", flat=True)) == (
        GMG_NOTE_AGENCIES
    )
    assert User.objects.get(username="iom").check_password("gfmd-demo-2026")
    output = capsys.readouterr().out
    assert output.count("Demo logins (password for all: gfmd-demo-2026)") == 2
    assert "worldbank" in output


@pytest.mark.django_db
def test_no_demo_users_beside_real_ones(settings, capsys):
    settings.DEBUG = True
    call_command("load_gfmd", verbosity=0)
    get_user_model().objects.create_user("real.person")

    call_command("create_demo_users")

    assert get_user_model().objects.count() == 1
    assert "no demo users created" in capsys.readouterr().out


@pytest.mark.django_db
def test_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_users")
