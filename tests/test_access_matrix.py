"""Who gets what, on every page: each URL in the project x each role x GET/POST.

The URLs come from the URLconf itself (``get_resolver()``, walked
recursively), so a new URL without a line in ``RULES`` fails
``test_every_url_has_a_rule`` by name. Django's admin is left to its own
staff checks, with one explicit test of them below.

The roles, all looking at Amara's plan:

    anonymous   not signed in
    amara       the person whose plan it is
    priya       another person, with her own plan
    ben         a nurse on Amara's care team
    oscar       a professional in another team, not on it
    removed     a nurse in Ben's team, taken off Amara's care team
    chloe       lead of Ben's team, not on Amara's care team
    other_lead  lead of Oscar's team
    staff       a superuser with no Person or Professional profile
    sees        Efua, on Amara's side: may see her plan, not suggest
    suggests    Fola, on Amara's side: may see, suggest changes and rate progress
    gone        Gift, who was on Amara's side until she removed him

Each cell sends one request (POST with an empty body) and asserts the exact
status. The expected status is derived from a small rule per URL, not written
out cell by cell:

- anonymous is sent to sign in (with ``next=``) except on the few public pages;
- a method the view does not take is a 405 for everyone signed in;
- "plan" pages: the person and the care team get the view's answer; anyone
  else gets a 404 that does not name the person;
- "owner" pages (decisions that are the person's alone): the professional on
  the care team gets a 403, anyone else a 404;
- supporters reach only the plan pages a rule opens to them (``sees``,
  ``suggests``); every other plan page, and everything once removed, is a 404;
- "professional", "lead", "person" and "staff" pages: anyone else gets a 403.

Matrix size: 86 URLs x 12 roles x 2 methods = 2064 cells. With each answer of
``proposal_answer`` (accept / decline / withdraw), ``access_request_answer``
(accept / decline) and ``supporter_suggestion_answer`` (take-up / decline /
withdraw) as a case of its own: 91 cases x 12 roles x 2 methods = 2184 cells.
Then every URL that names an object besides the plan is tried through another
plan (Priya's code, Amara's objects): 26 cases x 2 roles x 2 methods = 104 cells.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from coproduce.models import Discipline, User
from outcomes import services as outcome_services
from plans import services
from plans import supporters as plan_supporters
from plans.access import get_plan_for_user
from plans.models import AccessRequest, CareTeamMember, Proposal
from tests import factories as f
from tests.conftest import Cast
from tests.conftest import cast as cast_fixture

ROLES = [
    "anonymous",
    "amara",
    "priya",
    "ben",
    "oscar",
    "removed",
    "chloe",
    "other_lead",
    "staff",
    "sees",
    "suggests",
    "gone",
]
METHODS = ["GET", "POST"]

PEOPLE = {"amara", "priya"}
PROFESSIONALS = {"ben", "oscar", "removed", "chloe", "other_lead"}
LEADS = {"chloe", "other_lead"}

# Scopes: who is let in at all.
PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed-in"  # anyone signed in
PROFESSIONAL = "professional"  # professionals (leads included); others 403
LEAD = "lead"  # team leads; others 403
PERSON = "person"  # people; others 403
STAFF = "staff"  # staff; others 403
PLAN = "plan"  # Amara and her care team; others 404
OWNER = "owner"  # Amara; her care team 403; others 404

LOGIN = "sign-in"  # 302 to the sign-in page with next=

Pair = tuple[int, int]  # (GET, POST)
Query = list[tuple[str, str]]


@dataclass(frozen=True)
class World:
    """Amara's plan with one of everything on it, and a user for each role."""

    cast: Cast
    users: Mapping[str, User | None]
    url_kwargs: Mapping[str, Any]
    plan_version: int


