"""The sign-in page in a real browser (moved here from tests/test_shell.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.conftest import assert_accessible, goto

# The sign-in page is the first thing anyone sees: held to axe's best practices too.
BEST_PRACTICE = ("best-practice",)


def test_sign_in_page_passes_axe_on_a_phone(
    open_page: Callable[..., Any], live_server: Any, transactional_db: None
) -> None:
    page = open_page("phone")
    goto(page, "/accounts/login/", "empty", extra_tags=BEST_PRACTICE)
    assert "nhsuk-frontend-supported" in page.evaluate("document.body.className")

    page.get_by_label("Username").fill("amara")
    page.get_by_label("Password").fill("not-it")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".nhsuk-error-summary")

    focused = page.evaluate("document.activeElement.className")
    assert "nhsuk-error-summary" in focused, "the summary takes focus"
    assert_accessible(page, "wrong password", extra_tags=BEST_PRACTICE)
