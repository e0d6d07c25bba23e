"""The person decides who is on the care team: invite, remove, requests to join.

Every action by every role: the person, a professional on the team (403 on
the person's decisions), and everyone who may not see the plan (404):
an outsider, a removed professional, the lead of the team who is not on
this care team, another person. Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.models import Discipline, Professional
from plans import care_team as care_team_services
from plans.models import AccessRequest, CareTeamMember, Plan, PlanChange
from tests import factories as f
from tests.conftest import Cast, login

OUTSIDERS = ["oscar", "chloe", "priya", "removed"]


def membership(cast: Cast, who: Professional | None = None) -> CareTeamMember:
    return CareTeamMember.objects.get(
        plan=cast.plan, professional=who or cast.ben, removed_at__isnull=True
    )


def sign_in(client: Client, cast: Cast, who: str) -> Client:
    """Sign in as one of the roles; "removed" is a professional taken off Amara's team."""
    if who == "anonymous":
        return client
    if who == "removed":
        rita = f.make_professional("rita", "Rita Moss", cast.team, Discipline.SOCIAL_WORKER)
        f.add_to_care_team(cast.plan, rita)
        CareTeamMember.objects.filter(professional=rita).update(
            removed_at=timezone.now(), removed_by=cast.amara.user
        )
        return login(client, rita)
    return login(client, getattr(cast, who))


def access_changes(plan: Plan) -> list[str]:
    return list(
        PlanChange.objects.filter(plan=plan, action=PlanChange.Action.ACCESS)
        .order_by("id")
        .values_list("summary", flat=True)
    )


