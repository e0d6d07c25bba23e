"""The right of reply: either side answers an item, a rating or a declined suggestion.

A reply is written once and never changed; a correction is a new reply. It
and its history entry are written in one transaction, and the history entry
bumps the plan's version, so the other side's open page shows the reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from plans import services
from plans.access import PlanAccess
from plans.forms import ReplyForm, reply_form
from plans.history import record
from plans.models import LifeArea, PlanChange, PlanItem, Reply


class InvalidReply(Exception):
    """The reply did not validate; the view re-shows the form with what was typed."""

    def __init__(self, form: ReplyForm) -> None:
        super().__init__("invalid reply")
        self.form = form


@dataclass(frozen=True)
class ReplyTarget:
    """What a reply is about, already fetched through plans.access by the caller.

    `name` is the Reply.Target value (history keeps it as the item type),
    `code` the target's code, `area` the life area it sits in, if any,
    `summary` a few words naming it in the history, and `side` the side that
    wrote it (Reply.target_side).
    """

    name: str
    code: Any
    area: LifeArea | None
    summary: str
    side: str


def add_reply(access: PlanAccess, target: ReplyTarget, data: Any) -> Reply:
    """Write a reply and its "replied" history entry together.

    Other services that want to react to a reply (for example counting it as
    the person's answer to an item not yet agreed) call this and act on the
    returned Reply inside their own transaction.
    """
    if access.plan.is_closed:
        raise PermissionDenied("This plan is closed, so it cannot be changed.")
    form = reply_form(target.name, target.code, data)
    if not form.is_valid():
        raise InvalidReply(form)
    text = form.cleaned_data["text"]
    with transaction.atomic():
        reply = Reply.objects.create(
            plan=access.plan,
            life_area=target.area,
            target_type=target.name,
            target_code=target.code,
            author=access.user,
            author_side=access.side,
            target_side=target.side,
            text=text,
        )
        label = Reply.Target(target.name).label
        excerpt = text if len(text) <= 120 else text[:119] + "…"
        record(
            access,
            access.plan,
            PlanChange.Action.REPLY,
            f"Replied to {label} “{target.summary}”: {excerpt}",
            kind=target,
            item=target,
            # Expertise is drawn in its own section, which open pages redraw
            # only with the whole plan: no area, so the reply shows there live.
            life_area=None if target.name == Reply.Target.EXPERTISE else target.area,
            after={"reply": text},
        )
        answer_not_yet_agreed(access, target)
    return reply


def answer_not_yet_agreed(access: PlanAccess, target: ReplyTarget) -> None:
    """The person's reply to an item a professional changed counts as her answer to
    "not yet agreed" (DOMAIN.md: "until the person agrees or replies")."""
    kind = services.KINDS.get(target.name)
    if not access.is_owner or kind is None or not issubclass(kind.model, PlanItem):
        return
    waiting = kind.model.objects.not_yet_agreed().filter(plan=access.plan, code=target.code)
    item = waiting.first()
    if item is not None:
        services.mark_agreed_by_reply(access, kind, item)
