"""The person's crisis and contingency plan: its page, its forms, print and wallet card.

Reached from the top of the plan page. Every section is written through
plans.services (one kind per section); plans.rules makes each the person's
own, so a professional's change is sent to the person as a suggestion. The
forms are pages of their own, so it all works without JavaScript; the page
itself keeps up with changes through the same live check as the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.plan_page.page import SUGGESTED, item_of_plan, try_change, try_remove
from plans import crisis as crisis_service
from plans import rules, services
from plans.access import PlanAccess, get_plan_for_user
from plans.care_team import log_view
from plans.models import CrisisContact, CrisisPlan, Proposal, Reply


@dataclass(frozen=True)
class Section:
    """One part of the crisis plan as the page shows it: its kind and its headings."""

    kind_name: str
    heading: str  # in the person's words
    heading_other: str  # as the care team reads it
    anchor: str

    @property
    def kind(self) -> services.ItemKind:
        return services.KINDS[self.kind_name]


SECTIONS = [
    Section("crisis_signs", "My early warning signs", "Early warning signs", "signs"),
    Section("crisis_helps", "What helps me, and what does not", "What helps", "helps"),
    Section("crisis_tell", "Who to tell, and who not to tell", "Who to tell", "tell"),
    Section(
        "crisis_treatment",
        "My treatment preferences and what I do not want",
        "Treatment preferences (advance statement)",
        "treatment",
    ),
    Section("crisis_practical", "Practical things", "Practical things", "practical"),
]
SECTION_BY_ANCHOR = {section.anchor: section for section in SECTIONS}


def _label(name: str) -> str:
    field = CrisisPlan._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


@dataclass
class CrisisPage:
    """What the crisis page, its print view and its card show: a fixed number of queries."""

    crisis: CrisisPlan
    contacts: list[CrisisContact]
    proposals: list[Proposal]
    agreements: list[Any]
    replies: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    lines: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def sections(self) -> list[dict[str, Any]]:
        return [
            {
                "section": section,
                "fields": [
                    (_label(name), getattr(self.crisis, name)) for name in section.kind.fields
                ],
                "proposals": [p for p in self.proposals if p.item_type == section.kind_name],
            }
            for section in SECTIONS
        ]

    @property
    def contact_proposals(self) -> list[Proposal]:
        return [p for p in self.proposals if p.item_type == "crisis_contact"]

    @property
    def reviewed_recently(self) -> bool:
        reviewed = self.crisis.reviewed_at
        return reviewed is not None and reviewed >= timezone.now() - crisis_service.review_period()


def load_crisis_page(access: PlanAccess) -> CrisisPage:
    plan = access.plan
    crisis = crisis_service.crisis_plan_of(plan) or crisis_service.blank_crisis_plan(plan)
    contacts = list(
        CrisisContact.objects.current().filter(plan=plan).select_related("created_by", "updated_by")
    )
    proposals = list(
        Proposal.objects.pending()
        .filter(plan=plan, item_type__in=rules.CRISIS_ITEM_TYPES)
        .select_related("proposed_by")
    )
    replies: dict[tuple[str, str], list[Reply]] = {}
    if crisis.pk:
        for reply in (
            Reply.objects.filter(plan=plan)
            .about(Reply.Target.CRISIS, crisis.code)
            .select_related("author")
        ):
            replies.setdefault((reply.target_type, str(reply.target_code)), []).append(reply)
    return CrisisPage(
        crisis=crisis,
        contacts=contacts,
        proposals=proposals,
        agreements=crisis_service.current_agreements(crisis),
        replies=replies,
        lines=list(settings.CRISIS_LINES),
    )


def crisis_url(access: PlanAccess, anchor: str = "") -> str:
    return reverse("crisis_plan", args=[access.plan.code]) + anchor


def _context(access: PlanAccess, page: CrisisPage, **extra: Any) -> dict[str, Any]:
    return {"access": access, "plan": access.plan, "page": page, "crisis": page.crisis, **extra}


def _show(
    request: HttpRequest, code: str, looked_at: str, template: str, **extra: Any
) -> HttpResponse:
    """One of the crisis plan's pages: a look at it (in "who has looked"), and the page."""
    access = get_plan_for_user(request.user, code)
    log_view(access, looked_at)
    page = load_crisis_page(access)
    return render(request, template, _context(access, page, **extra))


@require_GET
def crisis_plan(request: HttpRequest, code: str) -> HttpResponse:
    return _show(request, code, "crisis", "plans/crisis_plan.html")


@require_GET
def crisis_live(request: HttpRequest, code: str) -> HttpResponse:
    """Has the plan changed since version v? 204 if not; else the crisis plan, redrawn."""
    access = get_plan_for_user(request.user, code)
    try:
        seen = int(request.GET.get("v", ""))
    except ValueError:
        return HttpResponseBadRequest("v must be a plan version number")
    if seen >= access.plan.version:
        return HttpResponse(status=204)
    log_view(access, "update", "crisis plan")
    page = load_crisis_page(access)
    return render(
        request, "plans/crisis_plan.html#live-update", _context(access, page, live=True, oob=True)
    )


@require_GET
def crisis_print(request: HttpRequest, code: str) -> HttpResponse:
    """The crisis plan on one A4 page, for printing or saving as a PDF."""
    return _show(
        request, code, "crisis print", "plans/crisis_print.html", printed_at=timezone.now()
    )


@require_GET
def crisis_card(request: HttpRequest, code: str) -> HttpResponse:
    """The few things needed first, on a card the size of a bank card."""
    return _show(request, code, "crisis card", "plans/crisis_card.html")


