"""Plain words for the plan page, worded for whoever is reading."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string

from coproduce.models import SUPPORTER, Side
from plans import rules
from plans.forms import reply_form
from plans.models import Leadership

register = template.Library()

_FOR_PERSON = {
    Leadership.PERSON_LEADS: "You lead",
    Leadership.PERSON_LEADS_WITH_SUPPORT: "You lead, with support",
    Leadership.SHARED: "Shared between you and your team",
    Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT: "Your team leads, with your agreement",
    Leadership.PROFESSIONAL_LEADS: "Your team leads",
}
_FOR_PROFESSIONAL = {
    Leadership.PERSON_LEADS: "{name} leads",
    Leadership.PERSON_LEADS_WITH_SUPPORT: "{name} leads, with support",
    Leadership.SHARED: "Shared",
    Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT: "Professionals lead, with {name}'s agreement",
    Leadership.PROFESSIONAL_LEADS: "Professionals lead",
}


@register.simple_tag
def leadership_label(value: int, viewer_side: str, person_name: str) -> str:
    value = Leadership(value)
    if viewer_side == Side.PERSON:
        return _FOR_PERSON[value]
    return _FOR_PROFESSIONAL[value].format(name=person_name)


@register.simple_tag
def balance_sentence(value: int, viewer_side: str, person: Any) -> str:
    """What this balance means for the one reading, in one plain sentence (plans.rules)."""
    return rules.balance_sentence(value, viewer_side, first_name(person))


@register.simple_tag
def tells_person(value: int, item: Any) -> bool:
    return rules.tells_person(value, item.created_side)


@register.filter
def side_word(side: str) -> str:
    if side == SUPPORTER:
        return "supporter"
    return "person" if side == Side.PERSON else "professional"


@register.filter
def first_name(who: Any) -> str:
    """'Amara' from a user, a person, a professional or a plain name."""
    name = getattr(who, "name", None) or str(who or "")
    return name.split(" ")[0]


@register.simple_tag
def live_poll_ms() -> int:
    from django.conf import settings

    return settings.LIVE_POLL_MS


FIELD_LABELS = {
    "text": "Text",
    "why_it_matters": "Why it matters",
    "target_date": "By when",
    "status": "Status",
    "name": "Name",
    "provider": "Who provides it",
    "how_to_access": "How to get it",
    "control": "Where it comes from",
    "outcomes": "Helps with",
    "who": "Who",
    "who_name": "Who (by name)",
    "what": "What",
    "due_date": "By when",
    "kind": "Kind",
    "life_area": "Part of life",
    "about_admire": "What people like and admire",
    "about_matters": "What matters",
    "about_support": "How best to support",
    "leadership": "Who leads",
    "until": "Agreed until",
    "warning_signs": "Early warning signs",
    "helps": "What helps",
    "does_not_help": "What does not help",
    "tell": "Who to tell",
    "do_not_tell": "Who not to tell",
    "treatment_preferences": "Treatment preferences",
    "do_not_want": "What I do not want",
    "children": "Children",
    "pets": "Pets",
    "bills": "Bills",
    "keys": "Keys",
    "relationship": "Who they are",
    "number": "Phone number",
    "by_day": "In the day",
    "by_night": "At night",
    "at_weekends": "At weekends",
}


@register.filter
def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def show_value(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


_ITEM_WORDS = {
    "outcome": "an outcome",
    "resource": "a resource",
    "commitment": "a commitment",
    "expertise": "some expertise",
    "about": "what is written about the person",
    "life_area": "a part of life",
    "crisis_signs": "the early warning signs in the crisis plan",
    "crisis_helps": "what helps, in the crisis plan",
    "crisis_tell": "who to tell, in the crisis plan",
    "crisis_treatment": "the treatment preferences in the crisis plan",
    "crisis_practical": "the practical things in the crisis plan",
    "crisis_contact": "a contact in the crisis plan",
}


@register.simple_tag
def proposal_sentence(proposal: Any) -> str:
    thing = _ITEM_WORDS.get(proposal.item_type, proposal.item_type)
    if proposal.action == "leadership":
        area = proposal.life_area.name if proposal.life_area else "this area"
        return f"a new balance of leadership in {area}."
    verb = {"add": "adding", "change": "changing", "remove": "removing"}.get(proposal.action, "")
    return f"{verb} {thing}."


@register.simple_tag(takes_context=True)
def replies_for(
    context: Any, target_type: str, target_code: Any, label: str, printing: bool = False
) -> str:
    """The "Replies (n)" disclosure and reply form under one item of the plan page
    (with `printing`, only the replies, for the printed plan).

    The replies come from the page (loaded for the whole page in one query).
    """
    page = context.get("page")
    replies = page.replies.get((target_type, str(target_code)), []) if page else []
    access = context.get("access")
    if not replies and (printing or getattr(access, "is_supporter", False)):
        return ""  # nothing to read, and supporters do not reply
    return render_to_string(
        "plans/reply.html#printed" if printing else "plans/reply.html#replies",
        {
            "access": access,
            "plan": context.get("plan"),
            "target": {"name": target_type, "code": target_code},
            "target_label": label,
            "replies": replies,
            "form": reply_form(target_type, target_code),
        },
        request=context.get("request"),
    )
