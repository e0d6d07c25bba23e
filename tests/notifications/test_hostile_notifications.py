"""Hostile input at the email settings and the unsubscribe link, with
tests/test_hostile_input.py's machinery: never a 500, nothing stored when
refused, nothing unescaped.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from hypothesis import strategies as st

from coproduce.notifications.models import Frequency
from coproduce.notifications.sending import unsubscribe_token
from coproduce.notifications.views import PERSON_KINDS, PROFESSIONAL_KINDS
from tests.conftest import Cast
from tests.test_hostile_input import (
    Endpoint,
    Request,
    cast_draw,
    fuzz,
)


def _settings(kinds: list[str]) -> Request:
    valid: dict[str, list[Any]] = {f"kind_{kind}": list(Frequency.values) for kind in kinds}
    valid["quiet_from"] = ["", "22:00"]
    valid["quiet_until"] = ["", "07:30"]
    return Request(reverse("notification_settings"), valid)


def amara_settings(cast: Cast) -> Request:
    return _settings(list(PERSON_KINDS))


def ben_settings(cast: Cast) -> Request:
    return _settings(list(PROFESSIONAL_KINDS))


def unsubscribe(cast: Cast) -> Request:
    token = cast_draw(
        st.one_of(
            st.just(unsubscribe_token(cast.amara.user)),
            st.text(min_size=1, max_size=60).filter(lambda t: "/" not in t and t.strip()),
        )
    )
    return Request(reverse("notifications_unsubscribe", args=[token]))


NOTIFICATIONS_POSTED = [
    Endpoint("notification_settings", "amara", amara_settings),
    Endpoint("notification_settings", "ben", ben_settings),
    Endpoint("notifications_unsubscribe", "anonymous", unsubscribe, takes_fields=False),
]
NOTIFICATIONS_NO_INPUT: dict[str, set[str]] = {"for_you": set()}


@pytest.mark.parametrize("endpoint", NOTIFICATIONS_POSTED, ids=str)
def test_hostile_input_never_hurts(endpoint: Endpoint, cast: Cast) -> None:
    fuzz(endpoint, cast)
