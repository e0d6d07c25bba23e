"""Every chart in the app: its geometry here, as plain numbers; its SVG in
`templates/outcomes/charts.html`, one partial per chart.

Why server-rendered inline SVG rather than a charting library:
- it renders with no JavaScript and no network (nothing to download, nothing
  to go wrong on a slow phone), and the page's strict CSP needs no exceptions
  (presentation attributes only: the CSP forbids inline styles);
- the chart arrives with the page at its final size (a fixed viewBox), so
  nothing jumps when it appears (no layout shift);
- live updates and htmx swaps re-render it with the rest of the page, with no
  client-side state to keep in step;
- the numbers are plain data we can test like any other function.

The two sides are told apart by colour *and* by shape: on the progress chart
the person's line is solid with round markers, the professionals' dashed with
square markers; on the dashboard the person's bars are solid, the
professionals' hatched, shared ones dotted. Every chart has a text
alternative, and sits next to a table with the same numbers.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from coproduce.models import Side
from outcomes.definitions import CHANGE_LABELS

if TYPE_CHECKING:
    from outcomes import metrics

CHARTS_TEMPLATE = "outcomes/charts.html"


@dataclass(frozen=True)
class Palette:
    """The one palette of every chart (NHS colours)."""

    person: str = "#330072"  # the same purple as the person's rating card
    professional: str = "#005eb8"
    grey: str = "#4c6272"  # shared leadership, axes and their labels
    text: str = "#212b32"
    grid: str = "#d8dde0"
    white: str = "#ffffff"


COLOURS = Palette()


def _at(value: float) -> float:
    """A coordinate to one decimal place: precise enough, and short in the page."""
    return round(float(value), 1)


# --- Progress over time: one outcome's ratings, on the plan page ----------------------------


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
        if getattr(rating, "withdrawn_at", None) is not None:
            continue  # withdrawn: kept and listed, but no longer part of the progress
        if rating.side not in Side.values:
            continue  # a supporter's view: shown beside the two, not charted as either
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


# Text is 14 units high: at least 12 px wherever the chart is drawn 280 px
# wide or more (a 360 px phone draws it about 280 px wide).
WIDTH = 320
HEIGHT = 190
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 50, 30
MARKED_SCORES = (1, 5, 10)  # marked up the side, with faint lines across for reading off


def _x(on: datetime.date, first: datetime.date, last: datetime.date) -> float:
    span = (last - first).days
    inner = WIDTH - LEFT - RIGHT
    if span == 0:
        return LEFT + inner / 2
    return LEFT + inner * (on - first).days / span


def _y(score: int) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (10 - score) / 9


@dataclass(frozen=True)
class Point:
    """One rating: its marker's centre, and the corner of a square marker."""

    on: datetime.date
    score: int
    x: float
    y: float
    corner_x: float
    corner_y: float


def _point(on: datetime.date, score: int, first: datetime.date, last: datetime.date) -> Point:
    x, y = _x(on, first, last), _y(score)
    return Point(on, score, _at(x), _at(y), _at(x - 4), _at(y - 4))


@dataclass(frozen=True)
class Series:
    side: str
    colour: str
    marker: str  # "circle" or "square"
    dashed: bool
    points: list[Point]


@dataclass(frozen=True)
class ScaleMark:
    score: int
    y: float
    label_y: float


@dataclass(frozen=True)
class DateMark:
    on: datetime.date
    x: float
    anchor: str


@dataclass(frozen=True)
class ProgressChart:
    """A small line chart: scores 1 to 10 up the side, dates along the bottom."""

    title: str
    description: str
    person_label: str
    scale: list[ScaleMark]
    dates: list[DateMark]
    series: list[Series]
    colours: Palette = COLOURS
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    scale_label_x: int = LEFT - 6
    date_y: int = HEIGHT - 8
    # The legend, so the chart reads on its own (printed, or zoomed in).
    key_line_end: int = LEFT + 20
    key_marker_x: int = LEFT + 10
    key_square_x: int = LEFT + 6
    key_text_x: int = LEFT + 26


def _date_marks(progress: Progress) -> list[DateMark]:
    if progress.is_empty:
        return []
    first, last = progress.rows[0].on, progress.rows[-1].on
    if first == last:
        return [DateMark(first, _at(_x(first, first, last)), "middle")]
    return [DateMark(first, _at(LEFT), "start"), DateMark(last, _at(WIDTH - RIGHT), "end")]


