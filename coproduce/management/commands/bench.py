"""Server-side latency of the pages that matter, at caseload scale.

Creates (or reuses) the synthetic caseload from `seed_demo --people N`, then
requests the plan page, the caseload page and the team dashboard in-process
through Django's test client, and prints the median and 95th percentile time
per request and the number of queries each request ran. A trivial view
(`/healthz/`) is measured in the same run as a reference for the machine's
speed. Timings are printed, never asserted: tests assert query counts.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django_tasks_db.models import DBTaskResult

from coproduce.models import Person, Professional, Team
from outcomes import dashboard_cache
from outcomes.views_dashboard import refresh_figures
from plans import services
from plans.access import get_plan_for_user
from plans.models import Plan

SYNTHETIC_TEAM = "Synthetic team"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = "Measure plan, caseload and dashboard pages on a large synthetic caseload."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--requests", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        people: int = options["people"]
        count: int = options["requests"]
        team = self._synthetic_team(people)
        busiest = (
            Professional.objects.filter(team=team)
            .annotate(n=Count("memberships", filter=Q(memberships__removed_at__isnull=True)))
            .order_by("-n")
            .first()
        )
        assert busiest is not None
        targets = self._targets(team, busiest, people)
        caseload_size = getattr(busiest, "n", 0)
        self.stdout.write(
            f"\nCaseload: {Plan.objects.for_team(team.pk).count()} plans in {team.name}; "
            f"busiest professional is on {caseload_size} plans; {count} requests per page; "
            f"database: {connection.vendor}\n"
        )
        header = f"{'page':<28}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'status':>8}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for label, user, url in targets:
            client = Client()
            if user is not None:
                client.force_login(user)
            client.get(url)  # warm caches and connections
            self._row(label, *measure(client, url, count))
            if label == "team dashboard":
                # As the first load after a write: the figures computed afresh.
                timings = measure(client, url, count, before_each=dashboard_cache.clear)
                self._row("  after a write", *timings)
                self.after_a_team_write(client, url, count, self._plan(team, people))

    def _synthetic_team(self, people: int) -> Team:
        """The synthetic team, with `people` people at least (made if missing)."""
        team = Team.objects.filter(name=SYNTHETIC_TEAM).first()
        existing = Person.objects.filter(user__username__startswith="synthetic_person_").count()
        if team is None or existing < people:
            self.stdout.write(f"Creating the synthetic caseload ({people} people)…")
            call_command("seed_demo", people=people, stdout=self.stdout)
            team = Team.objects.get(name=SYNTHETIC_TEAM)
        assert team.lead is not None
        return team

    def _targets(
        self, team: Team, busiest: Professional, people: int
    ) -> list[tuple[str, Any, str]]:
        """Each page measured: its label, who asks for it, its URL."""
        assert team.lead is not None
        plan = self._plan(team, people)
        targets: list[tuple[str, Any, str]] = [
            ("trivial view (reference)", None, reverse("healthz")),
            ("plan page (person)", plan.person.user, reverse("plan_detail", args=[plan.code])),
            (
                "live check, unchanged (204)",
                plan.person.user,
                reverse("plan_live", args=[plan.code]) + f"?v={plan.version}",
            ),
            ("caseload page", busiest.user, reverse("caseload")),
            ("team overview", team.lead.user, reverse("team_overview")),
        ]
        try:
            targets.append(("team dashboard", team.lead.user, reverse("team_dashboard")))
        except NoReverseMatch:
            self.stdout.write("(no team_dashboard URL yet: skipped)")
        return targets

    def _plan(self, team: Team, people: int) -> Plan:
        """The plan measured (and written to, for the dashboard after a write)."""
        return (
            Plan.objects.for_team(team.pk)
            .filter(status=Plan.Status.ACTIVE)
            .order_by("pk")[people // 2 : people // 2 + 1]
            .get()
        )

    def _row(self, label: str, timings: list[float], queries: int, status: int) -> None:
        self.stdout.write(
            f"{label:<28}{statistics.median(timings):>11.1f}"
            f"{percentile(timings, 0.95):>9.1f}{queries:>9}{status:>8}"
        )

    def after_a_team_write(self, client: Client, url: str, count: int, plan: Plan) -> None:
        """The load after each of `count` writes to one of the team's plans (the
        person saving "about me" through the service the page calls) with no
        worker running, so the figures from before, marked (or, with
        DASHBOARD_STALE_SECONDS=0, computed afresh, as before); the first load
        queues the one refresh. Then the refresh as the worker runs it, and the
        load after it. Database time: the statements' own, as Django times them."""
        queued_before = set(DBTaskResult.objects.values_list("pk", flat=True))
        timings: list[float] = []
        database: list[float] = []
        first = ""
        for n in range(count):
            write_about_me(plan, n)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            database.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            first = first or f"{timings[0]:.1f} ms, {len(captured.captured_queries)} queries"
        marked = b"Changes made since are being counted" in response.content
        self.stdout.write(
            f"{'  after a team write':<28}{statistics.median(timings):>11.1f}"
            f"{percentile(timings, 0.95):>9.1f}{len(captured.captured_queries):>9}"
            f"{response.status_code:>8}  (marked: {marked}; database median "
            f"{statistics.median(database):.1f} ms; the first load: {first})"
        )
        queued_now = DBTaskResult.objects.exclude(pk__in=queued_before)
        # Each write also queued its notification task: not what is measured here.
        queued_now.exclude(task_path=refresh_figures.module_path).delete()
        for queued in queued_now:
            result = queued.task_result
            started = time.perf_counter()
            result.task.call(*result.args, **result.kwargs)
            self.stdout.write(
                f"{'  the refresh (worker)':<28}{(time.perf_counter() - started) * 1000:>11.1f}"
            )
            queued.delete()
            started = time.perf_counter()
            response = client.get(url)
            marked = b"Changes made since are being counted" in response.content
            self.stdout.write(
                f"{'  the load after it':<28}{(time.perf_counter() - started) * 1000:>11.1f}"
                f"{'':>18}{response.status_code:>8}  (marked: {marked})"
            )


def write_about_me(plan: Plan, n: int) -> None:
    """The plan's person saves a new "about me", as the edit page does."""
    access = get_plan_for_user(plan.person.user, plan.code)
    data = {name: getattr(access.plan, name) for name in Plan.ABOUT_WORDS}
    data["about_matters"] = f"My family, walking, and quiet mornings (bench write {n})."
    data["version"] = access.plan.about_version
    result = services.submit_change(access, services.KINDS["about"], access.plan, data)
    assert result.applied, "the person's own words apply at once"


def measure(
    client: Client, url: str, count: int, before_each: Callable[[], Any] | None = None
) -> tuple[list[float], int, int]:
    """`count` requests for `url`: each one's time (ms), and the last one's queries and status."""
    timings: list[float] = []
    queries = 0
    status = 0
    for _ in range(count):
        if before_each is not None:
            before_each()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
        status = response.status_code
    return timings, queries, status
