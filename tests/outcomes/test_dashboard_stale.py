"""Just after a write, the dashboard shows the figures from before it, marked, while
one refresh recomputes them in the background (outcomes.dashboard_cache).

Chloe leads the team on Amara's care team. The task queue is the database's
(as in production) and no worker runs unless a test runs it: a load after a
write shows the earlier figures with a note saying when they are from, queues
one refresh however many loads and writes follow, and once the refresh has run
shows figures equal to ones computed afresh. Past DASHBOARD_STALE_SECONDS
without the refresh, a load computes the figures itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outcomes import dashboard_cache
from plans import crisis
from tests.conftest import Cast, login
from tests.onboarding.conftest import IMMEDIATE_TASKS
from tests.outcomes import test_summaries as ratings

NOTE = "Changes made since are being counted"
# Session, user, the lead's team, the caseload's state, the kept figures (with the
# epoch and the refresh's mark), the "For you" count; the load that queues the
# refresh also marks it (the database cache counts its rows, looks for the mark,
# writes it) and queues it: ten statements, and the cache write's transaction
# (a savepoint and its release here, inside the test's transaction).
STALE_PATH_QUERIES = 10
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")


@pytest.fixture(autouse=True)
def every_figure_shown(settings: Any) -> None:
    settings.SMALL_CELL_THRESHOLD = 1
    settings.DASHBOARD_STALE_SECONDS = 60


def load(client: Client, **headers: str) -> Any:
    response = client.get(reverse("team_dashboard"), headers=headers)
    assert response.status_code == 200
    return response


def write(cast: Cast) -> None:
    """A write to a plan on the team's caseload (Amara's crisis plan reviewed)."""
    crisis.mark_reviewed(ratings.access(cast, "amara"))


def computed_afresh(client: Client) -> str:
    dashboard_cache.clear()
    return str(load(client).context["figures"])


def run_worker() -> None:
    """What the worker does with each queued refresh: the task the row names, called
    with the row's arguments (`manage.py db_worker` itself closes the connection,
    and with it the test's database)."""
    for queued in DBTaskResult.objects.filter(status="READY"):
        result = queued.task_result
        result.task.call(*result.args, **result.kwargs)
        DBTaskResult.objects.filter(pk=queued.pk).update(status="SUCCESSFUL")


def test_the_first_load_computes_and_shows_no_note(cast: Cast, client: Client) -> None:
    login(client, cast.chloe)
    response = load(client)
    assert response.context["stale"] is False
    assert NOTE not in response.content.decode()
    assert "hx-trigger" not in response.content.decode()
    assert not DBTaskResult.objects.exists()


def test_after_a_write_the_earlier_figures_show_marked_until_the_refresh_runs(
    cast: Cast, client: Client, django_assert_max_num_queries: Any
) -> None:
    login(client, cast.chloe)
    ratings.add_outcomes(cast)
    before = load(client)
    computed_at = timezone.localtime(before.context["figures_from"])

    write(cast)
    with django_assert_max_num_queries(STALE_PATH_QUERIES + 2) as captured:
        stale = load(client)
    statements = [q["sql"] for q in captured.captured_queries]
    assert len([q for q in statements if not q.startswith(TRANSACTION_CONTROL)]) <= 10
    page = stale.content.decode()
    assert stale.context["stale"] is True
    assert stale.context["figures"] == before.context["figures"]
    assert f"These figures are from {computed_at:%H:%M}. {NOTE}" in page
    assert 'role="status"' in page
    assert 'hx-trigger="every 3s"' in page
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "outcomes.views_dashboard.refresh_figures"
    assert queued.args_kwargs["args"][0] == cast.chloe.user_id

    # Another write and another load: still the earlier figures, and no second refresh.
    write(cast)
    with django_assert_max_num_queries(STALE_PATH_QUERIES):
        again = load(client)
    assert again.context["stale"] is True
    assert again.context["figures"] == before.context["figures"]
    assert DBTaskResult.objects.count() == 1

    run_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    fresh = load(client)
    assert fresh.context["stale"] is False
    assert NOTE not in fresh.content.decode()
    assert "hx-trigger" not in fresh.content.decode()
    assert fresh.context["figures"] == computed_afresh(client)
    assert fresh.context["figures"] != before.context["figures"]

    # The next write queues the next refresh.
    write(cast)
    assert load(client).context["stale"] is True
    assert DBTaskResult.objects.count() == 2


