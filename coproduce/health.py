"""Readiness, and a plain 503 while the database cannot be reached.

``/healthz/`` (liveness) answers without touching anything: the process is
up. ``/readyz/`` (readiness) answers 200 only when this server can do its
work: the database answers a query and the cache (the database cache, or
whatever CACHES names) stores and returns a value. A load balancer should
send traffic only to ready servers, and restart only dead ones.

``/healthz/worker/`` is for monitoring, not for the load balancer: it answers
503 once a task (an email, a dashboard refresh) has waited longer than
``WORKER_ALERT_SECONDS`` for the task worker (``manage.py db_worker``), which
means no worker is running or it cannot keep up. Nothing is lost meanwhile
(the tasks wait in the database), but nobody is emailed and the dashboard
shows older figures until someone notices.
"""

from __future__ import annotations

import logging
import secrets
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.db.models import Case, Min, When
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

# What a client (or a proxy) is told to wait before trying again.
RETRY_AFTER_SECONDS = 30

# The errors that mean "the database cannot be reached now", not "a bug".
UNAVAILABLE = (OperationalError, InterfaceError)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness, for load balancers and the reference point of `manage.py bench`."""
    return HttpResponse("ok", content_type="text/plain")


def _database_ready() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("readiness: the database did not answer", exc_info=True)
        return False


def _cache_ready() -> bool:
    key = f"readyz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "ok", timeout=10)
        ready = cache.get(key) == "ok"
        cache.delete(key)
        return ready
    except Exception:  # any backend's error means "not ready", whatever its class
        logger.warning("readiness: the cache did not answer", exc_info=True)
        return False


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    checks = {"database": _database_ready(), "cache": _cache_ready()}
    body = "".join(f"{name}: {'ok' if ok else 'unavailable'}\n" for name, ok in checks.items())
    if all(checks.values()):
        return HttpResponse(body, content_type="text/plain")
    response = HttpResponse(body, content_type="text/plain", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@login_not_required
@never_cache
@require_GET
def worker(request: HttpRequest) -> HttpResponse:
    """Whether the task worker keeps up: how long the oldest task due has waited."""
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return HttpResponse("worker: none needed (tasks run at once)\n", content_type="text/plain")
    # A task is due from its run_after, or (asked to run at once) from when it was queued.
    due = Case(When(run_after=get_date_max(), then="enqueued_at"), default="run_after")
    oldest = DBTaskResult.objects.ready().aggregate(at=Min(due))["at"]
    waited = 0 if oldest is None else max(0, int((timezone.now() - oldest).total_seconds()))
    limit = settings.WORKER_ALERT_SECONDS
    if waited <= limit:
        return HttpResponse(
            f"worker: ok (oldest task waiting {waited} s)\n", content_type="text/plain"
        )
    body = f"worker: behind (oldest task waiting {waited} s, more than {limit} s)\n"
    return HttpResponse(body, content_type="text/plain", status=503)


def service_unavailable() -> HttpResponse:
    """The plain 503 page: rendered with no request, so it touches no database."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 when the database is out of reach, else Django's plain 500.

    This is Django's hook for every uncaught exception, wherever it was raised.
    A middleware would not do: the database is first touched in middleware
    (the session, the signed-in user), and Django turns an exception raised
    there into a 500 response before any outer middleware could see it.
    """
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        return service_unavailable()
    return HttpResponseServerError(loader.get_template("500.html").render())
