"""`LOADTEST_MODE=targets make loadtest`: one target alone, as fast as it will go.

scripts/loadtest.sh runs this file once per target (LOADTEST_TARGET) for
LOADTEST_TIME (15 s), with LOADTEST_USERS simultaneous users that never wait
between requests (constant(0)), and appends one line of JSON to
LOADTEST_RESULTS; it then prints them all as one table.

The viewer signs in once, before the clock starts, and every simulated user
sends that one session cookie: what is measured is the target, not sign-in
(password hashing would otherwise dominate a 15-second run). The load
generator is locust's FastHttpUser (geventhttpclient), the cheapest client
locust has; the CPU it used is reported beside the figures, since on a
2-core machine it shares the cores with gunicorn.
"""

from __future__ import annotations

import json
import os
import re
import resource
import time
from typing import Any

import requests
from forms import form_fields
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "coproduce-demo")
PLAN_URL = re.compile(r"/plans/([0-9a-f-]{36})/")
LIVE_VERSION = re.compile(r"/live/\?v=(\d+)")

# target: (who signs in, or None for nobody; how to find the URL)
TARGETS: dict[str, tuple[str | None, str]] = {
    "healthz": (None, "healthz"),
    "live": ("amara", "live"),
    "plan-amara": ("amara", "own plan"),
    "plan-ben": ("ben", "amara's plan"),
    "caseload-ben": ("ben", "caseload"),
    "team-overview": ("chloe", "team"),
    "team-dashboard": ("chloe", "dashboard"),
}
LABELS = {
    "healthz": "/healthz/ (reference)",
    "live": "live check, nothing changed (Amara)",
    "plan-amara": "plan page (Amara's own)",
    "plan-ben": "plan page (Amara's, as Ben)",
    "caseload-ben": "caseload (Ben)",
    "team-overview": "team overview (Chloe, lead)",
    "team-dashboard": "team dashboard (Chloe, lead)",
}

TARGET = os.environ.get("LOADTEST_TARGET", "healthz")
state: dict[str, Any] = {"url": "/healthz/", "headers": {}}


def sign_in(host: str, username: str) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{host}/accounts/login/", timeout=60)
    fields = form_fields(login.text, "/accounts/login/")
    fields.update(
        username=username,
        password=PASSWORD,
        csrfmiddlewaretoken=session.cookies.get("csrftoken") or "",
    )
    session.post(
        f"{host}/accounts/login/",
        data=fields,
        headers={"Referer": f"{host}/accounts/login/"},
        timeout=60,
    ).raise_for_status()
    if "sessionid" not in session.cookies:
        raise SystemExit(f"{username} could not sign in (is REQUIRE_2FA=0?)")
    return session


def amaras_plan(host: str) -> str:
    home = sign_in(host, "amara").get(f"{host}/", timeout=60)
    found = PLAN_URL.search(home.url)
    if not found:
        raise SystemExit("Amara's home page did not lead to her plan")
    return found.group(1)


@events.test_start.add_listener
def find_target(environment: Environment, **_: Any) -> None:
    host = environment.host or ""
    username, what = TARGETS[TARGET]
    state["started"] = time.monotonic()
    state["cpu"] = _cpu()
    if username is None:
        return
    session = sign_in(host, username)
    if what == "live":
        code = amaras_plan(host)
        page = session.get(f"{host}/plans/{code}/", timeout=60).text
        version = LIVE_VERSION.search(page)
        if not version:
            raise SystemExit("the plan page has no live poller")
        state["url"] = f"/plans/{code}/live/?v={version.group(1)}"
        state["headers"] = {"HX-Request": "true"}
    elif what in ("own plan", "amara's plan"):
        state["url"] = f"/plans/{amaras_plan(host)}/"
    elif what == "caseload":
        state["url"] = "/caseload/"
    elif what == "team":
        state["url"] = "/team/"
    elif what == "dashboard":
        state["url"] = "/team/dashboard/"
    cookies = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    state["headers"] = {**state["headers"], "Cookie": cookies}
    # One request before the clock starts: the answer must be the page itself.
    first = session.get(f"{host}{state['url']}", headers=state["headers"], timeout=60)
    if first.status_code not in (200, 204) or first.url.rstrip("/").endswith("login"):
        raise SystemExit(f"{TARGET}: {state['url']} answered {first.status_code}")
    state["started"] = time.monotonic()
    state["cpu"] = _cpu()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Target(FastHttpUser):
    wait_time = constant(0)

    @task
    def get(self) -> None:
        with self.client.get(
            state["url"],
            name=TARGET,
            headers=state["headers"],
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (200, 204):
                response.success()
            else:
                response.failure(f"answered {response.status_code}")


@events.quitting.add_listener
def write_result(environment: Environment, **_: Any) -> None:
    entry = environment.stats.total
    elapsed = time.monotonic() - state.get("started", time.monotonic())
    cpu = _cpu() - state.get("cpu", 0.0)
    row = {
        "target": LABELS.get(TARGET, TARGET),
        "concurrency": int(os.environ.get("LOADTEST_USERS", "0")),
        "requests": entry.num_requests,
        "rps": entry.total_rps,
        "p50": entry.get_response_time_percentile(0.50),
        "p95": entry.get_response_time_percentile(0.95),
        "p99": entry.get_response_time_percentile(0.99),
        "errors": entry.num_failures,
        "generator_cpu": cpu / elapsed if elapsed > 0 else 0.0,
        "load": os.getloadavg()[0],
    }
    results = os.environ.get("LOADTEST_RESULTS")
    if results:
        with open(results, "a") as out:
            out.write(json.dumps(row) + "\n")
    print(json.dumps(row))
