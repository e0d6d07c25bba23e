"""The lead's team overview at the size of a real team: a page at a time, flat in queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.models import Discipline
from plans.models import Plan
from tests import factories as f
from tests.conftest import Cast, login


def _uncoordinated_plans(cast: Cast, count: int) -> list[Plan]:
    """`count` active plans on Ben's caseload with nobody coordinating them, oldest first."""
    plans = []
    started = timezone.now() - timedelta(days=count + 400)
    for n in range(count):
        plan = f.make_plan(f.make_person(f"person{n}", f"Person {n}"), areas=False)
        f.add_to_care_team(plan, cast.ben)
        plans.append(plan)
    for n, plan in enumerate(plans):
        Plan.objects.filter(pk=plan.pk).update(created_at=started + timedelta(days=n))
    return plans


def _hand_over_links(page: str) -> list[str]:
    return [line for line in page.split('href="') if line.startswith("/team/")]


@pytest.mark.django_db
def test_plans_without_a_coordinator_are_listed_a_page_at_a_time_oldest_first(
    client: Client, cast: Cast
) -> None:
    plans = _uncoordinated_plans(cast, 30)  # and Amara's, started today
    login(client, cast.chloe)
    first = client.get(reverse("team_overview")).content.decode()
    assert "Active plans with no care coordinator (31)" in first
    assert "25 to a page" in first
    assert reverse("team_hand_over", args=[plans[0].code]) in first
    assert reverse("team_hand_over", args=[plans[24].code]) in first
    assert reverse("team_hand_over", args=[plans[25].code]) not in first
    assert 'aria-label="Page 2"' in first

    second = client.get(reverse("team_overview"), {"page": "2"}).content.decode()
    assert "Active plans with no care coordinator (31)" in second
    assert reverse("team_hand_over", args=[plans[25].code]) in second
    assert reverse("team_hand_over", args=[cast.plan.code]) in second
    assert reverse("team_hand_over", args=[plans[0].code]) not in second
    # A page number that is not one falls back instead of failing.
    for page in ("999", "x", "-1"):
        assert client.get(reverse("team_overview"), {"page": page}).status_code == 200


@pytest.mark.django_db
def test_the_overview_runs_as_many_queries_for_thirty_plans_as_for_one(
    client: Client, cast: Cast, django_assert_max_num_queries
) -> None:
    login(client, cast.chloe)
    client.get(reverse("team_overview"))
    _uncoordinated_plans(cast, 30)
    # session, user, the team with its members, figures (which also count the plans
    # with no coordinator, and the leadership requests), the leadership requests
    # to name, the page of plans with no coordinator, session save (+2
    # savepoints), "For you" count
    with django_assert_max_num_queries(9):
        response = client.get(reverse("team_overview"))
    assert response.status_code == 200
    assert response.context["figures"]["active"] == 31


@pytest.mark.django_db
def test_the_caseload_named_by_its_members_is_the_caseload_of_the_team(cast: Cast) -> None:
    # Plans reached only through a removed membership or another team's
    # professional are not the team's; a plan with two of its members counts once.
    hana = f.make_professional("hana", "Hana Novak", cast.team)
    shared = f.make_plan(f.make_person("sam", "Sam Reid"), areas=False)
    f.add_to_care_team(shared, cast.ben)
    f.add_to_care_team(shared, hana)
    f.add_to_care_team(shared, cast.oscar)
    left = f.make_plan(f.make_person("lee", "Lee Park"), areas=False)
    gone = f.add_to_care_team(left, hana)
    gone.removed_at = timezone.now()
    gone.save()
    f.add_to_care_team(left, cast.oscar)
    members = [cast.chloe.pk, cast.ben.pk, hana.pk]

    by_team = set(Plan.objects.for_team(cast.team.pk))
    assert by_team == {cast.plan, shared}
    assert set(Plan.objects.for_team(cast.team.pk, members=members)) == by_team
    assert set(Plan.objects.for_team(cast.other_team.pk, members=[cast.oscar.pk])) == {
        cast.priya_plan,
        shared,
        left,
    }


@pytest.mark.django_db
def test_each_member_is_shown_with_the_plans_they_are_on_now(client: Client, cast: Cast) -> None:
    hana = f.make_professional("hana", "Hana Novak", cast.team)
    for n in range(3):
        f.add_to_care_team(f.make_plan(f.make_person(f"p{n}", f"Person {n}"), areas=False), hana)
    gone = f.add_to_care_team(f.make_plan(f.make_person("lee", "Lee Park"), areas=False), hana)
    gone.removed_at = timezone.now()
    gone.save()
    login(client, cast.chloe)
    response = client.get(reverse("team_overview"))
    shown = [(m.user.name, m.plans) for m in response.context["members"]]
    assert shown == [("Ben Okafor", 1), ("Chloe Adeyemi", 0), ("Hana Novak", 3)]
    assert response.context["figures"] == {"people": 4, "active": 4, "overdue": 0}


@pytest.mark.django_db
def test_a_plan_needs_a_coordinator_only_while_active_and_nobody_coordinates_it_now(
    client: Client, cast: Cast
) -> None:
    def plan_on_bens_caseload(name: str, **fields: object) -> Plan:
        plan = f.make_plan(f.make_person(name, name.title()), areas=False, **fields)
        f.add_to_care_team(plan, cast.ben)
        return plan

    coordinated_elsewhere = plan_on_bens_caseload("cora")  # by another team's professional
    member = f.add_to_care_team(coordinated_elsewhere, cast.oscar)
    member.is_coordinator = True
    member.save()
    stepped_down = plan_on_bens_caseload("dev")  # their coordinator was removed
    gone = f.add_to_care_team(stepped_down, cast.chloe)
    gone.is_coordinator = True
    gone.removed_at = timezone.now()
    gone.save()
    plan_on_bens_caseload("eve", status=Plan.Status.CLOSED)
    plan_on_bens_caseload("fay", status=Plan.Status.DRAFT)
    login(client, cast.chloe)

    page = client.get(reverse("team_overview")).content.decode()

    assert "Active plans with no care coordinator (2)" in page  # Amara's and Dev's
    assert reverse("team_hand_over", args=[stepped_down.code]) in page
    assert reverse("team_hand_over", args=[cast.plan.code]) in page
    assert reverse("team_hand_over", args=[coordinated_elsewhere.code]) not in page


@pytest.mark.django_db
def test_with_every_plan_coordinated_there_is_no_list_and_no_query_for_it(
    client: Client, cast: Cast, django_assert_max_num_queries
) -> None:
    member = cast.plan.care_team.get()
    member.is_coordinator = True
    member.save()
    login(client, cast.chloe)
    client.get(reverse("team_overview"))
    # as above, less the page of plans with no coordinator
    with django_assert_max_num_queries(8):
        page = client.get(reverse("team_overview")).content.decode()
    assert "no care coordinator" not in page


@pytest.mark.django_db
def test_each_member_is_shown_with_their_discipline(client: Client, cast: Cast) -> None:
    for discipline in Discipline:
        f.make_professional(f"d_{discipline}", f"Member {discipline.value}", cast.team, discipline)
    login(client, cast.chloe)
    response = client.get(reverse("team_overview"))
    page = response.content.decode()
    members = response.context["members"]
    assert {member.discipline for member in members} == set(Discipline)
    for member in members:
        assert member.discipline_label == member.get_discipline_display()
        assert (
            f'{member.user.name}</td><td class="nhsuk-table__cell">{member.discipline_label}<'
            in page
        )
