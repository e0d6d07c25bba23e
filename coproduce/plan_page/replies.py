"""The right of reply: replies under any item, rating or declined suggestion.

One URL per target: GET shows its replies and a form (a page of its own, or
for htmx only the replies block); POST adds a reply. Without JavaScript a
reply goes back to the item on the plan; with htmx only that item's replies
are redrawn.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from coproduce.htmx import HtmxHttpRequest, page_or_fragment
from coproduce.models import Side
from coproduce.plan_page.page import plan_url
from outcomes.models import Rating, ValuedOutcome
from plans.access import PlanAccess, get_or_404, get_plan_for_user
from plans.forms import ReplyForm, reply_form
from plans.models import Commitment, CrisisPlan, Expertise, LifeArea, Proposal, Reply, Resource
from plans.replies import InvalidReply, ReplyTarget, add_reply
from plans.services import shortened

Target = Reply.Target


def find_target(access: PlanAccess, target_type: str, target_code: str) -> tuple[ReplyTarget, str]:
    """What is being replied to, on this plan only (anything else is a 404), and its anchor."""
    plan = access.plan
    if target_type == Target.ABOUT:
        if str(plan.code) != str(target_code):
            raise Http404
        return ReplyTarget(Target.ABOUT, plan.code, None, "About me", Side.PERSON), "#about"
    if target_type == Target.CRISIS:
        crisis = get_or_404(CrisisPlan.objects.filter(plan=plan), code=target_code)
        target = ReplyTarget(Target.CRISIS, crisis.code, None, "Crisis plan", Side.PERSON)
        return target, reverse("crisis_plan", args=[plan.code]) + "#replies"
    if target_type == Target.LIFE_AREA:
        area = get_or_404(LifeArea.objects.filter(plan=plan), code=target_code)
        target = ReplyTarget(Target.LIFE_AREA, area.code, area, area.name, area.created_side)
        return target, f"#area-{area.code}"
    if target_type == Target.RATING:
        # Replies are between the two sides: a supporter's own view is not replied to.
        rating = get_or_404(
            Rating.objects.filter(
                plan=plan, outcome__removed_at__isnull=True, side__in=Side.values
            ).select_related("outcome__life_area"),
            code=target_code,
        )
        outcome = rating.outcome
        summary = f"{rating.score} out of 10 for {shortened(outcome.text)}"
        target = ReplyTarget(Target.RATING, rating.code, outcome.life_area, summary, rating.side)
        return target, f"#outcome-{outcome.code}"
    if target_type == Target.PROPOSAL:
        # Only a declined suggestion: a waiting one is answered, not replied to.
        proposal = get_or_404(
            Proposal.objects.filter(plan=plan, status=Proposal.Status.DECLINED).select_related(
                "life_area", "proposed_by"
            ),
            code=target_code,
        )
        summary = f"{proposal.proposed_by.name}'s suggestion"
        anchor = reverse("reply_add", args=[plan.code, Target.PROPOSAL, proposal.code])
        declined_by = (
            Side.PERSON if proposal.proposed_side == Side.PROFESSIONAL else Side.PROFESSIONAL
        )
        target = ReplyTarget(
            Target.PROPOSAL, proposal.code, proposal.life_area, summary, declined_by
        )
        return target, anchor
    models = {
        Target.OUTCOME: (ValuedOutcome, "text"),
        Target.RESOURCE: (Resource, "name"),
        Target.COMMITMENT: (Commitment, "what"),
        Target.EXPERTISE: (Expertise, "text"),
    }
    model, field = models[Target(target_type)]
    item = get_or_404(model.objects.current().filter(plan=plan), code=target_code)
    summary = shortened(getattr(item, field))
    target = ReplyTarget(target_type, item.code, item.life_area, summary, item.created_side)
    return target, f"#{target_type}-{item.code}"


def _back_url(access: PlanAccess, anchor: str) -> str:
    return anchor if anchor.startswith("/") else plan_url(access, anchor)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def reply_add(
    request: HtmxHttpRequest, code: str, target_type: str, target_code: str
) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    target, anchor = find_target(access, target_type, target_code)
    form: ReplyForm = reply_form(target.name, target.code)
    status = 200
    if request.method == "POST":
        try:
            add_reply(access, target, request.POST)
        except InvalidReply as invalid:
            form, status = invalid.form, 422
        else:
            if not request.htmx:
                messages.success(request, "Your reply is saved.")
                return redirect(_back_url(access, anchor))
    context = {
        "access": access,
        "plan": access.plan,
        "target": target,
        "target_label": target.summary,
        "target_kind": Target(target.name).label,
        "back_url": _back_url(access, anchor),
        "replies": list(
            Reply.objects.filter(plan=access.plan)
            .about(target.name, target.code)
            .select_related("author")
        ),
        "form": form,
        "open": True,
    }
    if request.method == "POST" and request.htmx and status == 200:
        # Only this item's replies; the rest of the page catches up through the live check.
        return render(request, "plans/reply.html#saved", context)
    return page_or_fragment(request, "plans/reply.html", "replies", context, status=status)