def flash(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- who may do what ----------------------------------------------------------------

Request = Callable[[Client, Cast], object]


def _pending_request(cast: Cast) -> AccessRequest:
    return AccessRequest.objects.create(plan=cast.plan, professional=cast.oscar)


ACTIONS: dict[str, Callable[[Client, Cast], object]] = {
    "care team page": lambda c, cast: c.get(reverse("care_team", args=[cast.plan.code])),
    "directory search": lambda c, cast: c.get(
        reverse("care_team_invite", args=[cast.plan.code]), {"name": "Oscar"}
    ),
    "invite": lambda c, cast: c.post(
        reverse("care_team_invite", args=[cast.plan.code]), {"professional": cast.oscar.pk}
    ),
    "remove, confirm page": lambda c, cast: c.get(
        reverse("care_team_remove", args=[cast.plan.code, membership(cast).pk])
    ),
    "remove": lambda c, cast: c.post(
        reverse("care_team_remove", args=[cast.plan.code, membership(cast).pk])
    ),
    "accept request": lambda c, cast: c.post(
        reverse(
            "access_request_answer", args=[cast.plan.code, _pending_request(cast).code, "accept"]
        )
    ),
    "decline request": lambda c, cast: c.post(
        reverse(
            "access_request_answer", args=[cast.plan.code, _pending_request(cast).code, "decline"]
        )
    ),
}

EXPECTED_FOR_PERSON = {
    "care team page": 200,
    "directory search": 200,
    "invite": 302,
    "remove, confirm page": 200,
    "remove": 302,
    "accept request": 302,
    "decline request": 302,
}


@pytest.mark.parametrize("action", ACTIONS)
def test_the_person_may(client: Client, cast: Cast, action: str) -> None:
    login(client, cast.amara)
    response = ACTIONS[action](client, cast)
    assert response.status_code == EXPECTED_FOR_PERSON[action]  # type: ignore[attr-defined]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_professional_on_the_team_is_refused(client: Client, cast: Cast, action: str) -> None:
    login(client, cast.ben)
    before = (CareTeamMember.objects.count(), PlanChange.objects.count())
    response = ACTIONS[action](client, cast)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert (CareTeamMember.objects.count(), PlanChange.objects.count()) == before
    assert membership(cast).removed_at is None


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("action", ACTIONS)
def test_anyone_who_cannot_see_the_plan_gets_404(
    client: Client, cast: Cast, action: str, who: str
) -> None:
    sign_in(client, cast, who)
    response = ACTIONS[action](client, cast)
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert membership(cast).removed_at is None
    assert not CareTeamMember.objects.filter(plan=cast.plan, professional=cast.oscar).exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_is_sent_to_sign_in(client: Client, cast: Cast, action: str) -> None:
    response = ACTIONS[action](client, cast)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"].startswith(reverse("login"))  # type: ignore[index]


def test_amara_cannot_manage_priyas_care_team_with_her_own_membership_ids(
    client: Client, cast: Cast
) -> None:
    priya_member = CareTeamMember.objects.get(plan=cast.priya_plan)
    login(client, cast.amara)
    url = reverse("care_team_remove", args=[cast.plan.code, priya_member.pk])
    assert client.post(url).status_code == 404
    assert CareTeamMember.objects.get(pk=priya_member.pk).removed_at is None


# --- the care team page and inviting -------------------------------------------------


def test_care_team_page_lists_members_requests_and_the_share_code(
    client: Client, cast: Cast
) -> None:
    AccessRequest.objects.create(plan=cast.plan, professional=cast.oscar, message="I'm new here")
    login(client, cast.amara)
    body = client.get(reverse("care_team", args=[cast.plan.code])).content.decode()
    assert "People who help me" in body
    assert "Ben Okafor" in body
    assert "Riverside CMHT" in body
    assert "Oscar Lind" in body
    assert "I&#x27;m new here" in body
    code = care_team_services.share_code(cast.plan)
    assert care_team_services.display_share_code(code) in body


def test_directory_finds_professionals_by_name_and_team(client: Client, cast: Cast) -> None:
    f.make_professional("olu", "Olu Bright", cast.team, Discipline.PEER_WORKER)
    login(client, cast.amara)
    url = reverse("care_team_invite", args=[cast.plan.code])

    by_name = client.get(url, {"name": "os lind"}).content.decode()
    assert "Oscar Lind" in by_name
    assert "Olu Bright" not in by_name

    by_team = client.get(url, {"team": cast.team.pk}).content.decode()
    assert "Olu Bright" in by_team
    assert "Chloe Adeyemi" in by_team
    assert "Oscar Lind" not in by_team
    # Ben is already on the team: shown, but without an invite button.
    assert "Already on your care team." in by_team
    assert "Invite Ben Okafor" not in by_team

    both = client.get(url, {"name": "olu", "team": str(cast.other_team.pk)}).content.decode()
    assert "No professionals found" in both


def test_directory_search_without_search_shows_only_the_form(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    body = client.get(reverse("care_team_invite", args=[cast.plan.code])).content.decode()
    assert 'role="search"' in body
    assert "Oscar Lind" not in body


# session + user, plan, chosen team, count, on the team, team list, one page of
# professionals, session save (+2 savepoints), the "For you" count in the header
DIRECTORY_QUERIES = 12


@pytest.mark.parametrize("size", [1, 15])
def test_directory_queries_stay_flat(
    client: Client, cast: Cast, django_assert_max_num_queries, size: int
) -> None:
    for i in range(size):
        f.make_professional(f"p{i}", f"Pat {i}", cast.other_team)
    login(client, cast.amara)
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        response = client.get(
            reverse("care_team_invite", args=[cast.plan.code]), {"team": cast.other_team.pk}
        )
    assert response.content.decode().count("Invite Pat") == size


def test_inviting_gives_access_at_once_and_is_in_the_history(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    response = client.post(
        reverse("care_team_invite", args=[cast.plan.code]), {"professional": cast.oscar.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("care_team", args=[cast.plan.code])
    assert flash(response) == ["Oscar Lind can now see your plan."]
    member = membership(cast, cast.oscar)
    assert member.added_by == cast.amara.user
    assert access_changes(cast.plan) == ["Invited Oscar Lind (social worker) onto the care team"]
    change = PlanChange.objects.get(plan=cast.plan, action=PlanChange.Action.ACCESS)
    assert change.actor == cast.amara.user
    assert change.plan_version == Plan.objects.get(pk=cast.plan.pk).version

    login(client, cast.oscar)
    assert client.get(reverse("plan_detail", args=[cast.plan.code])).status_code == 200


def test_inviting_someone_already_on_the_team_changes_nothing(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    response = client.post(
        reverse("care_team_invite", args=[cast.plan.code]), {"professional": cast.ben.pk}
    )
    assert flash(response) == ["Ben Okafor is already on your care team."]
    assert CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).count() == 1
    assert access_changes(cast.plan) == []


@pytest.mark.parametrize("value", ["", "abc", "999999", "-1"])
def test_inviting_an_unknown_professional_is_refused_plainly(
    client: Client, cast: Cast, value: str
) -> None:
    login(client, cast.amara)
    response = client.post(
        reverse("care_team_invite", args=[cast.plan.code]), {"professional": value}
    )
    assert response.status_code == 302
    assert flash(response) == ["That professional could not be found. Search again."]
    assert CareTeamMember.objects.filter(plan=cast.plan).count() == 1


def test_inviting_a_professional_who_asked_to_join_answers_their_request(
    client: Client, cast: Cast
) -> None:
    waiting = AccessRequest.objects.create(plan=cast.plan, professional=cast.oscar)
    login(client, cast.amara)
    client.post(reverse("care_team_invite", args=[cast.plan.code]), {"professional": cast.oscar.pk})
    waiting.refresh_from_db()
    assert waiting.status == AccessRequest.Status.ACCEPTED
    assert waiting.answered_at is not None


# --- removing -----------------------------------------------------------------------


def test_removal_asks_first(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    url = reverse("care_team_remove", args=[cast.plan.code, membership(cast).pk])
    body = client.get(url).content.decode()
    assert "Remove Ben Okafor from your care team?" in body
    assert 'method="post"' in body
    assert membership(cast).removed_at is None


def test_removal_takes_effect_on_the_very_next_request(client: Client, cast: Cast) -> None:
    ben_client = login(Client(), cast.ben)
    plan_url = reverse("plan_detail", args=[cast.plan.code])
    live_url = reverse("plan_live", args=[cast.plan.code]) + f"?v={cast.plan.version}"
    assert ben_client.get(plan_url).status_code == 200
    assert ben_client.get(live_url, headers={"HX-Request": "true"}).status_code == 204

    member = membership(cast)
    login(client, cast.amara)
    response = client.post(reverse("care_team_remove", args=[cast.plan.code, member.pk]))
    assert response.status_code == 302
    assert flash(response) == ["Ben Okafor can no longer see your plan."]
    member.refresh_from_db()
    assert member.removed_at is not None
    assert member.removed_by == cast.amara.user
    assert access_changes(cast.plan) == [
        "Removed Ben Okafor (community mental health nurse) from the care team"
    ]

    # Ben's same session, his very next requests: every plan URL is gone.
    area = f.area(cast.plan)
    for url in [
        plan_url,
        reverse("plan_history", args=[cast.plan.code]),
        reverse("plan_print", args=[cast.plan.code]),
        reverse("plan_export_fhir", args=[cast.plan.code]),
        reverse("item_add", args=[cast.plan.code, "outcome"]) + f"?area={area.code}",
        reverse("area_fragment", args=[cast.plan.code, area.code]),
        live_url,
    ]:
        assert ben_client.get(url).status_code == 404, url
    response = ben_client.post(
        reverse("item_add", args=[cast.plan.code, "outcome"]),
        {"area": str(area.code), "text": "Sneaked in"},
    )
    assert response.status_code == 404
    assert not cast.plan.outcomes.exists()


def test_an_open_page_polling_after_removal_is_told_where_to_go(client: Client, cast: Cast) -> None:
    membership(cast)
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(
        removed_at=timezone.now(), removed_by=cast.amara.user
    )
    login(client, cast.ben)
    live_url = reverse("plan_live", args=[cast.plan.code]) + f"?v={cast.plan.version}"

    polled = client.get(live_url, headers={"HX-Request": "true"})
    assert polled.status_code == 404
    assert polled["HX-Redirect"] == reverse("access_ended")
    assert polled.content == b""

    plain = client.get(live_url)
    assert plain.status_code == 404
    assert "HX-Redirect" not in plain


def test_the_access_ended_page_names_no_plan(client: Client, cast: Cast) -> None:
    f.make_outcome(cast.plan, text="Back to work by summer")
    for who in ["ben", "oscar", "priya"]:
        login(client, getattr(cast, who))
        response = client.get(reverse("access_ended"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "You no longer have access to this plan" in body
        assert "Amara" not in body
        assert str(cast.plan.code) not in body
        assert "Back to work" not in body
    client.logout()
    assert client.get(reverse("access_ended")).status_code == 302


def test_removing_twice_changes_nothing_the_second_time(client: Client, cast: Cast) -> None:
    member = membership(cast)
    login(client, cast.amara)
    url = reverse("care_team_remove", args=[cast.plan.code, member.pk])
    client.post(url)
    assert client.post(url).status_code == 404
    assert len(access_changes(cast.plan)) == 1


def test_reinviting_a_removed_professional_makes_a_new_membership(
    client: Client, cast: Cast
) -> None:
    old = membership(cast)
    login(client, cast.amara)
    client.post(reverse("care_team_remove", args=[cast.plan.code, old.pk]))
    client.post(reverse("care_team_invite", args=[cast.plan.code]), {"professional": cast.ben.pk})

    rows = list(CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).order_by("pk"))
    assert [r.pk for r in rows] == [old.pk, rows[1].pk]
    assert rows[0].removed_at is not None
    assert rows[1].removed_at is None
    assert len(access_changes(cast.plan)) == 2

    body = client.get(reverse("care_team", args=[cast.plan.code])).content.decode()
    assert "People who used to help me" in body

    login(client, cast.ben)
    assert client.get(reverse("plan_detail", args=[cast.plan.code])).status_code == 200


# --- asking to join -----------------------------------------------------------------


def join(client: Client, code: str, message: str = ""):  # type: ignore[no-untyped-def]
    return client.post(reverse("join_request"), {"code": code, "message": message})


def test_share_codes_are_short_stable_and_different_per_plan(cast: Cast) -> None:
    code = care_team_services.share_code(cast.plan)
    assert len(code) == 8
    assert care_team_services.is_well_formed_share_code(code)
    assert care_team_services.share_code(Plan.objects.get(pk=cast.plan.pk)) == code
    assert care_team_services.share_code(cast.priya_plan) != code
    assert care_team_services.find_plan_by_share_code(code) == cast.plan


def test_share_codes_forgive_case_dashes_and_look_alike_letters() -> None:
    assert care_team_services.normalise_share_code(" 7kq2-m9xo ") == "7KQ2M9X0"
    assert care_team_services.normalise_share_code("il00 ILOO") == "11001100"


@pytest.mark.parametrize("who", ["oscar", "chloe"])
def test_a_professional_asks_to_join_and_the_person_accepts(
    client: Client, cast: Cast, who: str
) -> None:
    professional = getattr(cast, who)
    code = care_team_services.display_share_code(care_team_services.share_code(cast.plan)).lower()
    login(client, professional)
    response = join(client, code, "I'm the new employment worker")
    assert response.status_code == 302
    assert flash(response) == [join_sent_message()]
    request = AccessRequest.objects.get(plan=cast.plan, professional=professional)
    assert request.status == AccessRequest.Status.PENDING
    assert request.message == "I'm the new employment worker"
    assert len(access_changes(cast.plan)) == 1
    change = PlanChange.objects.get(plan=cast.plan, action=PlanChange.Action.ACCESS)
    assert change.actor == professional.user
    # Asking does not let them in.
    assert client.get(reverse("plan_detail", args=[cast.plan.code])).status_code == 404

    login(client, cast.amara)
    page = client.get(reverse("care_team", args=[cast.plan.code])).content.decode()
    assert professional.user.name in page
    url = reverse("access_request_answer", args=[cast.plan.code, request.code, "accept"])
    assert client.post(url).status_code == 302
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.ACCEPTED
    assert membership(cast, professional).added_by == cast.amara.user
    assert len(access_changes(cast.plan)) == 2

    login(client, professional)
    assert client.get(reverse("plan_detail", args=[cast.plan.code])).status_code == 200


def join_sent_message() -> str:
    from plans.views.care_team import JOIN_SENT

    return JOIN_SENT


def test_the_person_declines_a_request(client: Client, cast: Cast) -> None:
    join(login(Client(), cast.oscar), care_team_services.share_code(cast.plan))
    request = AccessRequest.objects.get(plan=cast.plan)

    login(client, cast.amara)
    url = reverse("access_request_answer", args=[cast.plan.code, request.code, "decline"])
    response = client.post(url)
    assert flash(response) == ["You said no. Oscar Lind cannot see your plan."]
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.DECLINED
    assert not CareTeamMember.objects.filter(plan=cast.plan, professional=cast.oscar).exists()
    assert (
        access_changes(cast.plan)[-1]
        == "Said no to Oscar Lind (social worker) joining the care team"
    )

    # Answering again changes nothing.
    client.get(reverse("care_team", args=[cast.plan.code]))  # shows (and clears) the message
    accept = reverse("access_request_answer", args=[cast.plan.code, request.code, "accept"])
    response = client.post(accept)
    assert flash(response) == ["You have already answered Oscar Lind."]
    assert not CareTeamMember.objects.filter(plan=cast.plan, professional=cast.oscar).exists()
    assert len(access_changes(cast.plan)) == 2


def test_answering_a_request_is_post_only(client: Client, cast: Cast) -> None:
    request = AccessRequest.objects.create(plan=cast.plan, professional=cast.oscar)
    login(client, cast.amara)
    url = reverse("access_request_answer", args=[cast.plan.code, request.code, "accept"])
    assert client.get(url).status_code == 405
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING


def test_another_plans_request_cannot_be_answered_from_this_plan(
    client: Client, cast: Cast
) -> None:
    theirs = AccessRequest.objects.create(plan=cast.priya_plan, professional=cast.ben)
    login(client, cast.amara)
    url = reverse("access_request_answer", args=[cast.plan.code, theirs.code, "accept"])
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AccessRequest.Status.PENDING


@pytest.mark.parametrize(
    "situation", ["unknown code", "already on the team", "already asked", "closed plan"]
)
def test_every_join_answer_is_the_same_neutral_message(
    client: Client, cast: Cast, situation: str
) -> None:
    code = care_team_services.share_code(cast.plan)
    asker = cast.oscar
    if situation == "unknown code":
        code = "ZZZZZZZZ" if code != "ZZZZZZZZ" else "00000000"
    elif situation == "already on the team":
        asker = cast.ben
    elif situation == "already asked":
        AccessRequest.objects.create(plan=cast.plan, professional=asker)
    else:
        Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    requests_before = AccessRequest.objects.count()
    changes_before = PlanChange.objects.count()

    login(client, asker)
    response = join(client, code)
    assert response.status_code == 302
    assert response["Location"] == reverse("join_request")
    assert flash(response) == [join_sent_message()]
    assert AccessRequest.objects.count() == requests_before
    assert PlanChange.objects.count() == changes_before


@pytest.mark.parametrize("code", ["", "abc", "ABCD-EFGH-J", "ABCD!FGH", "<script>"])
def test_a_malformed_code_is_a_form_error(client: Client, cast: Cast, code: str) -> None:
    login(client, cast.oscar)
    response = client.post(reverse("join_request"), {"code": code})
    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()
    assert not AccessRequest.objects.exists()


@pytest.mark.parametrize("who", ["ben", "oscar", "chloe"])
def test_professionals_may_open_the_join_page(client: Client, cast: Cast, who: str) -> None:
    login(client, getattr(cast, who))
    assert client.get(reverse("join_request")).status_code == 200


@pytest.mark.parametrize("who", ["amara", "priya"])
def test_people_may_not_ask_to_join(client: Client, cast: Cast, who: str) -> None:
    login(client, getattr(cast, who))
    assert client.get(reverse("join_request")).status_code == 403
    response = join(client, care_team_services.share_code(cast.plan))
    assert response.status_code == 403
    assert not AccessRequest.objects.exists()


def test_anonymous_cannot_ask_to_join(client: Client, cast: Cast) -> None:
    response = join(client, care_team_services.share_code(cast.plan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not AccessRequest.objects.exists()


# --- links on the plan page ---------------------------------------------------------


def test_plan_page_links_for_each_side(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    mine = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert reverse("care_team", args=[cast.plan.code]) in mine
    assert reverse("who_has_looked", args=[cast.plan.code]) in mine
    assert reverse("close_account") in mine

    login(client, cast.ben)
    his = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert reverse("care_team", args=[cast.plan.code]) not in his
    assert reverse("who_has_looked", args=[cast.plan.code]) not in his
    assert reverse("plan_print", args=[cast.plan.code]) in his
    assert reverse("plan_export_fhir", args=[cast.plan.code]) in his


def test_any_htmx_request_after_removal_is_told_access_ended(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(
        removed_at=timezone.now()
    )
    login(client, cast.ben)
    htmx: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
    edit = reverse("item_edit", args=[cast.plan.code, "outcome", outcome.code])
    for response in (
        client.get(edit, **htmx),
        client.post(edit, {"text": "x", "version": 1}, **htmx),
        client.get(reverse("plan_history", args=[cast.plan.code]), **htmx),
    ):
        assert response.status_code == 404
        assert response["HX-Redirect"] == reverse("access_ended")
    # Without htmx it stays a plain 404, and a 404 outside any plan gets no redirect.
    assert "HX-Redirect" not in client.get(edit)
    assert "HX-Redirect" not in client.get("/no-such-page/", **htmx)


def test_guessing_share_codes_is_slowed_down(client: Client, cast: Cast) -> None:
    from django.core.cache import cache

    cache.clear()
    login(client, cast.oscar)
    url = reverse("join_request")
    for attempt in range(care_team_services.JOIN_ATTEMPTS):
        response = client.post(url, {"code": f"0000-{attempt:04d}", "message": ""})
        assert response.status_code == 302, attempt
    response = client.post(url, {"code": care_team_services.share_code(cast.plan), "message": ""})
    assert response.status_code == 429
    assert "wait 15 minutes" in response.content.decode()
    # Even the right code is refused while throttled: nothing is asked of Amara.
    assert not AccessRequest.objects.filter(plan=cast.plan, professional=cast.oscar).exists()
    # An empty form while throttled is refused the same way (it once was a 500).
    response = client.post(url, {})
    assert response.status_code == 429
    assert "wait 15 minutes" in response.content.decode()
    cache.clear()


def test_finding_a_plan_by_share_code_is_one_lookup(
    cast: Cast, django_assert_num_queries: Callable[..., Any]
) -> None:
    code = care_team_services.share_code(cast.plan)
    with django_assert_num_queries(1):
        assert care_team_services.find_plan_by_share_code(code) == cast.plan


def test_the_admin_shows_the_care_team_read_only(rf: Any) -> None:
    """Access changes go through the person's own page, which records them."""
    from django.contrib import admin

    from plans.admin import CareTeamInline

    inline = CareTeamInline(Plan, admin.site)
    request = rf.get("/admin/")
    assert not inline.has_add_permission(request, None)
    assert not inline.has_change_permission(request, None)
    assert not inline.has_delete_permission(request, None)
