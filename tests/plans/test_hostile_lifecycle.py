"""Hostile input at every form of the plan's life, with tests/test_hostile_input.py's machinery.

Agreeing, closing, starting a new plan and moving care coordination: never a
500, nothing stored when refused, nothing unescaped.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.models import Discipline
from plans import lifecycle
from plans.models import CareTeamMember, Plan
from tests import factories as f
from tests.conftest import Cast
from tests.test_hostile_input import Endpoint, Request, fuzz


def _draft(cast: Cast) -> None:
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.DRAFT)


def agree(cast: Cast) -> Request:
    _draft(cast)
    version = Plan.objects.values_list("version", flat=True).get(pk=cast.plan.pk)
    return Request(reverse("plan_agree", args=[cast.plan.code]), {"version": [version, 1]})


def close(cast: Cast) -> Request:
    url = reverse("plan_close", args=[cast.plan.code])
    return Request(url, {"reason": list(Plan.CloseReason.values)})


def new_plan(cast: Cast) -> Request:
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    url = reverse("plan_new_episode", args=[cast.plan.code])
    return Request(url, {"carry": sorted(lifecycle.CARRY_NAMES)})


def _coordinated_by_ben(cast: Cast) -> CareTeamMember:
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(is_coordinator=True)
    rita = f.make_professional(None, "Rita Moss", cast.team, Discipline.NURSE)
    return f.add_to_care_team(cast.plan, rita)


def hand_over(cast: Cast) -> Request:
    rita = _coordinated_by_ben(cast)
    url = reverse("plan_hand_over", args=[cast.plan.code])
    return Request(url, {"to": [rita.pk]})


def lead_hands_over(cast: Cast) -> Request:
    ben = CareTeamMember.objects.get(plan=cast.plan, professional=cast.ben)
    return Request(reverse("team_hand_over", args=[cast.plan.code]), {"to": [ben.pk]})


LIFECYCLE_POSTED = [
    Endpoint("plan_agree", "amara", agree),
    Endpoint("plan_close", "amara", close),
    Endpoint("plan_new_episode", "amara", new_plan),
    Endpoint("plan_hand_over", "ben", hand_over),
    Endpoint("team_hand_over", "chloe", lead_hands_over),
]
LIFECYCLE_NO_INPUT: dict[str, set[str]] = {"earlier_plans": set()}


@pytest.mark.parametrize("endpoint", LIFECYCLE_POSTED, ids=str)
def test_hostile_input_never_hurts(endpoint: Endpoint, cast: Cast) -> None:
    fuzz(endpoint, cast)


def test_earlier_plans_refuses_posts(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.amara.user)
    response = client.post(reverse("earlier_plans"), {"text": "<script>x-probe</script>"})
    assert response.status_code == 405
