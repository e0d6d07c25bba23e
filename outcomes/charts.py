"""Progress over time: one small chart and the same figures as a table.

Why server-rendered inline SVG rather than a charting library:
- it renders with no JavaScript and no network (nothing to download, nothing
  to go wrong on a slow phone), and the page's strict CSP needs no exceptions;
- the chart arrives with the page at its final size (a fixed viewBox), so
  nothing jumps when it appears (no layout shift);
- live updates and htmx swaps re-render it with the rest of the life area,
  with no client-side state to keep in step;
- it is a few dozen lines we can test like any other function.

Both series are told apart by colour *and* by marker shape and line pattern
(the person: solid line, round markers; professionals: dashed line, square
markers), and the chart is never the only way to read the numbers: the table
built from the same `Progress` sits next to it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from coproduce.models import Side

WIDTH = 320
HEIGHT = 180
LEFT, RIGHT, TOP, BOTTOM = 30, 12, 44, 26
PERSON_COLOUR = "#330072"  # the same purple as the person's rating card
PROFESSIONAL_COLOUR = "#005eb8"


@dataclass(frozen=True)
class Row:
    """One day on which at least one side rated."""

    on: datetime.date
    person: int | None = None
    professional: int | None = None


@dataclass
class Progress:
    """An outcome's ratings, one point per side per day (the day's last rating)."""

    rows: list[Row] = field(default_factory=list)

    def series(self, side: str) -> list[tuple[datetime.date, int]]:
        return [(row.on, getattr(row, side)) for row in self.rows if getattr(row, side) is not None]

    @property
    def is_empty(self) -> bool:
        return not self.rows


def progress_from(ratings: Iterable[Any]) -> Progress:
    """Group ratings by day and side.

    A rating is never edited: a correction is a new one. So when one side
    rated more than once on a day, the last one (by when it was entered) is
    that side's view for the day, as on the plan page.
    """
    days: dict[datetime.date, dict[str, tuple[Any, int]]] = {}
    for rating in ratings:
        key = (rating.created_at, rating.pk or 0)
        current = days.setdefault(rating.rated_on, {}).get(rating.side)
        if current is None or key >= current[0]:
            days[rating.rated_on][rating.side] = (key, rating.score)
    rows = [
        Row(
            on=on,
            person=by_side[Side.PERSON][1] if Side.PERSON in by_side else None,
            professional=by_side[Side.PROFESSIONAL][1] if Side.PROFESSIONAL in by_side else None,
        )
        for on, by_side in sorted(days.items())
    ]
    return Progress(rows=rows)


def _trend(name: str, points: list[tuple[datetime.date, int]]) -> str:
    if not points:
        return f"{name}: not rated yet."
    first, last = points[0][1], points[-1][1]
    if len(points) == 1:
        return f"{name}: {first} out of 10 on {points[0][0]:%-d %B %Y}."
    if last > first:
        direction = "up"
    elif last < first:
        direction = "down"
    else:
        direction = "no change"
    return (
        f"{name}: from {first} to {last} out of 10 ({direction}) "
        f"over {len(points)} ratings, {points[0][0]:%-d %B %Y} to {points[-1][0]:%-d %B %Y}."
    )


def summary(progress: Progress, person_label: str) -> str:
    """The chart in one or two sentences, for screen readers."""
    return " ".join(
        [
            _trend(person_label, progress.series(Side.PERSON)),
            _trend("Professionals' view", progress.series(Side.PROFESSIONAL)),
        ]
    )


def _x(on: datetime.date, first: datetime.date, last: datetime.date) -> float:
    span = (last - first).days
    inner = WIDTH - LEFT - RIGHT
    if span == 0:
        return LEFT + inner / 2
    return LEFT + inner * (on - first).days / span


def _y(score: int) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (10 - score) / 9


def _marker(side: str, x: float, y: float, colour: str, on: datetime.date, score: int) -> str:
    label = f"{on:%-d %b %Y}: {score}"
    if side == Side.PERSON:
        shape = format_html(
            '<circle cx="{}" cy="{}" r="4" fill="{}"', f"{x:.1f}", f"{y:.1f}", colour
        )
        close = "</circle>"
    else:
        shape = format_html(
            '<rect x="{}" y="{}" width="8" height="8" fill="#ffffff" stroke="{}" stroke-width="2"',
            f"{x - 4:.1f}",
            f"{y - 4:.1f}",
            colour,
        )
        close = "</rect>"
    return f'{shape} data-side="{side}" data-score="{score}"><title>{escape(label)}</title>{close}'


def progress_svg(progress: Progress, *, person_label: str, outcome_text: str) -> SafeString:
    """A small line chart: scores 1 to 10 up the side, dates along the bottom."""
    title = f"Progress towards: {outcome_text}"
    description = summary(progress, person_label)
    parts: list[str] = [
        format_html(
            '<svg class="cp-progress-chart" xmlns="http://www.w3.org/2000/svg" '
            'viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" focusable="false">'
            "<title>{}</title><desc>{}</desc>",
            WIDTH,
            HEIGHT,
            f"{title}. {description}",
            title,
            description,
        )
    ]
    # Axes: 1, 5 and 10 marked, faint lines across for reading off values.
    for score in (1, 5, 10):
        y = _y(score)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d8dde0" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#4c6272">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                LEFT - 6,
                f"{y + 4:.1f}",
                score,
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#4c6272" stroke-width="1"/>',
            LEFT,
            LEFT,
            TOP,
            HEIGHT - BOTTOM,
        )
    )
    # Legend, so the chart reads on its own (printed, or zoomed in).
    parts.append(
        format_html(
            '<g font-size="11" fill="#212b32">'
            '<line x1="{}" x2="{}" y1="9" y2="9" stroke="{}" stroke-width="2"/>'
            '<circle cx="{}" cy="9" r="4" fill="{}"/>'
            '<text x="{}" y="13">{}</text>'
            '<line x1="{}" x2="{}" y1="25" y2="25" stroke="{}" stroke-width="2" '
            'stroke-dasharray="5 3"/>'
            '<rect x="{}" y="21" width="8" height="8" fill="#ffffff" stroke="{}" stroke-width="2"/>'
            '<text x="{}" y="29">Professionals&#8217; view</text></g>',
            LEFT,
            LEFT + 20,
            PERSON_COLOUR,
            LEFT + 10,
            PERSON_COLOUR,
            LEFT + 26,
            person_label,
            LEFT,
            LEFT + 20,
            PROFESSIONAL_COLOUR,
            LEFT + 6,
            PROFESSIONAL_COLOUR,
            LEFT + 26,
        )
    )
    if progress.rows:
        first, last = progress.rows[0].on, progress.rows[-1].on
        if first == last:
            date_labels = [(first, _x(first, first, last), "middle")]
        else:
            date_labels = [(first, LEFT, "start"), (last, WIDTH - RIGHT, "end")]
        for on, x, anchor in date_labels:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" text-anchor="{}" fill="#4c6272">{}</text>',
                    f"{x:.1f}",
                    HEIGHT - 8,
                    anchor,
                    f"{on:%-d %b %Y}",
                )
            )
        # Professionals first, so that when both sides agree the person's round
        # marker shows inside the professionals' square rather than under it.
        for side, colour, dash in (
            (Side.PROFESSIONAL, PROFESSIONAL_COLOUR, ' stroke-dasharray="5 3"'),
            (Side.PERSON, PERSON_COLOUR, ""),
        ):
            points = progress.series(side)
            if not points:
                continue
            coordinates = [(_x(on, first, last), _y(score)) for on, score in points]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
            parts.append(f'<g class="cp-series" data-side="{side}">')
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash}/>'
                )
            for (on, score), (x, y) in zip(points, coordinates, strict=True):
                parts.append(_marker(side, x, y, colour, on, score))
            parts.append("</g>")
    parts.append("</svg>")
    # Every interpolated value above went through format_html or escape.
    return mark_safe("".join(parts))  # noqa: S308
