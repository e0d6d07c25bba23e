"""Bad input never hurts: hypothesis throws hostile data at every form and POST endpoint.

What it tries
-------------
Endpoints (POST, each signed in as the role that may use it; plan items as both
Amara the person and Ben the professional, so both "applies at once" and
"becomes a suggestion" paths run):

- plan items: ``item_add``, ``item_edit`` for outcome, resource, commitment,
  expertise and life_area; ``about_edit``; ``item_remove`` for the removable
  kinds; ``leadership_propose``; ``proposal_answer`` (accept, decline, withdraw);
  ``item_agree`` and ``area_agree`` (unknown items and areas in the URL);
- the person's power: ``care_team_invite``, ``care_team_remove`` (random and
  huge member ids in the URL), ``access_request_answer`` (accept, decline),
  ``close_account``; Ben's ``join_request``;
- outcomes: ``outcome_rate``, ``review_start``, ``review_detail``,
  ``review_complete``, ``review_power_check`` (both sides), ``review_leadership``;
- replies: ``reply_add`` to an outcome, a rating and "about me" (as Amara and
  as Ben), and Ben's reply to his declined suggestion;
- sign-in: ``login`` (anonymous), ``logout``, ``two_factor_setup``,
  ``two_factor_verify``, ``session_keepalive``.

Query strings (GET) are fuzzed too: Chloe's dashboard filter on
``team_dashboard``, ``team_dashboard_csv``, ``team_dashboard_plans`` and
``team_dashboard_plans_csv`` (start, end, area, professional, figure, page),
Ben's ``caseload`` (q, show, page), ``care_team_invite`` search, and
``plan_history``, ``plan_live``, ``who_has_looked``.

Hostile values, one kind at a time so that every kind reaches every endpoint:

- ``nul``: NUL bytes alone, inside text, and 10,000 of them;
- ``long``: 10,000 to 100,000 characters of ``<b>``, ASCII, accents, emoji, NUL
  or RTL marks;
- ``markup``: ``<script>x-probe</script>``, ``"><img src=x onerror=alert(1)>``,
  a ``javascript:`` link, template and format syntax, SQL, a path;
- ``unicode``: RTL overrides and marks, zero-width characters, emoji sequences,
  mathematical letters, control characters, empty and blank text, and
  arbitrary text from hypothesis;
- ``numbers``: 10**20, -1, 0, 11, "1e9", "NaN", "inf", "1.5", Arabic-Indic
  digits, hex, 2**31, 2**63 and integers up to 2**70 either side;
- ``dates``: "2026-02-30", "0000-00-00", "9999-12-31", year 1, month 13,
  year 99999, other formats, and any date hypothesis picks;
- ``ids``: random UUIDs, the nil UUID, non-UUIDs, -1 and 10**20;
- ``lists``: two or three of any of these where one value is expected;
- ``missing``: fields left out, the rest valid.

In each kind, every field gets the hostile value or a valid one (so forms also
validate and store hostile text next to valid values), plus fields that are
not on the form (``side``, ``plan``, ``created_by``, ``rated_by``, ``pk``).
The ids in URLs vary too (unknown outcomes, reviews, access requests; care
team member ids up to 2**70).

Every example is posted twice, as a plain POST and as htmx (``HX-Request:
true``), each in its own savepoint that is rolled back afterwards, and:

1. the response is never a 500;
2. when the response refuses the input (4xx, or a redirect back to the form),
   the row counts of ValuedOutcome, Resource, Commitment, Expertise,
   Proposal, Rating, Review, LifeArea, CareTeamMember, AccessRequest,
   PlanChange and Reply are unchanged; on SQLite (which, unlike PostgreSQL, would
   accept them) no text column of those models holds a NUL byte;
3. the response, the page a redirect leads to, the plan page and the history
   page never contain the injected markup unescaped.

``EXAMPLES`` (2) examples per kind per endpoint and role: the first is the
simplest, the kind's worst value in every field; the second is random. That is
18 examples, 36 requests, per endpoint with a form; 4 examples (kinds "ids" and
"nul" in stray fields) per endpoint without one. 63 endpoint and role pairs in
all (52 POST, 9 GET), about 1,900 requests.
``test_every_url_is_fuzzed_or_takes_no_input`` fails when a URL pattern is
added that is neither fuzzed here nor listed as taking no input.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import operator
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes import services as outcome_services
from outcomes.models import Rating, Review, ValuedOutcome
from plans import care_team, services
from plans.access import get_plan_for_user
from plans.models import (
    AccessRequest,
    CareTeamMember,
    Commitment,
    CrisisAgreement,
    CrisisContact,
    CrisisPlan,
    Expertise,
    Leadership,
    LifeArea,
    PlanChange,
    Proposal,
    Reply,
    Resource,
    ResourceControl,
)
from tests import factories as f
from tests.conftest import Cast

# Examples per kind of hostile value per endpoint. The first example of each kind is
# its simplest: the worst value of that kind in every field. Raise it for a deeper
# search, e.g. HOSTILE_EXAMPLES=20 pytest tests/test_hostile_input.py
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "2"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ directory; every run explores afresh
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- hostile values ------------------------------------------------------------------

PROBE_SCRIPT = "<script>x-probe</script>"
PROBE_IMG = '"><img src=x onerror=alert(1)>'
MARKERS = ("<script>x-probe", "<img src=x onerror")

# In each list the first value is the one tried first (hypothesis starts simple).
NUL_TEXT = ["before\x00after", "\x00", "\x00" * 10_000]
MARKUP = [
    f"Walk the dog {PROBE_SCRIPT}{PROBE_IMG}",
    PROBE_SCRIPT,
    PROBE_IMG,
    f"<a href='javascript:alert(1)'>{PROBE_SCRIPT}</a>",
    "{{ request.user }}{% debug %}",
    "%(name)s %s {0} {}",
    "Robert'); DROP TABLE plans_plan;--",
    "../../../etc/passwd",
]
UNICODE = [
    "\u202eevil\u202c reversed \u200f\u200e",
    "\u200b\u200c\u200d\ufeff",
    "\U0001f469\U0001f3fd\u200d\U0001f9b1 \U0001f3f3\ufe0f\u200d\U0001f308",
    "\U0001d56c\U0001d592\U0001d586",
    "\r\n\t\x0b\x0c",
    "",
    " ",
]
NUMBERS = [
    str(10**20),
    "-1",
    "0",
    "11",
    "1e9",
    "NaN",
    "inf",
    "-0",
    "1.5",
    " 3 ",
    "\u0663",  # Arabic-Indic 3: int() accepts it
    "0x10",
    str(-(10**20)),
    str(2**31),
    str(2**63),
]
DATES = [
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2026-13-01",
    "99999-01-01",
    "2026-1-1",
    "25/11/2026",
    "2026-11-25T10:00",
    "-2026-01-01",
    "tomorrow",
]
IDS = [
    "not-a-uuid",
    "-1",
    str(10**20),
    "00000000-0000-0000-0000-000000000000",
    "1",
]

long_text = st.builds(
    operator.mul,
    st.sampled_from(["<b>", "a", "\u00e9", "\U0001f600", "\x00", "\u202e"]),
    st.integers(10_000, 100_000),
)
nul_text = st.one_of(
    st.sampled_from(NUL_TEXT),
    st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=20), st.text(max_size=20)),
)
hostile_scalar = st.one_of(
    nul_text,
    long_text,
    st.sampled_from(MARKUP),
    st.one_of(st.sampled_from(UNICODE), st.text(max_size=40)),
    st.one_of(st.sampled_from(NUMBERS), st.integers(-(2**70), 2**70).map(str)),
    st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.isoformat())),
    st.one_of(st.sampled_from(IDS), st.uuids().map(str)),
)
# One kind of hostility at a time, so that every kind is tried on every endpoint.
KINDS: dict[str, st.SearchStrategy[Any]] = {
    "nul": nul_text,
    "long": long_text,
    "markup": st.sampled_from(MARKUP),
    "unicode": st.one_of(st.sampled_from(UNICODE), st.text(max_size=40)),
    "numbers": st.one_of(st.sampled_from(NUMBERS), st.integers(-(2**70), 2**70).map(str)),
    "dates": st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.isoformat())),
    "ids": st.one_of(st.sampled_from(IDS), st.uuids().map(str)),
    "lists": st.lists(hostile_scalar, min_size=2, max_size=3),
    "missing": st.nothing(),  # fields left out (the rest valid)
}
STRANGERS = ["side", "plan", "created_by", "rated_by", "pk"]


def form_data(valid: dict[str, list[Any]], kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Every field hostile, or some valid and the rest hostile; plus fields not on the form.

    "missing" leaves fields out instead, giving the rest valid values.
    """
    if kind == "missing":
        present = {name: st.sampled_from(values) for name, values in valid.items() if values}
        return st.fixed_dictionaries({}, optional=present)
    hostile = KINDS[kind]
    fields = {
        name: st.one_of(hostile, st.sampled_from(values)) if values else hostile
        for name, values in valid.items()
    }
    return st.builds(
        lambda known, extra: {**extra, **known},
        st.fixed_dictionaries(fields),
        st.fixed_dictionaries({}, optional=dict.fromkeys(STRANGERS, hostile)),
    )


