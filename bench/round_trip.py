"""The spreadsheet round-trip's benchmark, for bench/run.py to call (or by hand, below).

- `measure_xlsx_export(env, errors, expected_rows)`: /actions/export.xlsx of every action,
  downloaded in a child process (as run.py's CSV export) so its peak RSS is its own: rows/s,
  peak and growth of memory. Targets: at least 5,000 rows/s, under 300 MB. Beside it, the
  baseline: openpyxl alone writing the same cells from memory (`openpyxl_floor`).
- `measure_import(errors, rows=1000)`: in this process, an XLSX of `rows` actions, each with
  a progress change and a note, uploaded and previewed, then applied: seconds for each.
  Target: each under 10 s. Applying writes: `rows` reports (history rows, audit rows) in
  the bench database, as a secretariat officer's upload would.

Both go through the portal's pages with django.test.Client, as a user would, so this module
needs nothing of the spreadsheets app itself. `errors` has `.add(message)` (run.py's Errors).

By hand, against the bench database (or any database with a user `bench-secretariat`):

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=gfmd_portal.settings .venv/bin/python \\
        bench/round_trip.py [--rows 1000]
"""

import argparse
import io
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

USERNAME = "bench-secretariat"
EXPORT_URL = "/actions/export.xlsx"
IMPORT_URL = "/actions/import/"
SHEET = "xl/worksheets/sheet1.xml"  # the first sheet, "Actions"
ROW_TAG = b'<row r="'


def _client(username):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))  # the portal's backend
    return client


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_sheet_rows(path):
    """Rows in the workbook's first sheet, header included, read from its XML in chunks."""
    rows, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(SHEET) as sheet:
        while chunk := sheet.read(1 << 20):
            text = tail + chunk
            rows += text.count(ROW_TAG)
            # A tag cut in two by the chunk ends within this tail, too short to hold a
            # whole one: it is counted once, with the next chunk.
            tail = text[-(len(ROW_TAG) - 1) :]
    return rows


def xlsx_export_figures(client, url=EXPORT_URL):
    """Download `url` (the whole file, to a temporary file) and say how long it took and
    how much memory this process reached. The caller warms up first if it wants to."""
    baseline_mb = _peak_mb()
    started = time.perf_counter()
    response = client.get(url)
    size = 0
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        for chunk in response.streaming_content:
            size += len(chunk)
            file.write(chunk)
        elapsed = time.perf_counter() - started
        peak_mb = _peak_mb()  # before counting, which reads the file again
        file.flush()
        rows = count_sheet_rows(file.name) - 1 if response.status_code == 200 else 0
        floor = openpyxl_floor(file.name) if response.status_code == 200 else 0.0
    return {
        "status": response.status_code,
        "rows": rows,
        "bytes": size,
        "seconds": elapsed,
        "rows_per_second": rows / elapsed if elapsed else 0.0,
        "peak_mb": peak_mb,
        "growth_mb": peak_mb - baseline_mb,
        "openpyxl_rows_per_second": floor,
    }


FLOOR_ROWS = 20_000


def openpyxl_floor(path, rows=FLOOR_ROWS):
    """The baseline: how fast openpyxl's write-only mode alone writes the same cells on this
    machine. The first `rows` rows of the downloaded sheet, read into memory, are written
    again to memory and timed: no database, no request, none of the portal's code."""
    from openpyxl import Workbook, load_workbook

    source = load_workbook(path, read_only=True)
    values = [list(row) for row in source["Actions"].iter_rows(values_only=True, max_row=rows)]
    source.close()
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    for row in values:
        sheet.append(row)
    workbook.save(io.BytesIO())
    return len(values) / (time.perf_counter() - started)


def export_child(url, username=USERNAME):
    """Run in a child process: the export's figures as one line of JSON."""
    import django

    django.setup()
    client = _client(username)
    # Warm up on a tiny export, so imports and caches do not count as the export's memory.
    b"".join(client.get(url + "?q=zzzz-nothing").streaming_content)
    print(json.dumps(xlsx_export_figures(client, url)))


