"""The dashboard's content summaries (outcomes.summaries, `ContentSummary`) always
say what the items say.

A property test drives Amara's plan through the same services the views call
(additions, edits and removals of outcomes, expertise, resources and "about
me" by either side, suggestions accepted and declined, ratings, leadership)
in random order, then compares the content figures read from the summaries
(`metrics.content_share`) with those computed from the items themselves
(`metrics.content_share_from_items`, the reference) for several filters, the
people behind each figure included. The bulk synthetic caseload and the
migration's rebuild are checked the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from coproduce.models import Side, Team
from outcomes import metrics, summaries
from outcomes import services as outcome_services
from outcomes.models import ContentSummary, ValuedOutcome
from plans import services
from plans.access import get_plan_for_user
from plans.models import Commitment, Expertise, LifeArea, Plan, Proposal, Resource
from plans.services import KINDS
from tests.conftest import Cast

AREAS = ["Mental wellbeing", "Home", "Work and learning"]
WHO = st.sampled_from(["amara", "ben"])
AREA = st.sampled_from([*AREAS, None])  # None: expertise about the whole plan
WORDS = st.sampled_from(["", "a", "b c"])
INDEX = st.integers(0, 3)
KIND = st.sampled_from(["outcome", "expertise", "resource", "commitment"])
ACTIONS = st.one_of(
    st.tuples(st.just("outcome"), WHO, st.sampled_from(AREAS), WORDS),
    st.tuples(st.just("expertise"), WHO, AREA),
    st.tuples(st.just("resource"), WHO, st.sampled_from(AREAS), WORDS, WORDS),
    st.tuples(st.just("commitment"), WHO, st.sampled_from(AREAS)),
    st.tuples(st.just("about"), WHO, WORDS, WORDS, WORDS),
    st.tuples(st.just("edit"), WHO, KIND, INDEX, st.sampled_from(["x", "y z"]), WORDS),
    st.tuples(st.just("remove"), WHO, KIND, INDEX),
    st.tuples(st.just("answer"), st.booleans()),
    st.tuples(st.just("rate"), WHO, INDEX, st.integers(1, 10)),
    st.tuples(st.just("status"), INDEX, st.sampled_from(["achieved", "let_go", "active"])),
)
MODELS: dict[str, Any] = {
    "outcome": ValuedOutcome,
    "expertise": Expertise,
    "resource": Resource,
    "commitment": Commitment,
}


def today() -> dt.date:
    return timezone.localdate()


def access(cast: Cast, who: str) -> Any:
    return get_plan_for_user(getattr(cast, who).user, cast.plan.code)


def area(cast: Cast, name: str) -> LifeArea:
    return LifeArea.objects.get(plan=cast.plan, name=name)


def filters(cast: Cast) -> list[metrics.DashboardFilter]:
    team = cast.team.pk
    start = today() - dt.timedelta(days=183)
    return [
        metrics.DashboardFilter(team_id=team, start=start, end=today()),
        metrics.DashboardFilter(team_id=team, start=start, end=today(), life_area_name="Home"),
        metrics.DashboardFilter(
            team_id=team, start=start, end=today(), life_area_name=metrics.OWN_AREAS
        ),
        metrics.DashboardFilter(
            team_id=team, start=start, end=today(), professional_id=cast.ben.pk
        ),
        # A period in the past: the words are counted as they read now all the same.
        metrics.DashboardFilter(
            team_id=team, start=start, end=today() - dt.timedelta(days=1), life_area_name="Home"
        ),
    ]


def assert_summaries_agree(cast: Cast, *, only_default: bool = False) -> None:
    for f in filters(cast)[:1] if only_default else filters(cast):
        summarised = dataclasses.asdict(metrics.content_share(f))  # the people included
        assert summarised == dataclasses.asdict(metrics.content_share_from_items(f))
        # The whole dashboard reads the same figures in its own statement.
        assert dataclasses.asdict(metrics.dashboard(f).content) == summarised


def items(cast: Cast, kind: str) -> list[Any]:
    return list(MODELS[kind].objects.filter(plan=cast.plan).order_by("pk"))


def item_data(kind: str, item: Any, first: str, second: str) -> dict[str, Any]:
    """A change to the item's words (and what else its form needs)."""
    version = {"version": item.version}
    if kind == "outcome":
        return {"text": first, "why_it_matters": second, "status": item.status, **version}
    if kind == "expertise":
        area = str(item.life_area.code) if item.life_area else ""  # as a form posts it
        return {"kind": item.kind, "life_area": area, "text": first, **version}
    if kind == "resource":
        return {"name": first, "provider": second, "control": item.control, **version}
    return {"who": item.who_id, "what": first, "status": item.status, **version}


