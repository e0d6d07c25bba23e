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

from django.http import HttpResponse

from coproduce.models import Side
from outcomes import metrics
from outcomes.definitions import (
    ACHIEVED_LABELS,
    AGREEMENT_LABELS,
    CASELOAD_LABELS,
    CHANGE_LABELS,
    CONTENT_LABELS,
    LEADERSHIP_GROUP_LABELS,
    PROPOSAL_LABELS,
    SECTIONS,
)
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


def figure_rows(board: metrics.Dashboard) -> list[Figure]:
    """Every figure on the dashboard, in page order."""
    rows: list[Figure] = []
    caseload = board.caseload
    for key, label in CASELOAD_LABELS.items():
        rows.append(Figure("caseload", key, label, "", getattr(caseload, key), ("caseload", key)))

    change = board.outcomes
    rows.append(Figure("outcomes", "outcomes", "Outcomes", "", change.outcomes))
    for side in metrics.SIDES:
        for state, label in CHANGE_LABELS.items():
            value = getattr(getattr(change, side), state)
            rows.append(Figure("outcomes", state, label, side, value, ("outcomes", side, state)))

    agreement = change.agreement
    for key, label in AGREEMENT_LABELS.items():
        rows.append(
            Figure("agreement", key, label, "", getattr(agreement, key), ("agreement", key))
        )
    rows.append(Figure("agreement", "mean_gap", "Average gap (points)", "", agreement.mean_gap))

    for key, label in ACHIEVED_LABELS.items():
        rows.append(
            Figure("achieved", key, label, "", getattr(board.achieved, key), ("achieved", key))
        )

    for area in board.life_areas:
        name = area.name
        rows.append(Figure("life_area", f"{name}|outcomes", f"{name}: outcomes", "", area.outcomes))
        for side in metrics.SIDES:
            cell = ("life_area", name, side)
            counted = getattr(area, f"{side}_outcomes")
            average = getattr(area, f"{side}_average")
            rows.append(
                Figure(
                    "life_area", f"{name}|rated_twice", f"{name}: rated twice", side, counted, cell
                )
            )
            rows.append(
                Figure(
                    "life_area",
                    f"{name}|average_change",
                    f"{name}: average change",
                    side,
                    average,
                    cell,
                )
            )

    content = board.content
    for kind, label in CONTENT_LABELS.items():
        for side in metrics.SIDES:
            rows.append(Figure("content", kind, label, side, content.by_kind[kind][side]))
    for side in metrics.SIDES:
        rows.append(
            Figure("content", "all", "All content", side, getattr(content, side), ("content", side))
        )
    share = content.person_share
    rows.append(
        Figure(
            "content",
            "person_share",
            "Share written by people (%)",
            "",
            None if share is None else round(100 * share, 1),
        )
    )

    leadership = board.leadership
    for level, label in Leadership.choices:
        rows.append(
            Figure(
                "leadership",
                str(level),
                label,
                "",
                leadership.by_level[level],
                ("leadership", str(level)),
            )
        )
    for group, label in LEADERSHIP_GROUP_LABELS.items():
        rows.append(
            Figure(
                "leadership", group, label, "", getattr(leadership, group), ("leadership", group)
            )
        )

    for side in metrics.SIDES:
        figures = board.proposals[side]
        for state, label in PROPOSAL_LABELS.items():
            cell = ("proposals", side, state)
            rows.append(Figure("proposals", state, label, side, getattr(figures, state), cell))
        rows.append(
            Figure(
                "proposals",
                "median_hours_to_answer",
                "Median time to answer (hours)",
                side,
                figures.median_hours_to_answer,
            )
        )
    return rows


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
    stays a number); every text cell goes through `safe_cell`."""
    return [
        [
            safe_cell(SECTIONS[f.section].title),
            safe_cell(f.label),
            SIDE_LABELS[f.side],
            format_value(f.value),
            safe_cell(SECTIONS[f.section].definition),
        ]
        for f in figures
    ]