@dataclass(frozen=True)
class Rule:
    scope: str
    answer: Pair  # what the roles let in get, for GET and for an empty POST
    ben: Pair | None = None  # plan scope only: Ben's answer, when not the same as Amara's
    # Plan and owner scopes: a supporter who may see (and one who may also suggest);
    # None: the page is not theirs, a 404 like for anyone not on the plan.
    sees: Pair | None = None
    suggests: Pair | None = None
    roles: Mapping[str, Pair] = field(default_factory=dict)  # exceptions, by role
    kwargs: Mapping[str, str] = field(default_factory=dict)  # fixed URL parts
    query: Callable[[World], Query] | None = None

    def expected(self, role: str, method: str) -> int | str:
        i = METHODS.index(method)
        if role in self.roles:
            return self.roles[role][i]
        if role == "anonymous" and self.scope != PUBLIC:
            return LOGIN
        allowed = self.answer[i]
        if allowed == 405:
            # The method check comes before any lookup, so it says nothing about the plan.
            return 405
        if self.scope in (PUBLIC, SIGNED_IN):
            return allowed
        if self.scope == PROFESSIONAL:
            return allowed if role in PROFESSIONALS else 403
        if self.scope == LEAD:
            return allowed if role in LEADS else 403
        if self.scope == PERSON:
            return allowed if role in PEOPLE else 403
        if self.scope == STAFF:
            return allowed if role == "staff" else 403
        if role == "amara":
            return allowed
        if role == "ben":
            if self.scope == OWNER:
                return 403
            return (self.ben or self.answer)[i]
        if role == "sees" and self.sees is not None:
            return self.sees[i]
        if role == "suggests" and (self.suggests or self.sees) is not None:
            return (self.suggests or self.sees)[i]  # type: ignore[index]
        return 404  # PLAN and OWNER: to anyone else the plan does not exist


def _area(world: World) -> Query:
    return [("area", str(world.url_kwargs["area_code"]))]


def _version(world: World) -> Query:
    return [("v", str(world.plan_version))]


def _figure(world: World) -> Query:
    return [("figure", "caseload"), ("figure", "plans")]  # one figure of the dashboard


PERSONS_404: Mapping[str, Pair] = {"amara": (404, 404), "priya": (404, 404)}
# Two-step sign-in is for professionals and staff: people and supporters never see it.
NO_TWO_STEP: Mapping[str, Pair] = {
    **PERSONS_404,
    **dict.fromkeys(("sees", "suggests", "gone"), (404, 404)),
}
# Pages about the care team's own work on a plan (the invitation, coordination).
CARE_TEAM_ONLY: Mapping[str, Pair] = {"amara": (403, 403)}

