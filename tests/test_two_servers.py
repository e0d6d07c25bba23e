"""Two app servers, one database: what is done through one is honoured by the other.

Two gunicorn processes (production settings, as `make serve` runs them) on two
ports share the test's PostgreSQL database (and Redis, when REDIS_URL is set).
A browser's cookies go to both, as behind a load balancer. Each step is done
through one server and checked through the other: a sign-in (the session), a
lockout (sign-in throttling), a live update, a conflict (a stale version) and
a removal from the care team.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.urls import reverse

from plans.models import CareTeamMember
from tests import factories as f
from tests.conftest import Cast

ROOT = Path(__file__).resolve().parent.parent
# Generous: a busy 2-core machine can take a while to start a Django process.
READY_WITHIN_SECONDS = 120
LIVE_VERSION = re.compile(r"/live/\?v=(\d+)")
HTMX = {"HX-Request": "true"}

pytestmark = [pytest.mark.production_hashers]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        # Our own interpreter and fixed arguments: nothing untrusted runs here.
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "coproduce.wsgi", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn at {url} exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url + "/readyz/", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)  # polling, not waiting a fixed time: the loop ends when ready
    pytest.fail(
        f"gunicorn at {url} not ready in {READY_WITHIN_SECONDS} s:\n{log.read_text()[-3000:]}"
    )


@pytest.fixture
def two_servers(transactional_db: None, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Two app servers share one database server: needs PostgreSQL "
            "(DATABASE_URL=postgres://…); SQLite's test database is one file per test process."
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        DATABASE_URL=_database_url(),
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="0",
        INSECURE_HTTP="1",
        TESTING="1",
        REQUIRE_2FA="0",
        WEB_CONCURRENCY="1",
        CONN_MAX_AGE="0",
        # Both servers use the same cache keys, as production servers do.
        CACHE_KEY_PREFIX=f"two-servers-{os.getpid()}",
    )
    servers = []
    urls = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"gunicorn-{name}.log"
            servers.append((_start(port, env, log), log))
            urls.append(f"http://127.0.0.1:{port}")
        for url, (server, log) in zip(urls, servers, strict=True):
            _wait_until_ready(url, server, log)
        yield urls[0], urls[1]
    finally:
        for server, _log in servers:
            server.terminate()
        for server, _log in servers:
            server.wait(timeout=60)


def sign_in(browser: requests.Session, server: str, username: str, password: str) -> Any:
    browser.get(server + reverse("login"), timeout=30)
    return browser.post(
        server + reverse("login"),
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies.get("csrftoken") or "",
        },
        allow_redirects=False,
        timeout=30,
    )


def post(browser: requests.Session, url: str, data: dict[str, str], **kwargs: Any) -> Any:
    data = {**data, "csrfmiddlewaretoken": browser.cookies.get("csrftoken") or ""}
    return browser.post(url, data=data, allow_redirects=False, timeout=30, **kwargs)


def about_form(browser: requests.Session, server: str, cast: Cast) -> dict[str, str]:
    """The "about me" form as the browser has it: its fields and the version it was read at."""
    page = browser.get(server + reverse("about_edit", args=[cast.plan.code]), timeout=30).text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    return {
        "about_admire": "Kind and funny",
        "about_matters": "My family",
        "about_support": "Talk to me first",
        "version": version.group(1),
    }


def test_two_servers_on_one_database_behave_as_one(
    two_servers: tuple[str, str], cast: Cast
) -> None:
    a, b = two_servers
    plan_url = reverse("plan_detail", args=[cast.plan.code])
    live_url = reverse("plan_live", args=[cast.plan.code])

    # A sign-in on A is a session on B.
    amara = requests.Session()
    assert sign_in(amara, a, "amara", f.PASSWORD).status_code == 302
    page = amara.get(b + plan_url, allow_redirects=False, timeout=30)
    assert page.status_code == 200
    found = LIVE_VERSION.search(page.text)
    assert found is not None
    seen = int(found.group(1))

    ben = requests.Session()
    assert sign_in(ben, b, "ben", f.PASSWORD).status_code == 302
    assert ben.get(a + live_url, params={"v": seen}, headers=HTMX, timeout=30).status_code == 204

    # A live update: Amara saves on B; Ben's page, polling A, is sent the change.
    saved = post(
        amara, b + reverse("about_edit", args=[cast.plan.code]), about_form(amara, b, cast)
    )
    assert saved.status_code == 302
    update = ben.get(a + live_url, params={"v": seen}, headers=HTMX, timeout=30)
    assert update.status_code == 200
    assert "My family" in update.text

    # A conflict: a form read on A, a newer save on B; saving the old form on A is a 409.
    stale = about_form(amara, a, cast)
    newer = {**about_form(amara, b, cast), "about_matters": "My family and my dog"}
    assert post(amara, b + reverse("about_edit", args=[cast.plan.code]), newer).status_code == 302
    conflict = post(
        amara,
        a + reverse("about_edit", args=[cast.plan.code]),
        {**stale, "about_matters": "Walking"},
    )
    assert conflict.status_code == 409
    assert "My family and my dog" in conflict.text  # what B saved is shown beside what was typed

    # A removal on A: Ben's very next poll, on B, is refused.
    member = CareTeamMember.objects.get(plan=cast.plan, professional=cast.ben)
    removed = post(amara, a + reverse("care_team_remove", args=[cast.plan.code, member.pk]), {})
    assert removed.status_code == 302
    refused = ben.get(b + live_url, params={"v": seen}, headers=HTMX, timeout=30)
    assert refused.status_code == 404
    assert refused.headers["HX-Redirect"] == reverse("access_ended")

    # A lockout earned on A holds on B, even with the right password.
    oscar = requests.Session()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(oscar, a, "oscar", "not-the-password")
    locked = sign_in(oscar, b, "oscar", f.PASSWORD)
    assert locked.status_code == 429
    assert "sessionid" not in oscar.cookies
