"""The team dashboard's kept figures (outcomes.dashboard_cache) are never stale.

A property test drives Amara's plan through the services the views call (the
rating summaries' and the content summaries' random writes, and supporters,
care team changes and the crisis plan reviewed) in random order, loading the
dashboard as Chloe before and after each write for several filters: every
load must show exactly what a dashboard computed with nothing kept shows.
Each load leaves its figures kept, so each write is checked against a kept
entry of the state before it: the very next load after any write is fresh,
computed by the refresh it queues (here run as it is queued).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from outcomes import dashboard_cache
from plans import care_team, crisis, services, supporters
from plans.access import get_plan_for_user
from plans.models import CareTeamMember, Supporter
from tests import factories as base
from tests.conftest import Cast, login
from tests.onboarding.conftest import IMMEDIATE_TASKS
from tests.outcomes import test_content_summaries as content
from tests.outcomes import test_summaries as ratings

ACTIONS = st.one_of(
    st.tuples(st.just("ratings"), ratings.ACTIONS),
    st.tuples(st.just("content"), content.ACTIONS),
    st.tuples(st.just("supporter"), st.booleans()),
    st.tuples(st.just("chloe_on_care_team"), st.booleans()),
    st.tuples(st.just("crisis_reviewed")),
)


@pytest.fixture(autouse=True)
def every_figure_shown(settings: Any) -> None:
    """A handful of people: no cell is small (small cells: test_small_cells.py)."""
    settings.SMALL_CELL_THRESHOLD = 1


@pytest.fixture(autouse=True)
def worker_keeps_up(settings: Any) -> None:
    """Each refresh a load queues runs as it is queued, as with a worker that is
    never behind: the figures a load after a write shows are the refresh's. (With
    a worker behind, a load shows the figures from before, marked: test_dashboard_stale.py.)"""
    settings.TASKS = IMMEDIATE_TASKS


def queries(cast: Cast) -> list[dict[str, str]]:
    """The default filter, one life area, one professional, and a period of ten days."""
    today = timezone.localdate()
    return [
        {},
        {"area": "Home"},
        {"professional": str(cast.chloe.pk)},
        {"start": (today - dt.timedelta(days=10)).isoformat(), "end": today.isoformat()},
    ]


def figures(client: Client, query: dict[str, str]) -> str:
    response = client.get(reverse("team_dashboard"), query)
    assert response.status_code == 200
    html = response.context["figures"]
    assert html in response.content.decode()
    return str(html)


def assert_fresh(client: Client, cast: Cast) -> None:
    """Each filter's dashboard, perhaps kept, equals one computed with nothing kept."""
    shown = [figures(client, query) for query in queries(cast)]
    dashboard_cache.clear()
    assert [figures(client, query) for query in queries(cast)] == shown


def figures_read(captured: CaptureQueriesContext) -> list[str]:
    """The statements that computed figures (the outcomes' read the rating summaries)."""
    return [q["sql"] for q in captured.captured_queries if "outcomes_ratingsummary" in q["sql"]]


def apply(cast: Cast, outcomes: list[Any], action: tuple[Any, ...]) -> None:
    kind, *args = action
    amara = ratings.access(cast, "amara")
    if kind == "ratings":
        ratings.apply(cast, outcomes, args[0])
    elif kind == "content":
        content.apply(cast, args[0])
    elif kind == "supporter":
        current = Supporter.objects.current().filter(person=cast.amara).first()
        if args[0] and current is None:
            user = base.make_user(name="Efua Osei")
            supporters.add_supporter(amara, user, "family", {"may_see": True})
        elif current is not None:
            supporters.remove_supporter(amara, current)
    elif kind == "chloe_on_care_team":
        member = CareTeamMember.objects.current().filter(plan=cast.plan, professional=cast.chloe)
        if args[0] and not member.exists():
            care_team.invite(amara, cast.chloe)
        elif member.exists():
            care_team.remove(amara, member.get())
    elif kind == "crisis_reviewed":
        crisis.mark_reviewed(amara)