# One line per URL name (a case "name.variant" is the same URL with other fixed parts).
RULES: dict[str, Rule] = {
    # --- signing in and out, landing -----------------------------------------------
    "healthz": Rule(PUBLIC, (200, 405)),
    "readyz": Rule(PUBLIC, (200, 405)),
    "worker_health": Rule(PUBLIC, (200, 405)),
    "login": Rule(PUBLIC, (302, 302), roles={"anonymous": (200, 200)}),
    "logout": Rule(SIGNED_IN, (405, 302)),
    # A supporter lands on the plan of the one person they support; once removed,
    # on the page for an account linked to nothing.
    "home": Rule(SIGNED_IN, (302, 405), roles={"staff": (200, 405), "gone": (200, 405)}),
    "two_factor_verify": Rule(SIGNED_IN, (302, 302), roles=NO_TWO_STEP),
    # Without a redeemed invitation or set-up link: "ask your lead for a set-up link".
    "two_factor_setup": Rule(SIGNED_IN, (403, 403), roles=NO_TWO_STEP),
    "session_keepalive": Rule(SIGNED_IN, (405, 204)),
    "access_ended": Rule(SIGNED_IN, (200, 405)),
    "account_closed": Rule(PUBLIC, (302, 405), roles={"anonymous": (200, 405)}),
    "close_account": Rule(PERSON, (200, 422)),
    # --- professionals and leads ---------------------------------------------------
    "caseload": Rule(PROFESSIONAL, (200, 405)),
    "join_request": Rule(PROFESSIONAL, (200, 422)),
    "team_overview": Rule(LEAD, (200, 405)),
    "team_dashboard": Rule(LEAD, (200, 405)),
    "team_dashboard_csv": Rule(LEAD, (200, 405)),
    "team_dashboard_plans": Rule(LEAD, (200, 405), query=_figure),
    "team_dashboard_plans_csv": Rule(LEAD, (200, 405), query=_figure),
    # --- the plan: the person and the care team ------------------------------------
    "plan_detail": Rule(PLAN, (200, 405), sees=(200, 405)),
    "plan_live": Rule(PLAN, (204, 405), query=_version, sees=(204, 405)),
    "plan_history": Rule(PLAN, (200, 405)),
    "plan_print": Rule(PLAN, (200, 405)),
    "plan_export_fhir": Rule(PLAN, (200, 405)),
    "area_fragment": Rule(PLAN, (200, 405), sees=(200, 405)),  # without htmx: the area alone
    # A supporter who may only look is refused changing; one who may suggest
    # gets the same form (her suggestion goes to Amara alone).
    "about_edit": Rule(PLAN, (200, 422), sees=(403, 403), suggests=(200, 422)),
    "leadership_propose": Rule(PLAN, (200, 422)),
    "item_add": Rule(PLAN, (200, 422), query=_area, sees=(403, 403), suggests=(200, 422)),
    "item_edit": Rule(PLAN, (200, 422), sees=(403, 403), suggests=(200, 422)),
    # An empty POST has no version: re-shown (422), never applied blind.
    "item_remove": Rule(PLAN, (200, 422), sees=(403, 403), suggests=(200, 422)),
    # Ben's suggestion: Amara answers it, only Ben withdraws it.
    "proposal_answer.accept": Rule(PLAN, (200, 302), ben=(403, 403), kwargs={"answer": "accept"}),
    "proposal_answer.decline": Rule(PLAN, (200, 422), ben=(403, 403), kwargs={"answer": "decline"}),
    "proposal_answer.withdraw": Rule(
        PLAN, (403, 403), ben=(200, 302), kwargs={"answer": "withdraw"}
    ),
    # Fola may rate from her own view (may_rate); Efua may only look.
    "outcome_rate": Rule(PLAN, (200, 422), sees=(403, 403), suggests=(200, 422)),
    # Amara withdraws her own rating; Ben, Efua and Fola may not withdraw hers.
    "rating_withdraw": Rule(PLAN, (200, 422), ben=(403, 403), sees=(403, 403)),
    # A reply to Amara's outcome: an empty POST is re-shown with a message (422).
    "reply_add": Rule(PLAN, (200, 422)),
    # Agreeing with what professionals changed is the person's alone (nothing waits: no-op).
    "item_agree": Rule(OWNER, (405, 302)),
    "area_agree": Rule(OWNER, (405, 302)),
    "review_list": Rule(PLAN, (200, 405)),
    "review_start": Rule(PLAN, (405, 302)),  # joins the review already under way
    "review_detail": Rule(PLAN, (200, 422)),
    "review_complete": Rule(PLAN, (405, 422)),
    "review_power_check": Rule(PLAN, (405, 422)),  # nothing answered: re-shown
    # The person's alone; nothing chosen: re-shown.
    "review_leadership": Rule(PLAN, (200, 422), ben=(403, 403)),
    # --- the person's crisis plan: hers, the care team suggests --------------------
    "crisis_plan": Rule(PLAN, (200, 405)),
    "crisis_live": Rule(PLAN, (204, 405), query=_version),
    "crisis_print": Rule(PLAN, (200, 405)),
    "crisis_card": Rule(PLAN, (200, 405)),
    # An empty POST has no version (or no name): re-shown, nothing started or sent.
    "crisis_section_edit": Rule(PLAN, (200, 422)),
    "crisis_contact_add": Rule(PLAN, (200, 422)),
    "crisis_contact_edit": Rule(PLAN, (200, 422)),
    "crisis_contact_remove": Rule(PLAN, (200, 422)),
    # Only Amara marks it reviewed; only the care team agrees it.
    "crisis_reviewed": Rule(OWNER, (405, 302)),
    "crisis_agree": Rule(PLAN, (405, 403), ben=(405, 302)),
    # --- the person's decisions ----------------------------------------------------
    "care_team": Rule(OWNER, (200, 405)),
    "care_team_invite": Rule(OWNER, (200, 302)),  # nobody chosen: back to the search
    "care_team_remove": Rule(OWNER, (200, 302)),
    "access_request_answer.accept": Rule(OWNER, (405, 302), kwargs={"decision": "accept"}),
    "access_request_answer.decline": Rule(OWNER, (405, 302), kwargs={"decision": "decline"}),
    "who_has_looked": Rule(OWNER, (200, 405)),
    # The people on her side: inviting, what each may do, removing (nothing posted:
    # the invitation is re-shown; no boxes ticked: may do nothing, saved).
    "supporter_invite": Rule(OWNER, (200, 422)),
    "supporter_detail": Rule(OWNER, (200, 302)),
    "supporter_remove": Rule(OWNER, (200, 302)),
    # Fola's suggestion: Amara takes it up or declines it; only Fola withdraws it;
    # Efua sees only her own (none).
    "supporter_suggestions": Rule(OWNER, (200, 405), sees=(200, 405)),
    "supporter_suggestion_answer.take-up": Rule(
        OWNER, (405, 302), sees=(405, 404), suggests=(405, 403), kwargs={"answer": "take-up"}
    ),
    "supporter_suggestion_answer.decline": Rule(
        OWNER, (405, 302), sees=(405, 404), suggests=(405, 403), kwargs={"answer": "decline"}
    ),
    "supporter_suggestion_answer.withdraw": Rule(
        OWNER, (405, 403), sees=(405, 404), suggests=(405, 302), kwargs={"answer": "withdraw"}
    ),
    # --- bringing people in (onboarding) ---------------------------------------------
    "staff_teams": Rule(STAFF, (200, 422)),
    # Ben is in Chloe's team: she or staff may send him a set-up link; another lead
    # does not learn he exists.
    "professional_setup_link": Rule(
        STAFF, (200, 302), roles={"chloe": (200, 302), "other_lead": (404, 404)}
    ),
    "team_professionals": Rule(LEAD, (200, 422)),
    "professional_deactivate": Rule(LEAD, (200, 302), roles={"other_lead": (404, 404)}),
    "plan_start": Rule(PROFESSIONAL, (200, 422)),
    "plan_invitation": Rule(PLAN, (200, 422), roles=CARE_TEAM_ONLY),
    "plan_coordinator": Rule(PLAN, (200, 302), roles=CARE_TEAM_ONLY),  # Ben takes it on
    # An unknown token: the same clear page for everyone, signed in or not.
    "welcome": Rule(PUBLIC, (404, 404)),
    "letter_start": Rule(PUBLIC, (200, 422)),
    "password_reset": Rule(PUBLIC, (200, 422)),
    "password_reset_done": Rule(PUBLIC, (200, 405)),
    "password_reset_confirm": Rule(PUBLIC, (200, 200)),  # says the link does not work
    "password_reset_complete": Rule(PUBLIC, (200, 405)),
    "email_change": Rule(SIGNED_IN, (200, 422)),
    "email_change_confirm": Rule(PUBLIC, (404, 404)),
    # --- the plan's life (Amara's plan is active; Ben is on the team, not coordinating) --
    "plan_agree": Rule(PLAN, (403, 403)),  # agreed already: nobody agrees again
    "plan_close": Rule(PLAN, (200, 422), ben=(403, 403)),  # the person or the coordinator
    "plan_new_episode": Rule(PLAN, (403, 403)),  # only after the plan is closed
    "earlier_plans": Rule(PERSON, (200, 405)),
    "plan_hand_over": Rule(PLAN, (403, 403)),  # only the coordinator hands over
    # The lead of the team of someone on the care team; another lead: no such plan.
    "team_hand_over": Rule(LEAD, (200, 422), roles={"other_lead": (404, 404)}),
    # --- what waits for me, and emails about it ------------------------------------
    "for_you": Rule(SIGNED_IN, (200, 405)),
    # Staff are emailed about nothing: an empty form saves at once.
    # Staff and supporters have no kinds to choose: an empty form is a valid one.
    "notification_settings": Rule(
        SIGNED_IN,
        (200, 422),
        roles={"staff": (200, 302), "sees": (200, 302), "suggests": (200, 302), "gone": (200, 302)},
    ),
    # A token that is not signed: the same clear page for everyone, signed in or not.
    "notifications_unsubscribe": Rule(PUBLIC, (400, 400)),
}