# --- what is checked after every request -------------------------------------------------

WATCHED: list[Any] = [
    ValuedOutcome,
    Resource,
    Commitment,
    Expertise,
    Proposal,
    Rating,
    Review,
    LifeArea,
    CareTeamMember,
    AccessRequest,
    PlanChange,
    Reply,
    CrisisPlan,
    CrisisContact,
    CrisisAgreement,
]


# Both checks run two or three times per example, so they are plain SQL written
# once per process: building and compiling fifteen ORM queries each time cost
# more than running them. Every watched model is one table behind a manager that
# filters nothing (asserted here), so COUNT(*) of its table is `objects.count()`.
def _table(model: Any) -> str:
    assert not model._meta.parents, f"{model.__name__} spans several tables"
    assert not model.objects.all().query.has_filters(), f"{model.__name__}'s manager filters"
    return str(connection.ops.quote_name(model._meta.db_table))


@functools.cache
def _counts_sql() -> str:
    # Table names from the models' own metadata, quoted: no outside input.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {_table(m)})" for m in WATCHED)  # noqa: S608
    return f"SELECT {counts}"


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(_counts_sql())
        row = cursor.fetchone()
    return {model.__name__: int(n) for model, n in zip(WATCHED, row, strict=True)}


@functools.cache
def _text_columns_sql(model: Any) -> str:
    text = [
        fld
        for fld in model._meta.concrete_fields
        if isinstance(fld, models.CharField | models.TextField | models.JSONField)
    ]
    # As values_list() with no names: a model without text reads every column.
    columns = ", ".join(
        connection.ops.quote_name(fld.column) for fld in text or model._meta.concrete_fields
    )
    return f"SELECT {columns} FROM {_table(model)}"  # noqa: S608 (names from the model, quoted)


