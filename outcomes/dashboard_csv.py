"""The dashboard's figures as one flat list, and as CSV.

`figure_rows(board)` turns the metrics module's `Dashboard` into rows of
(section, metric, side, value), each knowing which drill-down cell lists the
plans behind it. The page's tables and the CSV download are both built from
these rows, so the two cannot drift apart; the tests check both against the
metrics themselves.

The page and the CSV take each table's title and definition, and each
figure's label, from `outcomes.definitions`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

from coproduce.models import Side
from outcomes import metrics
from outcomes.definitions import (
    ACHIEVED_LABELS,
    AGREEMENT_LABELS,
    CASELOAD_LABELS,
    CHANGE_LABELS,
    CONTENT_LABELS,
    CRISIS_PLAN_LABELS,
    LEADERSHIP_GROUP_LABELS,
    POWER_CHECK_LABELS,
    PROPOSAL_LABELS,
    REPLY_LABELS,
    SECTIONS,
)
from outcomes.small_cells import suppressed_note
from plans.models import Leadership

SIDE_LABELS = {"": "", Side.PERSON.value: "person", Side.PROFESSIONAL.value: "professional"}

Value = int | float | None


@dataclass(frozen=True)
class Figure:
    """One number on the dashboard. `cell` is the drill-down behind it (None: no list)."""

    section: str
    key: str  # what it counts, the same for both sides (a table row on the page)
    label: str  # the metric in words, as the CSV writes it
    side: str  # "person", "professional", or "" for figures about the whole caseload
    value: Value
    cell: tuple[str, ...] | None = None
    people: int = 0  # how many different people the figure is drawn from
    suppressed: bool = False  # drawn from too few people: see outcomes.small_cells


def figure_rows(board: metrics.Dashboard) -> list[Figure]:
    """Every figure on the dashboard, in page order."""
    return [
        *_whole_caseload("caseload", CASELOAD_LABELS, board.caseload, board.caseload.people_behind),
        *_crisis_plan_figures(board.caseload.crisis),
        *_change_figures(board.outcomes),
        *_whole_caseload(
            "agreement", AGREEMENT_LABELS, board.outcomes.agreement, board.outcomes.agreement.people
        ),
        Figure(
            "agreement",
            "mean_gap",
            "Average gap (points)",
            "",
            board.outcomes.agreement.mean_gap,
            people=board.outcomes.agreement.people["both_rated"],
        ),
        *_whole_caseload("achieved", ACHIEVED_LABELS, board.achieved, board.achieved.people),
        *(figure for area in board.life_areas for figure in _life_area_figures(area)),
        *_content_figures(board.content),
        *_leadership_figures(board.leadership),
        *(
            figure
            for side in metrics.SIDES
            for figure in _proposal_figures(side, board.proposals[side])
        ),
        *(
            Figure(
                "replies",
                key,
                label,
                side,
                getattr(board.replies[side], key),
                people=getattr(board.replies[side], f"{key}_people"),
            )
            for key, label in REPLY_LABELS.items()
            for side in metrics.SIDES
        ),
    ]


def _whole_caseload(
    section: str, labels: dict[str, str], figures: Any, people: Any
) -> list[Figure]:
    """Figures about the whole caseload (no side), each with the plans behind it.
    `people` maps each key to the people behind it (or is a function of the key)."""
    behind = people if callable(people) else people.__getitem__
    return [
        Figure(section, key, label, "", getattr(figures, key), (section, key), behind(key))
        for key, label in labels.items()
    ]


def _crisis_plan_figures(crisis: metrics.CrisisPlanFigures) -> list[Figure]:
    """Counts only (no list of plans behind them), and the share as a percentage."""
    share = crisis.crisis_reviewed_share
    return [
        *(
            Figure("crisis_plans", key, label, "", getattr(crisis, key), None, crisis.people[key])
            for key, label in CRISIS_PLAN_LABELS.items()
        ),
        Figure(
            "crisis_plans",
            "crisis_reviewed_share",
            "Share with a crisis plan reviewed within the set period (%)",
            "",
            None if share is None else round(100 * share, 1),
            # The share gives away the count it is made of: hidden whenever that is.
            people=crisis.people["crisis_reviewed"],
        ),
    ]


def _change_figures(change: metrics.OutcomeChange) -> list[Figure]:
    return [
        Figure(
            "outcomes", "outcomes", "Outcomes", "", change.outcomes, None, change.people["outcomes"]
        ),
        *(
            Figure(
                "outcomes",
                state,
                label,
                side,
                getattr(getattr(change, side), state),
                ("outcomes", side, state),
                change.people[f"{side}_{state}"],
            )
            for side in metrics.SIDES
            for state, label in CHANGE_LABELS.items()
        ),
    ]


def _life_area_figures(area: metrics.LifeAreaChange) -> list[Figure]:
    name = area.name
    rows = [
        Figure(
            "life_area",
            f"{name}|outcomes",
            f"{name}: outcomes",
            "",
            area.outcomes,
            people=area.people["outcomes"],
        )
    ]
    for side in metrics.SIDES:
        cell = ("life_area", name, side)
        counted = getattr(area, f"{side}_outcomes")
        average = getattr(area, f"{side}_average")
        people = area.people[f"{side}_outcomes"]
        rows += [
            Figure(
                "life_area",
                f"{name}|rated_twice",
                f"{name}: rated twice",
                side,
                counted,
                cell,
                people,
            ),
            Figure(
                "life_area",
                f"{name}|average_change",
                f"{name}: average change",
                side,
                average,
                cell,
                people,
            ),
        ]
    return rows


def _content_figures(content: metrics.ContentShare) -> list[Figure]:
    share = content.person_share
    return [
        *(
            Figure(
                "content",
                kind,
                label,
                side,
                content.by_kind[kind][side],
                people=content.people_by_kind[kind][side],
            )
            for kind, label in CONTENT_LABELS.items()
            for side in metrics.SIDES
        ),
        *(
            Figure(
                "content",
                "all",
                "All content",
                side,
                getattr(content, side),
                ("content", side),
                content.people(side),
            )
            for side in metrics.SIDES
        ),
        Figure(
            "content",
            "person_share",
            "Share written by people (%)",
            "",
            None if share is None else round(100 * share, 1),
            people=max(content.people(side) for side in metrics.SIDES),
        ),
        *(
            Figure(
                "content",
                "changes",
                "Changes made in the period",
                side,
                content.changes[side],
                people=content.people_changing[side],
            )
            for side in metrics.SIDES
        ),
    ]


def _leadership_figures(leadership: metrics.LeadershipBalance) -> list[Figure]:
    by_level = [
        Figure(
            "leadership",
            str(level),
            label,
            "",
            leadership.by_level[level],
            ("leadership", str(level)),
            leadership.people(str(level)),
        )
        for level, label in Leadership.choices
    ]
    groups = _whole_caseload("leadership", LEADERSHIP_GROUP_LABELS, leadership, leadership.people)
    return [*by_level, *groups]


def _proposal_figures(side: str, figures: metrics.ProposalFigures) -> list[Figure]:
    return [
        *(
            Figure(
                "proposals",
                state,
                label,
                side,
                getattr(figures, state),
                ("proposals", side, state),
                figures.people[state],
            )
            for state, label in PROPOSAL_LABELS.items()
        ),
        Figure(
            "proposals",
            "median_hours_to_answer",
            "Median time to answer (hours)",
            side,
            figures.median_hours_to_answer,
            people=figures.people["answered"],
        ),
    ]


def format_value(value: Value) -> str:
    """Whole numbers as they are; averages to two decimal places; blank when there is none."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula.

    Names and life areas are typed by users; a leading =, +, -, @ (or tab or
    carriage return) would make Excel or LibreOffice evaluate the cell. Our
    own negative numbers are written unguarded (see `write_csv`).
    """
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: list[str], rows: Iterable[list[str]]) -> HttpResponse:
    """A CSV download. Every cell in `rows` is text already made safe by the caller."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


