"""Who wrote a plan: the words as they read now, and who made the changes.

Amara's plan, every area "person leads", Ben on her care team (Riverside):

1. Amara adds an outcome in Mental wellbeing: "I want to sleep through the
   night", why it matters "So I can work".
2. Ben suggests rewording it ("Sleep eight hours a night"); Amara accepts. Its
   wording is now Ben's; why it matters is still Amara's.
3. Amara writes two answers of "about me", then rewrites one of them herself.
4. Ben suggests a resource, "Sleep clinic", provided by "NHS" (how to get it
   left empty); Amara accepts. Both its words are Ben's.
5. Amara fills in how to get it: "Ask my GP". That field's words are hers.
6. Amara adds a second outcome and removes it again.

Words now: Amara's: why it matters, two "about me" answers, how to get the
clinic = 4. Ben's: the outcome's wording, the clinic's name and provider = 3.
So 57% by Amara (4 of 7), 43% by professionals.

Changes: Amara's: add outcome, two "about me" edits, the clinic edit, add and
remove the second outcome = 6. Ben's: the rewording, adding the clinic (the
suggester's, once accepted) = 2. Suggestions, acceptances and agreements are
not changes.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outcomes import metrics
from outcomes.dashboard_csv import figure_rows
from outcomes.metrics import DashboardFilter
from outcomes.models import ValuedOutcome
from plans import services
from plans.access import get_plan_for_user
from plans.models import LifeArea, PlanChange, Resource
from plans.services import KINDS
from tests import factories as f
from tests.conftest import Cast, login


def as_user(cast: Cast, who: Any) -> Any:
    return get_plan_for_user(who.user, cast.plan.code)


def mental(cast: Cast) -> LifeArea:
    return LifeArea.objects.get(plan=cast.plan, name="Mental wellbeing")


def outcome_data(item: Any = None, **fields: Any) -> dict[str, Any]:
    data = {"text": "", "why_it_matters": "", "target_date": "", "status": "active"}
    if item is not None:
        data.update(text=item.text, why_it_matters=item.why_it_matters, version=item.version)
    return {**data, **fields}


def accept(cast: Cast, result: services.Result) -> None:
    assert not result.applied and result.proposal is not None
    services.accept_proposal(as_user(cast, cast.amara), result.proposal)


@pytest.fixture
def story(cast: Cast) -> Cast:
    outcome_kind, about, resource_kind = KINDS["outcome"], KINDS["about"], KINDS["resource"]
    amara = as_user(cast, cast.amara)
    # 1. Amara's outcome.
    first = services.submit_add(
        amara,
        outcome_kind,
        outcome_data(text="I want to sleep through the night", why_it_matters="So I can work"),
        area=mental(cast),
    ).item
    # 2. Ben's rewording, accepted.
    accept(
        cast,
        services.submit_change(
            as_user(cast, cast.ben),
            outcome_kind,
            ValuedOutcome.objects.get(pk=first.pk),
            outcome_data(first, text="Sleep eight hours a night"),
        ),
    )
    # 3. "About me", twice, by Amara.
    plan = as_user(cast, cast.amara).plan
    services.submit_change(
        amara,
        about,
        plan,
        {"about_admire": "Kind", "about_matters": "My cat", "about_support": "", "version": 1},
    )
    plan.refresh_from_db()
    services.submit_change(
        as_user(cast, cast.amara),
        about,
        plan,
        {"about_admire": "Kind and funny", "about_matters": "My cat", "version": 2},
    )
    # 4. Ben's resource, accepted.
    accept(
        cast,
        services.submit_add(
            as_user(cast, cast.ben),
            resource_kind,
            {
                "name": "Sleep clinic",
                "provider": "NHS",
                "how_to_access": "",
                "control": "elsewhere",
            },
            area=mental(cast),
        ),
    )
    # 5. Amara says how to get it.
    clinic = Resource.objects.get(plan=cast.plan)
    services.submit_change(
        as_user(cast, cast.amara),
        resource_kind,
        clinic,
        {
            "name": "Sleep clinic",
            "provider": "NHS",
            "how_to_access": "Ask my GP",
            "control": "elsewhere",
            "version": clinic.version,
        },
    )
    # 6. A second outcome, added and removed.
    second = services.submit_add(
        as_user(cast, cast.amara), outcome_kind, outcome_data(text="Walk"), area=mental(cast)
    ).item
    services.submit_remove(
        as_user(cast, cast.amara), outcome_kind, second, {"version": second.version}
    )
    return cast


def test_each_field_remembers_who_last_wrote_it(story: Cast) -> None:
    outcome = ValuedOutcome.objects.current().get(plan=story.plan)
    assert outcome.text == "Sleep eight hours a night"
    # Amara began the outcome; its wording is now Ben's.
    assert outcome.created_side == "person"
    assert outcome.writers == {"text": "professional", "why_it_matters": "person"}
    clinic = Resource.objects.get(plan=story.plan)
    assert clinic.writers == {
        "name": "professional",
        "provider": "professional",
        "how_to_access": "person",
    }
    story.plan.refresh_from_db()
    assert story.plan.about_writers == {"about_admire": "person", "about_matters": "person"}


def test_plan_page_counts_current_words_and_changes(client: Client, story: Cast) -> None:
    login(client, story.amara)
    response = client.get(reverse("plan_detail", args=[story.plan.code]))
    authorship = response.context["page"].authorship
    assert authorship.words == {"person": 4, "professional": 3}
    assert authorship.changes == {"person": 6, "professional": 2}
    assert (authorship.person_share, authorship.professional_share) == (57, 43)
    words = " ".join(response.content.decode().split())
    assert (
        "57% by you and 43% by professionals, counting who last wrote each piece of writing "
        "(4 by you, 3 by professionals)"
    ) in words
    assert "6 changes by you and 2 by professionals" in words
    assert "counted for the side of whoever last wrote it" in words


def test_professional_sees_the_same_figures(client: Client, story: Cast) -> None:
    login(client, story.ben)
    response = client.get(reverse("plan_detail", args=[story.plan.code]))
    words = " ".join(response.content.decode().split())
    assert "57% by Amara and 43% by professionals" in words
    assert "(4 by Amara, 3 by professionals)" in words
    assert "6 changes by Amara and 2 by professionals" in words


def test_dashboard_counts_current_words_and_changes(story: Cast) -> None:
    today = timezone.localdate()
    period = DashboardFilter(story.team.pk, today - dt.timedelta(days=1), today)
    share = metrics.content_share(period)
    assert share.by_kind == {
        "outcomes": {"person": 1, "professional": 1},
        "expertise": {"person": 0, "professional": 0},
        "resources": {"person": 1, "professional": 2},
        "commitments": {"person": 0, "professional": 0},
        "about": {"person": 2, "professional": 0},
    }
    assert (share.person, share.professional) == (4, 3)
    assert share.changes == {"person": 6, "professional": 2}
    # Changes count within the period; the words are as they stand now.
    earlier = DashboardFilter(
        story.team.pk, today - dt.timedelta(days=30), today - dt.timedelta(days=2)
    )
    assert metrics.content_share(earlier).changes == {"person": 0, "professional": 0}
    assert (metrics.content_share(earlier).person, metrics.content_share(earlier).professional) == (
        4,
        3,
    )
    # With a life area chosen: "about me" is left out, and so are changes elsewhere.
    area = DashboardFilter(
        story.team.pk, today - dt.timedelta(days=1), today, life_area_name="Mental wellbeing"
    )
    in_area = metrics.content_share(area)
    assert (in_area.person, in_area.professional) == (2, 3)
    # Amara: the outcome, the clinic, the second outcome added and removed.
    assert in_area.changes == {"person": 4, "professional": 2}
    rows = {
        (r.key, r.side): r.value
        for r in figure_rows(metrics.dashboard(period))
        if r.section == "content"
    }
    assert rows[("changes", "person")] == 6
    assert rows[("about", "person")] == 2
    assert rows[("all", "professional")] == 3


def test_drilldown_lists_plans_by_who_wrote_the_words(story: Cast) -> None:
    today = timezone.localdate()
    period = DashboardFilter(story.team.pk, today - dt.timedelta(days=1), today)
    assert list(metrics.plans_behind(period, ("content", "professional"))) == [story.plan]


def test_existing_items_learn_their_writers_from_history(cast: Cast) -> None:
    """The data migrations rebuild `writers` from the history kept before it existed."""
    outcome = f.make_outcome(cast.plan, text="Sleep eight hours", why_it_matters="So I can work")
    untouched = f.make_resource(cast.plan, cast.ben.user, name="Sleep clinic")
    ValuedOutcome.objects.update(writers={})
    Resource.objects.update(writers={})
    history = [
        ("create", "person", {"text": "Sleep", "why_it_matters": "So I can work"}),
        ("edit", "professional", {"text": "Sleep eight hours"}),
        ("edit", "person", {"target_date": "2026-12-01"}),
    ]
    for action, side, after in history:
        PlanChange.objects.create(
            plan=cast.plan,
            action=action,
            actor_side=side,
            item_type="outcome",
            item_code=outcome.code,
            after=after,
            summary="-",
        )
    PlanChange.objects.create(
        plan=cast.plan,
        action="edit",
        actor_side="professional",
        item_type="about",
        item_code=cast.plan.code,
        after={"about_support": "Text me first"},
        summary="-",
    )
    import_module("plans.migrations.0019_fill_item_writers").fill_item_writers(apps, None)
    import_module("outcomes.migrations.0009_fill_outcome_writers").fill_outcome_writers(apps, None)
    outcome.refresh_from_db()
    untouched.refresh_from_db()
    cast.plan.refresh_from_db()
    assert outcome.writers == {"text": "professional", "why_it_matters": "person"}
    # No history: the side that began it.
    assert untouched.writers == {
        "name": "professional",
        "provider": "professional",
        "how_to_access": "professional",
    }
    assert cast.plan.about_writers == {
        "about_admire": "person",
        "about_matters": "person",
        "about_support": "professional",
    }
