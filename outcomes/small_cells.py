"""No figure that points at one person: small cells are not shown.

A figure drawn from fewer than `settings.SMALL_CELL_THRESHOLD` different
people (default 5) is not shown, on the page, in the charts or in either CSV;
a figure drawn from nobody (a 0) is shown, since it singles nobody out.
Two more steps stop a hidden figure being worked out from the ones shown:

1. Complementary cells. Some figures add up to another (for example the
   states of change add up to the outcomes counted; accepted, declined,
   withdrawn and waiting add up to the suggestions made). If exactly one
   figure of such a group were hidden, subtraction would give it back, so
   the smallest other non-zero figure of the group is hidden too (the total
   when no part is left), repeated until no group has exactly one hidden.
2. Differencing between filters. A professional or a life area narrows the
   caseload; the figure for the whole team minus the narrowed one is the
   figure for the rest. When the narrowed figure's people differ from the
   broader figure's by 1 to threshold-1, the narrowed figure is hidden.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar

from django.conf import settings


class Cell(Protocol):
    """A dashboard figure (outcomes.dashboard_csv.Figure), as this module reads it."""

    @property
    def section(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def side(self) -> str: ...
    @property
    def value(self) -> Any: ...
    @property
    def people(self) -> int: ...


Figure = TypeVar("Figure", bound=Cell)
FigureKey = tuple[str, str, str]  # (section, key, side)


def threshold() -> int:
    return int(settings.SMALL_CELL_THRESHOLD)


def suppressed_note() -> str:
    return f"fewer than {threshold()} people: not shown, so that nobody can be singled out"


def is_small(people: int) -> bool:
    return 0 < people < threshold()


def key(figure: Cell) -> FigureKey:
    return (figure.section, figure.key, figure.side)


def additive_groups(figures: Sequence[Cell]) -> list[list[FigureKey]]:
    """Groups of figures where any one can be worked out from the others."""
    sides = sorted({f.side for f in figures if f.side})
    present = {key(f) for f in figures}
    groups: list[list[FigureKey]] = []
    states = ("improved", "unchanged", "worsened", "not_enough_ratings", "not_rated")
    for side in sides:
        groups.append([("outcomes", "outcomes", ""), *(("outcomes", s, side) for s in states)])
        answers = ("accepted", "declined", "withdrawn", "waiting")
        groups.append([("proposals", "made", side), *(("proposals", s, side) for s in answers)])
        kinds = ("outcomes", "expertise", "resources", "commitments", "about")
        groups.append([("content", "all", side), *(("content", k, side) for k in kinds)])
        # Outcomes rated twice, by area, add up to improved + unchanged + worsened.
        rated_twice = [k for k in present if k[1].endswith("|rated_twice") and k[2] == side]
        groups.append([*(("outcomes", s, side) for s in states[:3]), *rated_twice])
    groups.append([("agreement", "both_rated", ""), ("agreement", "agree", ""),
                   ("agreement", "disagree", "")])  # fmt: skip
    # The power check's answers add up to the answers given.
    for total, parts in (
        ("person_answered", ("led_less", "led_as_much", "led_more")),
        ("person_answered", ("words_kept_yes", "words_kept_partly", "words_kept_no")),
        ("professional_answers", ("shared_yes", "shared_partly", "shared_no")),
    ):
        groups.append([("power_check", total, ""), *(("power_check", p, "") for p in parts)])
    area_outcomes = [k for k in present if k[1].endswith("|outcomes")]
    groups.append([("outcomes", "outcomes", ""), *area_outcomes])
    groups.append([("content", "all", s) for s in sides] + [("content", "person_share", "")])
    groups.append(
        [("leadership", "person_led", ""), ("leadership", "1", ""), ("leadership", "2", "")]
    )
    groups.append([("leadership", "shared", ""), ("leadership", "3", "")])
    groups.append(
        [("leadership", "professional_led", ""), ("leadership", "4", ""), ("leadership", "5", "")]
    )
    kept = [[k for k in group if k in present] for group in groups]
    return [group for group in kept if len(group) > 1]


def suppress(figures: Sequence[Figure], broader: Iterable[Sequence[Figure]] = ()) -> list[Figure]:
    """The figures with every small cell, every cell that would give one away by
    subtraction, and every cell that differs from a broader filter's by a small
    number of people, marked `suppressed`."""
    hidden = {key(f) for f in figures if is_small(f.people)}
    for wider in broader:
        wider_people = {key(f): f.people for f in wider}
        hidden |= {
            key(f)
            for f in figures
            if key(f) in wider_people and is_small(wider_people[key(f)] - f.people)
        }
    by_key = {key(f): f for f in figures}
    groups = additive_groups(figures)
    changed = True
    while changed:
        changed = False
        for group in groups:
            if sum(k in hidden for k in group) != 1:
                continue
            candidates = [k for k in group[1:] if k not in hidden and by_key[k].value]
            candidates.sort(key=lambda k: by_key[k].value or 0)
            more = candidates[0] if candidates else group[0]
            if more in hidden:  # the total is the hidden one and no part is left
                more = next(k for k in group if k not in hidden)
            hidden.add(more)
            changed = True
    return [dataclasses.replace(f, suppressed=key(f) in hidden) for f in figures]  # type: ignore[type-var]
