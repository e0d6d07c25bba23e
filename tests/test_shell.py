"""The page shell: base.html, the sign-in page and the shared form includes."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import Cast
from tests.factories import PASSWORD


class Elements(HTMLParser):
    """Every start tag in a page, as (tag, attributes), in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(key) == value for key, value in attrs.items())
        ]

    def by_id(self, element_id: str) -> dict[str, str | None]:
        matches = [found for _, found in self.tags if found.get("id") == element_id]
        assert len(matches) == 1, f"expected one element with id={element_id!r}, got {matches}"
        return matches[0]


def classes(attrs: dict[str, str | None]) -> set[str]:
    return set((attrs.get("class") or "").split())


def render_shell(user: Any, **context: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("base.html", context, request=request)


# --- the sign-in page -------------------------------------------------------


def test_sign_in_page_has_the_form_and_no_inline_script(client: Client, db: None) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    page = Elements(response.content.decode())
    [form] = page.find("form", method="post")
    assert form["action"] == reverse("login")
    assert page.find("input", name="csrfmiddlewaretoken")
    username = page.by_id("id_username")
    assert username["name"] == "username"
    assert "nhsuk-input" in classes(username)
    assert username["autocomplete"] == "username"
    password = page.by_id("id_password")
    assert password["type"] == "password"
    assert password["autocomplete"] == "current-password"
    assert page.find("label", **{"for": "id_username"})
    assert page.find("label", **{"for": "id_password"})
    # A strict Content-Security-Policy will forbid inline script.
    scripts = page.find("script")
    assert scripts, "the shell loads htmx and our own module"
    assert all(script.get("src") for script in scripts), scripts
    assert not [attrs for _, attrs in page.tags if any(k.startswith("on") for k in attrs)]


def test_sign_in_page_shows_demo_logins_only_in_debug(
    client: Client, db: None, settings: Any
) -> None:
    settings.DEBUG = False
    assert "coproduce-demo" not in client.get(reverse("login")).content.decode()

    settings.DEBUG = True
    content = client.get(reverse("login")).content.decode()
    assert "Demo sign-ins" in content
    assert "coproduce-demo" in content
    for username in ("amara", "ben", "chloe"):
        assert f">{username}</code>" in content


def test_wrong_password_explains_and_keeps_the_username(client: Client, cast: Cast) -> None:
    response = client.post(reverse("login"), {"username": "amara", "password": "not-it"})

    assert response.status_code == 200
    content = response.content.decode()
    page = Elements(content)
    assert page.find("div", **{"class": "nhsuk-error-summary"})
    assert "We could not sign you in" in content
    assert len(page.find("a", href="#id_username")) == 1, "the summary links to the username"
    assert "<title>Error: Sign in" in content
    assert page.by_id("id_username")["value"] == "amara"
    assert "value" not in page.by_id("id_password")
    assert "not-it" not in content


def test_empty_sign_in_lists_each_missing_field(client: Client, db: None) -> None:
    response = client.post(reverse("login"), {"username": "", "password": ""})

    page = Elements(response.content.decode())
    assert page.find("a", href="#id_username")
    assert page.find("a", href="#id_password")
    assert page.by_id("id_username")["aria-describedby"] == "id_username_error"
    assert page.by_id("id_username_error")


def test_right_password_signs_in(client: Client, cast: Cast) -> None:
    response = client.post(reverse("login"), {"username": "amara", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(cast.amara.user.pk)


# --- base.html ----------------------------------------------------------------


def test_shell_landmarks_and_signed_in_user(cast: Cast) -> None:
    html = render_shell(cast.amara.user)
    page = Elements(html)

    assert re.search(r'<html lang="en-GB">', html)
    assert page.find("meta", name="viewport")
    [main] = page.find("main")
    assert main["id"] == "maincontent"
    assert len(page.find("header")) == 1
    assert len(page.find("footer")) == 1
    [skip] = page.find("a", **{"class": "nhsuk-skip-link"})
    assert skip["href"] == "#maincontent"
    # Every <nav> is labelled, so two of them are never confused.
    assert all(nav.get("aria-label") for nav in page.find("nav"))
    assert "Amara Osei" in html
    assert "nhsuk-header__logo" not in html, "no NHS logo: we are not an NHS service"

    [sign_out] = page.find("form", action=reverse("logout"))
    assert sign_out["method"] == "post"
    position = page.tags.index(("form", sign_out))
    following = [tag for tag, _ in page.tags[position + 1 : position + 3]]
    assert following == ["input", "button"], "the CSRF token, then a button, not a link"
    assert page.tags[position + 1][1]["name"] == "csrfmiddlewaretoken"

    [body] = page.find("body")
    headers = json.loads(body["hx-headers"] or "")
    assert list(headers) == ["X-CSRFToken"]
    assert len(headers["X-CSRFToken"]) >= 32


def test_shell_for_someone_not_signed_in_has_no_account_menu(db: None) -> None:
    html = render_shell(AnonymousUser())

    assert "nhsuk-header__account" not in html
    assert reverse("logout") not in html


def test_messages_are_notification_banners(cast: Cast) -> None:
    html = render_shell(
        cast.amara.user,
        messages=[
            Message(message_levels.SUCCESS, "Ben is now on your care team"),
            Message(message_levels.WARNING, "Your review is overdue"),
        ],
    )
    page = Elements(html)

    # The other alert on every page is the empty, hidden "Not saved" box htmx fills.
    alerts = page.find("div", role="alert")
    [problem] = [a for a in alerts if a.get("id") == "request-problem"]
    assert "hidden" in problem
    [success] = [a for a in alerts if a.get("id") != "request-problem"]
    assert "nhsuk-notification-banner--success" in classes(success)
    [region] = page.find("div", role="region")
    assert "nhsuk-notification-banner" in classes(region)
    # Each banner names itself with its own heading.
    labels = {success["aria-labelledby"], region["aria-labelledby"]}
    assert len(labels) == 2
    for label in labels:
        page.by_id(label or "")
    assert "Ben is now on your care team" in html
    assert "Your review is overdue" in html


def first_match(config: dict[str, Any], status: int) -> dict[str, Any]:
    """The rule htmx 2 applies: the first responseHandling entry whose code matches."""
    for rule in config["responseHandling"]:
        if re.search(rule["code"], str(status)):
            return rule
    raise AssertionError(f"no rule for {status}")


def test_htmx_swaps_conflicts_and_invalid_forms_only(db: None) -> None:
    page = Elements(render_shell(AnonymousUser()))
    [meta] = page.find("meta", name="htmx-config")
    config = json.loads(meta["content"] or "")

    for status in (200, 201, 409, 422):
        assert first_match(config, status)["swap"] is True, status
    for status in (409, 422):
        assert not first_match(config, status).get("error"), status
    for status in (204, 400, 403, 404, 405, 429, 500, 502):
        assert first_match(config, status)["swap"] is False, status
    for status in (400, 403, 404, 500):
        assert first_match(config, status)["error"] is True, status
    # Nothing our Content-Security-Policy will forbid, and no page copies
    # left behind in localStorage.
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0


# --- static files ---------------------------------------------------------------


def static_path(url: str) -> str:
    assert url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL), url
    return url.split(settings.STATIC_URL, 1)[1]


def test_every_static_file_the_shell_uses_exists(db: None) -> None:
    """Run `make static` first: it copies NHS.UK frontend into static/vendor."""
    page = Elements(render_shell(AnonymousUser()))
    urls = [attrs["href"] for attrs in page.find("link", rel="stylesheet")]
    urls += [attrs["src"] for attrs in page.find("script")]
    assert any("vendor/nhsuk/" in (url or "") for url in urls)

    for url in urls:
        assert finders.find(static_path(url or "")), f"{url} is missing: run `make static`"


def test_files_the_static_files_refer_to_exist(db: None) -> None:
    """Relative references inside our JS and the vendored CSS resolve too."""
    script = Path(finders.find("js/coproduce.js") or "")
    [imported] = re.findall(r'from "([^"]+)"', script.read_text())
    assert finders.find(posixpath.normpath(posixpath.join("js", imported))), imported

    stylesheet = finders.find("vendor/nhsuk/nhsuk-frontend.min.css")
    assert stylesheet, "run `make static`"
    css = Path(stylesheet).read_text()
    references = set(re.findall(r"url\(([^)]+)\)", css))
    assert references, "the icons"
    for reference in references:
        reference = reference.strip("\"'")
        assert not reference.startswith(("http:", "https:", "/")), reference
        assert finders.find(f"vendor/nhsuk/{reference}"), reference
    assert "assets.nhs.uk" not in css


# --- includes/field.html, error_summary.html, pagination.html ------------------


class EverythingForm(forms.Form):
    text = forms.CharField(max_length=20, help_text="In your own words")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    leadership = forms.ChoiceField(
        choices=[("1", "I lead"), ("3", "We share")], widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(choices=[("", "Choose one"), ("a", "Alpha"), ("b", "Beta")])
    agree = forms.BooleanField(required=False, label="I agree")
    tags = forms.MultipleChoiceField(
        choices=[("x", "Ex"), ("y", "Why")], widget=forms.CheckboxSelectMultiple, required=False
    )


FORM_TEMPLATE = Template(
    '{% include "includes/error_summary.html" with form=form %}'
    "{% for field in form %}"
    '{% include "includes/field.html" with field=field %}'
    "{% endfor %}"
)


def test_fields_render_as_nhs_form_groups() -> None:
    from datetime import date

    form = EverythingForm(initial={"when": date(2026, 3, 4), "leadership": "3", "agree": True})
    html = FORM_TEMPLATE.render(Context({"form": form}))
    page = Elements(html)

    assert "nhsuk-error-summary" not in html
    text = page.by_id("id_text")
    assert "nhsuk-input" in classes(text)
    assert text["maxlength"] == "20"
    assert text["aria-describedby"] == "id_text_helptext"
    assert "In your own words" in html
    assert "nhsuk-textarea" in classes(page.by_id("id_notes"))
    assert "Notes (optional)" in " ".join(html.split())
    # A date the phone's own picker understands, whatever the locale says.
    assert page.by_id("id_when")["type"] == "date"
    assert page.by_id("id_when")["value"] == "2026-03-04"
    assert "nhsuk-select" in classes(page.by_id("id_kind"))
    assert "checked" in page.by_id("id_leadership_1")
    assert "checked" not in page.by_id("id_leadership_0")
    assert page.find("div", **{"class": "nhsuk-radios", "data-module": "nhsuk-radios"})
    assert page.find("legend", **{"class": "nhsuk-fieldset__legend"})
    assert "checked" in page.by_id("id_agree")
    assert page.by_id("id_tags_1")["type"] == "checkbox"


def test_invalid_fields_show_errors_linked_from_the_summary() -> None:
    form = EverythingForm(
        data={"text": "x" * 30, "when": "not a date", "kind": "b", "notes": "Keep <this>"}
    )
    assert not form.is_valid()
    html = FORM_TEMPLATE.render(Context({"form": form}))
    page = Elements(html)

    assert "There is a problem" in html
    for target in ("id_text", "id_when", "id_leadership_0"):
        assert page.find("a", href=f"#{target}"), target
        page.by_id(target)
    text = page.by_id("id_text")
    assert text["value"] == "x" * 30, "what the person typed is kept"
    assert text["aria-describedby"] == "id_text_helptext id_text_error"
    assert "nhsuk-input--error" in classes(text)
    page.by_id("id_text_error")
    [fieldset] = page.find("fieldset", **{"aria-describedby": "id_leadership_error"})
    assert fieldset is not None
    assert page.by_id("id_when")["value"] == "not a date"
    assert "Keep &lt;this&gt;</textarea>" in html
    [chosen] = [attrs for tag, attrs in page.tags if tag == "option" and attrs.get("value") == "b"]
    assert "selected" in chosen
    assert len(page.find("div", **{"class": "nhsuk-form-group nhsuk-form-group--error"})) == 3


def test_pagination_keeps_the_other_query_parameters() -> None:
    request = RequestFactory().get("/caseload/", {"sort": "review", "page": "5"})
    page = Paginator(list(range(100)), 10).page(5)
    html = Template('{% include "includes/pagination.html" with page=page %}').render(
        RequestContext(request, {"page": page})
    )
    links = Elements(html).find("a")
    hrefs = [link["href"] for link in links]

    assert all("sort=review" in (href or "") for href in hrefs), hrefs
    pages = [re.search(r"page=(\d+)", href or "").group(1) for href in hrefs]  # type: ignore[union-attr]
    assert pages == ["4", "1", "4", "5", "6", "10", "6"], "previous, 1 … 4 5 6 … 10, next"
    assert html.count("nhsuk-pagination__item--ellipsis") == 2
    [current] = Elements(html).find("a", **{"aria-current": "page"})
    assert current["href"] and "page=5" in current["href"]


def test_no_pagination_for_a_single_page() -> None:
    page = Paginator([1, 2], 10).page(1)
    html = Template('{% include "includes/pagination.html" with page=page %}').render(
        RequestContext(RequestFactory().get("/"), {"page": page})
    )
    assert "nhsuk-pagination" not in html


# The sign-in page in a real browser (axe on a phone): tests/browser/test_sign_in.py.