def test_the_figures_region_asks_again_until_fresh(cast: Cast, client: Client) -> None:
    login(client, cast.chloe)
    load(client)
    write(cast)
    polled = {"HX-Request": "true", "HX-Target": "dashboard-figures"}
    page = load(client).content.decode()
    assert '<div id="dashboard-figures" hx-get=' in page
    assert NOTE in page
    # Asked again while still stale: nothing to swap (the note is not put back,
    # so a screen reader does not read it out again every few seconds).
    still = client.get(reverse("team_dashboard"), headers=polled)
    assert still.status_code == 204
    assert still.content == b""

    run_worker()
    fresh = load(client, **polled).content.decode()
    assert fresh.lstrip().startswith('<div id="dashboard-figures">')
    assert "hx-get" not in fresh
    assert 'role="status">The figures are up to date.' in fresh
    assert NOTE not in fresh


def test_with_no_worker_a_load_past_the_bound_computes_the_figures(
    cast: Cast, client: Client
) -> None:
    login(client, cast.chloe)
    load(client)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        write(cast)
        assert load(client).context["stale"] is True
        clock.shift(dt.timedelta(seconds=59))
        assert load(client).context["stale"] is True
        clock.shift(dt.timedelta(seconds=2))
        late = load(client)
        assert late.context["stale"] is False
        assert NOTE not in late.content.decode()
        assert late.context["figures"] == computed_afresh(client)
    assert DBTaskResult.objects.count() == 1  # not queued again while the first is waiting


def test_a_load_past_the_bound_lets_the_next_write_queue_a_refresh_again(
    cast: Cast, client: Client
) -> None:
    """The refresh was lost (a worker restarted, say): the load past the bound
    computes, and the next write's load shows figures at once and queues anew,
    rather than every load after it computing for as long as the mark would last."""
    login(client, cast.chloe)
    load(client)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        write(cast)
        assert load(client).context["stale"] is True
        DBTaskResult.objects.all().delete()  # lost
        clock.shift(dt.timedelta(seconds=61))
        assert load(client).context["stale"] is False
        clock.shift(dt.timedelta(seconds=1))
        ratings.add_outcomes(cast)  # another write
        assert load(client).context["stale"] is True
    assert DBTaskResult.objects.count() == 1


def test_a_bound_of_zero_always_computes(cast: Cast, client: Client, settings: Any) -> None:
    settings.DASHBOARD_STALE_SECONDS = 0
    login(client, cast.chloe)
    load(client)
    write(cast)
    assert load(client).context["stale"] is False
    assert not DBTaskResult.objects.exists()


def test_with_the_immediate_backend_the_load_after_a_write_is_fresh(
    cast: Cast, client: Client, settings: Any
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    login(client, cast.chloe)
    load(client)
    write(cast)
    response = load(client)
    assert response.context["stale"] is False
    assert NOTE not in response.content.decode()
    assert response.context["figures"] == computed_afresh(client)
    assert not DBTaskResult.objects.exists()


def test_the_csv_counts_the_write_while_the_page_shows_earlier_figures(
    cast: Cast, client: Client
) -> None:
    login(client, cast.chloe)
    ratings.add_outcomes(cast)
    load(client)
    csv_before = client.get(reverse("team_dashboard_csv")).content
    write(cast)
    assert load(client).context["stale"] is True
    assert client.get(reverse("team_dashboard_csv")).content != csv_before


def test_the_refresh_goes_ahead_of_waiting_notification_emails(cast: Cast, client: Client) -> None:
    from coproduce.notifications.tasks import notify_about_plan

    login(client, cast.chloe)
    load(client)
    notify_about_plan.enqueue(cast.plan.pk)  # already waiting in the queue
    write(cast)
    assert load(client).context["stale"] is True
    # The worker takes the first in the queue's own order.
    first = DBTaskResult.objects.ready().first()
    assert first is not None
    assert first.task_path == "outcomes.views_dashboard.refresh_figures"
