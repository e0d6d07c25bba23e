"""`get_plan_for_user` runs SQL compiled once (`coproduce.compiled_query`) and
makes the plan, its person and their user from the row itself: they must be
exactly what the ORM reads, for every kind of viewer, on either database."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coproduce.models import SUPPORTER, Side
from plans.access import _ACCESS, _ACCESS_WITH_SUPPORTERS, get_plan_for_user
from plans.models import Plan
from tests import factories as f
from tests.conftest import Cast


def fields(obj: Any) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_the_compiled_sql_is_sound_on_this_database(db: None) -> None:
    # Otherwise every request would quietly build the query afresh.
    assert _ACCESS.recorded() is not None
    assert _ACCESS_WITH_SUPPORTERS.recorded() is not None


@pytest.mark.parametrize("viewer", ["amara", "ben", "efua"])
def test_the_plan_person_and_user_are_the_orms(cast: Cast, viewer: str) -> None:
    supporter = f.make_supporter(cast.plan, "efua", "Efua Osei", may_suggest=True)
    plan = cast.plan
    # Fields of every kind filled in: dates, times, JSON, nullable, booleans.
    Plan.objects.filter(pk=plan.pk).update(
        next_review_date=timezone.localdate(),
        leadership_returns_on=timezone.localdate(),
        about_writers={"about_matters": "person"},
        about_matters="Quiet mornings",
        version=7,
    )
    user = {"amara": cast.amara.user, "ben": cast.ben.user, "efua": supporter.user}[viewer]

    with CaptureQueriesContext(connection) as queries:
        access = get_plan_for_user(user, str(plan.code), supporters=True)
        assert access.plan.person.user.name  # no query for the person or their user
    assert len(queries) == 1

    orm = Plan.objects.select_related("person__user").get(pk=plan.pk)
    assert fields(access.plan) == fields(orm)
    assert fields(access.plan.person) == fields(orm.person)
    assert fields(access.plan.person.user) == fields(orm.person.user)
    assert {name: type(value) for name, value in fields(access.plan).items()} == {
        name: type(value) for name, value in fields(orm).items()
    }
    assert (
        access.side == {"amara": Side.PERSON, "ben": Side.PROFESSIONAL, "efua": SUPPORTER}[viewer]
    )
    if viewer == "efua":
        assert (access.supporter_id, access.supporter_may_suggest) == (supporter.pk, True)
    assert (access.membership_id is not None) == (viewer == "ben")


def test_others_and_bad_codes_are_a_404(cast: Cast) -> None:
    supporter = f.make_supporter(cast.plan, "efua", "Efua Osei")
    cases: list[tuple[Any, Any, bool]] = [
        (cast.oscar.user, cast.plan.code, True),  # not on the care team
        (cast.priya.user, cast.plan.code, True),  # another person
        (supporter.user, cast.plan.code, False),  # a page not open to supporters
        (cast.amara.user, "not-a-code", True),
        (cast.amara.user, cast.priya_plan.code, True),
    ]
    for user, code, supporters in cases:
        with pytest.raises(Http404):
            get_plan_for_user(user, code, supporters=supporters)
