"""The plan page's body comes from the cache (coproduce.plan_page.body_cache): never stale,
never another session's CSRF token, and much cheaper when warm.

Every kind of write is made through the app (its page or its service), then
each viewer's very next load is compared with what the page would be with
nothing cached at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.plan_page.body_cache import CACHE, PLACEHOLDER, body_key, unpacked
from outcomes.models import ValuedOutcome
from plans import supporters
from plans.access import get_plan_for_user
from plans.models import CareTeamMember, Plan, Supporter
from tests import factories as f
from tests.conftest import Cast, login

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "[^"]*"')
# Warm: the session, the user, the plan, the cached body and the "For you" count.
WARM_PERSON_QUERIES = 5
# ...and for a professional, their last look and "who has looked" (one statement each).
WARM_PROFESSIONAL_QUERIES = 7


def plan_url(cast: Cast) -> str:
    return reverse("plan_detail", args=[cast.plan.code])


def body(response: Any) -> str:
    """The page, with each form's token (different at every request) left out."""
    assert response.status_code == 200
    page = TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())
    return HEADER_TOKEN.sub('"X-CSRFToken": ""', page)


def uncached(client: Client, cast: Cast, user: Any) -> str:
    """The page as it would be with nothing in the cache for this viewer."""
    plan = Plan.objects.get(pk=cast.plan.pk)
    caches[CACHE].delete(body_key(get_plan_for_user(user, plan.code, supporters=True)))
    return body(client.get(plan_url(cast)))


@pytest.fixture
def outcome(cast: Cast) -> ValuedOutcome:
    return f.make_outcome(cast.plan, text="Back to work by the summer")


@pytest.fixture
def efua(cast: Cast) -> Supporter:
    return f.make_supporter(cast.plan, "efua", "Efua Osei", may_suggest=True)


@pytest.fixture
def viewers(cast: Cast, efua: Supporter) -> dict[str, tuple[Client, Any]]:
    amara = login(Client(), cast.amara)
    ben = login(Client(), cast.ben)
    supporter = Client()
    supporter.force_login(efua.user)
    return {
        "amara": (amara, cast.amara.user),
        "ben": (ben, cast.ben.user),
        "efua": (supporter, efua.user),
    }


def _today() -> str:
    return timezone.localdate().isoformat()


# Each write, made as the app makes it; what it must show on the page afterwards
# ("" where the write shows only through the plan's version, e.g. the crisis plan).
WRITES: dict[str, tuple[Callable[[Cast, dict[str, Any], ValuedOutcome], Any], str]] = {
    "about me": (
        lambda cast, c, o: c["amara"].post(
            reverse("about_edit", args=[cast.plan.code]),
            {
                "about_admire": "Kind",
                "about_matters": "My son, and quiet mornings",
                "about_support": "Be patient",
                "version": cast.plan.about_version,
            },
        ),
        "My son, and quiet mornings",
    ),
    "a rating by the person": (
        lambda cast, c, o: c["amara"].post(
            reverse("outcome_rate", args=[cast.plan.code, o.code]),
            {"score": "7", "note": "", "rated_on": _today()},
        ),
        '<span class="cp-score">7</span>',
    ),
    "a rating by a professional": (
        lambda cast, c, o: c["ben"].post(
            reverse("outcome_rate", args=[cast.plan.code, o.code]),
            {"score": "3", "note": "", "rated_on": _today()},
        ),
        '<span class="cp-score">3</span>',
    ),
    "a reply": (
        lambda cast, c, o: c["ben"].post(
            reverse("reply_add", args=[cast.plan.code, "outcome", o.code]),
            {"text": "Part-time first, perhaps"},
        ),
        "Part-time first, perhaps",
    ),
    "a leadership suggestion": (
        lambda cast, c, o: c["ben"].post(
            reverse("leadership_propose", args=[cast.plan.code, o.life_area.code]),
            {"leadership": 4, "reason": "While the medication settles"},
        ),
        "While the medication settles",
    ),
    "the crisis plan": (
        lambda cast, c, o: c["amara"].post(
            reverse("crisis_section_edit", args=[cast.plan.code, "signs"]),
            {"version": 1, "warning_signs": "I stop answering the phone"},
        ),
        "",
    ),
    "a supporter's permissions": (
        lambda cast, c, o: supporters.change_permissions(
            get_plan_for_user(cast.amara.user, cast.plan.code),
            Supporter.objects.get(user__username="efua"),
            {"may_see": True, "may_suggest": False, "may_be_named": True},
        ),
        "",
    ),
    "a new care team member": (
        lambda cast, c, o: c["amara"].post(
            reverse("care_team_invite", args=[cast.plan.code]),
            {"professional": cast.oscar.pk},
        ),
        "Oscar Lind",
    ),
    # Names are changed in the admin, which saves the user as below.
    "a name on the plan": (
        lambda cast, c, o: _rename(cast.ben.user, "Benedict Mensah-Clarke"),
        "Benedict Mensah-Clarke",
    ),
}