def _series(progress: Progress) -> list[Series]:
    """Professionals first, so that when both sides agree the person's round
    marker shows inside the professionals' square rather than under it."""
    if progress.is_empty:
        return []
    first, last = progress.rows[0].on, progress.rows[-1].on
    sides = [
        (Side.PROFESSIONAL.value, COLOURS.professional, "square", True),
        (Side.PERSON.value, COLOURS.person, "circle", False),
    ]
    return [
        Series(
            side,
            colour,
            marker,
            dashed,
            [_point(on, score, first, last) for on, score in progress.series(side)],
        )
        for side, colour, marker, dashed in sides
        if progress.series(side)
    ]


def progress_chart(progress: Progress, *, person_label: str, outcome_text: str) -> ProgressChart:
    return ProgressChart(
        title=f"Progress towards: {outcome_text}",
        description=summary(progress, person_label),
        person_label=person_label,
        scale=[ScaleMark(score, _at(_y(score)), _at(_y(score) + 4)) for score in MARKED_SCORES],
        dates=_date_marks(progress),
        series=_series(progress),
    )


def progress_svg(progress: Progress, *, person_label: str, outcome_text: str) -> SafeString:
    """The progress chart as inline SVG (the template escapes every value)."""
    chart = progress_chart(progress, person_label=person_label, outcome_text=outcome_text)
    return _render("progress", chart)


def _render(partial: str, chart: Any) -> SafeString:
    svg = render_to_string(f"{CHARTS_TEMPLATE}#{partial}", {"chart": chart})
    return mark_safe(svg.strip())  # noqa: S308 - the template escaped every value


# --- The team dashboard: bars for each side -----------------------------------------------------

CHART_WIDTH = 640


def _fills(chart_id: str) -> dict[str, str]:
    """Solid for the person, hatched for professionals, dotted for shared (see the template)."""
    return {
        "person": COLOURS.person,
        "professional": f"url(#{chart_id}-hatch)",
        "shared": f"url(#{chart_id}-dots)",
    }


@dataclass(frozen=True)
class Key:
    """One entry of a legend: a swatch and its words."""

    x: int
    y: int
    fill: str
    text: str
    text_x: int
    text_y: int


def _legend(chart_id: str, items: list[tuple[str, str]], y: int) -> list[Key]:
    fills = _fills(chart_id)
    keys = []
    x = 0
    for kind, text in items:
        keys.append(Key(x, y, fills[kind], text, text_x=x + 20, text_y=y + 12))
        x += 20 + 8 * len(text) + 24
    return keys


@dataclass(frozen=True)
class Bar:
    """One side's bar in the change chart, its number just after its end."""

    side: str
    state: str
    value: int
    x: int
    y: int
    width: float
    height: int
    fill: str
    stroke: str
    label_x: float
    label_y: int
    suppressed: bool = False  # drawn from too few people: no bar, a note instead


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_x: int
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class ChangeChart:
    """Improved, unchanged and worsened from each side: pairs of horizontal bars."""

    id: str
    height: int
    label: str
    keys: list[Key]
    groups: list[BarGroup]
    width: int = CHART_WIDTH
    colours: Palette = COLOURS


COMPARED = ("improved", "unchanged", "worsened")
CHART_SIDES = [("person", "Person\u2019s view"), ("professional", "Professionals\u2019 view")]
# The change chart's layout: each state's name ends at LABEL_RIGHT, its bars start
# at BAR_LEFT, and the longest bar leaves room after it for its number.
LABEL_RIGHT, BAR_LEFT, BAR_HEIGHT, BAR_GAP, BARS_TOP = 110, 120, 18, 14, 34
BAR_ROOM = CHART_WIDTH - BAR_LEFT - 60


def _change_bar(chart_id: str, side: str, state: str, value: int, y: int, biggest: int) -> Bar:
    width = round(BAR_ROOM * value / biggest, 1)
    # An edge in the side's colour keeps a hatched bar's end clear against white stripes.
    outline = {"person": COLOURS.person, "professional": COLOURS.professional}
    return Bar(
        side=side,
        state=state,
        value=value,
        x=BAR_LEFT,
        y=y,
        width=width,
        height=BAR_HEIGHT - 2,
        fill=_fills(chart_id)[side],
        stroke=outline[side],
        label_x=BAR_LEFT + width + 6,
        label_y=y + BAR_HEIGHT - 4,
    )


