"""The live check: the busiest URL there is, in one query, with access decided every time."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import HASH_SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.models import User
from plans.models import CareTeamMember
from tests.conftest import Cast, login

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def live_url(cast: Cast) -> str:
    return reverse("plan_live", args=[cast.plan.code]) + f"?v={cast.plan.version}"


def test_nothing_changed_costs_one_query_for_the_person(
    client: Client, cast: Cast, django_assert_num_queries: Any
) -> None:
    login(client, cast.amara)
    with django_assert_num_queries(1):
        response = client.get(live_url(cast), **HTMX)
    assert response.status_code == 204


def test_nothing_changed_costs_one_query_for_a_professional(
    client: Client, cast: Cast, django_assert_num_queries: Any
) -> None:
    login(client, cast.ben)
    with django_assert_num_queries(1):
        response = client.get(live_url(cast), **HTMX)
    assert response.status_code == 204


def test_with_two_step_sign_in_the_device_is_checked_too(
    client: Client, cast: Cast, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=cast.ben.user, name="App", confirmed=True)
    login(client, cast.ben)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    with django_assert_max_num_queries(2):
        assert client.get(live_url(cast), **HTMX).status_code == 204

    # A device that is gone (two-step sign-in reset) no longer counts.
    device.delete()
    response = client.get(live_url(cast), **HTMX)
    assert response["HX-Redirect"] == reverse("two_factor_setup")


def test_a_removed_professional_is_refused_at_the_next_poll(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    assert client.get(live_url(cast), **HTMX).status_code == 204

    CareTeamMember.objects.filter(professional=cast.ben).update(removed_at="2026-01-01T00:00Z")

    response = client.get(live_url(cast), **HTMX)
    assert response.status_code == 404
    assert response["HX-Redirect"] == reverse("access_ended")


def test_someone_never_on_the_care_team_gets_a_404(client: Client, cast: Cast) -> None:
    login(client, cast.oscar)
    assert client.get(live_url(cast), **HTMX).status_code == 404
    login(client, cast.priya)
    assert client.get(live_url(cast), **HTMX).status_code == 404


def test_signed_out_is_sent_to_sign_in(client: Client, cast: Cast) -> None:
    response = client.get(live_url(cast), **HTMX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_password_changed_elsewhere_signs_this_page_out(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    user = User.objects.get(pk=cast.amara.user.pk)
    user.set_password("a-new-password-somewhere-else")
    user.save()

    response = client.get(live_url(cast), **HTMX)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert HASH_SESSION_KEY not in client.session


def test_a_deactivated_account_is_signed_out(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    User.objects.filter(pk=cast.ben.user.pk).update(is_active=False)

    response = client.get(live_url(cast), **HTMX)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_change_comes_back_as_content(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    seen = cast.plan.version - 1 if cast.plan.version else 0
    response = client.get(reverse("plan_live", args=[cast.plan.code]), {"v": seen - 1}, **HTMX)
    assert response.status_code == 200


def test_the_viewers_are_the_users_as_the_orm_loads_them(cast: Cast) -> None:
    """Made from the compiled query's rows: every field as the ORM reads it."""
    import datetime

    from django.contrib.sessions.models import Session

    from plans.access import live_check_viewers

    # A date to read back (SQLite gives it as text).
    cast.plan.leadership_returns_on = datetime.date(2030, 1, 2)
    cast.plan.save(update_fields=["leadership_returns_on"])
    client = Client()
    login(client, cast.amara)
    key = client.session.session_key
    session = Session.objects.get(session_key=key)
    viewers = {v.pk: v for v in live_check_viewers(cast.plan.code, key)}
    expected = {cast.amara.user.pk, cast.ben.user.pk}
    assert set(viewers) >= expected
    fields = [f.attname for f in User._meta.concrete_fields]
    for user in User.objects.filter(pk__in=viewers):
        viewer = viewers[user.pk]
        assert [getattr(viewer, n) for n in fields] == [getattr(user, n) for n in fields]
        assert viewer._state.adding is False
        assert viewer.live_plan_id == cast.plan.pk
        assert viewer.live_owner_id == cast.amara.user.pk
        assert viewer.live_plan_version == cast.plan.version
        assert viewer.live_plan_status == cast.plan.status
        assert viewer.live_plan_returns_on == datetime.date(2030, 1, 2)
        assert viewer.live_session_data == session.session_data
    membership = CareTeamMember.objects.get(plan=cast.plan, professional=cast.ben)
    assert viewers[cast.ben.user.pk].live_membership_id == membership.pk
    assert viewers[cast.amara.user.pk].live_membership_id is None

    # Without a session key the rows carry no session at all.
    plain = live_check_viewers(cast.plan.code)
    assert {v.pk for v in plain} == set(viewers)
    assert not any(hasattr(v, "live_session_data") for v in plain)