def apply(cast: Cast, action: tuple[Any, ...]) -> None:
    kind, *args = action
    if kind == "outcome":
        who, name, why = args
        data = {"text": f"Outcome in {name}", "why_it_matters": why, "status": "active"}
        services.submit_add(access(cast, who), KINDS["outcome"], data, area=area(cast, name))
    elif kind == "expertise":
        who, name = args
        knowledge = "strengths" if who == "amara" else "seen_with_others"
        data = {
            "kind": knowledge,
            "life_area": str(area(cast, name).code) if name else "",
            "text": "k",
        }
        services.submit_add(access(cast, who), KINDS["expertise"], data)
    elif kind == "resource":
        who, name, provider, how = args
        data = {"name": "R", "provider": provider, "how_to_access": how, "control": "personal"}
        services.submit_add(access(cast, who), KINDS["resource"], data, area=area(cast, name))
    elif kind == "commitment":
        who, name = args
        data = {"who": cast.amara.user.pk, "what": "Go", "status": "open"}
        services.submit_add(access(cast, who), KINDS["commitment"], data, area=area(cast, name))
    elif kind == "about":
        who, *words = args
        plan = Plan.objects.get(pk=cast.plan.pk)
        data = dict(zip(Plan.ABOUT_WORDS, words, strict=True))
        services.submit_change(
            access(cast, who), KINDS["about"], plan, {**data, "version": plan.about_version}
        )
    elif kind == "edit":
        who, item_kind, index, first, second = args
        mine = items(cast, item_kind)
        if index < len(mine):
            data = item_data(item_kind, mine[index], first, second)
            services.submit_change(access(cast, who), KINDS[item_kind], mine[index], data)
    elif kind == "remove":
        who, item_kind, index = args
        mine = items(cast, item_kind)
        if index < len(mine):
            data = {"reason": "Not now", "version": mine[index].version}
            services.submit_remove(access(cast, who), KINDS[item_kind], mine[index], data)
    elif kind == "answer":
        (accepted,) = args
        waiting = Proposal.objects.filter(plan=cast.plan, status=Proposal.Status.PENDING)
        proposal = waiting.order_by("-pk").first()
        if proposal is not None:
            other = "ben" if proposal.proposed_side == Side.PERSON else "amara"
            if accepted:
                services.accept_proposal(access(cast, other), proposal)
            else:
                services.decline_proposal(access(cast, other), proposal, "Not this")
    elif kind == "rate":
        who, index, score = args
        outcomes = items(cast, "outcome")
        if index < len(outcomes):
            outcome_services.rate_outcome(access(cast, who), outcomes[index], score=score)
    elif kind == "status":
        index, status = args
        outcomes = items(cast, "outcome")
        if index < len(outcomes):
            outcome_services.set_outcome_status(access(cast, "amara"), outcomes[index], status)


@settings(
    max_examples=15,  # each example is a dozen service calls and their comparisons
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking replays the database: slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(ACTIONS, min_size=1, max_size=12))
def test_summarised_content_equals_the_items(cast: Cast, actions: list[Any]) -> None:
    with transaction.atomic():  # each example starts from the same plan
        for action in actions:
            # A refused write (e.g. editing a removed item) writes nothing.
            with contextlib.suppress(PermissionDenied, services.Invalid, services.Conflict):
                apply(cast, action)
            assert_summaries_agree(cast, only_default=True)
        assert_summaries_agree(cast)  # and every filter at the end
        transaction.set_rollback(True)


def test_each_side_s_words_are_summarised_where_they_are(cast: Cast) -> None:
    for action in [
        ("outcome", "amara", "Home", "Somewhere to live"),
        ("resource", "ben", "Home", "Housing office", ""),
        ("answer", True),  # Amara accepts Ben's resource: his words
        ("expertise", "ben", None),
        ("about", "amara", "Kind", "", "Ask me"),
    ]:
        apply(cast, action)
    home = area(cast, "Home")
    rows = {row.life_area_id: row for row in ContentSummary.objects.filter(plan=cast.plan)}
    assert set(rows) == {home.pk, None}
    assert (rows[home.pk].outcomes_text_person, rows[home.pk].outcomes_why_it_matters_person) == (
        1,
        1,
    )
    assert (rows[home.pk].resources_name_professional, rows[home.pk].resources_provider_person) == (
        1,
        0,
    )
    assert rows[None].expertise_text_professional == 1
    assert (rows[None].about_admire_person, rows[None].about_matters_person) == (1, 0)
    assert rows[None].about_support_person == 1
    share = metrics.content_share(filters(cast)[0])
    assert share.by_kind["resources"] == {"person": 0, "professional": 2}
    assert share == metrics.content_share_from_items(filters(cast)[0])


@pytest.mark.long  # seeds the demo and a synthetic caseload
@pytest.mark.django_db
def test_the_synthetic_caseload_leaves_content_summaries_equal_to_the_items() -> None:
    call_command("seed_demo", people=12, verbosity=0)
    synthetic = Team.objects.get(name="Synthetic team")
    assert ContentSummary.objects.filter(plan__person__user__username__startswith="synthetic_")
    for team in Team.objects.all():
        f = metrics.DashboardFilter(
            team_id=team.pk, start=today() - dt.timedelta(days=365), end=today()
        )
        summarised = dataclasses.asdict(metrics.content_share(f))
        assert summarised == dataclasses.asdict(metrics.content_share_from_items(f))
    f = metrics.DashboardFilter(team_id=synthetic.pk, start=today(), end=today())
    assert metrics.content_share(f).person > 0


def test_rebuild_from_nothing_restores_every_content_summary(cast: Cast) -> None:
    for action in [
        ("outcome", "amara", "Home", "Why"),
        ("expertise", "amara", "Home"),
        ("about", "amara", "Kind", "Cats", ""),
    ]:
        apply(cast, action)
    columns = ("plan", "life_area", *summaries.CONTENT_COLUMNS)
    before = sorted(ContentSummary.objects.values_list(*columns), key=repr)
    assert before
    ContentSummary.objects.all().delete()
    summaries.rebuild_content()
    assert sorted(ContentSummary.objects.values_list(*columns), key=repr) == before
    assert_summaries_agree(cast)


def test_one_plans_refresh_is_compiled_once_and_sound(db: None) -> None:
    # Otherwise every content write would build the INSERT … SELECT afresh.
    from outcomes.summaries import _ONE_PLAN

    assert _ONE_PLAN.recorded() is not None
