from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails

from coproduce.models import Side, Team
from plans import rules, services, services_power
from plans.access import (
    PlanAccess,
    get_led_team,
    get_own_plan,
    get_plan_for_user,
    get_professional,
)
from plans.forms import DeclineForm, LeadershipForm, ReasonForm, SignInForm
from plans.models import CareTeamMember, LifeArea, Plan, PlanChange, Proposal
from plans.queries import load_plan_page


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class LoginView(auth_views.LoginView):
    """Django's sign-in, with a hint listing the demo logins when DEBUG is on."""

    redirect_authenticated_user = True
    form_class = SignInForm

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["demo_hint"] = settings.DEBUG
        return context


@login_not_required
@require_GET
def healthz(request: HtmxHttpRequest) -> HttpResponse:
    """For load balancers, and the reference point of `manage.py bench`."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
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
    return render(request, "plans/no_role.html", {})


@require_GET
def plan_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    services_power.log_view(access, "plan")
    page = load_plan_page(access.plan)
    if access.membership_id is not None:
        # The caseload shows "changed since you last looked" from this.
        CareTeamMember.objects.filter(pk=access.membership_id).update(
            last_seen_version=access.plan.version
        )
    context = {"access": access, "plan": access.plan, "page": page}
    return render(request, "plans/plan_detail.html", context)


CASELOAD_PAGE_SIZE = 25
CASELOAD_FILTERS = {
    "all": "Everyone",
    "waiting": "Suggestions waiting for me",
    "overdue": "Reviews overdue",
    "changed": "Changed since I last looked",
}


@require_GET
def caseload(request: HtmxHttpRequest) -> HttpResponse:
    """The plans this professional is on, with what needs them first.

    Sorted so that the plans waiting for an answer, then overdue reviews,
    then recent changes come first; searchable by name; paginated.
    """
    professional = get_professional(request.user)
    today = timezone.localdate()
    waiting = (
        Proposal.objects.filter(
            plan=OuterRef("plan"),
            status=Proposal.Status.PENDING,
            proposed_side=Side.PERSON,
        )
        .order_by()
        .values("plan")
        .annotate(n=Count("id"))
        .values("n")
    )
    overdue = Q(plan__next_review_date__lt=today) & ~Q(plan__status=Plan.Status.CLOSED)
    changed = Q(plan__version__gt=F("last_seen_version"))
    latest = PlanChange.objects.filter(plan=OuterRef("plan")).order_by("-at", "-id")
    memberships = (
        CareTeamMember.objects.current()
        .filter(professional=professional)
        .select_related("plan__person__user")
        .annotate(
            proposals_waiting=Coalesce(Subquery(waiting), 0),
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
            waiting=Count(
                "id",
                filter=Exists(
                    Proposal.objects.filter(
                        plan=OuterRef("plan"),
                        status=Proposal.Status.PENDING,
                        proposed_side=Side.PERSON,
                    )
                ),
            ),
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
    page = Paginator(memberships, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
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
def team_overview(request: HtmxHttpRequest) -> HttpResponse:
    """The lead's view of the team: who is in it and how big each caseload is."""
    team = get_led_team(request.user)
    caseload = Plan.objects.for_team(team.pk)
    today = timezone.localdate()
    figures = caseload.aggregate(
        people=Count("person", distinct=True),
        active=Count("id", filter=Q(status=Plan.Status.ACTIVE)),
        overdue=Count("id", filter=Q(next_review_date__lt=today) & ~Q(status=Plan.Status.CLOSED)),
    )
    members = (
        team.members.select_related("user")
        .annotate(
            plans=Count("memberships", filter=Q(memberships__removed_at__isnull=True)),
        )
        .order_by("user__display_name")
    )
    context = {"team": team, "figures": figures, "members": members}
    return render(request, "plans/team_overview.html", context)


# --- editing the plan -------------------------------------------------------------
#
# One URL and one view serve the full page (no JavaScript) and the fragment
# (htmx). Every write goes through plans.services, which asks plans.rules
# whether it applies at once or becomes a proposal.


def _kind(name: str) -> services.ItemKind:
    kind = services.KINDS.get(name)
    if kind is None:
        raise Http404
    return kind


