"""bench/round_trip.py runs (figures, not timings, are checked) on a few actions."""

import pytest

from actions.models import FollowUpAction, StatusChange
from bench import round_trip as bench
from tests.factories import FollowUpActionFactory

Status = FollowUpAction.Status
pytestmark = pytest.mark.django_db


class Errors(list):
    def add(self, message):
        self.append(message)


@pytest.fixture
def five_actions(ilo):
    FollowUpActionFactory.create_batch(4, lead=ilo, status=Status.PLANNED, progress=20)
    FollowUpActionFactory(lead=ilo, status=Status.CANCELLED, progress=30)  # cannot move


def test_the_export_figures_count_every_row_of_the_file(client, secretariat_user, five_actions):
    client.force_login(secretariat_user)
    figures = bench.xlsx_export_figures(client)
    assert figures["status"] == 200
    assert figures["rows"] == 5
    assert figures["bytes"] > 0 and figures["peak_mb"] > 0
    assert set(figures) >= {"seconds", "rows_per_second", "growth_mb"}


def test_the_import_bench_previews_and_applies_its_rows(secretariat_user, five_actions):
    errors = Errors()

    figures = bench.measure_import(errors, rows=3, username=secretariat_user.username)

    assert errors == []
    assert (figures["rows"], figures["applied"]) == (3, 3)
    assert figures["preview_seconds"] > 0 and figures["apply_seconds"] > 0
    assert StatusChange.objects.filter(note="Checked in the bench.").count() == 3


def test_the_import_bench_reports_a_wrong_count_as_an_error(secretariat_user, observer, ilo):
    FollowUpActionFactory.create_batch(2, lead=ilo, status=Status.PLANNED)
    errors = Errors()
    bench.measure_import(errors, rows=2, username=observer.username)  # may change nothing
    assert errors and "import preview answered 200 with 0 changes of 2 rows" in errors[0]


def test_rows_are_counted_across_chunk_boundaries(tmp_path, monkeypatch):
    import zipfile

    path = tmp_path / "rows.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(bench.SHEET, b"<sheetData>" + b'<row r="1"><c/></row>' * 1000)
    real_read = zipfile.ZipExtFile.read
    monkeypatch.setattr(zipfile.ZipExtFile, "read", lambda self, n=-1: real_read(self, 7))
    assert bench.count_sheet_rows(path) == 1000