def url_name(case: str) -> str:
    return case.split(".", 1)[0]


# --- the URLconf -----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str
    params: frozenset[str]


def discover_urls() -> dict[str, Route]:
    """Every named URL in the project except the admin's, with the parameters it takes."""
    found: dict[str, Route] = {}

    def walk(patterns: list[Any], prefix: str, params: frozenset[str], namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            here = params | frozenset(getattr(pattern.pattern, "converters", {}))
            if route.startswith("admin/"):
                continue
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                walk(pattern.url_patterns, route, here, inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else f"(unnamed) {route}"
                found[name] = Route(route, here)

    walk(get_resolver().url_patterns, "", frozenset(), "")
    return found


def test_every_url_has_a_rule() -> None:
    covered = {url_name(case) for case in RULES}
    missing = sorted(set(discover_urls()) - covered)
    assert not missing, (
        f"These URLs have no line in RULES in {__name__}: {', '.join(missing)}. "
        "Say who may GET and POST each one."
    )


def test_every_rule_is_for_a_url() -> None:
    stale = sorted({url_name(case) for case in RULES} - set(discover_urls()))
    assert not stale, f"RULES names URLs the project no longer has: {', '.join(stale)}"


def test_matrix_size_is_documented() -> None:
    urls, roles, methods = len(discover_urls()), len(ROLES), len(METHODS)
    sizes = [
        f"{urls} URLs x {roles} roles x {methods} methods = {urls * roles * methods} cells",
        f"{len(RULES)} cases x {roles} roles x {methods} methods = {len(RULES) * roles * methods}",
        f"{len(CROSS_PLAN_CELLS) // 4} cases x 2 roles x 2 methods = {len(CROSS_PLAN_CELLS)} cells",
    ]
    print("access matrix:", "; ".join(sizes))
    docstring = " ".join((__doc__ or "").split())
    for size in sizes:
        assert size in docstring, f"the module docstring should say: {size}"


# --- the people and the plan ------------------------------------------------------


def build_world(cast: Cast) -> World:
    plan = cast.plan
    amara, ben = cast.amara.user, cast.ben.user

    rita = f.make_professional("rita", "Rita Moss", cast.team, Discipline.NURSE)
    f.add_to_care_team(plan, rita)
    CareTeamMember.objects.filter(plan=plan, professional=rita).update(
        removed_at=timezone.now(), removed_by=amara
    )
    hana = f.make_professional("hana", "Hana Berg", cast.other_team, Discipline.TEAM_MANAGER)
    cast.other_team.lead = hana
    cast.other_team.save()
    staff = f.make_user("sam", "Sam Admin", is_staff=True, is_superuser=True)

    work = f.area(plan)
    outcome = f.make_outcome(plan, text="Back to work by the summer")
    # Ben's suggestion, made as he would make it (Work and learning is person-led).
    result = services.submit_add(
        get_plan_for_user(ben, plan.code),
        services.KINDS["outcome"],
        {"text": "Try a work placement", "status": "active"},
        area=work,
        reason="It helped others",
    )
    assert not result.applied
    proposal = Proposal.objects.get(plan=plan, proposed_by=ben, status=Proposal.Status.PENDING)
    review, _ = outcome_services.start_review(get_plan_for_user(amara, plan.code))
    rating = f.make_rating(outcome, amara, 6)
    access_request = AccessRequest.objects.create(plan=plan, professional=cast.oscar)
    contact = services.submit_add(
        get_plan_for_user(amara, plan.code),
        services.KINDS["crisis_contact"],
        {"name": "Efua Osei", "number": "07700 900123", "by_night": "on"},
    ).item
    efua = f.make_supporter(plan, "efua", "Efua Mensah")
    fola = f.make_supporter(
        plan, "fola", "Fola Bello", relationship="friend", may_suggest=True, may_rate=True
    )
    gift = f.make_supporter(plan, "gift", "Gift Ade", may_suggest=True)
    plan_supporters.remove_supporter(get_plan_for_user(amara, plan.code), gift)
    # Fola suggests a resource (to Amara alone).
    suggested = services.submit_add(
        get_plan_for_user(fola.user, plan.code, supporters=True),
        services.KINDS["resource"],
        {"name": "Walking group", "control": "personal"},
        area=work,
    )
    assert suggested.supporter_suggestion is not None
    plan.refresh_from_db()

    users: dict[str, User | None] = {
        "anonymous": None,
        "amara": amara,
        "priya": cast.priya.user,
        "ben": ben,
        "oscar": cast.oscar.user,
        "removed": rita.user,
        "chloe": cast.chloe.user,
        "other_lead": hana.user,
        "staff": staff,
        "sees": efua.user,
        "suggests": fola.user,
        "gone": gift.user,
    }
    url_kwargs = {
        "code": plan.code,
        "area_code": work.code,
        "kind_name": "outcome",
        "item_code": outcome.code,
        "outcome_code": outcome.code,
        "proposal_code": proposal.code,
        "member_id": CareTeamMember.objects.get(plan=plan, professional=cast.ben).pk,
        "request_code": access_request.code,
        "review_code": review.code,
        "rating_code": rating.code,
        "target_type": "outcome",
        "target_code": outcome.code,
        "professional_id": cast.ben.pk,
        "token": "not-a-real-token",
        "uidb64": "MQ",
        "section": "signs",
        "contact_code": contact.code,
        "supporter_code": efua.code,
        "suggestion_code": suggested.supporter_suggestion.code,
    }
    return World(cast=cast, users=users, url_kwargs=url_kwargs, plan_version=plan.version)


@pytest.fixture(scope="module")
def shared_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module, in a transaction rolled back after its last test.

    Each test runs in a savepoint inside it (pytest-django's `db`), so what one
    cell's POST changes is undone before the next: the same isolation as a
    fresh fixture per test, at a fraction of the cost (a few hundred cells).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        # The conftest personas, built by the fixture's own function (it needs no `db` value).
        world = build_world(inspect.unwrap(cast_fixture)(None))
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world: World, db: None) -> World:
    return shared_world


def _query(rule: Rule, world: World) -> str:
    if rule.query is None:
        return ""
    return "?" + urlencode(rule.query(world))


@functools.cache
def _url_params(name: str) -> frozenset[str]:
    # Walking the URLconf for each of a few thousand cells showed in profiles.
    return discover_urls()[name].params


def url_for(case: str, world: World) -> str:
    rule = RULES[case]
    name = url_name(case)
    params = _url_params(name)
    kwargs = {key: world.url_kwargs[key] for key in params if key not in rule.kwargs}
    kwargs.update(rule.kwargs)
    return reverse(name, kwargs=kwargs) + _query(rule, world)


def _cells() -> Iterator[Any]:
    for case in RULES:
        for role in ROLES:
            for method in METHODS:
                yield pytest.param(case, role, method, id=f"{case}-{role}-{method}")


@pytest.mark.parametrize(("case", "role", "method"), list(_cells()))
def test_access(client: Client, world: World, case: str, role: str, method: str) -> None:
    rule = RULES[case]
    url = url_for(case, world)
    user = world.users[role]
    if user is not None:
        client.force_login(user)

    response = client.get(url) if method == "GET" else client.post(url)

    expected = rule.expected(role, method)
    if expected == LOGIN:
        assert response.status_code == 302, f"{method} {url}"
        location = urlsplit(response["Location"])
        assert location.path == reverse(settings.LOGIN_URL)
        assert parse_qs(location.query)["next"] == [url]
        return
    assert response.status_code == expected, f"{role} {method} {url}"
    if role not in ON_THE_PLAN:
        # Not a 404 that names her, and no other page either (a lead's drill-down,
        # a removed nurse's caseload): only her care team may know Amara has a plan.
        body = response.content.decode()
        for part in world.cast.amara.user.name.split():
            # As a word: a random CSRF token may hold the letters "Osei".
            shown = re.search(rf"\b{re.escape(part)}\b", body)
            assert shown is None, f"{role} is shown the person's name ({part}) at {url}"


ON_THE_PLAN = {"amara", "ben", "sees", "suggests"}


# What a URL can name besides the plan (kind_name is a word, not an object).
OBJECT_PARAMS = {
    "area_code",
    "item_code",
    "outcome_code",
    "proposal_code",
    "member_id",
    "request_code",
    "review_code",
    "target_code",
    "contact_code",
    "supporter_code",
    "suggestion_code",
}


def _cross_plan_cells() -> Iterator[Any]:
    urls = discover_urls()
    for case, rule in RULES.items():
        if rule.scope not in (PLAN, OWNER) or not urls[url_name(case)].params & OBJECT_PARAMS:
            continue
        for role in ("priya", "oscar"):
            for method in METHODS:
                yield pytest.param(case, role, method, id=f"{case}-{role}-{method}")


CROSS_PLAN_CELLS = list(_cross_plan_cells())


@pytest.mark.parametrize(("case", "role", "method"), CROSS_PLAN_CELLS)
def test_objects_of_one_plan_through_another(
    client: Client, world: World, case: str, role: str, method: str
) -> None:
    """Priya's plan code, which Priya and Oscar may open, with Amara's things in the rest of
    the URL: every lookup is within the plan, so each is a 404 (or the usual 403/405
    before anything is looked up)."""
    rule = RULES[case]
    url = url_for(case, world).replace(
        str(world.cast.plan.code), str(world.cast.priya_plan.code), 1
    )
    client.force_login(world.users[role])  # type: ignore[arg-type]

    response = client.get(url) if method == "GET" else client.post(url)

    if rule.answer[METHODS.index(method)] == 405:
        expected = 405
    elif rule.scope == OWNER and role == "oscar":
        expected = 403  # the person's decision, refused before anything is looked up
    else:
        expected = 404
    assert response.status_code == expected, f"{role} {method} {url}"
    assert "Amara" not in response.content.decode()


# --- Django's admin: its own staff checks -----------------------------------------


def test_admin_is_for_staff_only(client: Client, world: World) -> None:
    index = reverse("admin:index")
    plans = reverse("admin:plans_plan_changelist")
    sign_in_pages = {reverse("admin:login"), reverse(settings.LOGIN_URL)}

    def sent_to_sign_in(url: str) -> bool:
        response = client.get(url)
        location = urlsplit(response.get("Location", ""))
        return (
            response.status_code == 302
            and location.path in sign_in_pages
            and parse_qs(location.query).get("next") == [url]
        )

    assert sent_to_sign_in(index)
    assert sent_to_sign_in(plans)

    # Signed in, but not staff: the admin's own sign-in page, never the records.
    for role in ("amara", "ben", "chloe"):
        client.force_login(world.users[role])  # type: ignore[arg-type]
        for url in (index, plans):
            response = client.get(url)
            assert response.status_code == 302, (role, url)
            assert response["Location"] == f"{reverse('admin:login')}?next={url}"

    client.force_login(world.users["staff"])  # type: ignore[arg-type]
    assert client.get(index).status_code == 200
    assert client.get(plans).status_code == 200
