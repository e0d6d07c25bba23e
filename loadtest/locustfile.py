"""`make loadtest`: a mixed crowd against a running server, and a table of what it saw.

People read and edit their plans, and every open plan page polls the live
check (as the page does every LIVE_POLL_MS); professionals work through their
caseloads and open plans on them; leads look at the team overview and the
team dashboard. /healthz/ (no queries, no session) is the reference, measured
in the same run on the same server.

Sign-in is by password (the demo's), so the server runs with REQUIRE_2FA=0.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from typing import Any

from forms import form_fields
from locust import HttpUser, between, events, task
from locust.env import Environment

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "coproduce-demo")
# How many synthetic people and professionals take part beside the demo's.
SYNTHETIC_PEOPLE = int(os.environ.get("LOADTEST_SYNTHETIC_PEOPLE", "200"))
SYNTHETIC_PROS = int(os.environ.get("LOADTEST_SYNTHETIC_PROS", "8"))

DEMO_PEOPLE = ["amara", "daniel", "sofia", "james"]
PEOPLE = itertools.cycle(
    DEMO_PEOPLE + [f"synthetic_person_{n:06d}" for n in range(1, SYNTHETIC_PEOPLE + 1)]
)
PROFESSIONALS = itertools.cycle(
    ["ben", "hana", "tom"] + [f"synthetic_pro_{n:02d}" for n in range(1, SYNTHETIC_PROS + 1)]
)
LEADS = itertools.cycle(["chloe", "lead_synthetic"])

PLAN_URL = re.compile(r"/plans/([0-9a-f-]{36})/")
LIVE_VERSION = re.compile(r"/live/\?v=(\d+)")


class SignedIn(HttpUser):
    abstract = True
    usernames: Any = None

    def on_start(self) -> None:
        self.username = next(self.usernames)
        login = self.client.get("/accounts/login/", name="sign in (GET)")
        fields = form_fields(login.text, "/accounts/login/")
        fields.update(username=self.username, password=PASSWORD)
        self.client.post(
            "/accounts/login/",
            data={**fields, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            name="sign in (POST)",
            headers={"Referer": f"{self.host}/accounts/login/"},
        )
        self.plan_code: str | None = None
        self.version = 0

    def open_plan(self, code: str) -> None:
        response = self.client.get(f"/plans/{code}/", name="plan page")
        found = LIVE_VERSION.search(response.text)
        if found:
            self.plan_code, self.version = code, int(found.group(1))

    def poll_live(self) -> None:
        if self.plan_code is None:
            return
        headers = {"HX-Request": "true"}
        url = f"/plans/{self.plan_code}/live/?v={self.version}"
        with self.client.get(url, name="live check", headers=headers, catch_response=True) as r:
            if r.status_code == 200:
                found = LIVE_VERSION.search(r.text)
                if found:
                    self.version = int(found.group(1))
                r.success()
            elif r.status_code != 204:
                r.failure(f"live check answered {r.status_code}")


class Person(SignedIn):
    """Someone with their plan open on their phone: mostly the page polling."""

    weight = 6
    wait_time = between(0.5, 2)
    usernames = PEOPLE

    def on_start(self) -> None:
        super().on_start()
        home = self.client.get("/", name="home (to my plan)")
        found = PLAN_URL.search(home.url or "")
        if found:
            self.open_plan(found.group(1))

    @task(10)
    def live(self) -> None:
        self.poll_live()

    @task(2)
    def read(self) -> None:
        if self.plan_code:
            self.open_plan(self.plan_code)

    @task(1)
    def edit_about_me(self) -> None:
        if not self.plan_code or getattr(self, "plan_closed", False):
            return
        url = f"/plans/{self.plan_code}/about/edit/"
        form = self.client.get(url, name="edit about me (GET)")
        fields = form_fields(form.text, url)
        if not fields:
            return
        fields["about_matters"] = f"My family, walking, and quiet mornings ({time.time():.0f})."
        fields["csrfmiddlewaretoken"] = self.client.cookies.get("csrftoken") or ""
        with self.client.post(
            url,
            data=fields,
            name="edit about me (POST)",
            headers={"Referer": f"{self.host}{url}"},
            catch_response=True,
        ) as r:
            # 409: someone else saved first; the page shows both versions. Not an error.
            if r.status_code in (200, 302, 409):
                r.success()
            elif r.status_code == 403 and "closed" in r.text:
                # A closed plan (an ended episode) cannot change: right, and not load.
                self.plan_closed = True
                r.success()


class Professional(SignedIn):
    """A nurse working through their caseload, with a plan open now and then."""

    weight = 3
    wait_time = between(0.5, 2)
    usernames = PROFESSIONALS

    @task(3)
    def caseload(self) -> None:
        response = self.client.get("/caseload/", name="caseload")
        codes = PLAN_URL.findall(response.text)
        if codes and self.plan_code is None:
            self.open_plan(codes[0])

    @task(2)
    def read_plan(self) -> None:
        if self.plan_code:
            self.open_plan(self.plan_code)

    @task(6)
    def live(self) -> None:
        self.poll_live()


class Lead(SignedIn):
    """A team lead looking at how the team is doing."""

    weight = 1
    wait_time = between(1, 3)
    usernames = LEADS

    @task(2)
    def overview(self) -> None:
        self.client.get("/team/", name="team overview")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/team/dashboard/", name="team dashboard")


class Reference(HttpUser):
    """/healthz/: what the server does with no queries and no session."""

    weight = 1
    wait_time = between(0.5, 2)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz/", name="/healthz/ (reference)")


@events.quitting.add_listener
def print_table(environment: Environment, **_: Any) -> None:
    stats = environment.stats
    rows = sorted(stats.entries.values(), key=lambda e: -e.num_requests)
    print("\n| endpoint | requests | req/s | p50 | p95 | p99 | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for entry in [*rows, stats.total]:
        print(
            f"| {entry.name} | {entry.num_requests} | {entry.total_rps:.1f} "
            f"| {entry.get_response_time_percentile(0.50):.0f} ms "
            f"| {entry.get_response_time_percentile(0.95):.0f} ms "
            f"| {entry.get_response_time_percentile(0.99):.0f} ms "
            f"| {entry.num_failures} |"
        )