def stored_nul_bytes() -> list[str]:
    """Text columns holding NUL. Only asked of SQLite: PostgreSQL refuses to store them.

    Read back and checked in Python: SQLite's LIKE stops at a NUL in the pattern.
    JSON columns are read as the stored text, where a NUL is the escape \\u0000.
    """
    found = []
    with connection.cursor() as cursor:
        for model in WATCHED:
            cursor.execute(_text_columns_sql(model))
            for row in cursor.fetchall():
                # json.dumps writes NUL as \u0000, inside plain text and JSON alike.
                if "\\u0000" in json.dumps(row, default=str):
                    found.append(model.__name__)
                    break
    return found


def assert_escaped(html: str, where: str) -> None:
    for marker in MARKERS:
        assert marker not in html, f"unescaped {marker!r} in {where}"


def body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# --- the endpoints --------------------------------------------------------------------


@dataclass
class Request:
    url: str
    valid: dict[str, list[Any]] = field(default_factory=dict)
    # A redirect to this URL is a refusal too (the invite form says so with a message).
    refused_redirect: str | None = None


@dataclass
class Endpoint:
    name: str  # the URL name
    who: str  # "amara", "ben", "chloe" or "anonymous"
    prepare: Callable[[Cast], Request]
    method: str = "post"
    takes_fields: bool = True  # False: only the ids in the URL and stray fields to vary
    # More of Amara's pages that show what was accepted, beside the plan and its history.
    pages: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.name}-{self.who}-{self.prepare.__name__}"


def _user(cast: Cast, who: str) -> Any:
    return getattr(cast, who).user


def _plan_url(name: str, cast: Cast, **kwargs: Any) -> str:
    return reverse(name, kwargs={"code": cast.plan.code, **kwargs})


def _areas(cast: Cast) -> list[LifeArea]:
    return list(LifeArea.objects.filter(plan=cast.plan).order_by("position"))


def _area_codes(cast: Cast) -> list[str]:
    return [str(a.code) for a in _areas(cast)]