def _area(access: PlanAccess, code: str | None) -> LifeArea:
    if not code:
        raise Http404
    try:
        return LifeArea.objects.get(plan=access.plan, code=code)
    except (LifeArea.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def _item(access: PlanAccess, kind: services.ItemKind, code: str) -> Any:
    try:
        item = services.find_item(kind, access.plan, code)
    except (ValueError, ValidationError):
        item = None
    if item is None:
        raise Http404
    return item


def _will_propose(
    access: PlanAccess, kind: services.ItemKind, act: str, area: LifeArea | None, item: Any
) -> bool:
    return services.decision_for(access, kind, act, area, item) == rules.Decision.PROPOSE


def area_response(request: HttpRequest, access: PlanAccess, area: LifeArea | None) -> HttpResponse:
    """After a successful htmx write: the refreshed region, and the authorship line.

    The region (one life area, or the whole plan when the change was not in
    an area) and the lines that summarise the plan come back out of band.
    """
    page = load_plan_page(access.plan)
    context = {"access": access, "plan": access.plan, "page": page}
    if area is not None:
        context["section"] = next(s for s in page.areas if s.area.pk == area.pk)
        response = render(request, "plans/plan_detail.html#area-oob", context)
        return retarget(reswap(response, "none"), "body")
    response = render(request, "plans/plan_detail.html#everything-oob", context)
    return retarget(reswap(response, "none"), "body")


def _after_write(
    request: HtmxHttpRequest, access: PlanAccess, result: services.Result, area: LifeArea | None
) -> HttpResponse:
    if result.applied:
        message = "Saved."
    else:
        message = "Sent as a suggestion. It will apply when the other side accepts it."
    if request.htmx:
        response = area_response(request, access, area)
        return trigger_client_event(response, "coproduce:saved", {"message": message})
    messages.success(request, message)
    anchor = f"#area-{area.code}" if area is not None else ""
    return redirect(reverse("plan_detail", args=[access.plan.code]) + anchor)


def _form_response(
    request: HtmxHttpRequest,
    access: PlanAccess,
    kind: services.ItemKind,
    form: Any,
    *,
    act: str,
    area: LifeArea | None,
    action_url: str,
    title: str,
    status: int,
    item: Any = None,
    **extra: Any,
) -> HttpResponse:
    """The add/change form: a whole page without JavaScript, the form alone for htmx."""
    context = {
        "access": access,
        "plan": access.plan,
        "kind": kind,
        "form": form,
        "item": item,
        "area": area,
        "action_url": action_url,
        "will_propose": _will_propose(access, kind, act, area, item),
        "title": title,
        **extra,
    }
    template = "plans/item_form.html#form" if request.htmx else "plans/item_form.html"
    return render(request, template, context, status=status)


def _conflict_response(
    request: HtmxHttpRequest,
    access: PlanAccess,
    kind: services.ItemKind,
    conflict: services.Conflict,
    area: LifeArea | None,
    action_url: str,
) -> HttpResponse:
    current = conflict.current
    if getattr(current, "removed_at", None):
        messages.error(
            request, "Someone removed this while you were editing it. Your text is shown below."
        )
    form = conflict.submitted or services.build_form(access, kind, request.POST, item=current)
    return _form_response(
        request,
        access,
        kind,
        form,
        act=rules.Act.CHANGE,
        area=area,
        action_url=action_url,
        title=f"Someone else changed this {kind.label}",
        status=409,
        item=current,
        conflict=True,
        current_picture=services.describe(kind, current),
        version=getattr(current, kind.version_field),
    )


@require_http_methods(["GET", "POST"])
def item_add(request: HtmxHttpRequest, code: str, kind_name: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    kind = _kind(kind_name)
    if kind.name == "about":
        raise Http404
    area = (
        _area(access, request.POST.get("area") or request.GET.get("area")) if kind.in_area else None
    )
    form: Any = services.build_form(access, kind)
    action_url = reverse("item_add", args=[access.plan.code, kind.name])
    if request.method == "POST":
        try:
            result = services.submit_add(
                access, kind, request.POST, area=area, reason=request.POST.get("reason", "")
            )
        except services.Invalid as invalid:
            form = invalid.form
        else:
            return _after_write(request, access, result, area)
    return _form_response(
        request,
        access,
        kind,
        form,
        act=rules.Act.ADD,
        area=area,
        action_url=action_url,
        title=f"Add {'an' if kind.label[0] in 'aeiou' else 'a'} {kind.label}",
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def item_edit(
    request: HtmxHttpRequest, code: str, kind_name: str, item_code: str | None = None
) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    kind = _kind(kind_name)
    item = access.plan if kind.name == "about" else _item(access, kind, item_code or "")
    area = services.area_of(kind, item)
    if kind.name == "about":
        action_url = reverse("about_edit", args=[access.plan.code])
    else:
        action_url = reverse("item_edit", args=[access.plan.code, kind.name, item.code])
    form: Any = services.build_form(access, kind, item=item)
    version = getattr(item, kind.version_field)
    if request.method == "POST":
        try:
            result = services.submit_change(
                access, kind, item, request.POST, reason=request.POST.get("reason", "")
            )
        except services.Invalid as invalid:
            form = invalid.form
            version = services.parse_version(request.POST) or version
        except services.Conflict as conflict:
            return _conflict_response(request, access, kind, conflict, area, action_url)
        else:
            return _after_write(request, access, result, area if kind.in_area else None)
    return _form_response(
        request,
        access,
        kind,
        form,
        act=rules.Act.CHANGE,
        area=area,
        action_url=action_url,
        title=f"Change {kind.label}",
        status=422 if form.is_bound else 200,
        item=item,
        version=version,
    )


@require_http_methods(["GET", "POST"])
def item_remove(
    request: HtmxHttpRequest, code: str, kind_name: str, item_code: str
) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    kind = _kind(kind_name)
    if not kind.removable:
        raise Http404
    item = _item(access, kind, item_code)
    area = services.area_of(kind, item)
    reason_form: Any = None
    status = 200
    if request.method == "POST":
        try:
            result = services.submit_remove(access, kind, item, request.POST)
        except services.Invalid as invalid:
            reason_form = invalid.form
            status = 422
        except services.Conflict as conflict:
            if conflict.current.removed_at is not None:
                messages.info(request, "Someone else has already removed this.")
                if request.htmx:
                    return HttpResponseClientRedirect(
                        reverse("plan_detail", args=[access.plan.code])
                    )
                return redirect("plan_detail", code=access.plan.code)
            # Changed since they opened it: show the newer version, keep their reason,
            # and let them decide again.
            item = conflict.current
            reason_form = ReasonForm(request.POST)
            status = 409
        else:
            return _after_write(request, access, result, area if kind.in_area else None)
    context = {
        "access": access,
        "plan": access.plan,
        "kind": kind,
        "item": item,
        "area": area,
        "picture": services.describe(kind, item),
        "will_propose": _will_propose(access, kind, rules.Act.REMOVE, area, item),
        "reason_form": reason_form,
        "changed_meanwhile": status == 409,
    }
    template = "plans/item_remove.html#confirm" if request.htmx else "plans/item_remove.html"
    return render(request, template, context, status=status)


@require_GET
def area_fragment(request: HtmxHttpRequest, code: str, area_code: str) -> HttpResponse:
    """One life area on its own: what "Cancel" puts back when an edit is abandoned."""
    access = get_plan_for_user(request.user, code)
    area = _area(access, area_code)
    if not request.htmx:
        return redirect(reverse("plan_detail", args=[access.plan.code]) + f"#area-{area.code}")
    page = load_plan_page(access.plan)
    context = {
        "access": access,
        "plan": access.plan,
        "page": page,
        "section": next(s for s in page.areas if s.area.pk == area.pk),
    }
    return render(request, "plans/plan_detail.html#area", context)


@require_http_methods(["GET", "POST"])
def leadership_propose(request: HtmxHttpRequest, code: str, area_code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    area = _area(access, area_code)
    pending = area.proposals.filter(
        action=Proposal.Action.LEADERSHIP, status=Proposal.Status.PENDING
    ).first()
    form = LeadershipForm(current=area.leadership)
    status = 200
    if request.method == "POST" and pending is None:
        form = LeadershipForm(request.POST, current=area.leadership)
        if form.is_valid():
            try:
                services.propose_leadership(
                    access, area, form.cleaned_data["leadership"], form.cleaned_data["reason"]
                )
            except services.AlreadyAnswered:
                messages.error(request, "Someone suggested a new balance here a moment ago.")
                return redirect(
                    reverse("plan_detail", args=[access.plan.code]) + f"#area-{area.code}"
                )
            return _after_write(request, access, services.Result(applied=False), area)
        status = 422
    elif request.method == "POST":
        # Someone suggested a balance first: say so, and give back what they wrote.
        form = LeadershipForm(request.POST, current=area.leadership)
        status = 409
    context = {
        "access": access,
        "plan": access.plan,
        "area": area,
        "form": form,
        "pending": pending,
    }
    template = "plans/leadership.html#form" if request.htmx else "plans/leadership.html"
    return render(request, template, context, status=status)


ANSWERS = {"accept", "decline", "withdraw"}


@require_http_methods(["GET", "POST"])
def proposal_answer(
    request: HtmxHttpRequest, code: str, proposal_code: str, answer: str
) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    if answer not in ANSWERS:
        raise Http404
    try:
        proposal = Proposal.objects.select_related("proposed_by", "life_area", "answered_by").get(
            plan=access.plan, code=proposal_code
        )
    except (Proposal.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    allowed = (
        rules.may_withdraw(proposal, access.user)
        if answer == "withdraw"
        else rules.may_answer(proposal, access.side)
    )
    if proposal.is_pending and not allowed:
        raise PermissionDenied("This suggestion is not yours to answer.")
    form_class = DeclineForm if answer == "decline" else ReasonForm
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if not proposal.is_pending:
        status = 409
        if form.is_bound:
            form.add_error(None, "This suggestion has already been answered.")
    elif request.method == "POST":
        if form.is_valid():
            reason = form.cleaned_data.get("reason", "")
            try:
                if answer == "accept":
                    services.accept_proposal(access, proposal, reason)
                elif answer == "decline":
                    services.decline_proposal(access, proposal, reason)
                else:
                    services.withdraw_proposal(access, proposal)
            except services.AlreadyAnswered:
                proposal.refresh_from_db()
                status = 409
            except services.ProposalCannotApply as cannot:
                form.add_error(None, f"This suggestion can no longer be applied. {cannot.why}")
                status = 409
            else:
                done = {"accept": "Accepted.", "decline": "Declined.", "withdraw": "Withdrawn."}[
                    answer
                ]
                if request.htmx:
                    response = area_response(request, access, proposal.life_area)
                    return trigger_client_event(response, "coproduce:saved", {"message": done})
                messages.success(request, done)
                anchor = (
                    f"#area-{proposal.life_area.code}" if proposal.life_area else "#suggestions"
                )
                return redirect(reverse("plan_detail", args=[access.plan.code]) + anchor)
        else:
            status = 422
    context = {
        "access": access,
        "plan": access.plan,
        "proposal": proposal,
        "answer": answer,
        "form": form,
    }
    template = "plans/proposal_answer.html#form" if request.htmx else "plans/proposal_answer.html"
    return render(request, template, context, status=status)


HISTORY_PAGE_SIZE = 25


@require_GET
def history(request: HtmxHttpRequest, code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    services_power.log_view(access, "history")
    changes = PlanChange.objects.filter(plan=access.plan).select_related("actor", "life_area")
    areas = list(LifeArea.objects.filter(plan=access.plan).order_by("position", "id"))
    area_code = request.GET.get("area", "")
    selected = next((a for a in areas if str(a.code) == area_code), None)
    if area_code and selected is None:
        raise Http404
    if selected is not None:
        changes = changes.filter(life_area=selected)
    paginator = Paginator(changes.order_by("-at", "-id"), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "access": access,
        "plan": access.plan,
        "page_obj": page,
        "areas": areas,
        "selected": selected,
    }
    return render(request, "plans/history.html", context)


@require_GET
def live(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Has the plan changed since version v? One small query when it has not.

    Open plan pages ask every few seconds. Nothing changed: 204, htmx does
    nothing. Something changed: the regions that changed, swapped out of band.
    """
    # Access ended while the page was open: the 404 gets HX-Redirect to the
    # "access ended" page from coproduce.middleware.AccessEndedMiddleware.
    access = get_plan_for_user(request.user, code)
    try:
        seen = int(request.GET.get("v", ""))
    except ValueError:
        return HttpResponseBadRequest("v must be a plan version number")
    plan = access.plan
    if seen >= plan.version:
        return HttpResponse(status=204)
    changed = set(
        PlanChange.objects.filter(plan=plan, plan_version__gt=seen).values_list(
            "life_area_id", flat=True
        )
    )
    page = load_plan_page(plan)
    context = {
        "access": access,
        "plan": plan,
        "page": page,
        "changed_sections": [s for s in page.areas if s.area.pk in changed],
        "whole_plan_changed": None in changed or not changed,
    }
    return render(request, "plans/plan_detail.html#live-update", context)
