"""The real-browser harness: Playwright driving Debian's Chromium.

Every test in this folder is marked `browser` and gets:

- `open_page(kind)` — a fresh browser context and page: "phone" (390 by 844,
  touch), "desktop", or "nojs" (a phone with JavaScript off). One browser
  per test module, a new context (cookies, storage) per page.
- `sign_in(page, base_url, username)` — through the real sign-in form.
- `assert_accessible(page, state)` — axe-core, WCAG 2.2 A/AA, zero violations.
  Each page opened through `open_page` remembers every document it loaded and
  fails the test at teardown if one of them was never scanned, so a new
  journey cannot quietly skip the check.
- `browser_cast` — the personas of tests/conftest.py, in a transactional
  database the live server can see, with live polling sped up.

No Chromium: the tests are skipped with a loud reason and a banner at the end
of the run — unless REQUIRE_BROWSER=1 (CI), when they fail. The banner, and
turning any skipped browser test into a failure under REQUIRE_BROWSER=1, are
in tests/conftest.py, so that they work in parallel runs too.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest

from tests.conftest import Cast, browser_required
from tests.factories import PASSWORD

HERE = Path(__file__).parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Dates in the phone's own picker read day/month/year, as a UK phone shows them.
    "--lang=en-GB",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# How fast an open plan page asks for changes during the tests (ms).
FAST_POLL_MS = 400
# The promise: the other side sees a change within 10 seconds.
LIVE_WITHIN_MS = 10_000


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


NO_CHROMIUM = (
    "BROWSER TESTS SKIPPED: no Chromium found (install Debian's chromium, "
    "or set CHROMIUM_PATH) — set REQUIRE_BROWSER=1 to make this a failure"
)


def _in_this_folder(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not _in_this_folder(item):
            continue
        item.add_marker(pytest.mark.browser)
        if chromium_path() is None and not browser_required():
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


# --- the browser ---------------------------------------------------------------------


# One browser per test module, not per session: Playwright's sync API keeps an
# event loop running while it is started, and a test elsewhere that starts its
# own Playwright must not find ours still running.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.fail(
            "REQUIRE_BROWSER=1 but no Chromium was found: install Debian's chromium "
            "or set CHROMIUM_PATH",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # While Playwright's sync API is started it keeps an asyncio event loop in
    # this thread, so Django would refuse database access here
    # (SynchronousOnlyOperation) although every call is plain synchronous code.
    # Django documents this switch for exactly this case; it is on only while
    # the browser is, so the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright, executable)
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright: Any, executable: str) -> Iterator[Any]:
    from playwright.sync_api import expect

    # Every wait in a journey is for a condition (an element, a URL), never a
    # sleep; on a busy machine (parallel workers, CI) allow as long for
    # `expect` as for the live updates the issue promises.
    expect.set_options(timeout=LIVE_WITHIN_MS)
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as downloads:
        # `playwright install` cannot download browsers here: always the system one.
        launched = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, downloads_path=downloads
        )
        yield launched
        _copiers.pop(id(launched), None)
        launched.close()


@dataclass
class Visits:
    """What one page loaded, what was scanned, and what went wrong in its scripts."""

    javascript: bool = True
    loaded: list[str] = field(default_factory=list)
    scanned: set[str] = field(default_factory=set)
    script_errors: list[str] = field(default_factory=list)


_visits: dict[int, Visits] = {}


def _document(url: str) -> str:
    return urldefrag(url)[0]


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """open_page("phone" | "desktop" | "nojs") -> a new Page in its own context."""
    opened: list[tuple[Any, Any]] = []

    def _open(kind: str = "phone") -> Any:
        options: dict[str, Any] = {
            "phone": PHONE,
            "desktop": DESKTOP,
            "nojs": {**PHONE, "java_script_enabled": False},
        }[kind]
        context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
        context.set_default_timeout(LIVE_WITHIN_MS)
        page = context.new_page()
        visits = _visits[id(page)] = Visits(javascript=kind != "nojs")

        def on_navigated(frame: Any) -> None:
            if frame == page.main_frame and frame.url != "about:blank":
                visits.loaded.append(_document(frame.url))

        page.on("framenavigated", on_navigated)
        page.on("pageerror", lambda error: visits.script_errors.append(str(error)))
        opened.append((context, page))
        return page

    yield _open

    problems = []
    for context, page in opened:
        visits = _visits.pop(id(page))
        unscanned = sorted(set(visits.loaded) - visits.scanned)
        if unscanned:
            problems.append(f"pages loaded but never scanned with axe: {unscanned}")
        if visits.script_errors:
            problems.append(f"JavaScript errors: {visits.script_errors}")
        context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


@dataclass
class _Copier:
    """One scratch page, with JavaScript on but every script request blocked."""

    page: Any
    url: str = ""
    html: str = ""


_copiers: dict[int, _Copier] = {}


def _javascript_copy(page: Any) -> Any:
    """The page as a browser without JavaScript shows it, in a page that can run axe.

    axe-core needs timers and promises, which never run with JavaScript off.
    So the very HTML the no-JavaScript page holds is loaded at the same address
    in a scratch page whose own scripts (htmx, ours) are blocked: the same
    document and styles, only now axe can run in it.
    """
    browser = page.context.browser
    copier = _copiers.get(id(browser))
    if copier is None:
        context = browser.new_context(**PHONE, locale="en-GB")
        copier = _copiers[id(browser)] = _Copier(context.new_page())

        def serve(route: Any) -> None:
            request = route.request
            if request.is_navigation_request() and request.url == copier.url:
                body = copier.html
                route.fulfill(status=200, body=body, content_type="text/html; charset=utf-8")
            elif request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        context.route("**/*", serve)
    copier.url, copier.html = page.url, page.content()
    copier.page.set_viewport_size(page.viewport_size)
    copier.page.goto(copier.url)
    return copier.page


# axe-core (about 570 kB of JavaScript) is injected into a document only if it
# is not there already: a document is scanned again and again as a journey
# changes it in place (an htmx swap, an inline form, the other viewport width),
# and parsing axe each time cost more than many of the scans. A navigation
# starts a new document without it, so every document gets axe afresh.
_AXE_IS_LOADED = "() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"


def _run_axe(page: Any, options: dict[str, Any]) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    if not page.evaluate(_AXE_IS_LOADED):
        page.evaluate(axe.axe_script)
    command = f"axe.run({axe._format_script_args(options=options)})"
    return list(page.evaluate(command)["violations"])


def assert_accessible(
    page: Any, state: str = "", extra_tags: tuple[str, ...] = (), extra_rules: tuple[str, ...] = ()
) -> None:
    """Zero axe-core violations against WCAG 2.2 A and AA, in the page as it is now.

    `extra_rules` adds single rules beyond the tags (such as the best practice
    "region": all content inside a landmark) in the same run.
    """
    tags = [*WCAG_TAGS, *extra_tags]
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": tags},
        "resultTypes": ["violations"],
    }
    if extra_rules:
        options["rules"] = {rule: {"enabled": True} for rule in extra_rules}
    visits = _visits.get(id(page))
    target = _javascript_copy(page) if visits is not None and not visits.javascript else page
    violations = _run_axe(target, options)
    where = f"{page.url}" + (f" ({state})" if state else "")
    assert not violations, f"axe found {len(violations)} problem(s) on {where}:\n" + _describe(
        violations
    )
    if visits is not None:
        visits.scanned.add(_document(page.url))


def goto(page: Any, path: str, state: str = "", extra_tags: tuple[str, ...] = ()) -> Any:
    """Load a page and scan it: the way every journey should move around."""
    response = page.goto(path)
    assert response is not None and response.ok, (path, response and response.status)
    assert_accessible(page, state, extra_tags)
    return response


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, and land wherever `home` sends this person."""
    page.goto("/accounts/login/")
    assert_accessible(page, "sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert_accessible(page, f"{username} just signed in")


@pytest.fixture
def browser_cast(live_server: Any, cast: Cast, settings: Any) -> Cast:
    """The personas, visible to the live server's thread; live polling sped up."""
    settings.LIVE_POLL_MS = FAST_POLL_MS
    return cast


SCREENSHOTS = HERE.parent.parent / "docs" / "screenshots"


def screenshot(page: Any, name: str, element: Any = None) -> None:
    """With UPDATE_SCREENSHOTS=1, save docs/screenshots/<name>.png (for the README).

    Off by default, so a test run never leaves the working tree changed.
    """
    if os.environ.get("UPDATE_SCREENSHOTS", "") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = element if element is not None else page
    # Device pixels at 1x keep the PNGs small; the phone layout is what matters.
    target.screenshot(path=str(SCREENSHOTS / f"{name}.png"), scale="css", animations="disabled")
