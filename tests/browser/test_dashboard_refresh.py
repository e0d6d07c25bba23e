"""Just after a write, the lead's dashboard says its figures are from before it,
then swaps in the fresh ones once the refresh has run, in a real browser.

No worker runs: the test does the worker's job itself. Every state is scanned
with axe; without JavaScript the note's reload link does the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_tasks_db.models import DBTaskResult

from plans import crisis
from plans.access import get_plan_for_user
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.conftest import Cast

NOTE = "Changes made since are being counted"


def run_worker() -> None:
    for queued in DBTaskResult.objects.filter(status="READY"):
        result = queued.task_result
        result.task.call(*result.args, **result.kwargs)
        DBTaskResult.objects.filter(pk=queued.pk).update(status="SUCCESSFUL")


def write(cast: Cast) -> None:
    crisis.mark_reviewed(get_plan_for_user(cast.amara.user, cast.plan.code))


def test_older_figures_are_marked_then_replaced(
    browser_cast: Cast, open_page: Callable[..., Any], settings: Any
) -> None:
    settings.SMALL_CELL_THRESHOLD = 1
    page = open_page("desktop")
    sign_in(page, "chloe")
    goto(page, "/team/dashboard/", "fresh figures")
    assert page.get_by_text(NOTE).count() == 0

    write(browser_cast)
    goto(page, "/team/dashboard/", "figures from before a write")
    note = page.get_by_role("status").filter(has_text=NOTE)
    assert note.is_visible()

    run_worker()
    page.get_by_role("status").filter(has_text="The figures are up to date.").wait_for(
        state="attached"
    )
    assert page.get_by_text(NOTE).count() == 0
    assert_accessible(page, "fresh figures swapped in")


def test_without_javascript_the_note_links_to_a_reload(
    browser_cast: Cast, open_page: Callable[..., Any], settings: Any
) -> None:
    settings.SMALL_CELL_THRESHOLD = 1
    page = open_page("nojs")
    sign_in(page, "chloe")
    goto(page, "/team/dashboard/", "fresh figures")
    write(browser_cast)
    goto(page, "/team/dashboard/", "figures from before a write")
    assert page.get_by_text(NOTE).is_visible()

    run_worker()
    page.get_by_role("link", name="reload in a moment").click()
    page.wait_for_load_state()
    assert page.get_by_text(NOTE).count() == 0
    assert_accessible(page, "reloaded")
