"""Hardening: passwords, sessions and idle sign-out, throttling, the security log, CSP, CSRF.

Two-step sign-in is in test_two_factor.py; production settings in test_deploy.py.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

from coproduce.logformat import JsonFormatter
from coproduce.security import LAST_ACTIVITY_KEY
from outcomes.models import ValuedOutcome
from plans.models import Plan
from tests import factories as f
from tests.conftest import Cast, login
from tests.factories import PASSWORD

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


class SecurityLog(logging.Handler):
    """Collects what coproduce.security writes, as the dicts it serialises."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def events(self) -> list[dict[str, Any]]:
        return [record.security for record in self.records]  # type: ignore[attr-defined]

    def of(self, event: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == event]

    def lines(self) -> list[str]:
        formatter = JsonFormatter()
        return [formatter.format(record) for record in self.records]


@pytest.fixture
def security_log() -> Iterator[SecurityLog]:
    handler = SecurityLog()
    logger = logging.getLogger("coproduce.security")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def plan_url(plan: Plan) -> str:
    return reverse("plan_detail", args=[plan.code])


# --- passwords --------------------------------------------------------------


@pytest.mark.production_hashers
def test_new_passwords_are_hashed_with_argon2(db: None) -> None:
    user = f.make_user("newbie")
    user.set_password("a long and new password")
    assert user.password.startswith("argon2$")


@pytest.mark.production_hashers
def test_an_older_hash_still_signs_in_and_is_upgraded(client: Client, cast: Cast) -> None:
    user = cast.amara.user
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()

    assert sign_in(client, "amara", PASSWORD).status_code == 302

    user.refresh_from_db()
    assert user.password.startswith("argon2$")


# --- sessions ---------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(client: Client, cast: Cast) -> None:
    before = client.session
    before["seen_before_sign_in"] = True
    before.save()
    old_key = before.session_key
    assert old_key is not None
    client.cookies[django_settings.SESSION_COOKIE_NAME] = old_key

    assert sign_in(client, "amara", PASSWORD).status_code == 302

    new_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert client.session.get("_auth_user_id") == str(cast.amara.user.pk)
    # The old key is worthless: nobody who knew it is signed in now.
    assert not before.exists(old_key)


def set_last_activity(client: Client, seconds_ago: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time() - seconds_ago)
    session.save()


def last_activity(client: Client) -> int:
    return int(client.session[LAST_ACTIVITY_KEY])


