"""`manage.py seed_demo [--people N]`: the demo team, and optionally a big synthetic caseload."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from tqdm import tqdm

from coproduce.demo.builder import build_demo
from coproduce.demo.content import DEMO_PASSWORD
from coproduce.demo.synthetic import SYNTHETIC_LEAD, build_synthetic


class Command(BaseCommand):
    help = (
        "Create the demo team (safe to run again: it only resets the demo passwords). "
        "With --people N, also top up a separate synthetic team to N people for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            default=0,
            help="Also make sure the synthetic team has this many people, each with a full plan.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo team and its plans first, then write them afresh "
            "(the synthetic team is left alone).",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=500,
            help="Synthetic people written per transaction (default 500).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            help="Processes writing synthetic batches side by side on PostgreSQL "
            "(default 2, one per core of a small server; SQLite always uses one).",
        )

    def handle(
        self,
        *args: Any,
        people: int,
        batch: int,
        jobs: int,
        reset: bool,
        verbosity: int,
        **options: Any,
    ) -> None:
        demo = build_demo(reset=reset)
        if verbosity:
            self.stdout.write(
                "Demo team created."
                if demo.created
                else "Demo team already there; passwords reset."
            )

        if people > 0:
            self._synthetic(people, batch, jobs, verbosity)
        if verbosity:
            self._logins(demo.logins, with_synthetic_lead=people > 0)

    def _synthetic(self, people: int, batch: int, jobs: int, verbosity: int) -> None:
        """Top the synthetic team up to `people`, with a progress bar and a summary."""
        started = time.monotonic()
        with tqdm(
            total=people,
            desc="Synthetic caseload",
            unit="people",
            file=sys.stderr,
            disable=verbosity == 0,
        ) as bar:
            result = build_synthetic(people, batch_people=batch, jobs=jobs, progress=bar.update)
        if result.created and connection.vendor != "postgresql":
            # Fresh statistics, or the planner guesses one row per table
            # after a bulk load and picks far slower plans. (On PostgreSQL
            # build_synthetic has just done it, and a second pass over a
            # large caseload's tables would only repeat it.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        if not verbosity:
            return
        if result.created:
            self.stdout.write(
                f"Synthetic team: added {result.created} people "
                f"({result.existing} were there already) in {elapsed:.1f}s, "
                f"{result.created / elapsed:.0f} people/s."
            )
            for name, count in result.rows.items():
                self.stdout.write(f"  {name:<24} {count:>9,}")
        else:
            self.stdout.write(
                f"Synthetic team already has {result.existing} people; nothing to add."
            )

    def _logins(self, logins: list[tuple[str, str, str]], *, with_synthetic_lead: bool) -> None:
        """Every demo login and its password, in a table."""
        rows = list(logins)
        if with_synthetic_lead:
            rows.append((SYNTHETIC_LEAD, "team lead, Synthetic team", DEMO_PASSWORD))
        width = max(len(username) for username, _, _ in rows)
        rule = "-" * 72
        self.stdout.write("")
        self.stdout.write(rule)
        self.stdout.write(f"Demo logins (every password is {DEMO_PASSWORD}):")
        self.stdout.write(rule)
        for username, role, password in rows:
            self.stdout.write(f"  {username:<{width}}  {password}  {role}")
        self.stdout.write(rule)
