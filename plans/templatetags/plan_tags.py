"""Plain words for the plan page, worded for whoever is reading."""

from __future__ import annotations

from typing import Any

from django import template

from coproduce.models import Side
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


@register.filter
def side_word(side: str) -> str:
    return "person" if side == Side.PERSON else "professional"


@register.filter
def first_name(who: Any) -> str:
    """'Amara' from a user, a person, a professional or a plain name."""
    name = getattr(who, "name", None) or str(who or "")
    return name.split(" ")[0]