def test_idle_session_is_signed_out_with_a_reason(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    set_last_activity(client, django_settings.SESSION_IDLE_SECONDS + 5)

    response = client.get(plan_url(cast.plan))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity" in page


def test_activity_within_the_limit_keeps_the_session(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    set_last_activity(client, django_settings.SESSION_IDLE_SECONDS - 60)

    response = client.get(plan_url(cast.plan))

    assert response.status_code == 200
    assert response["X-Session-Refreshed"] == "1"
    assert last_activity(client) >= time.time() - 5


def test_live_polling_is_not_activity(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    set_last_activity(client, 600)
    before = last_activity(client)
    live = reverse("plan_live", args=[cast.plan.code]) + f"?v={cast.plan.version}"

    for _ in range(3):
        response = client.get(live, **HTMX)
        assert response.status_code == 204
        assert "X-Session-Refreshed" not in response

    assert last_activity(client) == before


def test_an_open_plan_page_times_out_at_its_next_poll(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    set_last_activity(client, django_settings.SESSION_IDLE_SECONDS + 1)
    live = reverse("plan_live", args=[cast.plan.code]) + f"?v={cast.plan.version}"

    response = client.get(live, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_idle_limit_comes_from_settings(client: Client, cast: Cast, settings: Any) -> None:
    settings.SESSION_IDLE_SECONDS = 5 * 60
    login(client, cast.amara)
    set_last_activity(client, 6 * 60)

    response = client.get(plan_url(cast.plan), follow=True)

    assert "You were signed out after 5 minutes without activity" in response.content.decode()


def test_stay_signed_in_refreshes_the_session(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    set_last_activity(client, django_settings.SESSION_IDLE_SECONDS - 30)

    assert client.get(reverse("session_keepalive")).status_code == 405
    response = client.post(reverse("session_keepalive"))

    assert response.status_code == 204
    assert last_activity(client) >= time.time() - 5


def test_signed_in_pages_carry_the_idle_warning(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    page = client.get(plan_url(cast.plan)).content.decode()

    dialog = re.search(r"<dialog[^>]*>", page)
    assert dialog is not None
    tag = dialog.group(0)
    assert 'role="alertdialog"' in tag
    assert 'aria-labelledby="session-warning-title"' in tag
    assert f'data-idle-seconds="{django_settings.SESSION_IDLE_SECONDS}"' in tag
    assert "You will be signed out in 2 minutes for your privacy" in page
    assert f'action="{reverse("session_keepalive")}"' in page
    assert "js/session.js" in page


def test_the_sign_in_page_has_no_idle_warning(client: Client, db: None) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "session-warning" not in page
    assert "js/session.js" not in page


# --- sign-in throttling -----------------------------------------------------


def test_five_wrong_passwords_lock_that_username_from_that_address(
    client: Client, cast: Cast, security_log: SecurityLog
) -> None:
    for _ in range(4):
        assert sign_in(client, "amara", "wrong").status_code == 200

    response = sign_in(client, "amara", "wrong")

    assert response.status_code == 429
    content = response.content.decode()
    assert "Too many attempts. For your safety, wait 15 minutes and try again." in content
    assert "<title>Too many attempts \u2013 Coproduce</title>" in content
    assert "nhsuk-error-summary" in content
    # Even the right password is refused while locked out.
    response = sign_in(client, "amara", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert security_log.of("locked_out")
    # Another username from the same address is not locked.
    assert sign_in(client, "priya", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client: Client, cast: Cast) -> None:
    for _ in range(4):
        sign_in(client, "amara", "wrong")
    assert sign_in(client, "amara", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert sign_in(client, "amara", "wrong").status_code == 200
    assert sign_in(client, "amara", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client: Client, cast: Cast) -> None:
    for _ in range(5):
        sign_in(client, "amara", "wrong")
    assert sign_in(client, "amara", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client, "amara", PASSWORD).status_code == 302


def test_htmx_style_sign_in_lockout_is_our_page_not_json(client: Client, cast: Cast) -> None:
    for _ in range(5):
        response = sign_in(client, "amara", "wrong", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")


def test_lockout_limits_come_from_settings(client: Client, cast: Cast, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=3)
    sign_in(client, "amara", "wrong")
    response = sign_in(client, "amara", "wrong")
    assert response.status_code == 429
    assert "wait 3 minutes" in response.content.decode()


def test_throttling_can_be_switched_off(client: Client, cast: Cast, settings: Any) -> None:
    settings.AXES_ENABLED = False
    for _ in range(6):
        assert sign_in(client, "amara", "wrong").status_code == 200
    assert sign_in(client, "amara", PASSWORD).status_code == 302


# --- the security log -------------------------------------------------------


def test_failed_sign_in_is_logged_without_username_or_password(
    client: Client, cast: Cast, security_log: SecurityLog
) -> None:
    sign_in(client, "amara", "hunter2-secret")

    [event] = security_log.of("sign_in_failed")
    assert event["ip"] == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{16}", event["username_hash"])
    [line] = security_log.lines()
    assert "\n" not in line
    assert json.loads(line)["event"] == "sign_in_failed"
    assert "amara" not in line.lower()
    assert "hunter2" not in line
    assert "Amara" not in line

    # The same username hashes the same, so repeated guessing shows.
    sign_in(client, "Amara ", "another")
    hashes = {e["username_hash"] for e in security_log.of("sign_in_failed")}
    assert len(hashes) == 1


def test_sign_in_and_sign_out_are_logged_by_user_id(
    client: Client, cast: Cast, security_log: SecurityLog
) -> None:
    sign_in(client, "ben", PASSWORD)
    client.post(reverse("logout"))

    [signed_in] = security_log.of("sign_in")
    [signed_out] = security_log.of("sign_out")
    assert signed_in["user_id"] == signed_out["user_id"] == cast.ben.user.pk
    assert signed_in["ip"] == "127.0.0.1"
    assert signed_out["reason"] == "asked"
    assert all("Ben" not in line and "ben" not in line for line in security_log.lines())


def test_idle_sign_out_is_logged_as_idle(
    client: Client, cast: Cast, security_log: SecurityLog
) -> None:
    login(client, cast.amara)
    set_last_activity(client, django_settings.SESSION_IDLE_SECONDS + 5)
    client.get(plan_url(cast.plan))
    [event] = security_log.of("sign_out")
    assert (event["reason"], event["user_id"]) == ("idle", cast.amara.user.pk)


def test_refused_pages_are_logged_with_route_not_content(
    client: Client, cast: Cast, security_log: SecurityLog
) -> None:
    login(client, cast.oscar)
    assert client.get(plan_url(cast.plan)).status_code == 404  # not on Amara's care team

    [event] = security_log.of("access_denied")
    assert event == {
        "event": "access_denied",
        "ip": "127.0.0.1",
        "user_id": cast.oscar.user.pk,
        "status": 404,
        "method": "GET",
        "route": "plans/<uuid:code>/",
        "url_name": "plan_detail",
    }
    assert all("Amara" not in line for line in security_log.lines())


def test_a_403_is_logged(client: Client, cast: Cast, security_log: SecurityLog) -> None:
    # Only the person marks her crisis plan reviewed; Ben, on her care team, cannot.
    login(client, cast.ben)
    response = client.post(reverse("crisis_reviewed", args=[cast.plan.code]))
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()
    [event] = security_log.of("access_denied")
    assert (event["status"], event["method"], event["url_name"]) == (
        403,
        "POST",
        "crisis_reviewed",
    )
    assert event["route"] == "plans/<uuid:code>/crisis/reviewed/"


def test_a_403_tells_htmx_its_reason_in_a_header(client: Client, cast: Cast) -> None:
    # htmx shows nothing of a 403's page; static/js/coproduce.js says "Not saved"
    # and this reason (the page itself says it too, with or without htmx).
    login(client, cast.ben)
    url = reverse("crisis_reviewed", args=[cast.plan.code])
    reason = "Only the person whose plan this is can do that."

    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert unquote(response["X-Refusal-Reason"]) == reason
    assert reason in response.content.decode()

    page = client.post(url)
    assert page.status_code == 403
    assert "X-Refusal-Reason" not in page
    assert reason in page.content.decode()


def test_a_closed_plan_offers_no_form_and_says_why(client: Client, cast: Cast) -> None:
    # A closed plan can be read but no longer changed.
    area = f.area(cast.plan)
    Plan.objects.filter(pk=cast.plan.pk).update(status="closed")
    login(client, cast.amara)
    for url in (
        reverse("item_add", args=[cast.plan.code, "outcome"]) + f"?area={area.code}",
        reverse("about_edit", args=[cast.plan.code]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        page = response.content.decode()
        assert "This plan is closed, so it cannot be changed." in page
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        assert "<form" not in main


def test_a_plan_closed_while_a_form_was_open_keeps_what_was_typed(
    client: Client, cast: Cast
) -> None:
    area = f.area(cast.plan)
    login(client, cast.amara)
    add = reverse("item_add", args=[cast.plan.code, "outcome"])
    about = reverse("about_edit", args=[cast.plan.code])
    assert client.get(add, {"area": str(area.code)}).status_code == 200
    assert client.get(about).status_code == 200
    Plan.objects.filter(pk=cast.plan.pk).update(status="closed")  # meanwhile
    typed = {
        add: {"area": str(area.code), "text": "Back to work by spring", "status": "active"},
        about: {"about_matters": "Quiet mornings and my sister", "version": "1"},
    }
    for url, data in typed.items():
        response = client.post(url, data)
        assert response.status_code == 403
        page = response.content.decode()
        assert "This plan has been closed, so it cannot be changed any more." in page
        for value in data.values():
            if len(value) > 6:
                assert value in page
    # With htmx, 409: swapped in as a conflict is (a 403 would be left unshown).
    response = client.post(about, typed[about], headers={"HX-Request": "true"})
    assert response.status_code == 409
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "This plan has been closed" in fragment
    assert "Quiet mornings and my sister" in fragment
    assert not cast.plan.outcomes.exists()
    cast.plan.refresh_from_db()
    assert "Quiet mornings" not in cast.plan.about_matters


def test_anonymous_and_allowed_requests_are_not_logged_as_refused(
    client: Client, cast: Cast, security_log: SecurityLog
) -> None:
    client.get(plan_url(cast.plan))
    client.get("/no-such-page/")
    login(client, cast.amara)
    client.get(plan_url(cast.plan))
    assert security_log.of("access_denied") == []


def test_security_log_goes_to_stderr_as_json() -> None:
    config: dict[str, Any] = django_settings.LOGGING
    logger = config["loggers"]["coproduce.security"]
    handler = config["handlers"][logger["handlers"][0]]
    assert handler["class"] == "logging.StreamHandler"  # stderr by default
    assert "stream" not in handler
    assert config["formatters"][handler["formatter"]]["()"] == "coproduce.logformat.JsonFormatter"


# --- Content-Security-Policy --------------------------------------------------


def csp(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return {name: value[0] if value else "" for name, *value in directives}


def test_every_page_has_a_strict_csp(client: Client, cast: Cast) -> None:
    responses = [client.get(reverse("login"))]
    login(client, cast.amara)
    responses += [client.get(plan_url(cast.plan)), client.get("/no-such-page/")]

    for response in responses:
        policy = csp(response)
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["img-src"] == "'self' data:"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["form-action"] == "'self'"
        assert policy["base-uri"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert "unsafe" not in response["Content-Security-Policy"]


TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_there_are_templates_to_check() -> None:
    names = {str(p.relative_to(TEMPLATES)) for p in template_files()}
    assert {"base.html", "registration/login.html", "500.html"} <= names


@pytest.mark.parametrize("template", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    source = template.read_text()
    # Drop {% comment %} blocks: they explain CSP and may name the tags.
    source = re.sub(r"{% comment %}.*?{% endcomment %}", "", source, flags=re.S)
    for tag in re.findall(r"<script\b[^>]*>", source, flags=re.I):
        assert re.search(r"\bsrc=", tag), f"inline <script> in {template.name}: {tag}"
    assert not re.search(r"<style\b", source, flags=re.I), f"<style> in {template.name}"
    assert not re.search(r"\sstyle=", source, flags=re.I), f"style attribute in {template.name}"
    assert not re.search(r"\son[a-z]+=", source, flags=re.I), f"event handler in {template.name}"
    assert "javascript:" not in source.lower()


# --- CSRF ---------------------------------------------------------------------


def csrf_token_from(page: str) -> str:
    match = re.search(r"hx-headers='([^']+)'", page)
    assert match is not None
    return json.loads(match.group(1))["X-CSRFToken"]


def state_changing_urls(cast: Cast) -> list[tuple[str, dict[str, Any]]]:
    plan = cast.plan
    area = f.area(plan)
    outcome = f.make_outcome(plan)
    return [
        (reverse("item_add", args=[plan.code, "outcome"]), {"area": str(area.code), "text": "x"}),
        (reverse("item_edit", args=[plan.code, "outcome", outcome.code]), {"text": "y"}),
        (reverse("item_remove", args=[plan.code, "outcome", outcome.code]), {}),
        (reverse("about_edit", args=[plan.code]), {}),
        (reverse("leadership_propose", args=[plan.code, area.code]), {"leadership": "1"}),
        (reverse("outcome_rate", args=[plan.code, outcome.code]), {"score": "5"}),
        (reverse("session_keepalive"), {}),
        (reverse("logout"), {}),
    ]


def test_posts_without_a_csrf_token_are_refused(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, cast.amara)
    urls = state_changing_urls(cast)
    plan_version = Plan.objects.get(pk=cast.plan.pk).version
    outcomes = list(ValuedOutcome.objects.values_list("text", "removed_at"))

    for url, data in urls:
        assert client.post(url, data).status_code == 403, url
        assert client.post(url, data, **HTMX).status_code == 403, url

    assert Plan.objects.get(pk=cast.plan.pk).version == plan_version
    assert list(ValuedOutcome.objects.values_list("text", "removed_at")) == outcomes
    assert "_auth_user_id" in client.session, "sign-out without a token is refused too"


def test_sign_in_without_a_csrf_token_is_refused(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "amara", "password": PASSWORD})
    assert response.status_code == 403
    assert "Sorry, this page had expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_htmx_post_refused_for_its_token_says_why_in_words(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, cast.amara)
    url = reverse("about_edit", args=[cast.plan.code])
    response = client.post(url, {"about_matters": "Quiet mornings"}, **HTMX)
    assert response.status_code == 403
    assert unquote(response["X-Refusal-Reason"]) == (
        "This page had expired, or you signed out in another tab."
    )
    page = client.post(url, {"about_matters": "Quiet mornings"})
    assert page.status_code == 403
    assert "X-Refusal-Reason" not in page
    assert "Sorry, this page had expired" in page.content.decode()


def test_htmx_signed_out_is_refused_with_why_not_sent_to_the_sign_in_page(
    client: Client, cast: Cast
) -> None:
    # htmx would follow a redirect and swap the sign-in page in over the form.
    url = reverse("about_edit", args=[cast.plan.code])
    response = client.post(url, {"about_matters": "Quiet mornings"}, **HTMX)
    assert response.status_code == 403
    assert "signed out in another tab" in unquote(response["X-Refusal-Reason"])
    assert client.get(url, **HTMX).status_code == 403
    page = client.post(url, {"about_matters": "Quiet mornings"})
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_htmx_post_with_the_pages_token_is_accepted(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, cast.amara)
    area = f.area(cast.plan)
    token = csrf_token_from(client.get(plan_url(cast.plan)).content.decode())
    data = {"area": str(area.code), "text": "Walk by the river", "why_it_matters": ""}
    data["status"] = "active"

    response = client.post(
        reverse("item_add", args=[cast.plan.code, "outcome"]),
        data,
        HTTP_X_CSRFTOKEN=token,
        **HTMX,
    )

    assert response.status_code == 200
    assert ValuedOutcome.objects.filter(text="Walk by the river").exists()
    # The "stay signed in" call from session.js sends the same header.
    keepalive = client.post(reverse("session_keepalive"), HTTP_X_CSRFTOKEN=token)
    assert keepalive.status_code == 204


def test_a_wrong_token_is_refused(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, cast.amara)
    client.get(plan_url(cast.plan))
    response = client.post(reverse("session_keepalive"), HTTP_X_CSRFTOKEN="x" * 64)
    assert response.status_code == 403


# --- error pages ----------------------------------------------------------------


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-detail Amara Osei's plan exploded")


urlpatterns = [path("boom/", boom, name="boom")]


def test_500_page_shows_no_detail(cast: Cast, settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    login(client, cast.amara)

    response = client.get("/boom/")

    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem with the service" in content
    assert "secret-detail" not in content
    assert "Amara" not in content
    assert "Traceback" not in content
    assert "RuntimeError" not in content


def test_404_page_is_plain_and_names_nobody(client: Client, cast: Cast) -> None:
    login(client, cast.oscar)
    response = client.get(plan_url(cast.plan))

    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content
    assert "Amara" not in content
    assert "Traceback" not in content
    assert "No Plan matches" not in content
    assert "<!DOCTYPE html>" in content, "our page, not Django's technical one"


# --- in a real browser: the idle warning, under the CSP ----------------------------


def _chromium() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_idle_warning_in_a_browser_with_csp_and_polling(
    live_server: Any, cast: Cast, settings: Any, monkeypatch: Any
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    if not _chromium():
        pytest.skip("no Chromium on this machine")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # A short timeout (warning after 6 s), and a plan page that polls often:
    # the polls must neither stop the warning nor keep the session alive.
    settings.SESSION_IDLE_SECONDS = 12
    settings.LIVE_POLL_MS = 300
    # Every page load is activity, as the page's countdown assumes: otherwise
    # the server's clock runs from the sign-in (written at most every 30 s),
    # and on a slow machine it ends before the countdown the page started.
    monkeypatch.setattr("coproduce.middleware.ACTIVITY_RESOLUTION_SECONDS", 0)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(), args=["--headless", "--no-sandbox"]
        )
        try:
            page = browser.new_page()
            page.add_init_script(
                "window.cspViolations = [];"
                "document.addEventListener('securitypolicyviolation',"
                " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            polls: list[str] = []
            page.on("request", lambda r: polls.append(r.url) if "/live/" in r.url else None)
            page.goto(live_server.url + reverse("login"))
            page.get_by_label("Username").fill("amara")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"**{plan_url(cast.plan)}")
            field = page.locator("a, button").first
            field.focus()

            dialog = page.get_by_role("alertdialog")
            dialog.wait_for(state="visible", timeout=15000)
            assert polls, "htmx polled for changes under the CSP"
            assert "You will be signed out in 6 seconds for your privacy" in dialog.inner_text()
            stay = dialog.get_by_role("button", name="Stay signed in")
            assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
            violations = axe_module.Axe().run(page).response["violations"]
            assert violations == [], violations

            page.keyboard.press("Enter")
            dialog.wait_for(state="hidden")
            assert page.evaluate("document.activeElement.tagName") in {"A", "BUTTON"}
            assert not stay.is_visible()

            # Nobody does anything now: the page goes to sign-in and says why.
            page.wait_for_url("**/accounts/login/**", timeout=15000)
            assert "You were signed out after 1 minute without activity" in page.inner_text("main")
            assert page.evaluate("window.cspViolations") == []
        finally:
            browser.close()
