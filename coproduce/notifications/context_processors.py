"""The "For you" count in the header of every page: one query, and only when shown."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from coproduce.notifications.waiting import count_for


class ForYou:
    def __init__(self, user: object) -> None:
        self.user = user

    @cached_property
    def count(self) -> int:
        return count_for(self.user)  # type: ignore[arg-type]


def for_you(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"for_you": ForYou(user)}
