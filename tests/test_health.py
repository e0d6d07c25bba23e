"""Liveness, readiness, and what people see while the database cannot be reached.

"The database is down" is simulated the way it looks to Django: the
connection is closed and every attempt to open a new one fails with the
driver's own OperationalError (as a refused connection does).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.headers import PERMISSIONS_POLICY
from coproduce.health import RETRY_AFTER_SECONDS
from tests.conftest import Cast
from tests.onboarding.conftest import IMMEDIATE_TASKS


def driver_error(message: str) -> Exception:
    """The database driver's own OperationalError (sqlite3's or psycopg's)."""
    database: Any = connection.Database  # type: ignore[attr-defined]
    return database.OperationalError(message)


@pytest.fixture
def database_down(cast: Cast) -> Iterator[None]:
    connection.close()
    refused = driver_error("connection refused (the test says so)")
    with mock.patch.object(connection, "get_new_connection", side_effect=refused):
        yield
    connection.close()


def test_readiness_is_200_when_the_database_and_cache_answer(client: Client, db: None) -> None:
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: ok\n"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_readiness_is_503_while_the_database_is_down(database_down: None) -> None:
    client = Client(raise_request_exception=False)

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "database: unavailable" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_liveness_does_not_touch_the_database(database_down: None) -> None:
    response = Client(raise_request_exception=False).get(reverse("healthz"))

    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_with_retry_after_while_the_database_is_down(cast: Cast) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.amara.user)
    pages = [
        ("get", reverse("plan_detail", args=[cast.plan.code])),
        ("get", reverse("home")),
        ("post", reverse("item_add", args=[cast.plan.code, "outcome"])),
        ("get", reverse("login")),
    ]
    connection.close()
    refused = driver_error("connection refused (the test says so)")
    with mock.patch.object(connection, "get_new_connection", side_effect=refused):
        responses = [(url, getattr(client, method)(url)) for method, url in pages]
    connection.close()

    for url, response in responses:
        assert response.status_code == 503, url
        assert response["Retry-After"] == str(RETRY_AFTER_SECONDS), url
        body = response.content.decode()
        assert "Sorry, the service is unavailable" in body, url
        assert "Amara" not in body
    # The same plain page every time.
    assert len({response.content for _, response in responses}) == 1
    # And once the database is back, so is the service.
    assert client.get(reverse("plan_detail", args=[cast.plan.code])).status_code == 200
    assert client.get(reverse("readyz")).status_code == 200


def test_other_errors_are_still_a_plain_500(cast: Cast) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.amara.user)
    with mock.patch("coproduce.plan_page.page.load_plan_page", side_effect=ValueError("a bug")):
        response = client.get(reverse("plan_detail", args=[cast.plan.code]))

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_every_response_has_a_permissions_policy(client: Client, cast: Cast) -> None:
    anonymous = [client.get(reverse("login")), client.get("/static/css/coproduce.css")]
    client.force_login(cast.amara.user)
    signed_in = [client.get(reverse("plan_detail", args=[cast.plan.code]))]

    for response in anonymous + signed_in:
        assert response.status_code == 200
        policy = response["Permissions-Policy"]
        assert policy == PERMISSIONS_POLICY
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


def test_the_worker_check_is_ok_while_tasks_are_picked_up(client: Client, db: None) -> None:
    response = client.get(reverse("worker_health"))

    assert response.status_code == 200
    assert response.content.decode() == "worker: ok (oldest task waiting 0 s)\n"
    assert "no-store" in response["Cache-Control"]


def test_the_worker_check_is_503_once_a_task_has_waited_too_long(
    client: Client, db: None, settings: Any
) -> None:
    """No worker running: the first task queued waits, and past the limit monitoring hears."""
    from coproduce.notifications.tasks import notify_about_plan

    settings.WORKER_ALERT_SECONDS = 300
    with time_machine.travel(timezone.now(), tick=False) as clock:
        notify_about_plan.enqueue(1)
        clock.shift(datetime.timedelta(seconds=120))
        notify_about_plan.enqueue(2)  # a later one does not hide the first
        clock.shift(datetime.timedelta(seconds=180))
        assert client.get(reverse("worker_health")).status_code == 200  # 300 s: at the limit
        clock.shift(datetime.timedelta(seconds=1))
        response = client.get(reverse("worker_health"))

    assert response.status_code == 503
    assert response.content.decode() == (
        "worker: behind (oldest task waiting 301 s, more than 300 s)\n"
    )


def test_a_task_planned_for_later_counts_from_when_it_is_due(
    client: Client, db: None, settings: Any
) -> None:
    from coproduce.notifications.tasks import notify_about_plan

    settings.WORKER_ALERT_SECONDS = 300
    with time_machine.travel(timezone.now(), tick=False) as clock:
        later = notify_about_plan.using(run_after=timezone.now() + datetime.timedelta(hours=1))
        later.enqueue(1)
        clock.shift(datetime.timedelta(minutes=30))
        assert client.get(reverse("worker_health")).status_code == 200  # not due yet
        clock.shift(datetime.timedelta(minutes=34))
        assert client.get(reverse("worker_health")).status_code == 200  # due 4 min ago
        clock.shift(datetime.timedelta(minutes=2))
        assert client.get(reverse("worker_health")).status_code == 503  # due 6 min ago


def test_the_worker_check_says_none_is_needed_when_tasks_run_at_once(
    client: Client, db: None, settings: Any
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    response = client.get(reverse("worker_health"))
    assert response.status_code == 200
    assert response.content.decode() == "worker: none needed (tasks run at once)\n"