def _today(offset: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


OUTCOME_FIELDS = {
    "text": ["Back at college by September"],
    "why_it_matters": ["I miss learning"],
    "target_date": [_today(90)],
    "status": list(ValuedOutcome.Status.values),
    "reason": ["Because"],
}


def _resource_fields(cast: Cast) -> dict[str, list[Any]]:
    outcome = f.make_outcome(cast.plan)
    return {
        "name": ["Recovery college"],
        "provider": ["The trust"],
        "how_to_access": ["Ask Ben"],
        "control": list(ResourceControl.values),
        "outcomes": [str(outcome.code)],
        "library_item": [""],
        "save_to_library": ["on"],
        "reason": ["Because"],
    }


def _commitment_fields(cast: Cast) -> dict[str, list[Any]]:
    return {
        # Someone on the plan, or anyone else by name (an outside service, a group).
        "who": [str(cast.amara.user.pk), str(cast.ben.user.pk), "service", "community"],
        "who_name": ["", "Citizens Advice"],
        "what": ["Phone the college"],
        "due_date": [_today(14)],
        "status": list(Commitment.Status.values),
        "reason": ["Because"],
    }


def _expertise_fields(cast: Cast) -> dict[str, list[Any]]:
    return {
        "kind": list(Expertise.Kind.values),
        "life_area": ["", *_area_codes(cast)],
        "text": ["I know when I need a quiet day"],
        "reason": ["Because"],
    }


def add_outcome(cast: Cast) -> Request:
    url = _plan_url("item_add", cast, kind_name="outcome")
    return Request(url, {"area": _area_codes(cast), **OUTCOME_FIELDS})


def add_resource(cast: Cast) -> Request:
    url = _plan_url("item_add", cast, kind_name="resource")
    return Request(url, {"area": _area_codes(cast), **_resource_fields(cast)})


def add_commitment(cast: Cast) -> Request:
    url = _plan_url("item_add", cast, kind_name="commitment")
    return Request(url, {"area": _area_codes(cast), **_commitment_fields(cast)})


def add_expertise(cast: Cast) -> Request:
    return Request(_plan_url("item_add", cast, kind_name="expertise"), _expertise_fields(cast))


def add_life_area(cast: Cast) -> Request:
    url = _plan_url("item_add", cast, kind_name="life_area")
    return Request(url, {"name": ["Faith", "Work and learning"], "reason": ["Because"]})


def _edit(cast: Cast, kind: str, item: Any, valid: dict[str, list[Any]]) -> Request:
    url = _plan_url("item_edit", cast, kind_name=kind, item_code=item.code)
    return Request(url, {**valid, "version": [str(item.version), "1"]})


def edit_outcome(cast: Cast) -> Request:
    return _edit(cast, "outcome", f.make_outcome(cast.plan), OUTCOME_FIELDS)


def edit_resource(cast: Cast) -> Request:
    item = f.make_resource(cast.plan, cast.amara.user)
    return _edit(cast, "resource", item, _resource_fields(cast))


def edit_commitment(cast: Cast) -> Request:
    item = f.make_commitment(cast.plan, cast.amara.user)
    return _edit(cast, "commitment", item, _commitment_fields(cast))


def edit_expertise(cast: Cast) -> Request:
    kind = "my_situation"
    item = f.make_expertise(cast.plan, cast.amara.user, kind)
    return _edit(cast, "expertise", item, _expertise_fields(cast))


def edit_life_area(cast: Cast) -> Request:
    area = _areas(cast)[0]
    return _edit(cast, "life_area", area, {"name": ["Faith", "Home"], "reason": ["Because"]})


def edit_about(cast: Cast) -> Request:
    valid = {
        "about_admire": ["Kind"],
        "about_matters": ["My sister"],
        "about_support": ["Quiet voices"],
        "version": [str(cast.plan.about_version)],
        "reason": ["Because"],
    }
    return Request(_plan_url("about_edit", cast), valid)


def _remove(cast: Cast, kind: str, item: Any) -> Request:
    url = _plan_url("item_remove", cast, kind_name=kind, item_code=item.code)
    return Request(url, {"version": [str(item.version)], "reason": ["Done with it"]})


def remove_outcome(cast: Cast) -> Request:
    return _remove(cast, "outcome", f.make_outcome(cast.plan))


def remove_resource(cast: Cast) -> Request:
    return _remove(cast, "resource", f.make_resource(cast.plan, cast.amara.user))


def remove_commitment(cast: Cast) -> Request:
    return _remove(cast, "commitment", f.make_commitment(cast.plan, cast.amara.user))


def remove_expertise(cast: Cast) -> Request:
    item = f.make_expertise(cast.plan, cast.ben.user, "seen_with_others")
    return _remove(cast, "expertise", item)


def leadership(cast: Cast) -> Request:
    area = _areas(cast)[1]
    url = _plan_url("leadership_propose", cast, area_code=area.code)
    valid = {
        "leadership": [str(v) for v in Leadership.values],
        "reason": ["Why"],
        "how_long": ["", "date", "review"],
        "until": [_today(30), _today()],
    }
    return Request(url, valid)


def _ben_suggests(cast: Cast) -> Proposal:
    """A pending suggestion from Ben: an outcome added in an area Amara leads."""
    access = get_plan_for_user(cast.ben.user, cast.plan.code)
    area = _areas(cast)[0]
    data = {"text": "Sleep better", "status": "active"}
    result = services.submit_add(access, services.KINDS["outcome"], data, area=area)
    assert result.proposal is not None, "expected Ben's outcome to become a suggestion"
    return result.proposal


def _answer(cast: Cast, answer: str) -> Request:
    proposal = _ben_suggests(cast)
    url = _plan_url("proposal_answer", cast, proposal_code=proposal.code, answer=answer)
    return Request(url, {"reason": ["Fine by me"]})


def accept_suggestion(cast: Cast) -> Request:
    return _answer(cast, "accept")


def decline_suggestion(cast: Cast) -> Request:
    return _answer(cast, "decline")


def withdraw_suggestion(cast: Cast) -> Request:
    return _answer(cast, "withdraw")


def invite(cast: Cast) -> Request:
    url = _plan_url("care_team_invite", cast)
    return Request(
        url,
        {"professional": [str(cast.oscar.pk), str(cast.chloe.pk), str(cast.ben.pk)]},
        refused_redirect=url,
    )


def remove_member(cast: Cast) -> Request:
    member = f.add_to_care_team(cast.plan, f.make_professional(team=cast.team))
    # An unknown member id in the URL, sometimes huge, is part of the hostility.
    member_id = cast_draw(st.one_of(st.just(member.pk), st.integers(0, 2**70)))
    return Request(_plan_url("care_team_remove", cast, member_id=member_id))


def _access_request(cast: Cast, decision: str) -> Request:
    asked = AccessRequest.objects.create(plan=cast.plan, professional=cast.oscar, message="Hi")
    code = cast_draw(st.one_of(st.just(asked.code), st.uuids()))
    return Request(_plan_url("access_request_answer", cast, request_code=code, decision=decision))


def accept_request(cast: Cast) -> Request:
    return _access_request(cast, "accept")


def decline_request(cast: Cast) -> Request:
    return _access_request(cast, "decline")


def close_account(cast: Cast) -> Request:
    # The right password is never offered: a closed account would end the example.
    return Request(reverse("close_account"), {"password": ["wrong-password"]})


def join(cast: Cast) -> Request:
    codes = [
        care_team.display_share_code(care_team.share_code(cast.priya_plan)),
        care_team.share_code(cast.plan),
    ]
    return Request(reverse("join_request"), {"code": codes, "message": ["I am Ben"]})


def rate(cast: Cast) -> Request:
    outcome = f.make_outcome(cast.plan)
    code = cast_draw(st.one_of(st.just(outcome.code), st.uuids()))
    url = _plan_url("outcome_rate", cast, outcome_code=code)
    valid = {
        "score": [str(n) for n in range(1, 11)],
        "note": ["Getting there"],
        "rated_on": [_today(), _today(-30), _today(1)],
    }
    return Request(url, valid)


def withdraw_rating(cast: Cast) -> Request:
    rating = f.make_rating(f.make_outcome(cast.plan), cast.amara.user, 4)
    code = cast_draw(st.one_of(st.just(rating.code), st.uuids()))
    url = _plan_url("rating_withdraw", cast, outcome_code=rating.outcome.code, rating_code=code)
    return Request(url, {"reason": ["I rated the wrong outcome"]})


def _reply(cast: Cast, target_type: str, target_code: Any) -> Request:
    code = cast_draw(st.one_of(st.just(target_code), st.uuids()))
    url = _plan_url("reply_add", cast, target_type=target_type, target_code=code)
    return Request(url, {"text": ["I disagree because it is too soon", "I would add: Tuesdays"]})


def reply_to_outcome(cast: Cast) -> Request:
    return _reply(cast, "outcome", f.make_outcome(cast.plan).code)


def reply_to_rating(cast: Cast) -> Request:
    rating = f.make_rating(f.make_outcome(cast.plan), cast.ben.user, 4)
    return _reply(cast, "rating", rating.code)


def reply_to_about(cast: Cast) -> Request:
    return _reply(cast, "about", cast.plan.code)


def reply_to_declined_suggestion(cast: Cast) -> Request:
    proposal = _ben_suggests(cast)
    services.decline_proposal(get_plan_for_user(cast.amara.user, cast.plan.code), proposal, "No")
    return _reply(cast, "proposal", proposal.code)


def start_review(cast: Cast) -> Request:
    return Request(_plan_url("review_start", cast))


def _open_review(cast: Cast) -> tuple[Review, list[ValuedOutcome]]:
    outcomes = [f.make_outcome(cast.plan), f.make_outcome(cast.plan, area_name="Home")]
    access = get_plan_for_user(cast.amara.user, cast.plan.code)
    review, _ = outcome_services.start_review(access)
    return review, outcomes


def answer_review(cast: Cast) -> Request:
    review, outcomes = _open_review(cast)
    valid: dict[str, list[Any]] = {}
    for outcome in outcomes:
        prefix = outcome.code.hex
        valid[f"{prefix}-score"] = ["", *[str(n) for n in range(1, 11)]]
        valid[f"{prefix}-note"] = ["", "Better"]
        valid[f"{prefix}-status"] = list(ValuedOutcome.Status.values)
    return Request(_plan_url("review_detail", cast, review_code=review.code), valid)


def complete_review(cast: Cast) -> Request:
    review, _ = _open_review(cast)
    url = _plan_url("review_complete", cast, review_code=review.code)
    return Request(url, {"next_review_date": [_today(90), _today()], "notes": ["Good review"]})


def power_check(cast: Cast) -> Request:
    review, _ = _open_review(cast)
    url = _plan_url("review_power_check", cast, review_code=review.code)
    answers = ["yes", "partly", "no"]
    valid = {
        "led": ["less", "as_much", "more"],
        "words_kept": answers,
        "shared_as_agreed": answers,
        "note": ["", "My words were changed"],
    }
    return Request(url, valid)


def take_back(cast: Cast) -> Request:
    review, _ = _open_review(cast)
    area = _areas(cast)[1]
    LifeArea.objects.filter(pk=area.pk).update(leadership=Leadership.PROFESSIONAL_LEADS)
    url = _plan_url("review_leadership", cast, review_code=review.code)
    return Request(url, {"area": [str(area.code)]})


def login(cast: Cast) -> Request:
    valid = {"username": ["amara", "ben"], "password": [f.PASSWORD, "nope"], "next": ["/"]}
    return Request(reverse("login"), valid)


def logout(cast: Cast) -> Request:
    return Request(reverse("logout"))


def two_factor_setup(cast: Cast) -> Request:
    return Request(reverse("two_factor_setup"), {"code": ["123456"], "next": ["/"]})


def two_factor_verify(cast: Cast) -> Request:
    TOTPDevice.objects.create(user=cast.ben.user, name="App", confirmed=True)
    return Request(reverse("two_factor_verify"), {"code": ["123456"], "next": ["/", "//evil"]})


def _awaiting_agreement(cast: Cast) -> Any:
    """A resource Ben added where professionals lead with Amara's agreement."""
    area = f.area(cast.plan, "Mental wellbeing")
    LifeArea.objects.filter(pk=area.pk).update(leadership=4)
    return f.make_resource(
        cast.plan, by=cast.ben.user, area_name="Mental wellbeing", awaiting_agreement=True
    )


def agree_item(cast: Cast) -> Request:
    item = _awaiting_agreement(cast)
    code = cast_draw(st.one_of(st.just(item.code), st.uuids()))
    return Request(_plan_url("item_agree", cast, kind_name="resource", item_code=code))


def agree_area(cast: Cast) -> Request:
    item = _awaiting_agreement(cast)
    code = cast_draw(st.one_of(st.just(item.life_area.code), st.uuids()))
    return Request(_plan_url("area_agree", cast, area_code=code))


def keepalive(cast: Cast) -> Request:
    return Request(reverse("session_keepalive"))


POSTED = [
    *[
        Endpoint(name, who, prepare)
        for who in ("amara", "ben")
        for name, prepare in [
            ("item_add", add_outcome),
            ("item_add", add_resource),
            ("item_add", add_commitment),
            ("item_add", add_expertise),
            ("item_edit", edit_outcome),
            ("item_edit", edit_resource),
            ("item_edit", edit_commitment),
            ("item_edit", edit_expertise),
            ("item_remove", remove_outcome),
            ("item_remove", remove_expertise),
            ("item_add", add_life_area),
            ("item_edit", edit_life_area),
            ("about_edit", edit_about),
            ("leadership_propose", leadership),
            ("outcome_rate", rate),
            ("review_detail", answer_review),
            ("reply_add", reply_to_outcome),
            ("reply_add", reply_to_rating),
            ("reply_add", reply_to_about),
        ]
    ],
    Endpoint("reply_add", "ben", reply_to_declined_suggestion),
    # Removing a resource or commitment runs the same code as an outcome for Ben.
    Endpoint("item_remove", "amara", remove_resource),
    Endpoint("item_remove", "amara", remove_commitment),
    Endpoint("review_start", "amara", start_review, takes_fields=False),
    Endpoint("rating_withdraw", "amara", withdraw_rating),
    Endpoint("item_agree", "amara", agree_item, takes_fields=False),
    Endpoint("area_agree", "amara", agree_area, takes_fields=False),
    Endpoint("review_complete", "amara", complete_review),
    Endpoint("review_power_check", "amara", power_check),
    Endpoint("review_power_check", "ben", power_check),
    Endpoint("review_leadership", "amara", take_back),
    Endpoint("session_keepalive", "amara", keepalive, takes_fields=False),
    Endpoint("logout", "amara", logout, takes_fields=False),
    Endpoint("proposal_answer", "amara", accept_suggestion),
    Endpoint("proposal_answer", "amara", decline_suggestion),
    Endpoint("proposal_answer", "ben", withdraw_suggestion),
    Endpoint("care_team_invite", "amara", invite),
    Endpoint("care_team_remove", "amara", remove_member, takes_fields=False),
    Endpoint("access_request_answer", "amara", accept_request, takes_fields=False),
    Endpoint("access_request_answer", "amara", decline_request, takes_fields=False),
    Endpoint("close_account", "amara", close_account),
    Endpoint("join_request", "ben", join),
    Endpoint("login", "anonymous", login),
    Endpoint("two_factor_setup", "ben", two_factor_setup),
    Endpoint("two_factor_verify", "ben", two_factor_verify),
]


def _dashboard(name: str) -> Callable[[Cast], Request]:
    def dashboard_filter(cast: Cast) -> Request:
        valid: dict[str, list[Any]] = {
            "start": [_today(-180), "1990-01-01"],
            "end": [_today(), "2099-12-31"],
            "area": ["", "Work and learning"],
            "professional": ["", str(cast.ben.pk)],
            "figure": [["caseload", "people"], "outcomes"],
            "page": ["1", "2"],
        }
        return Request(reverse(name), valid)

    return dashboard_filter


def caseload_query(cast: Cast) -> Request:
    valid = {"q": ["Amara"], "show": ["all", "waiting", "overdue", "changed"], "page": ["1"]}
    return Request(reverse("caseload"), valid)


def directory_search(cast: Cast) -> Request:
    url = _plan_url("care_team_invite", cast)
    return Request(url, {"name": ["Ben"], "team": [str(cast.team.pk)], "page": ["1"]})


def history_query(cast: Cast) -> Request:
    return Request(_plan_url("plan_history", cast), {"area": _area_codes(cast), "page": ["1"]})


def live_query(cast: Cast) -> Request:
    return Request(_plan_url("plan_live", cast), {"v": ["0", "1"]})


def who_has_looked_query(cast: Cast) -> Request:
    return Request(_plan_url("who_has_looked", cast), {"page": ["1", "2"]})


QUERIED = [
    *[
        Endpoint(name, "chloe", _dashboard(name), method="get")
        for name in (
            "team_dashboard",
            "team_dashboard_csv",
            "team_dashboard_plans",
            "team_dashboard_plans_csv",
        )
    ],
    Endpoint("caseload", "ben", caseload_query, method="get"),
    Endpoint("care_team_invite", "amara", directory_search, method="get"),
    Endpoint("plan_history", "amara", history_query, method="get"),
    Endpoint("plan_live", "ben", live_query, method="get"),
    Endpoint("who_has_looked", "amara", who_has_looked_query, method="get"),
]

# Pages that read nothing from the request but the ids in their URL (GET only).
NO_INPUT: dict[str, set[str]] = {
    "home": set(),
    "healthz": set(),
    "readyz": set(),
    "worker_health": set(),
    "team_overview": set(),
    "plan_detail": {"code"},
    "area_fragment": {"code", "area_code"},
    "care_team": {"code"},
    "plan_print": {"code"},
    "plan_export_fhir": {"code"},
    "access_ended": set(),
    "account_closed": set(),
    "review_list": {"code"},
}

# --- the property -----------------------------------------------------------------------

# prepare() functions draw unknown ids for their URLs through this hook.
_drawer: list[Any] = []


def cast_draw(strategy: st.SearchStrategy[Any]) -> Any:
    return _drawer[-1].draw(strategy)


@dataclass
class Clients:
    """Signed in once per test; each example starts from the same cookies."""

    acting: Client
    viewer: Client  # Amara, who reads her plan after every accepted request
    cookies: Any

    def reset(self) -> None:
        self.acting.cookies = copy.deepcopy(self.cookies)


def _signed_in(cast: Cast, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(_user(cast, who))
    return client


def _exercise(
    cast: Cast, endpoint: Endpoint, clients: Clients, kind: str, data: Any, htmx: bool
) -> None:
    # Each request runs in a savepoint that is rolled back: every example starts
    # from the same plan, and a database error cannot poison the next example.
    with transaction.atomic():
        clients.reset()
        _drawer.append(data)
        try:
            request = endpoint.prepare(cast)
        finally:
            _drawer.pop()
        payload = data.draw(form_data(request.valid, kind), label="data")
        headers = {"HX-Request": "true"} if htmx else {}
        before = row_counts()
        send = clients.acting.post if endpoint.method == "post" else clients.acting.get
        response = send(request.url, payload, headers=headers)
        where = f"{endpoint.method.upper()} {endpoint.name} ({kind}, htmx={htmx})"
        assert response.status_code < 500, where
        location = response.get("Location", "") if response.status_code in (301, 302) else ""
        refused = 400 <= response.status_code < 500 or (
            request.refused_redirect is not None and location == request.refused_redirect
        )
        if refused or endpoint.method == "get":
            assert row_counts() == before, f"{where} refused the input but stored something"
        if connection.vendor == "sqlite":
            assert stored_nul_bytes() == [], f"{where} stored a NUL byte"
        if response.get("Content-Type", "").startswith("text/html"):
            assert_escaped(body(response), where)
        if location.startswith("/"):
            assert_escaped(body(clients.acting.get(location)), f"the page after {where}")
        if not refused and endpoint.method == "post":
            # Whatever was accepted is shown on the plan and in its history.
            for name in ("plan_detail", "plan_history", *endpoint.pages):
                page = clients.viewer.get(_plan_url(name, cast))
                assert page.status_code == 200
                assert_escaped(body(page), f"{name} after {where}")
        transaction.set_rollback(True)


def fuzz(endpoint: Endpoint, cast: Cast) -> None:
    """Every kind of hostile value at one endpoint, as its role, plain and as htmx.

    Signs in here: call it after any change of password, which ends the sessions.
    """
    acting = _signed_in(cast, endpoint.who)
    clients = Clients(acting, _signed_in(cast, "amara"), copy.deepcopy(acting.cookies))
    for kind in KINDS if endpoint.takes_fields else ["ids", "nul"]:

        @FUZZ
        @given(data=st.data())
        def property_holds(data: Any) -> None:
            for htmx in (False, True):
                _exercise(cast, endpoint, clients, kind, data, htmx)  # noqa: B023

        property_holds()


@pytest.mark.parametrize("endpoint", POSTED + QUERIED, ids=str)
def test_hostile_input_never_hurts(endpoint: Endpoint, cast: Cast) -> None:
    with _fast_passwords(cast) if endpoint.name in CHECK_PASSWORDS else contextlib.nullcontext():
        fuzz(endpoint, cast)


CHECK_PASSWORDS = {"login", "close_account"}


@contextlib.contextmanager
def _fast_passwords(cast: Cast) -> Iterator[None]:
    """Argon2 is slow on purpose; these endpoints check a password on every request."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", *django_settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        for user in (cast.amara.user, cast.ben.user):
            user.set_password(f.PASSWORD)
            user.save(update_fields=["password"])
        yield


def test_the_checks_after_each_request_see_a_new_row_and_a_nul_byte(cast: Cast) -> None:
    """The plain-SQL checks agree with the ORM, and each can fail."""
    assert row_counts() == {model.__name__: model.objects.count() for model in WATCHED}
    before = row_counts()
    f.make_outcome(cast.plan, text="plain")
    assert row_counts() == {**before, "ValuedOutcome": before["ValuedOutcome"] + 1}
    if connection.vendor != "sqlite":
        return  # PostgreSQL refuses to store NUL at all
    assert stored_nul_bytes() == []
    in_text = f.make_outcome(cast.plan, text="before\x00after")
    assert stored_nul_bytes() == ["ValuedOutcome"]
    in_text.delete()
    f.make_outcome(cast.plan, writers={"text": "before\x00after"})
    assert stored_nul_bytes() == ["ValuedOutcome"]


# --- every URL is accounted for -----------------------------------------------------------


def _url_names(patterns: list[Any], skip: set[str]) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in skip:
                continue
            names |= _url_names(pattern.url_patterns, skip)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_url_is_fuzzed_or_takes_no_input() -> None:
    # The admin is Django's own, for staff only, and tested by Django.
    # Onboarding's forms are fuzzed in their own module, with this module's machinery.
    # So are the plan's life's (agreeing, closing, a new plan, coordination), and the
    # crisis plan's.
    from tests.notifications.test_hostile_notifications import (
        NOTIFICATIONS_NO_INPUT,
        NOTIFICATIONS_POSTED,
    )
    from tests.onboarding.test_hostile_onboarding import ONBOARDING_NO_INPUT, ONBOARDING_POSTED
    from tests.plans.test_hostile_crisis import CRISIS_FUZZED, CRISIS_NO_INPUT
    from tests.plans.test_hostile_lifecycle import LIFECYCLE_NO_INPUT, LIFECYCLE_POSTED
    from tests.plans.test_hostile_supporters import SUPPORTERS_NO_INPUT, SUPPORTERS_POSTED

    names = _url_names(get_resolver().url_patterns, skip={"admin"})
    fuzzed = {
        e.name for e in POSTED + QUERIED + ONBOARDING_POSTED + LIFECYCLE_POSTED + SUPPORTERS_POSTED
    }
    fuzzed |= {e.name for e in CRISIS_FUZZED + NOTIFICATIONS_POSTED}
    no_input = (
        set(NO_INPUT)
        | set(ONBOARDING_NO_INPUT)
        | set(LIFECYCLE_NO_INPUT)
        | set(SUPPORTERS_NO_INPUT)
        | set(CRISIS_NO_INPUT)
        | set(NOTIFICATIONS_NO_INPUT)
    )
    assert names - fuzzed - no_input == set(), "new URLs: fuzz them here or list them"
    assert (fuzzed | no_input) - names == set(), "listed URLs that no longer exist"


@pytest.mark.parametrize("name", sorted(NO_INPUT))
def test_pages_said_to_take_no_input_refuse_posts(name: str, cast: Cast) -> None:
    """What NO_INPUT claims: these pages only answer GET, so there is nothing to post."""
    area = _areas(cast)[0]
    values = {"code": cast.plan.code, "area_code": area.code}
    url = reverse(name, kwargs={k: values[k] for k in NO_INPUT[name]})
    for who in ("amara", "ben"):
        response = _signed_in(cast, who).post(url, {"text": PROBE_SCRIPT})
        assert response.status_code == 405, (name, who)


# --- Dates out of any sane window, on every date field (issue 15) ---------------------------

OUT_OF_RANGE = ["0001-01-01", "1899-12-31", "9999-12-31"]


def _date_fields(cast: Cast) -> list[tuple[str, str, dict[str, Any], str]]:
    """(who, url, valid fields, the date field) for every form with a date."""
    outcome = f.make_outcome(cast.plan)
    review, _ = _open_review(cast)
    first = {name: values[0] for name, values in OUTCOME_FIELDS.items()}
    commitment = {name: values[0] for name, values in _commitment_fields(cast).items()}
    area = _area_codes(cast)[0]
    rate = _plan_url("outcome_rate", cast, outcome_code=outcome.code)
    return [
        ("amara", _plan_url("item_add", cast, kind_name="outcome"), {**first, "area": area},
         "target_date"),
        ("amara", _plan_url("item_add", cast, kind_name="commitment"),
         {**commitment, "area": area}, "due_date"),
        ("amara", rate, {"score": "5"}, "rated_on"),
        ("ben", rate, {"score": "5"}, "rated_on"),
        ("amara", _plan_url("review_complete", cast, review_code=review.code), {"notes": "Done"},
         "next_review_date"),
    ]  # fmt: skip


@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_out_of_range_dates_are_refused_on_every_date_field(
    client: Client, cast: Cast, day: str
) -> None:
    cases = _date_fields(cast)
    before = row_counts()
    for who, url, valid, date_field in cases:
        client.force_login(_user(cast, who))
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url, {**valid, date_field: day}, headers=headers)
            assert response.status_code == 422, (url, date_field, day)
            page = response.content.decode()
            messages = ("Choose a date", "after today", "cannot be in the future")
            assert any(message in page for message in messages), (url, date_field)
            assert day in page  # what was typed is kept
    assert row_counts() == before
    for name in ("team_dashboard", "team_dashboard_csv"):
        client.force_login(cast.chloe.user)
        response = client.get(reverse(name), {"start": day, "end": day})
        assert response.status_code == 422
