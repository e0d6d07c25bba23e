"""The plan page's body, rendered once per plan version and viewer, kept in Django's cache.

Rendering the plan's body is most of what the plan page costs (it is also
most of its queries), and on a busy plan the same viewer opens the same
version again and again (back from an edit page, another tab, a reload). So
the rendered body is kept in the shared cache (the database cache, or Redis
with REDIS_URL: never one process's memory, since several app servers share
one database; its own cache alias, "pages"), under a key made of everything the body depends on:

- the plan (its code, a UUID never reused) and its version, which every
  write to the plan bumps (plans.history.record, and the few services that
  bump it directly): items, ratings, replies, suggestions, leadership, care
  team, supporters, agreements, reviews; and a user's new name, on every
  plan that shows it (plans/names.py). It is also what the live check
  compares, so a write that forgot to bump it would already be missed by
  every open page;
- the viewer: their user, side, care-team membership, supporter standing and
  what the person lets that supporter do (a change of permission changes the
  key even before the version);
- nothing "new since you last looked": only a load where the viewer had
  already seen this version is cached. The first load of a new version shows
  its markers and is rendered afresh (it would never be asked for again: it
  marks the version seen), which also keeps the cache writes off it;
- today's date (what is overdue, how a review date reads);
- the templates themselves (a hash of their text, taken once at start), so a
  deployment never serves a body rendered by the previous release.

The header, the messages and the "For you" count are outside the body and
are rendered on every request.

CSRF: the body holds forms. Before it is stored, every form's token is
replaced by a placeholder, and each response puts this request's own token
in its place: a cached body never carries one session's token to another.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from coproduce.page_cache import CACHE, RELEASE
from plans.access import PlanAccess

PLACEHOLDER = "__COPRODUCE_CSRF_TOKEN__"
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def body_key(access: PlanAccess) -> str:
    plan = access.plan
    viewer = (
        access.user.pk,
        access.side,
        access.membership_id,
        access.supporter_id,
        int(access.supporter_may_suggest),
        int(access.supporter_may_rate),
    )
    parts = (plan.code, plan.version, *viewer, timezone.localdate().isoformat(), RELEASE)
    return "plan-body-z:" + ":".join(str(part) for part in parts)


def without_tokens(html: str) -> str:
    return CSRF_VALUE.sub(rf"\g<1>{PLACEHOLDER}\g<2>", html)


def with_token(request: HttpRequest, html: str) -> SafeString:
    return mark_safe(html.replace(PLACEHOLDER, get_token(request)))  # noqa: S308 - our own render


def cached_body(
    request: HttpRequest,
    access: PlanAccess,
    seen: int,
    context: Callable[[], dict[str, object]],
    tidy: Callable[[str], str] = lambda html: html,
) -> SafeString:
    """The body for this viewer at this version: from the cache, or rendered (and kept,
    when the viewer had already seen this version)."""
    if seen < access.plan.version:
        return mark_safe(tidy(render_to_string("plans/plan_detail.html#body", context(), request)))  # noqa: S308
    key = body_key(access)
    pages = caches[CACHE]
    kept = pages.get(key)
    if kept is not None:
        return with_token(request, unpacked(kept))
    rendered = render_to_string("plans/plan_detail.html#body", context(), request)
    html = without_tokens(tidy(rendered))
    pages.set(key, packed(html))
    return with_token(request, html)


# Kept compressed: a body is some 200 KB of HTML and about an eighth of that
# compressed. Reading it back whole (the database cache's base64 and its
# storage, or Redis) cost more than decompressing it, on the app server and
# on the cache's.
def packed(html: str) -> bytes:
    return zlib.compress(html.encode(), 1)


def unpacked(kept: bytes) -> str:
    return zlib.decompress(kept).decode()
