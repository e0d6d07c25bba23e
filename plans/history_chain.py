"""A plan's history as a hash chain, so that a changed or missing entry shows.

Each PlanChange holds ``prev_hash`` (the ``entry_hash`` of the entry written
before it on the same plan, "" for the first) and ``entry_hash``: the SHA-256,
in lowercase hex, of the canonical serialisation below. Changing any hashed
field of an entry, or deleting or reordering entries, breaks the chain at that
entry, and ``manage.py verify_history`` names it.

The canonical serialisation (format 1) is the UTF-8 (in fact ASCII) bytes of::

    json.dumps(
        {
            "format": 1,
            "plan": "<plan code, UUID, lowercase with hyphens>",
            "prev": "<prev_hash: 64 hex digits, or "" for the plan's first entry>",
            "actor": <actor's user id, or null>,
            "side": "<actor_side: person | professional | "">",
            "at": "<created at, UTC, YYYY-MM-DDTHH:MM:SS.ffffff+00:00>",
            "action": "<create | edit | ... | review>",
            "item_type": "<outcome | resource | ... | "">",
            "item": "<item code, UUID>" or null,
            "summary": "<the summary as stored>",
            "before": <the before JSON, or null>,
            "after": <the after JSON, or null>,
            "plan_version": <the plan's version after the change, or null>,
        },
        sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False,
    )

Not hashed: the row id (unknown before a bulk insert; the chain itself fixes
the order), and the links to the life area and the proposal, because those
are SET_NULL foreign keys that may legitimately change if the row they point
at is deleted. The item's type and code, and the summary, say what it was about.

The order of a chain is the order of writing (ascending id). Entries of one
plan are written one at a time: ``record()`` bumps the plan's version first,
an UPDATE that holds the plan row's lock until the transaction ends, so the
head read here is the latest committed entry. A partial unique index on
(plan, prev_hash) makes a fork impossible even if that ever changed.

A hash chain kept in the same database shows tampering with entries; it
cannot show a rewrite of a whole chain from some point on, or the removal of
its newest entries, by someone who can write to the database. Keeping the
heads elsewhere (the backup check compares them) anchors them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.db.models import OuterRef, Subquery

from plans.models import Plan, PlanChange

FORMAT = 1

# What verify_history reads of each entry, in chain order.
CHAIN_FIELDS = (
    "id",
    "plan_id",
    "plan__code",
    "prev_hash",
    "entry_hash",
    "actor_id",
    "actor_side",
    "at",
    "action",
    "item_type",
    "item_code",
    "summary",
    "before",
    "after",
    "plan_version",
)


def canonical(
    *,
    plan_code: UUID | str,
    prev_hash: str,
    actor_id: int | None,
    actor_side: str,
    at: datetime,
    action: str,
    item_type: str,
    item_code: UUID | str | None,
    summary: str,
    before: Any,
    after: Any,
    plan_version: int | None,
) -> bytes:
    """The exact bytes that are hashed (see the module docstring)."""
    content = {
        "format": FORMAT,
        "plan": str(plan_code),
        "prev": prev_hash,
        "actor": actor_id,
        "side": actor_side,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "action": action,
        "item_type": item_type,
        "item": str(item_code) if item_code is not None else None,
        "summary": summary,
        "before": before,
        "after": after,
        "plan_version": plan_version,
    }
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return text.encode("ascii")


def digest(**fields: Any) -> str:
    return hashlib.sha256(canonical(**fields)).hexdigest()


def hash_of(change: PlanChange, plan_code: UUID | str, prev_hash: str) -> str:
    return digest(
        plan_code=plan_code,
        prev_hash=prev_hash,
        actor_id=change.actor_id,
        actor_side=change.actor_side,
        at=change.at,
        action=change.action,
        item_type=change.item_type,
        item_code=change.item_code,
        summary=change.summary,
        before=change.before,
        after=change.after,
        plan_version=change.plan_version,
    )


def _codes_and_heads(plan_ids: Iterable[int]) -> list[tuple[int, UUID, str | None]]:
    """Each plan's id, code and newest entry_hash (None if it has no history yet)."""
    newest = PlanChange.objects.filter(plan=OuterRef("pk")).order_by("-id").values("entry_hash")
    return list(
        Plan.objects.filter(pk__in=set(plan_ids))
        .annotate(head=Subquery(newest[:1]))
        .values_list("pk", "code", "head")
    )


def heads(plan_ids: Iterable[int]) -> dict[int, str]:
    """The newest entry_hash of each plan (plans with no history are left out)."""
    return {pk: head for pk, _code, head in _codes_and_heads(plan_ids) if head}


def seal(changes: Sequence[PlanChange]) -> None:
    """Chain unsaved entries, in list order, onto their plans' histories.

    Save them in the same order, in the same transaction, holding the plans'
    row locks (for one entry, ``record()`` does all of that). One query, for
    any number of entries: the plans' codes come with their heads, so an entry
    made with only a ``plan_id`` (as bulk builders make them) costs no lookup.
    """
    code: dict[int, UUID] = {}
    head: dict[int, str] = {}
    for pk, plan_code, newest in _codes_and_heads(change.plan_id for change in changes):
        code[pk] = plan_code
        head[pk] = newest or ""
    for change in changes:
        prev = head[change.plan_id]
        change.prev_hash = prev
        change.entry_hash = hash_of(change, code[change.plan_id], prev)
        head[change.plan_id] = change.entry_hash


@dataclass(frozen=True)
class BrokenLink:
    plan_code: UUID
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"plan {self.plan_code}: entry {self.entry_id} {self.reason}"


def check_chain(rows: Iterable[dict[str, Any]]) -> Iterator[BrokenLink]:
    """The first broken link of each plan, from rows of CHAIN_FIELDS ordered by (plan, id)."""
    plan_id: int | None = None
    expected_prev = ""
    broken = False
    for row in rows:
        if row["plan_id"] != plan_id:
            plan_id, expected_prev, broken = row["plan_id"], "", False
        if broken:
            continue
        reason = None
        if not row["entry_hash"]:
            reason = "has no hash (written outside the history writer)"
        elif row["prev_hash"] != expected_prev:
            reason = (
                "does not follow the entry before it (an entry was removed, reordered or inserted)"
            )
        else:
            fields = {k: row[k] for k in CHAIN_FIELDS if k not in ("id", "plan_id", "entry_hash")}
            fields["plan_code"] = fields.pop("plan__code")
            if digest(**fields) != row["entry_hash"]:
                reason = "was changed after it was written (its hash does not match)"
        if reason is not None:
            broken = True
            yield BrokenLink(row["plan__code"], row["id"], reason)
        expected_prev = row["entry_hash"]


def chain_rows(plan_codes: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
    changes = PlanChange.objects.all()
    if plan_codes:
        changes = changes.filter(plan__code__in=plan_codes)
    return changes.order_by("plan_id", "id").values(*CHAIN_FIELDS).iterator(chunk_size=5000)