def _after_write(
    request: HttpRequest, result: services.Result, access: PlanAccess, anchor: str
) -> HttpResponse:
    if result.applied:
        messages.success(request, "Saved.")
    else:
        messages.success(request, SUGGESTED)
    return redirect(crisis_url(access, f"#{anchor}"))


def _form_page(
    request: HttpRequest,
    access: PlanAccess,
    kind: services.ItemKind,
    form: Any,
    *,
    title: str,
    action_url: str,
    anchor: str,
    status: int,
    act: str,
    item: Any = None,
    **extra: Any,
) -> HttpResponse:
    will_propose = services.decision_for(access, kind, act, None, item) == rules.Decision.PROPOSE
    context = {
        "access": access,
        "plan": access.plan,
        "kind": kind,
        "form": form,
        "title": title,
        "action_url": action_url,
        "back_url": crisis_url(access, f"#{anchor}"),
        "will_propose": will_propose,
        **extra,
    }
    return render(request, "plans/crisis_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def crisis_section_edit(request: HttpRequest, code: str, section: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    part = SECTION_BY_ANCHOR.get(section)
    if part is None:
        raise Http404
    kind = part.kind
    crisis = crisis_service.crisis_plan_of(access.plan) or crisis_service.blank_crisis_plan(
        access.plan
    )

    def save() -> services.Result:
        with transaction.atomic():
            started = crisis_service.start_crisis_plan(access)
            return services.submit_change(
                access, kind, started, request.POST, reason=request.POST.get("reason", "")
            )

    change = try_change(request, access, kind, crisis, save)
    if change.result is not None:
        return _after_write(request, change.result, access, part.anchor)
    title = part.heading if access.is_owner else part.heading_other
    return _form_page(
        request,
        access,
        kind,
        change.form,
        title=title,
        action_url=reverse("crisis_section_edit", args=[access.plan.code, part.anchor]),
        anchor=part.anchor,
        status=change.status,
        act=rules.Act.CHANGE,
        item=change.item,
        version=change.version,
        **change.conflict,
    )


def _contact(
    request: HttpRequest, code: str, contact_code: str
) -> tuple[PlanAccess, services.ItemKind, CrisisContact]:
    """The plan, the contact kind, and one current contact on it (else 404)."""
    access = get_plan_for_user(request.user, code)
    kind = services.KINDS["crisis_contact"]
    return access, kind, item_of_plan(access, kind, contact_code)


@require_http_methods(["GET", "POST"])
def crisis_contact_add(request: HttpRequest, code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    kind = services.KINDS["crisis_contact"]
    form: Any = services.build_form(access, kind)
    status = 200
    if request.method == "POST":
        try:
            result = services.submit_add(
                access, kind, request.POST, reason=request.POST.get("reason", "")
            )
        except services.Invalid as invalid:
            form, status = invalid.form, 422
        else:
            return _after_write(request, result, access, "contact")
    return _form_page(
        request,
        access,
        kind,
        form,
        title="Add someone to contact" if access.is_owner else "Suggest someone to contact",
        action_url=reverse("crisis_contact_add", args=[access.plan.code]),
        anchor="contact",
        status=status,
        act=rules.Act.ADD,
    )


@require_http_methods(["GET", "POST"])
def crisis_contact_edit(request: HttpRequest, code: str, contact_code: str) -> HttpResponse:
    access, kind, contact = _contact(request, code, contact_code)
    change = try_change(request, access, kind, contact)
    if change.result is not None:
        return _after_write(request, change.result, access, "contact")
    return _form_page(
        request,
        access,
        kind,
        change.form,
        title=f"Change {change.item.name}",
        action_url=reverse("crisis_contact_edit", args=[access.plan.code, change.item.code]),
        anchor="contact",
        status=change.status,
        act=rules.Act.CHANGE,
        item=change.item,
        version=change.version,
        **change.conflict,
    )


@require_http_methods(["GET", "POST"])
def crisis_contact_remove(request: HttpRequest, code: str, contact_code: str) -> HttpResponse:
    access, kind, contact = _contact(request, code, contact_code)
    removal = try_remove(request, access, kind, contact)
    if removal.result is not None:
        return _after_write(request, removal.result, access, "contact")
    if removal.conflict is not None:
        messages.info(request, "Someone changed this contact meanwhile. Look again.")
        return redirect(crisis_url(access, "#contact"))
    will_propose = (
        services.decision_for(access, kind, rules.Act.REMOVE, None, contact)
        == rules.Decision.PROPOSE
    )
    context = {
        "access": access,
        "plan": access.plan,
        "contact": contact,
        "reason_form": removal.reason_form,
        "will_propose": will_propose,
        "back_url": crisis_url(access, "#contact"),
    }
    return render(request, "plans/crisis_remove.html", context, status=removal.status)


@require_POST
def crisis_reviewed(request: HttpRequest, code: str) -> HttpResponse:
    """The person: "I have looked at my crisis plan again and it still stands"."""
    access = get_plan_for_user(request.user, code)
    access.require_owner()
    crisis_service.mark_reviewed(access)
    messages.success(request, "Thank you: your crisis plan is marked as reviewed today.")
    return redirect(crisis_url(access, "#reviewed"))


@require_POST
def crisis_agree(request: HttpRequest, code: str) -> HttpResponse:
    """A professional on the care team puts their name to the crisis plan."""
    access = get_plan_for_user(request.user, code)
    crisis_service.agree(access)
    messages.success(request, "Your agreement is recorded.")
    return redirect(crisis_url(access, "#reviewed"))
