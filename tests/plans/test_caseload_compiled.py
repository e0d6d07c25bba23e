"""The caseload and the team overview run compiled SQL (`coproduce.compiled_query`).

A property test makes random caseloads (statuses, review dates, versions seen
and not, suggestions waiting and answered, changes, coordinators current and
removed, memberships removed, plans of another team) and checks, through the
pages themselves, that every filter, search and page shows the rows, order and
counts that the rules compute in Python, and the same as the ORM's own queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from plans.models import CareTeamMember, Plan, PlanChange, Proposal
from plans.views import caseload as views
from tests import factories as f
from tests.conftest import Cast, login

PAGE = views.CASELOAD_PAGE_SIZE


@dataclass(frozen=True)
class Spec:
    status: str
    review_in: int | None  # days from today
    version: int
    seen: int
    waiting: int  # suggestions by the person, waiting for a professional
    answered: int  # suggestions by the person, answered: not waiting
    changes: int
    bens: str  # Ben's membership: "current", "removed" or "none"
    coordinator: str  # "none", "ben", "removed", "other team"


SPECS = st.builds(
    Spec,
    status=st.sampled_from(["draft", "active", "closed"]),
    review_in=st.one_of(st.none(), st.integers(-5, 5)),
    version=st.integers(1, 3),
    seen=st.integers(0, 3),
    waiting=st.integers(0, 2),
    answered=st.integers(0, 1),
    changes=st.integers(0, 2),
    bens=st.sampled_from(["current", "current", "removed", "none"]),
    coordinator=st.sampled_from(["none", "ben", "removed", "other team"]),
)


def _make(cast: Cast, specs: list[Spec]) -> None:
    today = timezone.localdate()
    now = timezone.now()
    for n, spec in enumerate(specs):
        # Unique names, in an order unlike the order made (the last sort key).
        person = f.make_person(f"case{n}", f"case {(n * 7) % 31:02d}")
        review = None if spec.review_in is None else today + datetime.timedelta(spec.review_in)
        plan = f.make_plan(person, areas=False, status=spec.status, next_review_date=review)
        Plan.objects.filter(pk=plan.pk).update(
            version=spec.version, created_at=now - datetime.timedelta(days=100 - n)
        )
        if spec.bens != "none":
            member = f.add_to_care_team(plan, cast.ben)
            member.last_seen_version = spec.seen
            member.is_coordinator = spec.coordinator == "ben"
            member.removed_at = now if spec.bens == "removed" else None
            member.save()
        else:
            f.add_to_care_team(plan, cast.chloe)  # still the team's
        if spec.coordinator in ("removed", "other team"):
            coordinator = f.add_to_care_team(plan, cast.oscar)
            coordinator.is_coordinator = True
            coordinator.removed_at = now if spec.coordinator == "removed" else None
            coordinator.save()
        for status, count in (("pending", spec.waiting), ("accepted", spec.answered)):
            for _ in range(count):
                Proposal.objects.create(
                    plan=plan,
                    action="add",
                    item_type="outcome",
                    proposed_by=person.user,
                    proposed_side="person",
                    status=status,
                    answered_at=None if status == "pending" else now,
                )
        for k in range(spec.changes):
            PlanChange.objects.create(
                plan=plan, action="edit", summary=f"change {n}.{k}", plan_version=spec.version
            )


def _expected_caseload(cast: Cast) -> list[dict[str, Any]]:
    """Ben's caseload by the rules, in Python, most pressing first."""
    today = timezone.localdate()
    rows = []
    for member in CareTeamMember.objects.filter(professional=cast.ben, removed_at=None):
        plan = Plan.objects.select_related("person__user").get(pk=member.plan_id)
        latest = PlanChange.objects.filter(plan=plan).order_by("-at", "-id").first()
        rows.append(
            {
                "plan": plan.pk,
                "name": plan.person.user.name,
                "waiting": Proposal.objects.filter(
                    plan=plan, status="pending", proposed_side="person"
                ).count(),
                "overdue": plan.status != "closed"
                and plan.next_review_date is not None
                and plan.next_review_date < today,
                "changed": plan.version > member.last_seen_version,
                "review": plan.next_review_date,
                "latest": latest.summary if latest else None,
                "status": plan.status,
            }
        )

    def overdue_order(row: dict[str, Any]) -> int:
        # As SQL has it, and so sorts it: for an open plan with no review date
        # "overdue" is unknown, not false, and comes after false (NULLS LAST).
        if row["review"] is None and row["status"] != "closed":
            return 2
        return 0 if row["overdue"] else 1

    return sorted(
        rows,
        key=lambda row: (
            -row["waiting"],
            overdue_order(row),
            not row["changed"],
            row["review"] is None,
            row["review"] or today,
            row["name"],
        ),
    )


def _shown(client: Client, **params: str) -> tuple[list[dict[str, Any]], Any]:
    """Every row of every page of the caseload with these filters, and the summary."""
    shown: list[dict[str, Any]] = []
    number = 1
    while True:
        response = client.get(reverse("caseload"), {**params, "page": str(number)})
        assert response.status_code == 200
        for row in response.context["rows"]:
            shown.append(
                {
                    "plan": row.plan.pk,
                    "name": row.plan.person.user.name,
                    "waiting": row.proposals_waiting,
                    "overdue": row.overdue,
                    "changed": row.changed,
                    "review": row.plan.next_review_date,
                    "latest": row.latest_change,
                    "status": row.plan.status,
                }
            )
        page = response.context["page_obj"]
        if not page.has_next():
            return shown, response.context["summary"]
        number += 1


