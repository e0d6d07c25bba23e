"""Every page each demo role can reach, on a 360 px phone and at 1280 px.

Not a journey: a crawl. Each demo login (Amara, Ben, Chloe) starts where
signing in sends them and follows every same-origin link on every page it
reaches, so a page nobody wrote a journey for is still checked. Each page is
scanned by axe (WCAG 2.2 A/AA and the "region" best practice) at both
widths; at 360 px no page may scroll sideways and chart text is at least
12 px. Downloads (FHIR, CSV), signing out and the admin are not pages to
crawl; pages of one shape (every review, every plan on a caseload) are
visited twice at most, so the crawl stays bounded as the demo grows.
"""

from __future__ import annotations

import re
from collections import deque
from io import StringIO
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.browser.conftest import assert_accessible, screenshot, sign_in

DEMO_PASSWORD = "coproduce-demo"
PHONE = {"width": 360, "height": 640}
WIDE = {"width": 1280, "height": 800}
# Pages of one shape, e.g. /plans/*/reviews/*/: enough to catch a template's problem.
PER_SHAPE = 2
PER_ROLE = 45
NOT_PAGES = re.compile(r"(\.csv$|/download/|^/admin/|^/accounts/logout/|^/static/)")
# The README's pictures of the demo, on a phone: (who, page) -> name.
PICTURES = {
    ("amara", "start"): "plan-amara-demo",
    ("ben", "start"): "caseload-ben-demo",
    ("chloe", "/team/dashboard/"): "dashboard-chloe",
}
CODE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")

LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter((a) => !a.hasAttribute('download'))
  .map((a) => a.href)"""

SIDEWAYS = """() => document.documentElement.scrollWidth - document.documentElement.clientWidth"""

# The rendered size of every piece of chart text: its font size times the
# scale its SVG is drawn at.
CHART_TEXT = """() => Array.from(document.querySelectorAll('svg text')).map((text) => {
  const matrix = text.getScreenCTM();
  const size = parseFloat(getComputedStyle(text).fontSize) * (matrix ? Math.abs(matrix.a) : 1);
  return [text.textContent.trim(), size];
})"""


def shape(path: str, query: str) -> str:
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return CODE.sub("*", path) + "?" + "&".join(keys)


def check(page: Any, where: str) -> None:
    """axe at 360 px and at 1280 px; no sideways scroll and readable chart text on the phone."""
    page.set_viewport_size(PHONE)
    assert_accessible(page, f"{where} at 360 px", extra_rules=("region",))
    overflow = page.evaluate(SIDEWAYS)
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at 360 px"
    small = [(text, round(size, 1)) for text, size in page.evaluate(CHART_TEXT) if size < 12]
    assert not small, f"{where}: chart text under 12 px at 360 px: {small[:5]}"
    page.set_viewport_size(WIDE)
    assert_accessible(page, f"{where} at 1280 px", extra_rules=("region",))


def crawl(page: Any, origin: str, username: str) -> list[str]:
    sign_in(page, username, DEMO_PASSWORD)
    start = urlsplit(page.url)
    queue = deque([start.path + (f"?{start.query}" if start.query else "")])
    seen: set[str] = set(queue)
    shapes: dict[str, int] = {}
    visited: list[str] = []
    while queue and len(visited) < PER_ROLE:
        address = queue.popleft()
        response = page.goto(address)
        assert response is not None and response.ok, f"{username}: {address} gave {response}"
        check(page, f"{username} on {address}")
        picture = PICTURES.get((username, address if visited else "start"))
        if picture:
            page.set_viewport_size(PHONE)
            screenshot(page, picture)
        visited.append(address)
        for href in page.evaluate(LINKS):
            link = urlsplit(href)
            if f"{link.scheme}://{link.netloc}" != origin or NOT_PAGES.search(link.path):
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            kind = shape(link.path, link.query)
            if target in seen or shapes.get(kind, 0) >= PER_SHAPE:
                continue
            seen.add(target)
            shapes[kind] = shapes.get(kind, 0) + 1
            queue.append(target)
    return visited


@pytest.fixture
def demo(live_server: Any, transactional_db: None) -> str:
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    return str(live_server.url)


ROLES = ["amara", "ben", "chloe", "efua"]


# One demo for the four crawls: writing it through the services takes longer than
# a crawl, and a crawl only follows links (GET), so the next role finds the demo
# as it was, save for who has looked at what. Amara, whose pages show who has
# looked at her plan, goes first. Each role is its own subtest, in a fresh
# browser context, so one role's failure still lets the others run and report.
# The timeout is the suite's per-test limit for each of the four crawls.
@pytest.mark.timeout(300 * len(ROLES))
def test_every_page_a_demo_role_reaches_is_clean_at_both_widths(
    open_page: Any, demo: str, subtests: pytest.Subtests
) -> None:
    for username in ROLES:
        with subtests.test(username):
            page = open_page("phone")
            visited = crawl(page, demo, username)
            # The crawl found the pages a role has, not just the one it started on.
            assert len(visited) >= 5, visited
