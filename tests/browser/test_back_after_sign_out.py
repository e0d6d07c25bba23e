"""After signing out, the back button shows nothing of the plan.

Every page for a signed-in user is sent with Cache-Control: no-store, private
(coproduce.headers), so the browser keeps no copy to show: going back asks
the server again, which sends the signed-out browser to sign in.

Playwright switches Chromium's back/forward cache off by default (to make
tests predictable); a real browser has it on, and it is exactly what would
show the plan again. So this module's browser has it on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests import factories as f
from tests.browser.conftest import CHROMIUM_ARGS, assert_accessible, chromium_path, sign_in
from tests.conftest import Cast


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The harness's browser, with the back/forward cache as a person's browser has it."""
    executable = chromium_path()
    if executable is None:
        pytest.fail("REQUIRE_BROWSER=1 but no Chromium was found", pytrace=False)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # as tests/browser/conftest.py explains
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=executable,
                args=CHROMIUM_ARGS,
                ignore_default_args=["--disable-back-forward-cache"],
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


SECRET_WORDS = "Tell my sister about the custody hearing"


def test_back_after_sign_out_shows_no_plan_content(
    open_page: Callable[..., Any], browser_cast: Cast
) -> None:
    f.make_outcome(browser_cast.plan, text=SECRET_WORDS)
    page = open_page("phone")
    sign_in(page, "amara")
    plan_path = urlsplit(page.url).path
    assert plan_path == f"/plans/{browser_cast.plan.code}/"
    assert SECRET_WORDS in page.content()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    assert_accessible(page, "signed out")

    # "commit": a page restored from the back/forward cache never fires "load" again.
    page.go_back(wait_until="commit")

    assert SECRET_WORDS not in page.content(), "the back button showed the plan after sign-out"
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    page.wait_for_load_state()
    assert_accessible(page, "back after signing out")
    content = page.content()
    assert SECRET_WORDS not in content
    assert "Amara" not in content
    assert page.get_by_role("heading", name="Sign in to Coproduce").count() == 1
