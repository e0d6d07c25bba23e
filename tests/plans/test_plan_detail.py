from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import CareTeamMember, ExpertiseKind
from tests import factories as f
from tests.conftest import Cast, login


def url(cast: Cast) -> str:
    return reverse("plan_detail", args=[cast.plan.code])


def test_person_sees_own_plan(client: Client, cast: Cast) -> None:
    f.make_outcome(cast.plan, text="I want to get back to work by the summer")
    login(client, cast.amara)
    response = client.get(url(cast))
    assert response.status_code == 200
    assert b"My plan" in response.content
    assert b"I want to get back to work by the summer" in response.content


def test_care_team_professional_sees_plan(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    response = client.get(url(cast))
    assert response.status_code == 200
    assert "Amara Osei's plan" in response.content.decode()


@pytest.mark.parametrize("who", ["oscar", "priya", "chloe"])
def test_others_get_404(client: Client, cast: Cast, who: str) -> None:
    login(client, getattr(cast, who))
    assert client.get(url(cast)).status_code == 404


def test_removed_professional_gets_404(client: Client, cast: Cast) -> None:
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(
        removed_at="2026-01-01T00:00Z"
    )
    login(client, cast.ben)
    assert client.get(url(cast)).status_code == 404


def test_unknown_plan_is_404(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    response = client.get(reverse("plan_detail", args=["00000000-0000-0000-0000-000000000000"]))
    assert response.status_code == 404


def test_plan_shows_authors_and_both_ratings(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Sleep through the night")
    f.make_rating(outcome, cast.amara.user, 3)
    f.make_rating(outcome, cast.ben.user, 6)
    f.make_resource(cast.plan, cast.ben.user, name="Sleep clinic")
    login(client, cast.amara)
    response = client.get(url(cast))
    body = response.content.decode()
    assert "Ben Okafor (professional)" in body
    assert "Amara Osei (person)" in body
    (loaded,) = [o for s in response.context["page"].areas for o in s.outcomes]
    assert (loaded.latest_person_score, loaded.latest_professional_score) == (3, 6)
    assert "3 points apart" in body
    # One piece of writing each; made by factories, so no changes in the history.
    authorship = response.context["page"].authorship
    assert authorship.words == {"person": 1, "professional": 1}
    assert authorship.changes == {"person": 0, "professional": 0}


def grow(cast: Cast, n: int) -> None:
    ben = cast.ben.user
    for i in range(n):
        outcome = f.make_outcome(cast.plan, area_name="Money" if i % 2 else "Home")
        rating = f.make_rating(outcome, cast.amara.user, 4)
        f.make_rating(outcome, ben, 5)
        resource = f.make_resource(cast.plan, ben, area_name="Home")
        resource.outcomes.add(outcome)
        commitment = f.make_commitment(cast.plan, ben, who=cast.amara.user)
        strength = f.make_expertise(cast.plan, cast.amara.user, ExpertiseKind.STRENGTHS)
        f.make_expertise(cast.plan, ben, ExpertiseKind.SEEN_WITH_OTHERS)
        # Replies from both sides to every kind of thing on the page.
        targets: list[tuple[str, Any]] = [
            ("outcome", outcome),
            ("rating", rating),
            ("resource", resource),
            ("commitment", commitment),
            ("expertise", strength),
        ]
        for target_type, target in targets:
            f.make_reply(cast.plan, ben, target_type, target.code)
            f.make_reply(cast.plan, cast.amara.user, target_type, target.code)
        f.make_reply(cast.plan, ben, "about", cast.plan.code)


# The first look at a version (rendered, not cached: coproduce.plan_page.body_cache):
# session + user, plan + membership, 9 for the plan content,
# +1 all ratings of the plan's outcomes (progress charts), +1 latest reviews (outcomes extras),
# +1 every reply on the plan, however many (right of reply),
# +1 noting the version seen, +1 what changed since the last look (markers),
# +1 the "For you" count in the header (every rule in one query).
# No session save: the idle clock is written at most every 30 s (coproduce.middleware).
# Later looks at the same version: tests/plans/test_plan_body_cache.py.
PLAN_PAGE_QUERIES = 18


@pytest.mark.parametrize("size", [1, 25])
def test_plan_page_queries_do_not_grow_with_plan(
    client: Client, cast: Cast, django_assert_max_num_queries, size: int
) -> None:
    grow(cast, size)
    login(client, cast.amara)
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(url(cast))
    assert response.status_code == 200