def _rename(user: Any, name: str) -> None:
    user.display_name = name
    user.save()


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_shows_on_the_very_next_load_for_every_side(
    cast: Cast, outcome: ValuedOutcome, viewers: dict[str, tuple[Client, Any]], write: str
) -> None:
    make, shows = WRITES[write]
    before = {}
    for name, (client, _) in viewers.items():
        client.get(plan_url(cast))  # the version is seen...
        before[name] = body(client.get(plan_url(cast)))  # ...and this load is kept

    cast.plan.refresh_from_db()
    version = cast.plan.version
    response = make(cast, {name: c for name, (c, _) in viewers.items()}, outcome)
    assert getattr(response, "status_code", 302) in (200, 302)
    cast.plan.refresh_from_db()
    assert cast.plan.version > version, f"{write} did not change the plan's version"

    for name, (client, user) in viewers.items():
        first = body(client.get(plan_url(cast)))
        assert first != before[name], f"{name} was served the page from before {write}"
        if shows and not (name == "efua" and write == "a reply"):
            assert shows in first, f"{name} does not see {write}"
        # The load after (cached now) is the page as it is, to the byte.
        again = body(client.get(plan_url(cast)))
        assert again == uncached(client, cast, user), f"{name}: stale after {write}"


def test_new_since_markers_show_once_then_go(
    cast: Cast, outcome: ValuedOutcome, viewers: dict[str, tuple[Client, Any]]
) -> None:
    amara = viewers["amara"][0]
    amara.get(plan_url(cast))
    amara.get(plan_url(cast))  # warm
    viewers["ben"][0].post(
        reverse("reply_add", args=[cast.plan.code, "outcome", outcome.code]),
        {"text": "Shall we talk on Tuesday?"},
    )
    marked = body(amara.get(plan_url(cast)))
    assert "Changed since you last looked" in marked
    after = body(amara.get(plan_url(cast)))
    assert "Changed since you last looked" not in after
    assert "Shall we talk on Tuesday?" in after


def test_removal_from_the_care_team_is_a_404_on_the_next_load(
    cast: Cast, viewers: dict[str, tuple[Client, Any]]
) -> None:
    ben = viewers["ben"][0]
    ben.get(plan_url(cast))
    assert ben.get(plan_url(cast)).status_code == 200  # kept in the cache
    member = CareTeamMember.objects.get(plan=cast.plan, professional=cast.ben)
    viewers["amara"][0].post(reverse("care_team_remove", args=[cast.plan.code, member.pk]))
    assert ben.get(plan_url(cast)).status_code == 404


def test_a_cached_body_carries_this_sessions_token_and_works(
    cast: Cast, outcome: ValuedOutcome
) -> None:
    first = Client(enforce_csrf_checks=True)
    login(first, cast.amara)
    first.get(plan_url(cast))
    first_page = first.get(plan_url(cast)).content.decode()  # rendered and kept
    second = Client(enforce_csrf_checks=True)
    login(second, cast.amara)
    second.get(plan_url(cast))  # the same body, from the cache
    page = second.get(plan_url(cast)).content.decode()

    assert PLACEHOLDER not in page and PLACEHOLDER not in first_page
    tokens = set(TOKEN.findall(page))
    assert tokens and not tokens & set(TOKEN.findall(first_page))
    reply = reverse("reply_add", args=[cast.plan.code, "outcome", outcome.code])
    token = TOKEN.findall(page)[0]
    response = second.post(reply, {"text": "From the second phone", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    # And the first session's token is not accepted from the second.
    stolen = TOKEN.findall(first_page)[0]
    refused = second.post(reply, {"text": "Not mine", "csrfmiddlewaretoken": stolen})
    # Both sessions are Amara's, but each has its own secret after signing in.
    assert refused.status_code == 403


def test_warm_plan_page_queries(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for i in range(10):
        f.make_outcome(cast.plan, text=f"Outcome {i}")
    login(client, cast.amara)
    client.get(plan_url(cast))
    client.get(plan_url(cast))
    with django_assert_max_num_queries(WARM_PERSON_QUERIES):
        assert client.get(plan_url(cast)).status_code == 200
    login(client, cast.ben)
    client.get(plan_url(cast))
    client.get(plan_url(cast))
    with django_assert_max_num_queries(WARM_PROFESSIONAL_QUERIES):
        assert client.get(plan_url(cast)).status_code == 200


def test_saving_a_user_without_a_new_name_changes_no_plan(cast: Cast) -> None:
    version = cast.plan.version
    user = cast.ben.user
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    user.email = "ben.new@example.org"
    user.save()
    cast.plan.refresh_from_db()
    assert cast.plan.version == version


def test_the_body_is_kept_compressed_and_comes_back_as_rendered(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    login(client, cast.amara)
    client.get(plan_url(cast))
    rendered = client.get(plan_url(cast))  # rendered and kept
    page = rendered.content.decode()
    kept = caches[CACHE].get(body_key(get_plan_for_user(cast.amara.user, cast.plan.code)))
    assert isinstance(kept, bytes)
    html = unpacked(kept)
    assert len(kept) * 4 < len(html)
    assert outcome.text in html and PLACEHOLDER in html
    # With a token in the placeholder's place, the body as the page shows it.
    blank = 'name="csrfmiddlewaretoken" value=""'
    assert TOKEN.sub(blank, html) in TOKEN.sub(blank, page)
    assert body(client.get(plan_url(cast))) == body(rendered)  # from the cache
