"""Where each person lands: their plan, a professional's caseload, a lead's team."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coproduce.models import Side, Team
from plans.access import (
    get_led_team,
    get_own_plan,
    get_professional,
    may_open,
    supported_plans,
)
from plans.models import CareTeamMember, Plan, PlanChange, Proposal


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page they came for."""
    user = request.user
    if hasattr(user, "person"):
        plan = get_own_plan(user)
        if plan is not None:
            return redirect("plan_detail", code=plan.code)
        return render(request, "plans/no_plan.html", {})
    professional = getattr(user, "professional", None)
    if professional is not None:
        if Team.objects.filter(lead=professional).exists():
            return redirect("team_overview")
        return redirect("caseload")
    supported = _newest_per_person(supported_plans(user))
    if len(supported) == 1:
        return redirect("plan_detail", code=supported[0].code)
    if supported:
        return render(request, "plans/supporting.html", {"plans": supported})
    return render(request, "plans/no_role.html", {})


def _newest_per_person(plans: Any) -> list[Any]:
    """Each supported person's current plan: the newest open one, else the newest."""
    chosen: dict[int, Any] = {}
    for plan in plans:
        current = chosen.get(plan.person_id)
        if current is None or (current.is_closed and not plan.is_closed):
            chosen[plan.person_id] = plan
    return list(chosen.values())


