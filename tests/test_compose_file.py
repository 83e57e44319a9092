"""docker-compose.yml and the Dockerfile, read as data: no Docker needed (none runs here).

What the compose file starts is tested for real in tests/test_deploy_smoke.py.
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = BASE_DIR / ".venv" / "bin"
PORTAL_SERVICES = ["migrate", "web", "worker", "beat"]
ALL_SERVICES = ["db", "redis", *PORTAL_SERVICES, "mailpit"]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command_of(service):
    """The service's command as a list of words, whichever way it is written."""
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def shell_script(service):
    """The script of a `sh -c "..."` command, or the command itself."""
    words = command_of(service)
    if words[:2] == ["sh", "-c"]:
        return words[2]
    return shlex.join(words)


def depends_on(service):
    deps = service.get("depends_on", {})
    if isinstance(deps, list):  # the short form means "started", no condition
        return {name: "service_started" for name in deps}
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def test_every_service_is_there(services):
    assert set(ALL_SERVICES) <= set(services)


def test_images(services):
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    for name in PORTAL_SERVICES:
        assert services[name]["build"] == ".", name


def test_web_runs_gunicorn_on_the_wsgi_app(services):
    words = command_of(services["web"])
    assert words[0] == "gunicorn"
    assert "gfmd_portal.wsgi:application" in words
    assert words[words.index("--bind") + 1] == "0.0.0.0:8000"
    assert words[words.index("--workers") + 1] == "2"
    assert "8000:8000" in services["web"]["ports"]
    # Migrations belong to the one-shot service, not to every web start.
    assert "migrate" not in shell_script(services["web"])


def test_worker_and_beat_commands(services):
    assert command_of(services["worker"])[:4] == ["celery", "-A", "gfmd_portal", "worker"]
    beat = command_of(services["beat"])
    assert beat[:4] == ["celery", "-A", "gfmd_portal", "beat"]
    # The image's /app is read-only for the non-root user: the schedule file goes elsewhere.
    assert beat[beat.index("--schedule") + 1].startswith("/tmp/")


def test_migrate_is_one_shot_and_loads_the_record(services):
    migrate = services["migrate"]
    script = shell_script(migrate)
    assert re.search(
        r"python manage\.py migrate --noinput\s*&&\s*python manage\.py load_gfmd", script
    )
    assert migrate["restart"] == "no"
    assert "ports" not in migrate


@pytest.mark.parametrize("name", ["db", "redis", "web"])
def test_health_checks(services, name):
    test = services[name]["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL")
    text = " ".join(test[1:])
    expected = {"db": "pg_isready", "redis": "redis-cli ping", "web": "/healthz"}[name]
    assert expected in text


def test_start_order(services):
    web = depends_on(services["web"])
    assert web["migrate"] == "service_completed_successfully"
    assert web["db"] == web["redis"] == "service_healthy"
    for name in ["migrate", "worker", "beat"]:
        assert depends_on(services[name])["db"] == "service_healthy", name
    for name in ["worker", "beat"]:
        deps = depends_on(services[name])
        assert deps["redis"] == "service_healthy", name
        assert deps["migrate"] == "service_completed_successfully", name


def test_exactly_one_beat(compose, services):
    beat = services["beat"]
    assert "scale" not in beat
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert beat.get("deploy", {}).get("mode", "replicated") == "replicated"
    beats = [name for name, service in services.items() if "beat" in command_of(service)]
    assert beats == ["beat"]
    # The reason is written down beside it.
    text = (BASE_DIR / "docker-compose.yml").read_text()
    assert re.search(r"#.*[Ee]xactly one beat", text)


def test_database_keeps_its_data_in_a_named_volume(compose, services):
    assert "pgdata" in compose["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_portal_services_share_the_configuration(services):
    for name in PORTAL_SERVICES:
        service = services[name]
        env_file = service["env_file"]
        assert ".env" in ([env_file] if isinstance(env_file, str) else env_file), name
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://gfmd:"), name
        assert env["DATABASE_URL"].endswith("@db:5432/gfmd"), name
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0", name
        # Mail goes to Mailpit unless .env says otherwise.
        assert env["EMAIL_URL"] == "${EMAIL_URL:-smtp://mailpit:1025}", name


def test_mailpit_inbox_is_published(services):
    assert "8025:8025" in services["mailpit"]["ports"]


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_every_program_is_installed_here(services, name):
    words = shlex.split(shell_script(services[name]))
    programs = {words[0]} | {words[i + 1] for i, word in enumerate(words) if word == "&&"}
    for program in programs - {"python"}:
        assert (VENV_BIN / program).is_file(), f"{name}: {program} is not in .venv/bin"
    for script in re.findall(r"python (manage\.py)", shell_script(services[name])):
        assert (BASE_DIR / script).is_file()


def test_dockerfile():
    text = (BASE_DIR / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.MULTILINE)
    assert re.search(r"^RUN .*pip install", text, re.MULTILINE)
    collect = re.search(r"^RUN (?:.*\\\n)*.*collectstatic --noinput", text, re.MULTILINE)
    assert collect, "no collectstatic step"
    # Collected as served: DEBUG off (hashed, compressed files), with a key for that step only.
    assert "DEBUG=false" in collect.group(0)
    assert "SECRET_KEY=" in collect.group(0)
    assert not re.search(r"^(ENV|ARG)\b.*SECRET_KEY", text, re.MULTILINE)
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users, "no USER: the container would run as root"
    assert users[-1] not in ("root", "0")
    assert text.index("collectstatic") < text.rindex("USER")
    # The .mo files are built, not committed: the image compiles them from the copied code.
    compile_step = re.search(r"^RUN (?:.*\\\n)*.*compile_translations", text, re.MULTILINE)
    assert compile_step, "the image would have no compiled translations"
    assert text.index("COPY . .") < compile_step.start() < text.rindex("USER")


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    for entry in [".env", ".git", ".venv", "db.sqlite3"]:
        assert entry in ignored


def test_env_example_documents_every_setting():
    settings_text = (BASE_DIR / "gfmd_portal" / "settings.py").read_text()
    read = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_text))
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "EMAIL_BACKEND"} <= read
    example = (BASE_DIR / ".env.example").read_text().splitlines()
    assignment = re.compile(r"#?\s*([A-Z][A-Z0-9_]*)=")
    documented = {}
    for number, line in enumerate(example):
        match = assignment.match(line)
        if match:
            documented[match.group(1)] = number
    assert read <= set(documented), f"missing from .env.example: {sorted(read - set(documented))}"
    for name, number in documented.items():
        # Each variable has a comment: directly above it, or above its group of variables.
        above = number - 1
        while above >= 0 and assignment.match(example[above]):
            above -= 1
        assert above >= 0 and example[above].startswith("# "), f"{name} has no comment"
