"""No lost updates under real concurrency: many threads save one item at once.

Each thread has its own database connection (as separate app servers would).
Every save is either applied and in the history, or refused with 409; the
final text is the last applied save. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from plans.models import Leadership, LifeArea, PlanChange, Resource
from tests import factories as f
from tests.conftest import Cast

THREADS = 6
ROUNDS = 4


def save_together(
    cast: Cast, save: Callable[[Client, int, int, Callable[[], object]], None]
) -> None:
    """THREADS clients, Amara and Ben by turns, each with its own connection, call
    save(client, thread, round, together) ROUNDS times; together() holds every
    thread until all reach it, so they save at the same moment. An error in any
    thread fails the test."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            client = Client()
            client.force_login(cast.amara.user if index % 2 else cast.ben.user)
            for round_ in range(ROUNDS):
                save(client, index, round_, lambda: barrier.wait(timeout=30))
        except BaseException as error:  # surfaced in the main thread
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_never_lose_an_update(cast: Cast) -> None:
    # Both sides' saves apply at once: Amara's own resource where professionals lead
    # (since issue 9 an outcome is Amara's words, so Ben's edit of one is a suggestion).
    LifeArea.objects.filter(plan=cast.plan).update(leadership=Leadership.PROFESSIONAL_LEADS)
    outcome = f.make_resource(cast.plan, by=cast.amara.user, name="start")
    url = reverse("item_edit", args=[cast.plan.code, "resource", outcome.code])
    area = str(outcome.life_area.code)
    results: list[tuple[str, int, int]] = []  # (text, version it started from, status)
    lock = threading.Lock()

    def save(client: Client, index: int, round_: int, together: Callable[[], object]) -> None:
        version = Resource.objects.values_list("version", flat=True).get(pk=outcome.pk)
        text = f"thread {index} round {round_}"
        together()  # everyone saves at the same moment
        response = client.post(
            url, {"area": area, "name": text, "control": "personal", "version": version}
        )
        with lock:
            results.append((text, version, response.status_code))

    save_together(cast, save)

    statuses = {status for _, _, status in results}
    assert statuses <= {302, 409}, statuses
    applied = [(text, version) for text, version, status in results if status == 302]
    refused = [text for text, _, status in results if status == 409]
    assert len(applied) + len(refused) == THREADS * ROUNDS
    # Every round starts from the same version, so exactly one save per round wins.
    assert len(applied) == ROUNDS
    assert len(refused) == (THREADS - 1) * ROUNDS

    outcome.refresh_from_db()
    assert outcome.version == 1 + len(applied)
    # The final text is the save that started from the newest version.
    assert outcome.name == max(applied, key=lambda pair: pair[1])[0]
    # Every applied save is in the history, with what it replaced; nothing else is.
    edits = list(
        PlanChange.objects.filter(item_code=outcome.code, action="edit").order_by("plan_version")
    )
    assert [(e.after or {})["name"] for e in edits] == [
        text for text, _ in sorted(applied, key=lambda p: p[1])
    ]
    assert (edits[0].before or {})["name"] == "start"
    for earlier, later in itertools.pairwise(edits):
        assert (later.before or {})["name"] == (earlier.after or {})["name"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_additions_keep_one_unbroken_history_chain(cast: Cast) -> None:
    """Every thread's addition applies; each writes a history entry on the same plan at
    the same moment. The entries form one chain, in the order they were written."""
    LifeArea.objects.filter(plan=cast.plan).update(leadership=Leadership.SHARED)
    area = str(f.area(cast.plan).code)
    url = reverse("item_add", args=[cast.plan.code, "outcome"])
    statuses: list[int] = []
    lock = threading.Lock()

    def save(client: Client, index: int, round_: int, together: Callable[[], object]) -> None:
        together()
        response = client.post(
            url, {"area": area, "text": f"t{index} r{round_}", "status": "active"}
        )
        with lock:
            statuses.append(response.status_code)

    save_together(cast, save)

    assert statuses == [302] * (THREADS * ROUNDS)
    entries = list(PlanChange.objects.filter(plan=cast.plan).order_by("id"))
    assert len(entries) == THREADS * ROUNDS
    assert entries[0].prev_hash == ""
    for earlier, later in itertools.pairwise(entries):
        assert later.prev_hash == earlier.entry_hash
    # ... and the plan's version numbers follow the same order.
    versions = [e.plan_version or 0 for e in entries]
    assert versions == sorted(versions)
    assert 0 not in versions
    out = StringIO()
    call_command("verify_history", "--plan", str(cast.plan.code), stdout=out)
    assert "every chain is intact" in out.getvalue()
