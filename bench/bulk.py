"""The bulk update of 100 actions, measured as bench/run.py measures pages: the list's own
POST (/actions/bulk/) through django.test.Client as secretariat staff, timed with
time.perf_counter and counted with CaptureQueriesContext.

Each run confirms the same actions with one note ("still on track"): every action gets a
status report through action_change_status (a lock, the save, its audit and history rows),
whatever its status, so runs can repeat on the same data. Each run reads the versions
afresh, as a list page would show them.

    from bench.bulk import measure_bulk_update, describe
    result = measure_bulk_update(client, errors=errors)   # client: logged in as secretariat
    rows.append(throughput_row("bulk update of 100 actions (/actions/bulk/)", describe(result)))
"""

import statistics
import time

NOTE = "Bench: still on track."


def measure_bulk_update(client, *, count=100, runs=3, errors=None):
    """Seconds and queries of `runs` bulk updates of `count` actions (the lowest ids)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actions.models import FollowUpAction

    seconds, queries, applied = [], [], []
    for _run in range(runs):
        rows = list(FollowUpAction.objects.order_by("pk").values_list("pk", "version")[:count])
        data = {
            "selected": [f"{pk}:{version}" for pk, version in rows],
            "note": NOTE,
            "back": "/actions/",
        }
        # The log is a bounded deque: once full, CaptureQueriesContext would count 0.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post("/actions/bulk/", data)
            elapsed = time.perf_counter() - started
        if response.status_code != 302:  # to the result page
            if errors is not None:
                errors.add(f"/actions/bulk/ answered {response.status_code}")
            return None
        # Updated: moved on by one version (the page's words need the test instrumentation).
        read = dict(rows)
        now = FollowUpAction.objects.filter(pk__in=read).values_list("pk", "version")
        done = sum(1 for pk, version in now if version == read[pk] + 1)
        if done != len(read) and errors is not None:
            errors.add(f"bulk update: {done} of {len(read)} actions updated")
        seconds.append(elapsed)
        queries.append(len(captured))
        applied.append(done)
    return {
        "actions": count,
        "runs": runs,
        "seconds": statistics.median(seconds),
        "seconds_max": max(seconds),
        "queries": max(queries),
        "applied": min(applied),
    }


def describe(result):
    """The table's "throughput and notes" cell."""
    if result is None:
        return "failed (see the errors)"
    return (
        f"{result['applied']} of {result['actions']} actions updated in "
        f"**{result['seconds']:.2f} s** (median of {result['runs']} runs, slowest "
        f"{result['seconds_max']:.2f} s), {result['queries']} queries = "
        f"{result['queries'] / result['actions']:.1f} an action"
    )
