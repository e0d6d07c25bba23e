"""Nothing personal is kept in a cache: every response to a signed-in user says no-store.

The URLs, roles and objects are the access matrix's (tests/test_access_matrix.py),
so a new URL is covered here as soon as it has its line there.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import (
    METHODS,
    ROLES,
    RULES,
    World,
    shared_world,  # noqa: F401 (a fixture, used through `world`)
    url_for,
    world,  # noqa: F401 (a fixture)
)

SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def _directives(response: object) -> set[str]:
    value = response.get("Cache-Control", "")  # type: ignore[attr-defined]
    return {part.strip().split("=")[0] for part in value.split(",") if part.strip()}


@pytest.mark.parametrize("case", list(RULES))
def test_every_response_to_a_signed_in_user_is_no_store_private(
    world: World,  # noqa: F811
    case: str,
) -> None:
    url = url_for(case, world)
    for role in SIGNED_IN:
        for method in METHODS:
            client = Client()
            client.force_login(world.users[role])  # type: ignore[arg-type]
            response = client.get(url) if method == "GET" else client.post(url)
            directives = _directives(response)
            assert {"no-store", "private"} <= directives, (
                f"{role} {method} {url} -> {response.status_code}: "
                f"Cache-Control: {response.get('Cache-Control')!r}"
            )
            assert "public" not in directives


def test_the_downloads_say_no_store(client: Client, world: World) -> None:  # noqa: F811
    client.force_login(world.cast.amara.user)
    for name in ("plan_export_fhir", "plan_print"):
        response = client.get(reverse(name, args=[world.cast.plan.code]))
        assert response.status_code == 200
        assert {"no-store", "private"} <= _directives(response), name


def test_anonymous_health_checks_and_static_files_are_left_alone(
    client: Client,
    world: World,  # noqa: F811
) -> None:
    health = client.get(reverse("healthz"))
    assert health.status_code == 200
    assert "Cache-Control" not in health
    static = client.get("/static/css/coproduce.css")
    assert static.status_code == 200
    assert "no-store" not in _directives(static)
