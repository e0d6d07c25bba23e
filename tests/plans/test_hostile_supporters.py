"""Hostile input at every supporter form, with tests/test_hostile_input.py's machinery.

Inviting someone on the person's side, what each may do, removing them, a
supporter's suggestion and its answers: never a 500, nothing stored when
refused, nothing unescaped.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from plans import services
from plans.access import get_plan_for_user
from plans.models import Supporter, SupporterSuggestion
from tests import factories as f
from tests.conftest import Cast
from tests.test_hostile_input import (
    FUZZ,
    KINDS,
    Clients,
    Endpoint,
    Request,
    _exercise,
    _signed_in,
    cast_draw,
)

SUPPORTER_USERNAME = "fola"


def _fola(cast: Cast) -> Supporter:
    return Supporter.objects.get(person=cast.amara, user__username=SUPPORTER_USERNAME)


def invite_supporter(cast: Cast) -> Request:
    valid = {
        "full_name": ["Efua Mensah"],
        "email": ["efua@example.org", "amara@example.org"],
        "relationship": ["family", "friend", "carer", "advocate"],
        "may_see": ["on", ""],
        "may_suggest": ["on", ""],
        "may_rate": ["on", ""],
        "may_be_named": ["on", ""],
    }
    return Request(reverse("supporter_invite", args=[cast.plan.code]), valid)


def supporter_permissions(cast: Cast) -> Request:
    code = cast_draw(st.one_of(st.just(_fola(cast).code), st.uuids()))
    url = reverse("supporter_detail", args=[cast.plan.code, code])
    valid = {
        "may_see": ["on", ""],
        "may_suggest": ["on", ""],
        "may_rate": ["on", ""],
        "may_be_named": ["on"],
    }
    return Request(url, valid)


def remove_supporter(cast: Cast) -> Request:
    code = cast_draw(st.one_of(st.just(_fola(cast).code), st.uuids()))
    return Request(reverse("supporter_remove", args=[cast.plan.code, code]))


def _fola_suggests(cast: Cast) -> SupporterSuggestion:
    access = get_plan_for_user(_fola(cast).user, cast.plan.code, supporters=True)
    result = services.submit_add(
        access,
        services.KINDS["resource"],
        {"name": "Walking group", "control": "personal"},
        area=f.area(cast.plan),
    )
    assert result.supporter_suggestion is not None
    return result.supporter_suggestion


def _answer(cast: Cast, answer: str) -> Request:
    suggestion = _fola_suggests(cast)
    code = cast_draw(st.one_of(st.just(suggestion.code), st.uuids()))
    url = reverse("supporter_suggestion_answer", args=[cast.plan.code, code, answer])
    return Request(url)


def take_up(cast: Cast) -> Request:
    return _answer(cast, "take-up")


def decline(cast: Cast) -> Request:
    return _answer(cast, "decline")


def withdraw(cast: Cast) -> Request:
    return _answer(cast, "withdraw")


def supporter_suggests_resource(cast: Cast) -> Request:
    area = f.area(cast.plan)
    url = reverse("item_add", args=[cast.plan.code, "resource"])
    valid = {
        "area": [str(area.code)],
        "name": ["Walking group"],
        "provider": ["", "The library"],
        "how_to_access": ["Tuesdays at ten"],
        "control": ["personal", "elsewhere"],
        "reason": ["", "It helped me"],
    }
    return Request(url, valid)


def supporter_suggests_commitment(cast: Cast) -> Request:
    area = f.area(cast.plan)
    url = reverse("item_add", args=[cast.plan.code, "commitment"])
    valid = {
        "area": [str(area.code)],
        "who": [str(_fola(cast).user_id), str(cast.amara.user.pk), "community", "service"],
        "who_name": ["", "Citizens Advice"],
        "what": ["Drive to the appointment"],
        "status": ["open"],
    }
    return Request(url, valid)


SUPPORTERS_POSTED = [
    Endpoint("supporter_invite", "amara", invite_supporter),
    Endpoint("supporter_detail", "amara", supporter_permissions),
    Endpoint("supporter_remove", "amara", remove_supporter, takes_fields=False),
    Endpoint("supporter_suggestion_answer", "amara", take_up, takes_fields=False),
    Endpoint("supporter_suggestion_answer", "amara", decline, takes_fields=False),
    Endpoint("supporter_suggestion_answer", "supporter", withdraw, takes_fields=False),
    Endpoint("item_add", "supporter", supporter_suggests_resource),
    Endpoint("item_add", "supporter", supporter_suggests_commitment),
]
SUPPORTERS_NO_INPUT: dict[str, set[str]] = {"supporter_suggestions": {"code"}}


def _client_for(cast: Cast, who: str) -> Client:
    if who != "supporter":
        return _signed_in(cast, who)
    client = Client()
    client.force_login(_fola(cast).user)
    return client


@pytest.mark.parametrize("endpoint", SUPPORTERS_POSTED, ids=str)
def test_hostile_input_never_hurts(endpoint: Endpoint, cast: Cast) -> None:
    f.make_supporter(
        cast.plan, SUPPORTER_USERNAME, "Fola Bello", relationship="friend", may_suggest=True
    )
    acting = _client_for(cast, endpoint.who)
    clients = Clients(acting, _signed_in(cast, "amara"), copy.deepcopy(acting.cookies))
    for kind in KINDS if endpoint.takes_fields else ["ids", "nul"]:

        @FUZZ
        @given(data=st.data())
        def property_holds(data: Any) -> None:
            for htmx in (False, True):
                _exercise(cast, endpoint, clients, kind, data, htmx)  # noqa: B023

        property_holds()


def test_supporter_suggestions_page_refuses_posts(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.amara.user)
    url = reverse("supporter_suggestions", args=[cast.plan.code])
    response = client.post(url, {"text": "<script>x-probe</script>"})
    assert response.status_code == 405
