"""Hostile input at every form of the crisis plan, with tests/test_hostile_input.py's machinery.

Each section and the contacts, as Amara (applies at once) and as Ben (a
suggestion); a reply to the crisis plan; marking it reviewed and agreeing it;
the live check's query string. Never a 500, nothing stored when refused,
nothing unescaped on the plan, its history or the crisis plan page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import strategies as st

from plans import crisis as crisis_service
from plans import services
from plans.access import get_plan_for_user
from plans.models import CrisisContact
from tests.conftest import Cast
from tests.test_hostile_input import (
    Endpoint,
    Request,
    _plan_url,
    _reply,
    cast_draw,
    fuzz,
)

PAGES = ("crisis_plan", "crisis_print", "crisis_card")


def _section(section: str, fields: dict[str, list[str]]) -> Any:
    def prepare(cast: Cast) -> Request:
        crisis = crisis_service.crisis_plan_of(cast.plan)
        version = getattr(crisis, f"{section}_version") if crisis else 1
        valid = {**fields, "version": [str(version), "1"], "reason": ["We talked about it"]}
        url = _plan_url("crisis_section_edit", cast, section=section)
        return Request(url, valid)

    prepare.__name__ = f"edit_{section}"
    return prepare


edit_signs = _section("signs", {"warning_signs": ["I stop sleeping", ""]})
edit_helps = _section("helps", {"helps": ["A walk"], "does_not_help": ["Being rushed"]})
edit_tell = _section("tell", {"tell": ["Efua"], "do_not_tell": ["My old manager"]})
edit_treatment = _section(
    "treatment", {"treatment_preferences": ["Home treatment"], "do_not_want": ["Haloperidol"]}
)
edit_practical = _section(
    "practical",
    {"children": ["None"], "pets": ["Biscuit"], "bills": ["Rent on the 1st"], "keys": ["Efua"]},
)

CONTACT: dict[str, list[Any]] = {
    "name": ["Efua Osei"],
    "relationship": ["sister", ""],
    "number": ["07700 900123", "+44 113 496 0000"],
    "by_day": ["on", ""],
    "by_night": ["on", ""],
    "at_weekends": ["on", ""],
    "reason": ["She knows me best"],
}


def _contact(cast: Cast) -> CrisisContact:
    result = services.submit_add(
        get_plan_for_user(cast.amara.user, cast.plan.code),
        services.KINDS["crisis_contact"],
        {"name": "Efua Osei", "number": "07700 900123", "by_day": "on"},
    )
    return result.item


def add_contact(cast: Cast) -> Request:
    return Request(_plan_url("crisis_contact_add", cast), CONTACT)


def edit_contact(cast: Cast) -> Request:
    contact = _contact(cast)
    code = cast_draw(st.one_of(st.just(contact.code), st.uuids()))
    url = _plan_url("crisis_contact_edit", cast, contact_code=code)
    return Request(url, {**CONTACT, "version": [str(contact.version)]})


def remove_contact(cast: Cast) -> Request:
    contact = _contact(cast)
    code = cast_draw(st.one_of(st.just(contact.code), st.uuids()))
    url = _plan_url("crisis_contact_remove", cast, contact_code=code)
    return Request(url, {"version": [str(contact.version)], "reason": ["Moved away"]})


def reply_to_crisis_plan(cast: Cast) -> Request:
    crisis = crisis_service.start_crisis_plan(get_plan_for_user(cast.amara.user, cast.plan.code))
    return _reply(cast, "crisis", crisis.code)


def mark_reviewed(cast: Cast) -> Request:
    return Request(_plan_url("crisis_reviewed", cast))


def agree(cast: Cast) -> Request:
    return Request(_plan_url("crisis_agree", cast))


def live_query(cast: Cast) -> Request:
    return Request(_plan_url("crisis_live", cast), {"v": ["0", "1"]})


CRISIS_FUZZED = [
    *[
        Endpoint(name, who, prepare, pages=PAGES)
        for who in ("amara", "ben")
        for name, prepare in [
            ("crisis_section_edit", edit_signs),
            ("crisis_section_edit", edit_practical),
            ("crisis_contact_add", add_contact),
            ("crisis_contact_edit", edit_contact),
            ("crisis_contact_remove", remove_contact),
            ("reply_add", reply_to_crisis_plan),
        ]
    ],
    Endpoint("crisis_section_edit", "amara", edit_helps, pages=PAGES),
    Endpoint("crisis_section_edit", "amara", edit_tell, pages=PAGES),
    Endpoint("crisis_section_edit", "amara", edit_treatment, pages=PAGES),
    Endpoint("crisis_reviewed", "amara", mark_reviewed, takes_fields=False, pages=PAGES),
    Endpoint("crisis_agree", "ben", agree, takes_fields=False, pages=PAGES),
    Endpoint("crisis_live", "ben", live_query, method="get"),
]
# Pages that read nothing from the request but the plan's code (GET only).
CRISIS_NO_INPUT: dict[str, set[str]] = {name: {"code"} for name in PAGES}


@pytest.mark.parametrize("endpoint", CRISIS_FUZZED, ids=str)
def test_hostile_input_never_hurts(endpoint: Endpoint, cast: Cast) -> None:
    fuzz(endpoint, cast)


@pytest.mark.parametrize("name", PAGES)
def test_crisis_pages_refuse_posts(name: str, cast: Cast) -> None:
    for who in ("amara", "ben"):
        client = Client()
        client.force_login(getattr(cast, who).user)
        response = client.post(reverse(name, args=[cast.plan.code]), {"text": "<script>"})
        assert response.status_code == 405