def _orm_caseload(cast: Cast, shown: str, query: str = "") -> list[int]:
    """The rows as the ORM's own query gives them (what the compiled SQL was built from)."""
    asked = views._Asked(cast.ben.pk, timezone.localdate(), query)
    return [m.plan_id for m in views.caseload_memberships(asked, shown)]


def _check_caseload(client: Client, cast: Cast) -> None:
    expected = _expected_caseload(cast)
    everyone, summary = _shown(client)
    assert everyone == expected
    assert summary == {
        "total": len(expected),
        "waiting": sum(1 for row in expected if row["waiting"]),
        "overdue": sum(1 for row in expected if row["overdue"]),
        "changed": sum(1 for row in expected if row["changed"]),
    }
    assert [row["plan"] for row in everyone] == _orm_caseload(cast, "all")
    for shown, keep in (
        ("waiting", lambda row: row["waiting"] > 0),
        ("overdue", lambda row: row["overdue"]),
        ("changed", lambda row: row["changed"]),
    ):
        rows, _ = _shown(client, show=shown)
        assert rows == [row for row in expected if keep(row)], shown
        assert [row["plan"] for row in rows] == _orm_caseload(cast, shown)
    found, _ = _shown(client, q="SE 1")  # any case, part of a name
    assert found == [row for row in expected if "se 1" in row["name"]]
    assert [row["plan"] for row in found] == _orm_caseload(cast, "all", "SE 1")


def _check_team(client: Client, cast: Cast) -> None:
    response = client.get(reverse("team_overview"))
    members = [cast.chloe.pk, cast.ben.pk]
    caseload = Plan.objects.for_team(cast.team.pk, members=members)
    today = timezone.localdate()
    coordinated = CareTeamMember.objects.filter(
        plan=OuterRef("pk"), is_coordinator=True, removed_at=None
    )
    # The figures as the view counted them before it was compiled, rule by rule.
    needing = caseload.filter(Q(status="active") & ~Q(Exists(coordinated)))
    assert response.context["figures"] == caseload.aggregate(
        people=Count("person", distinct=True),
        active=Count("id", filter=Q(status="active")),
        overdue=Count("id", filter=Plan.review_overdue_q(today)),
    )
    assert set(caseload.needing_coordinator()) == set(needing)
    figures = caseload.with_coordinator().aggregate(n=Plan.needing_coordinator_count())
    assert figures["n"] == needing.count()
    listed: list[Plan] = []
    page = response.context["uncoordinated"]
    assert page.paginator.count == needing.count()
    for number in page.paginator.page_range:
        shown = client.get(reverse("team_overview"), {"page": str(number)})
        listed.extend(shown.context["uncoordinated"])
    assert [plan.pk for plan in listed] == [
        plan.pk for plan in needing.order_by("created_at", "pk")
    ]
    assert [(m.user.name, m.plans) for m in response.context["members"]] == [
        (member.user.name, member.memberships.filter(removed_at=None).count())
        for member in cast.team.members.order_by("user__display_name", "pk")
    ]


@settings(
    max_examples=12,  # each example makes a caseload and reads some twenty pages
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking replays the database: slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(SPECS, min_size=0, max_size=2 * PAGE + 3))
def test_compiled_pages_show_what_the_rules_and_the_orm_say(
    client: Client, cast: Cast, specs: list[Spec]
) -> None:
    with transaction.atomic():  # each example starts from the cast alone
        _make(cast, specs)
        login(client, cast.ben)
        _check_caseload(client, cast)
        login(client, cast.chloe)
        _check_team(client, cast)
        transaction.set_rollback(True)


@pytest.mark.parametrize("size", [1, 4, 21])
def test_every_compiled_query_is_recorded(db: None, size: int) -> None:
    """Each falls back to building its query at every run if unsound: slower, not
    wrong. This says none is falling back."""
    assert views._CASELOAD_SUMMARY.recorded() is not None
    assert all(query.recorded() is not None for query in views._CASELOAD_PAGES.values())
    assert views._TEAM_MEMBERS.recorded() is not None
    assert all(query.recorded() is not None for query in views._team_queries(size).values())


def test_an_empty_caseload_reads_no_rows(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    CareTeamMember.objects.filter(professional=cast.ben).delete()
    login(client, cast.ben)
    client.get(reverse("caseload"))
    # session, user, the professional with their summary, "For you" count: no
    # query for an empty page
    with django_assert_max_num_queries(4):
        response = client.get(reverse("caseload"))
    assert list(response.context["rows"]) == []
    assert "You are not on anyone's care team yet" in response.content.decode()


def test_a_search_for_a_wildcard_finds_the_character_itself(client: Client, cast: Cast) -> None:
    for username, name in (("sure", "Sure 100% Person"), ("under", "Under_score Person")):
        f.add_to_care_team(f.make_plan(f.make_person(username, name), areas=False), cast.ben)
    login(client, cast.ben)
    for query, names in (
        ("%", ["Sure 100% Person"]),
        ("_", ["Under_score Person"]),
        ("\\", []),
        ("person", ["Sure 100% Person", "Under_score Person"]),
    ):
        rows = client.get(reverse("caseload"), {"q": query}).context["rows"]
        assert [row.plan.person.user.name for row in rows] == names, query
        assert [row.plan.pk for row in rows] == _orm_caseload(cast, "all", query)
