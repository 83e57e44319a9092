"""The lock files (requirements/*.txt, written by `make lock`) against pyproject.toml's ranges:
every dependency pinned exactly, every pin inside its range, and the lock is what gets installed.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PYPROJECT["dependencies"]]
TEST_EXTRA = [Requirement(line) for line in PYPROJECT["optional-dependencies"]["test"]]
UPPER_BOUNDS = {"<", "<=", "==", "~="}


def read_lock(name):
    """{canonical name: Version} of one lock file; every line a plain `name==version`."""
    pins = {}
    for number, line in enumerate((ROOT / "requirements" / name).read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        assert not line.startswith("-"), f"{name}:{number}: an option in the lock: {line}"
        requirement = Requirement(line)
        specs = list(requirement.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{name}:{number}: not pinned: {line}"
        assert not requirement.extras, f"{name}:{number}: extras are stripped in the lock: {line}"
        key = canonicalize_name(requirement.name)
        assert key not in pins, f"{name}:{number}: {requirement.name} pinned twice"
        pins[key] = Version(specs[0].version)
    return pins


BASE = read_lock("base.txt")
TEST = read_lock("test.txt")


def applies(requirement):
    return requirement.marker is None or requirement.marker.evaluate()


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [("base.txt", RUNTIME), ("test.txt", RUNTIME + TEST_EXTRA)],
)
def test_every_requirement_is_pinned_inside_its_range(lock, requirements):
    pins = BASE if lock == "base.txt" else TEST
    for requirement in filter(applies, requirements):
        key = canonicalize_name(requirement.name)
        assert key in pins, f"{requirement.name} is not pinned in requirements/{lock}"
        assert requirement.specifier.contains(pins[key], prereleases=True), (
            f"requirements/{lock} pins {requirement.name}=={pins[key]}, "
            f"outside pyproject.toml's {requirement}"
        )


def test_the_test_lock_pins_the_runtime_exactly_as_the_runtime_lock():
    differ = {name: (v, TEST.get(name)) for name, v in BASE.items() if TEST.get(name) != v}
    assert not differ, f"base.txt and test.txt disagree (base, test): {differ}"


def test_every_requirement_has_an_upper_bound():
    for requirement in RUNTIME + TEST_EXTRA:
        operators = {spec.operator for spec in requirement.specifier}
        assert operators & UPPER_BOUNDS, f"{requirement} has no upper bound in pyproject.toml"


@pytest.mark.parametrize("name", ["Django", "django-filter"])
def test_django_and_django_filter_stay_below_their_next_release(name):
    (requirement,) = [r for r in RUNTIME if canonicalize_name(r.name) == canonicalize_name(name)]
    assert any(spec.operator == "<" for spec in requirement.specifier), requirement


def test_extras_are_pinned_too():
    """celery[redis]: the extra's own requirements (kombu[redis] -> redis) are in the lock."""
    for requirement in RUNTIME:
        for extra in requirement.extras:
            for line in metadata.requires(requirement.name) or []:
                dependency = Requirement(line)
                if dependency.marker and dependency.marker.evaluate({"extra": extra}):
                    assert canonicalize_name(dependency.name) in BASE, (
                        f"{requirement.name}[{extra}] needs {dependency.name}, not in base.txt"
                    )


def test_this_environment_runs_what_the_lock_says():
    """`make install` installs requirements/test.txt; a stale .venv shows here."""
    wrong = {}
    for name, version in TEST.items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (str(version), installed and str(installed))
    assert not wrong, f"locked vs installed: {wrong} (run `make install`)"


def test_make_and_the_dockerfile_install_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    stamp = re.search(r"^\$\(INSTALLED\):(.*)$", makefile, re.MULTILINE)
    assert stamp, "no $(INSTALLED) rule"
    assert "pyproject.toml" in stamp.group(1) and "$(LOCK_FILES)" in stamp.group(1)
    lock_files = re.search(r"^LOCK_FILES := (.*)$", makefile, re.MULTILINE).group(1).split()
    assert lock_files == ["requirements/base.txt", "requirements/test.txt"]
    assert "pip install --quiet --disable-pip-version-check -r requirements/test.txt" in makefile
    assert "--no-deps -e ." in makefile
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^RUN pip install -r requirements/base\.txt$", dockerfile, re.MULTILINE)
    assert re.search(r"^RUN pip install --no-deps \.$", dockerfile, re.MULTILINE)
    # Dependencies before the code, so a change to the code does not reinstall them.
    assert dockerfile.index("requirements/base.txt") < dockerfile.index("COPY . .")


def test_every_file_the_makefile_names_exists():
    makefile = (ROOT / "Makefile").read_text()
    named = set(
        re.findall(r"(?<![\w./$-])((?:[\w-]+/)*[\w.-]+\.(?:py|txt|toml|md|example))\b", makefile)
    )
    assert {"pyproject.toml", "requirements/test.txt", "manage.py", ".env.example"} <= named
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, f"the Makefile names files that do not exist: {missing}"