CASELOAD_PAGE_SIZE = 25
UNCOORDINATED_PAGE_SIZE = 25
CASELOAD_FILTERS = {
    "all": "Everyone",
    "waiting": "Suggestions waiting for me",
    "overdue": "Reviews overdue",
    "changed": "Changed since I last looked",
}
# Which figure of the caseload summary counts the rows each filter shows.
CASELOAD_FILTER_COUNTS = {
    "all": "total",
    "waiting": "waiting",
    "overdue": "overdue",
    "changed": "changed",
}


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The plans this professional is on, with what needs them first.

    Sorted so that the plans waiting for an answer, then overdue reviews,
    then recent changes come first; searchable by name; paginated.
    """
    professional = get_professional(request.user)
    today = timezone.localdate()
    waiting = Proposal.objects.waiting_for(Side.PROFESSIONAL).filter(plan=OuterRef("plan"))
    waiting_count = waiting.order_by().values("plan").annotate(n=Count("id")).values("n")
    overdue = Plan.review_overdue_q(today, via="plan__")
    changed = Q(plan__version__gt=F("last_seen_version"))
    latest = PlanChange.objects.filter(plan=OuterRef("plan")).order_by("-at", "-id")
    memberships = (
        CareTeamMember.objects.current()
        .filter(professional=professional)
        .select_related("plan__person__user")
        .annotate(
            proposals_waiting=Coalesce(Subquery(waiting_count), 0),
            latest_change=Subquery(latest.values("summary")[:1]),
            latest_change_at=Subquery(latest.values("at")[:1]),
            changed=changed,
            overdue=overdue,
        )
    )
    summary = (
        CareTeamMember.objects.current()
        .filter(professional=professional)
        .aggregate(
            total=Count("id"),
            waiting=Count("id", filter=Exists(waiting)),
            overdue=Count("id", filter=overdue),
            changed=Count("id", filter=changed),
        )
    )
    # PostgreSQL cannot compare text holding NUL: a search for it is a search for the rest.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        memberships = memberships.filter(plan__person__user__display_name__icontains=query)
    shown = request.GET.get("show", "all")
    if shown not in CASELOAD_FILTERS:
        shown = "all"
    if shown == "waiting":
        memberships = memberships.filter(proposals_waiting__gt=0)
    elif shown in ("overdue", "changed"):
        memberships = memberships.filter(**{shown: True})
    memberships = memberships.order_by(
        F("proposals_waiting").desc(),
        F("overdue").desc(nulls_last=True),
        F("changed").desc(nulls_last=True),
        F("plan__next_review_date").asc(nulls_last=True),
        "plan__person__user__display_name",
    )
    paginator = Paginator(memberships, CASELOAD_PAGE_SIZE)
    if not query:
        # The summary has counted the rows of each filter already.
        paginator.count = summary[CASELOAD_FILTER_COUNTS[shown]]
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "professional": professional,
        "page_obj": page,
        "rows": page.object_list,
        "summary": summary,
        "query": query,
        "shown": shown,
        "filters": CASELOAD_FILTERS,
        "today": today,
    }
    return render(request, "plans/caseload.html", context)


@require_GET
def team_overview(request: HttpRequest) -> HttpResponse:
    """The lead's view of the team: who is in it and how big each caseload is."""
    team = get_led_team(request.user)
    current = CareTeamMember.objects.current().filter(professional=OuterRef("pk"))
    members = list(
        team.members.select_related("user")
        .annotate(
            # Counted member by member, from the index on (professional, removed_at)
            # alone (COUNT(*): no column the index does not hold).
            plans=Coalesce(
                Subquery(
                    current.order_by().values("professional").annotate(n=Count("*")).values("n")
                ),
                0,
            ),
        )
        .order_by("user__display_name", "pk")
    )
    caseload = Plan.objects.for_team(team.pk, members=[member.pk for member in members])
    today = timezone.localdate()
    # An active plan with nobody coordinating it needs the lead to act.
    coordinated = CareTeamMember.objects.current().filter(plan=OuterRef("pk"), is_coordinator=True)
    needs_coordinator = Q(status=Plan.Status.ACTIVE) & ~Q(Exists(coordinated))
    # The same rule, counted: active plans less those with a current coordinator,
    # joined (one at most per plan: a constraint), so that counting is one join
    # over the team's plans instead of one lookup per plan.
    coordinator = FilteredRelation(
        "care_team", condition=Q(care_team__is_coordinator=True, care_team__removed_at=None)
    )
    figures = caseload.annotate(coordinator=coordinator).aggregate(
        people=Count("person", distinct=True),
        active=Count("id", filter=Q(status=Plan.Status.ACTIVE)),
        overdue=Count("id", filter=Plan.review_overdue_q(today)),
        coordinated=Count("coordinator", filter=Q(status=Plan.Status.ACTIVE)),
    )
    # Listed by when they started (names are for the care team only), a page
    # at a time: a team without coordinators recorded can have thousands.
    uncoordinated = (
        caseload.filter(needs_coordinator).only("code", "created_at").order_by("created_at", "pk")
    )
    count = figures["active"] - figures.pop("coordinated")
    paginator = Paginator(uncoordinated if count else uncoordinated.none(), UNCOORDINATED_PAGE_SIZE)
    paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "team": team,
        "figures": figures,
        "members": members,
        **leadership_requests_waiting(team, caseload),
        "uncoordinated": page,
    }
    return render(request, "plans/team_overview.html", context)


LISTED_REQUESTS = 50


def leadership_requests_waiting(team: Team, caseload: Any) -> dict[str, object]:
    """People's requests for more leadership nobody answered in time, raised to the lead.

    `caseload`: the team's plans (Plan.objects.for_team). Named only on plans
    the lead may open (plans.access.may_open); the rest are counted. One
    query, and a second only when there are some to name.
    """
    overdue = Proposal.objects.leadership_requests_overdue(timezone.now()).filter(plan__in=caseload)
    assert team.lead is not None
    openable = may_open(team.lead, plan="plan")
    counts = overdue.aggregate(all=Count("pk"), named=Count("pk", filter=Q(openable)))
    listed = (
        overdue.filter(openable)
        .select_related("plan__person__user", "life_area", "proposed_by")
        .order_by("created_at", "pk")[:LISTED_REQUESTS]
    )
    return {
        "escalation_days": settings.LEADERSHIP_ESCALATION_DAYS,
        "requests_overdue": counts["all"],
        "requests_listed": list(listed) if counts["named"] else [],
        "requests_named": counts["named"],
        "requests_not_named": counts["all"] - counts["named"],
    }