def measure_xlsx_export(env, errors, expected_rows, url=EXPORT_URL):
    """The XLSX export of every action, in a child process; run.py's `env`."""
    completed = subprocess.run(
        [sys.executable, __file__, "--xlsx-export-child", url],
        env=env,
        check=True,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result["status"] != 200:
        errors.add(f"XLSX export answered {result['status']}")
    elif result["rows"] != expected_rows:
        errors.add(f"XLSX export gave {result['rows']} rows, the database holds {expected_rows}")
    return result


def import_workbook(rows):
    """An XLSX as a filled-in download: `rows` open actions, each with a progress change
    and a note. Returns (the file's bytes, the number of rows written)."""
    from openpyxl import Workbook

    from actions.models import FollowUpAction

    Status = FollowUpAction.Status
    actions = (
        FollowUpAction.objects.filter(
            status__in=[Status.PROPOSED, Status.PLANNED, Status.IN_PROGRESS, Status.ON_HOLD]
        )
        .order_by("pk")
        .values_list("pk", "version", "status", "progress")[:rows]
    )
    labels = {value: str(label) for value, label in Status.choices}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    sheet.append(["ID", "Version", "Status", "Progress", "Note"])
    written = 0
    for pk, version, status, progress in actions:
        new_progress = progress + 1 if progress < 100 else 99
        sheet.append([pk, version, labels[status], new_progress, "Checked in the bench."])
        written += 1
    file = io.BytesIO()
    workbook.save(file)
    return file.getvalue(), written


def _count(html, words):
    """The number on a preview's or summary's card: "<span class="count">12</span> applied"."""
    match = re.search(rf'<span class="count">(\d+)</span> {words}', html)
    return int(match.group(1)) if match else None


def measure_import(errors, rows=1000, username=USERNAME):
    """Upload and preview, then apply, an XLSX of `rows` changes, as `username` (who may
    change them all: the secretariat). Returns the figures; wrong counts go to `errors`."""
    data, written = import_workbook(rows)
    client = _client(username)

    started = time.perf_counter()
    uploaded = client.post(IMPORT_URL, {"file": _upload("bench.xlsx", data)})
    preview_url = uploaded.get("Location", "")
    preview = client.get(preview_url) if uploaded.status_code == 302 else uploaded
    preview_seconds = time.perf_counter() - started
    will_change = _count(preview.content.decode(), "will change")
    if preview.status_code != 200 or will_change != written:
        errors.add(
            f"import preview answered {preview.status_code} with {will_change} changes "
            f"of {written} rows"
        )
        return {"rows": written, "preview_seconds": preview_seconds, "apply_seconds": None}

    started = time.perf_counter()
    applied = client.post(preview_url + "apply/")
    summary = client.get(preview_url)
    apply_seconds = time.perf_counter() - started
    applied_count = _count(summary.content.decode(), "applied")
    if applied.status_code != 302 or applied_count != written:
        errors.add(f"import applied {applied_count} of {written} rows")
    return {
        "rows": written,
        "bytes": len(data),
        "preview_seconds": preview_seconds,
        "apply_seconds": apply_seconds,
        "applied": applied_count,
    }


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


class _Errors(list):
    def add(self, message):
        print(f"bench: ERROR {message}", file=sys.stderr, flush=True)
        self.append(message)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000, help="Rows to import.")
    parser.add_argument("--xlsx-export-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.xlsx_export_child:
        export_child(args.xlsx_export_child)
        return 0

    import os

    import django

    django.setup()
    from actions.models import FollowUpAction

    errors = _Errors()
    export = measure_xlsx_export(dict(os.environ), errors, FollowUpAction.objects.count())
    print(json.dumps({"xlsx_export": export}), flush=True)
    print(json.dumps({"import": measure_import(errors, args.rows)}), flush=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