def change_chart(
    change: metrics.OutcomeChange, *, hidden: Collection[tuple[str, str, str]] = ()
) -> ChangeChart:
    """`hidden`: figures not shown (outcomes.small_cells), as (section, key, side)."""
    chart_id = "chart-change"
    values = {
        (side, state): 0
        if ("outcomes", state, side) in hidden
        else getattr(getattr(change, side), state)
        for side, _ in CHART_SIDES
        for state in COMPARED
    }
    biggest = max([*values.values(), 1])
    groups = []
    y = BARS_TOP
    for state in COMPARED:
        bars = [
            replace(
                _change_bar(
                    chart_id, side, state, values[(side, state)], y + BAR_HEIGHT * i, biggest
                ),
                suppressed=("outcomes", state, side) in hidden,
            )
            for i, (side, _) in enumerate(CHART_SIDES)
        ]
        groups.append(BarGroup(CHANGE_LABELS[state], LABEL_RIGHT, y + BAR_HEIGHT + 4, bars))
        y += 2 * BAR_HEIGHT + BAR_GAP

    def said(side: str, state: str) -> str:
        if ("outcomes", state, side) in hidden:
            return f"{CHANGE_LABELS[state].lower()} not shown (too few people)"
        return f"{values[(side, state)]} {CHANGE_LABELS[state].lower()}"

    summary = " ".join(
        f"{side_label}: " + ", ".join(said(side, state) for state in COMPARED) + "."
        for side, side_label in CHART_SIDES
    )
    return ChangeChart(
        id=chart_id,
        height=y + 4,
        label=f"Outcome change since the first rating. {summary}",
        keys=_legend(chart_id, CHART_SIDES, 0),
        groups=groups,
    )


@dataclass(frozen=True)
class Segment:
    kind: str
    value: int
    x: float
    width: float
    fill: str


@dataclass(frozen=True)
class StackedBar:
    """One 100% bar with its title above and each part in words below it."""

    title: str
    title_y: int
    bar_y: int
    segments: list[Segment]  # none when there is nothing to show
    empty_text_y: int
    words: str
    words_y: int
    suppressed: bool = False  # a part is drawn from too few people: no bar at all


def _stacked_bar(
    chart_id: str, y: int, title: str, parts: list[tuple[str, str, int]], *, hide: bool = False
) -> StackedBar:
    """`parts` are (kind, words, count); a part with nothing in it draws no segment.
    With `hide`, no segment and no number: one part is drawn from too few people,
    and the shares of a 100% bar would give it away."""
    fills = _fills(chart_id)
    if hide:
        parts = [(kind, text, 0) for kind, text, _ in parts]
    total = sum(count for _, _, count in parts)
    segments = []
    x = 0.0
    for kind, _, count in parts:
        if not total or not count:
            continue
        width = CHART_WIDTH * count / total
        segments.append(Segment(kind, count, round(x, 1), round(width, 1), fills[kind]))
        x += width
    words = "   ".join(
        f"{text}: {count}" + (f" ({round(100 * count / total)}%)" if total else "")
        for _, text, count in parts
    )
    if hide:
        words = "Not shown: drawn from too few people, so that nobody can be singled out"
    bar_y = y + 22
    return StackedBar(
        title=title,
        title_y=y + 14,
        bar_y=bar_y,
        segments=segments,
        empty_text_y=bar_y + 17,
        words=words,
        words_y=bar_y + 44,
        suppressed=hide,
    )


@dataclass(frozen=True)
class CoproductionChart:
    """Who wrote the plans, and who leads the life areas: two 100% bars."""

    id: str
    height: int
    label: str
    bars: list[StackedBar]
    width: int = CHART_WIDTH
    colours: Palette = COLOURS


def coproduction_chart(
    content: metrics.ContentShare,
    leadership: metrics.LeadershipBalance,
    *,
    hidden: Collection[tuple[str, str, str]] = (),
) -> CoproductionChart:
    """`hidden`: figures not shown (outcomes.small_cells), as (section, key, side)."""
    chart_id = "chart-coproduction"
    written = [
        ("person", "Written by people", content.person),
        ("professional", "Written by professionals", content.professional),
    ]
    led = [
        ("person", "Person-led", leadership.person_led),
        ("shared", "Shared", leadership.shared),
        ("professional", "Professional-led", leadership.professional_led),
    ]
    hide_written = any(("content", "all", side) in hidden for side, _ in CHART_SIDES)
    hide_led = any(
        ("leadership", group, "") in hidden
        for group in ("person_led", "shared", "professional_led")
    )
    summary = (
        "Plan content: not shown (too few people). "
        if hide_written
        else f"Plan content: {content.person} pieces of writing last written by people, "
        f"{content.professional} by professionals. "
    ) + (
        "Life areas: not shown (too few people)."
        if hide_led
        else f"Life areas: {leadership.person_led} person-led, {leadership.shared} shared, "
        f"{leadership.professional_led} professional-led."
    )
    return CoproductionChart(
        id=chart_id,
        height=172,
        label=f"How co-produced the plans are. {summary}",
        bars=[
            _stacked_bar(chart_id, 0, "Who wrote the plans", written, hide=hide_written),
            _stacked_bar(chart_id, 86, "Who leads the life areas", led, hide=hide_led),
        ],
    )