DASHBOARD_HEADER = ["section", "metric", "side", "value", "definition"]


def dashboard_csv_rows(figures: list[Figure]) -> list[list[str]]:
    """One row per figure. Values are numbers we computed (a negative average
    stays a number); every text cell goes through `safe_cell`. A section's
    definition is on its first row only: a paragraph, not to be read again
    on every row."""
    rows = []
    defined: set[str] = set()
    for f in figures:
        first = f.section not in defined
        defined.add(f.section)
        rows.append(
            [
                safe_cell(SECTIONS[f.section].title),
                safe_cell(f.label),
                SIDE_LABELS[f.side],
                suppressed_note() if f.suppressed else format_value(f.value),
                safe_cell(SECTIONS[f.section].definition) if first else "",
            ]
        )
    return rows


def power_check_rows(figures: metrics.PowerCheckFigures) -> list[Figure]:
    """The power check figures (computed by their own query, beside `metrics.dashboard`)."""
    values: dict[str, Value] = {
        "reviews": figures.reviews,
        "person_answered": figures.person_answered,
        **{f"led_{k}": v for k, v in figures.led.items()},
        **{f"words_kept_{k}": v for k, v in figures.words_kept.items()},
        "professional_answers": figures.professional_answers,
        **{f"shared_{k}": v for k, v in figures.shared_as_agreed.items()},
    }
    return [
        Figure("power_check", key, label, "", values[key], people=figures.people[key])
        for key, label in POWER_CHECK_LABELS.items()
    ]