@settings(
    max_examples=8,  # each example is up to eight writes and seventy dashboard loads
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking replays the database: slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(ACTIONS, min_size=1, max_size=8))
def test_the_next_load_after_any_write_shows_it(
    cast: Cast, client: Client, actions: list[Any]
) -> None:
    login(client, cast.chloe)
    with transaction.atomic():  # each example starts from the same plans
        # Rolled back, the last example's plan versions come round again: in
        # production a committed state never repeats, so nothing kept can match it.
        dashboard_cache.clear()
        outcomes = ratings.add_outcomes(cast)
        assert_fresh(client, cast)
        for action in actions:
            # A refused write (e.g. rating a removed outcome) writes nothing.
            with contextlib.suppress(
                PermissionDenied,
                services.Invalid,
                services.Conflict,
                supporters.AlreadySupporting,
                supporters.NotCurrent,
            ):
                apply(cast, outcomes, action)
            assert_fresh(client, cast)
        transaction.set_rollback(True)


def test_a_reload_at_the_same_state_computes_nothing(cast: Cast, client: Client) -> None:
    login(client, cast.chloe)
    first = figures(client, {})
    with CaptureQueriesContext(connection) as computed:
        figures(client, {})
    dashboard_cache.clear()
    with CaptureQueriesContext(connection) as afresh:
        assert figures(client, {}) == first

    # The figures' statements are skipped (the plans' state is read by both).
    assert figures_read(computed) == []
    assert figures_read(afresh)
    assert len(computed) < len(afresh)


def test_a_rating_shows_on_the_very_next_load(cast: Cast, client: Client) -> None:
    login(client, cast.chloe)
    (outcome, *_) = ratings.add_outcomes(cast)
    before = client.get(reverse("team_dashboard")).context["board"]
    ratings.apply(cast, [outcome], ("rate", "amara", 0, 6, 3))
    after = client.get(reverse("team_dashboard")).context["board"]
    assert after.outcomes.person.not_enough_ratings == before.outcomes.person.not_enough_ratings + 1


def test_a_professional_moved_to_another_team_leaves_the_caseload_at_once(
    cast: Cast, client: Client
) -> None:
    # No plan changes: the team's members are part of the key.
    login(client, cast.chloe)
    assert client.get(reverse("team_dashboard")).context["board"].caseload.plans == 1
    cast.ben.team = cast.other_team
    cast.ben.save(update_fields=["team"])
    assert client.get(reverse("team_dashboard")).context["board"].caseload.plans == 0


def test_only_a_write_to_the_teams_own_plans_computes_afresh(cast: Cast, client: Client) -> None:
    # The state in the key is the team's caseload's: Priya's plan is Oscar's, another team's.
    # (What was captured is read at once: the next request clears the queries' log.)
    login(client, cast.chloe)
    figures(client, {})
    crisis.mark_reviewed(get_plan_for_user(cast.priya.user, cast.priya_plan.code))
    with CaptureQueriesContext(connection) as captured:
        figures(client, {})
    after_elsewhere = figures_read(captured)
    crisis.mark_reviewed(ratings.access(cast, "amara"))
    with CaptureQueriesContext(connection) as captured:
        shown = figures(client, {})
    after_own = figures_read(captured)
    dashboard_cache.clear()
    assert figures(client, {}) == shown
    assert after_elsewhere == []
    assert after_own


def test_a_supporter_of_someone_outside_the_team_leaves_the_figures_kept(
    cast: Cast, client: Client
) -> None:
    # Priya's plan is Oscar's, another team's: her supporters are no part of Chloe's figures.
    login(client, cast.chloe)
    figures(client, {})
    priya = get_plan_for_user(cast.priya.user, cast.priya_plan.code)
    supporters.add_supporter(priya, base.make_user(name="Efua Osei"), "family", {"may_see": True})
    with CaptureQueriesContext(connection) as captured:
        figures(client, {})
    after_elsewhere = figures_read(captured)
    amara = ratings.access(cast, "amara")
    supporters.add_supporter(amara, base.make_user(name="Kofi Osei"), "family", {"may_see": True})
    with CaptureQueriesContext(connection) as captured:
        figures(client, {})
    assert after_elsewhere == []
    assert figures_read(captured)
