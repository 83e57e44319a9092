"""What no cache may keep, which methods a view answers, and the development SECRET_KEY."""

import os
import shutil
import stat
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.factories import FollowUpActionFactory
from tests.test_settings import ROOT

# --- Cache-Control ----------------------------------------------------------------------


def cache_control(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["dashboard", "action_list", "action_export", "agency_detail"])
def test_signed_in_pages_and_exports_are_private_no_store(client, ilo_focal_point, ilo, name):
    FollowUpActionFactory(lead=ilo)
    client.force_login(ilo_focal_point)
    url = reverse(name, args=["ILO"] if name == "agency_detail" else [])

    response = client.get(url)

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


@pytest.mark.django_db
def test_a_view_s_own_cache_control_is_kept(client, secretariat_user):
    secretariat_user.is_staff = True
    secretariat_user.save()
    client.force_login(secretariat_user)
    # The admin sets its own (never_cache): max-age=0, no-cache, no-store, must-revalidate.
    response = client.get(reverse("admin:index"))
    assert "must-revalidate" in cache_control(response)


@pytest.mark.django_db
def test_anonymous_pages_get_no_private_cache_control(client):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    assert not response.has_header("Cache-Control")


# --- Methods ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_agency_page_only_answers_get_and_head(client, observer, ilo, method):
    client.force_login(observer)
    url = reverse("agency_detail", args=["ILO"])

    response = getattr(client, method)(url)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.head(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/favicon.ico"])
def test_healthz_and_the_favicon_only_answer_get_and_head(client, path, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.post(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.head(path).status_code in (200, 302)


@pytest.mark.django_db
def test_the_password_reset_page_answers_get_and_post_only(client):
    response = client.put(reverse("password_reset"))
    assert response.status_code == 405
    assert "POST" in response["Allow"]


# --- The development SECRET_KEY -----------------------------------------------------------


def development_key():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    env.update(DEBUG="true", SECRET_KEY="")
    result = subprocess.run(
        [sys.executable, "-c", "import gfmd_portal.settings as s; print(s.SECRET_KEY)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_no_secret_key_is_written_in_the_source():
    first, second = development_key(), development_key()
    assert len(first) >= 50
    assert first != second
    assert first not in (ROOT / "gfmd_portal" / "settings.py").read_text()
    assert "django-insecure" not in (ROOT / "gfmd_portal" / "settings.py").read_text()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_writes_a_random_secret_key_into_a_new_env(tmp_path):
    def new_env(folder):
        folder.mkdir()
        for name in ["Makefile", ".env.example"]:
            shutil.copy(ROOT / name, folder / name)
        result = subprocess.run(
            ["make", ".env", f"PYTHON={sys.executable}"], cwd=folder, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return folder / ".env"

    first, second = new_env(tmp_path / "one"), new_env(tmp_path / "two")

    example = (ROOT / ".env.example").read_text().splitlines()
    lines = first.read_text().splitlines()
    (key_line,) = [line for line in lines if line.startswith("SECRET_KEY=")]
    key = key_line.removeprefix("SECRET_KEY=")
    assert len(key) >= 50 and "$" not in key
    # Everything else is the example as it is; the second checkout has a key of its own.
    assert [line for line in lines if line != key_line] == [
        line for line in example if line != "SECRET_KEY="
    ]
    assert key_line not in second.read_text()
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
