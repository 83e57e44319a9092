from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

BROKER_TIMEOUT_SECONDS = 2


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_answers():
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        return True
    except Exception:
        return False


@never_cache
@login_not_required
def healthz(request):
    """200 when the database and the broker answer; 503 naming what does not. No secrets."""
    checks = {"database": "ok" if _database_answers() else "unreachable"}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = "ok" if _broker_answers() else "unreachable"
    else:
        checks["broker"] = "not configured (tasks run in-process)"
    failing = [name for name, state in checks.items() if state == "unreachable"]
    status = 503 if failing else 200
    return JsonResponse({"status": "ok" if not failing else "failing", **checks}, status=status)
