"""The personas every test can use.

amara   — a person, owner of a plan
ben     — a nurse on Amara's care team
chloe   — leads Ben's team (not on Amara's care team)
oscar   — an outsider professional in another team, who must not see Amara's plan
priya   — another person, with her own plan, who must not see Amara's
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from coproduce.models import Discipline, Person, Professional, Team
from plans.models import Plan
from tests import factories as f


@dataclass
class Cast:
    amara: Person
    ben: Professional
    chloe: Professional
    oscar: Professional
    priya: Person
    team: Team
    other_team: Team
    plan: Plan
    priya_plan: Plan


# Argon2 is slow on purpose (a large fraction of a second per hash, more on a
# busy machine) and every sign-in, wrong password and seeded user pays it. Tests
# hash with MD5 first; Argon2 and the others stay in the list, so older hashes
# still verify. Tests about hashing itself are marked `production_hashers`.
FAST_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *django_settings.PASSWORD_HASHERS,
]


@pytest.fixture(autouse=True)
def fast_password_hashing(request: pytest.FixtureRequest, settings: Any) -> None:
    if request.node.get_closest_marker("production_hashers") is None:
        settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture
def health_checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each time Django checks a kept connection (`CONN_HEALTH_CHECKS`: a `SELECT 1`
    round trip), its answer, in order. The check itself is Django's own."""
    from django.db import connection

    checked: list[bool] = []
    is_usable = connection.is_usable

    def checking() -> bool:
        checked.append(is_usable())
        return checked[-1]

    monkeypatch.setattr(connection, "is_usable", checking)
    return checked


@pytest.fixture(autouse=True)
def empty_redis_cache() -> Iterator[None]:
    """With REDIS_URL, each test starts with none of its process's keys.

    The database cache lives in the test database and is rolled back with it;
    Redis is outside it. (The dashboard's figures are kept there under a key
    that, in production, only grows; a test's rolled-back rows would let the
    next test's different rows repeat it.) `cache.clear()` would empty the whole Redis database,
    other parallel workers' keys too, so only this process's prefix is deleted.
    """
    yield
    if not django_settings.REDIS_URL:
        return
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def cast(db: None) -> Cast:
    team = f.make_team("Riverside CMHT")
    other_team = f.make_team("Hillside CMHT")
    chloe = f.make_professional("chloe", "Chloe Adeyemi", team, Discipline.TEAM_MANAGER)
    team.lead = chloe
    team.save()
    ben = f.make_professional("ben", "Ben Okafor", team, Discipline.NURSE)
    oscar = f.make_professional("oscar", "Oscar Lind", other_team, Discipline.SOCIAL_WORKER)
    amara = f.make_person("amara", "Amara Osei")
    priya = f.make_person("priya", "Priya Shah")
    plan = f.make_plan(amara)
    f.add_to_care_team(plan, ben)
    priya_plan = f.make_plan(priya)
    f.add_to_care_team(priya_plan, oscar)
    return Cast(amara, ben, chloe, oscar, priya, team, other_team, plan, priya_plan)


def login(client: Client, who: Person | Professional) -> Client:
    client.force_login(who.user)
    return client


# --- the longest tests first ----------------------------------------------------------
# A run in parallel ends when its last test does. The browser journeys, the
# hostile-input fuzzing and a few more take seconds to minutes each, the rest a
# fraction of a second: started first, the long ones overlap with everything
# else, and the run ends on short tests. A stable sort after pytest-randomly's
# shuffle: within each group the order stays random.
#
# Under pytest-xdist's worksteal each worker is first handed one contiguous
# share of the list (the first half, the second half with two workers), and an
# idle worker then steals from the *end* of another's queue. With every long
# test at the front of the list they all sat in the first worker's share, one
# after another, and the crawl of every page (the longest by far) ran near the
# end of a measured run. So the long tests are dealt out across the shares,
# longest first, each to the share with the least long work so far, and each
# share is topped up with short tests.


def _is_browser(item: pytest.Item) -> bool:
    path = Path(str(item.path))
    return item.get_closest_marker("browser") is not None or "browser" in path.parts


def _is_long(item: pytest.Item) -> bool:
    """Browser journeys, hostile-input fuzzing, other hypothesis properties (each
    example a dozen service calls), and tests marked `long` (they seed the demo)."""
    return (
        _is_browser(item)
        or Path(str(item.path)).name.startswith("test_hostile")
        or getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        or item.get_closest_marker("long") is not None
    )


def _weight(item: pytest.Item) -> int:
    """A rough cost, to deal the long tests out: only its order matters."""
    timeout = item.get_closest_marker("timeout")
    if timeout is not None and timeout.args:
        return int(timeout.args[0])  # given a longer limit than the suite's: longer still
    return 60 if _is_browser(item) else 30


def _shares(config: pytest.Config, total: int) -> list[int]:
    """How many tests each xdist worker is handed first (as worksteal splits them)."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    sizes: list[int] = []
    for remaining in range(workers, 0, -1):
        sizes.append((total - sum(sizes)) // remaining)
    return sizes


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    long = sorted((item for item in items if _is_long(item)), key=_weight, reverse=True)
    short = [item for item in items if not _is_long(item)]
    sizes = _shares(config, len(items))
    shares: list[list[pytest.Item]] = [[] for _ in sizes]
    work = [0] * len(sizes)
    for item in long:
        open_shares = [i for i, size in enumerate(sizes) if len(shares[i]) < size]
        least = min(open_shares, key=lambda i: work[i])
        shares[least].append(item)
        work[least] += _weight(item)
    for share, size in zip(shares, sizes, strict=True):
        wanted = size - len(share)
        share.extend(short[:wanted])
        del short[:wanted]
    ordered = [item for share in shares for item in share]
    assert len(ordered) == len(items), "every test, once"
    items[:] = ordered


# --- browser tests that did not run -------------------------------------------------
# Here and not in tests/browser/conftest.py: under pytest-xdist the controller,
# which writes the summary and decides the exit status, loads only this conftest;
# the workers' own output is not shown.


def browser_required() -> bool:
    """CI sets REQUIRE_BROWSER=1: a browser test that does not run is a failure."""
    return os.environ.get("REQUIRE_BROWSER", "").strip() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.skipped and item.get_closest_marker("browser") and browser_required():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_BROWSER=1 but this browser test was skipped: {reason}"
    return report


_browser_tests_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Called in the controller for every worker's report too.
    if report.skipped and "browser" in report.keywords:
        _browser_tests_skipped.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _browser_tests_skipped:
        return
    line = "!" * 78
    terminalreporter.write_line(line, red=True, bold=True)
    terminalreporter.write_line(
        "BROWSER TESTS SKIPPED: no Chromium found (install Debian's chromium) — "
        f"{len(_browser_tests_skipped)} tests did not run",
        red=True,
        bold=True,
    )
    terminalreporter.write_line(line, red=True, bold=True)
