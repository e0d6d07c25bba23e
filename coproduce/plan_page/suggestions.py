"""Suggesting a new balance of leadership, and answering suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from coproduce.htmx import HtmxHttpRequest, page_or_fragment
from coproduce.plan_page.page import SUGGESTED, after_write, area_of_plan, plan_url
from plans import rules, services
from plans.access import get_or_404, get_plan_for_user, require_may_answer
from plans.forms import DeclineForm, LeadershipForm, ReasonForm
from plans.leadership import return_due_leadership
from plans.models import PlanChange, Proposal


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def leadership_propose(request: HtmxHttpRequest, code: str, area_code: str) -> HttpResponse:
    """A page of its own: the plan links here, and nothing loads it into the plan with htmx."""
    access = get_plan_for_user(request.user, code)
    return_due_leadership(access.plan)
    area = area_of_plan(access, area_code)
    pending = area.proposals.pending().filter(action=Proposal.Action.LEADERSHIP).first()
    form = LeadershipForm(current=area.leadership)
    status = 200
    if request.method == "POST" and pending is None:
        form = LeadershipForm(request.POST, current=area.leadership)
        if form.is_valid():
            try:
                services.propose_leadership(
                    access,
                    area,
                    form.cleaned_data["leadership"],
                    form.cleaned_data["reason"],
                    until=form.cleaned_data["until"],
                    until_review=form.cleaned_data["how_long"] == "review",
                )
            except services.AlreadyAnswered:
                messages.error(request, "Someone suggested a new balance here a moment ago.")
                return redirect(plan_url(access, f"#area-{area.code}"))
            return after_write(request, access, SUGGESTED, area)
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
        # The history of the balance here, newest first (DOMAIN.md: kept and shown).
        "balance_history": PlanChange.objects.filter(
            life_area=area, action=PlanChange.Action.LEADERSHIP
        )
        .select_related("actor")
        .order_by("-at", "-id"),
    }
    return render(request, "plans/leadership.html", context, status=status)


ANSWERS = {"accept", "decline", "withdraw"}
DONE = {"accept": "Accepted.", "decline": "Declined.", "withdraw": "Withdrawn."}


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def proposal_answer(
    request: HtmxHttpRequest, code: str, proposal_code: str, answer: str
) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    if answer not in ANSWERS:
        raise Http404
    proposal = get_or_404(
        Proposal.objects.select_related("proposed_by", "life_area", "answered_by").filter(
            plan=access.plan
        ),
        code=proposal_code,
    )
    # Who may answer is decided in plans.access, the same check the services make:
    # a refusal is a 403 before anything is shown or written.
    require_may_answer(access, proposal, answer)
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
                if proposal.item_type in rules.CRISIS_ITEM_TYPES and not request.htmx:
                    # Answered on the crisis plan's own page: back to it, to that section.
                    messages.success(request, DONE[answer])
                    section = proposal.item_type.removeprefix("crisis_")
                    return redirect(reverse("crisis_plan", args=[access.plan.code]) + f"#{section}")
                area = proposal.life_area
                anchor = f"#area-{area.code}" if area else "#suggestions"
                return after_write(request, access, DONE[answer], area, anchor=anchor)
        else:
            status = 422
    context = {
        "access": access,
        "plan": access.plan,
        "proposal": proposal,
        "answer": answer,
        "form": form,
    }
    return page_or_fragment(request, "plans/proposal_answer.html", "form", context, status=status)
