"""The team lead's outcome dashboard: figures, charts, drill-downs and CSV.

Every figure comes from `outcomes.metrics` (computed by the database, a fixed
number of queries whatever the caseload's size). These views only parse the
filter, reshape the handful of aggregated numbers for the page, and decide
what the lead may see in a drill-down: names only for the plans whose care
team they are on now (that is all their access allows), a count for the rest.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_tasks import task

from coproduce.htmx import HtmxHttpRequest
from coproduce.models import Professional, Side, Team
from outcomes import charts, dashboard_cache, metrics, small_cells
from outcomes.dashboard_csv import (
    DASHBOARD_HEADER,
    Figure,
    csv_response,
    dashboard_csv_rows,
    figure_rows,
    format_value,
    power_check_rows,
    safe_cell,
)
from outcomes.definitions import (
    ACHIEVED_LABELS,
    AGREEMENT_LABELS,
    CASELOAD_LABELS,
    CHANGE_LABELS,
    LEADERSHIP_GROUP_LABELS,
    PROPOSAL_LABELS,
    SECTIONS,
)
from plans.access import get_led_team_and_members, may_open
from plans.models import DEFAULT_LIFE_AREAS, Leadership

DEFAULT_MONTHS = 6
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2099, 12, 31)
LONGEST_PERIOD_YEARS = 5
DRILLDOWN_PAGE_SIZE = 25
INVALID_STATUS = 422  # htmx swaps it in; a plain browser shows the page with its errors
FIGURES_REGION = "dashboard-figures"  # the element that asks again while figures are stale
STALE_POLL_SECONDS = 3


# --- The filter -------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or the last day of that month if it is shorter."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    return months_before(today, DEFAULT_MONTHS), today


def period_day(label: str, which: str, example: str) -> forms.DateField:
    """The first or last day of the period, with messages that say which."""
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": f"Enter the {which} day of the period",
            "invalid": f"Enter the {which} day of the period as a real date, like {example}",
        },
    )


class DashboardForm(forms.Form):
    """Parses the dashboard's filter (GET). Choices come from the lead's own team."""

    start = period_day("From", "first", "2026-04-01")
    end = period_day("To", "last", "2026-06-30")
    area = forms.ChoiceField(
        label="Life area",
        required=False,
        error_messages={"invalid_choice": "Choose a life area from the list"},
    )
    professional = forms.TypedChoiceField(
        label="Professional",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a professional from your team"},
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        area_names: list[str],
        members: list[Professional],
    ) -> None:
        super().__init__(data)
        area = cast(forms.ChoiceField, self.fields["area"])
        area.choices = [("", "All life areas")] + [(n, n) for n in area_names]
        professional = cast(forms.ChoiceField, self.fields["professional"])
        professional.choices = [("", "Everyone in the team")] + [
            (str(m.pk), m.user.name) for m in members
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        for name, day in (("start", start), ("end", end)):
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(
                    name, f"Enter a date between {EARLIEST:%Y} and {LATEST:%Y}"
                )  # also keeps the period's arithmetic clear of year 1 and 9999
                data.pop(name, None)
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None:
            if end < start:
                self.add_error("end", "The last day must be on or after the first day")
            elif end > months_before(start, -12 * LONGEST_PERIOD_YEARS):
                self.add_error("end", f"Choose a period of at most {LONGEST_PERIOD_YEARS} years")
        return data


def area_choices() -> list[str]:
    """The seven default life areas, then all the areas people named themselves as one
    choice: the names people gave their own areas are their words, never offered to a
    lead who may not open their plans."""
    return [*DEFAULT_LIFE_AREAS, metrics.OWN_AREAS]


@dataclass
class ParsedFilter:
    form: DashboardForm
    team: Team
    lead: Professional
    members: list[Professional]
    filter: metrics.DashboardFilter | None = None
    querystring: str = ""

    @property
    def professional_name(self) -> str | None:
        chosen = self.filter.professional_id if self.filter else None
        return next((m.user.name for m in self.members if m.pk == chosen), None)


def parse_filter(request: HttpRequest) -> ParsedFilter:
    """The lead's team (403 for anyone else) and the filter in the query string."""
    return parse_query(request.user, request.GET)


def parse_query(user: Any, params: QueryDict) -> ParsedFilter:
    """The team `user` leads (403 for anyone else) and the filter in `params`.

    Fields left out of the query string take their defaults (the last six
    months, everyone, all life areas); fields sent empty or wrong are errors.
    """
    team, lead, members = get_led_team_and_members(user)
    start, end = default_period(timezone.localdate())
    data: dict[str, Any] = {"start": start.isoformat(), "end": end.isoformat()}
    for name in ("start", "end", "area", "professional"):
        if name in params:
            data[name] = params[name]
    form = DashboardForm(data, area_names=area_choices(), members=members)
    parsed = ParsedFilter(form=form, team=team, lead=lead, members=members)
    if form.is_valid():
        cleaned = form.cleaned_data
        parsed.filter = metrics.DashboardFilter(
            team_id=team.pk,
            start=cleaned["start"],
            end=cleaned["end"],
            life_area_name=cleaned["area"] or None,
            professional_id=cleaned["professional"],
            member_ids=tuple(member.pk for member in members),
        )
        query = {"start": cleaned["start"].isoformat(), "end": cleaned["end"].isoformat()}
        if cleaned["area"]:
            query["area"] = cleaned["area"]
        if cleaned["professional"] is not None:
            query["professional"] = str(cleaned["professional"])
        parsed.querystring = urlencode(query)
    return parsed


# --- Tables: the figures reshaped for the page ---------------------------------------------


@dataclass
class TableCell:
    value: str
    url: str | None
    suppressed: bool = False


@dataclass
class TableRow:
    label: str
    whole: TableCell | None = None  # a figure about the whole caseload (no side)
    sides: dict[str, TableCell] = field(default_factory=dict)

    @property
    def person(self) -> TableCell | None:
        return self.sides.get(Side.PERSON.value)

    @property
    def professional(self) -> TableCell | None:
        return self.sides.get(Side.PROFESSIONAL.value)


@dataclass
class Section:
    key: str
    title: str
    definition: str
    rows: list[TableRow]
    by_side: bool


def drilldown_url(querystring: str, cell: tuple[str, ...] | None) -> str | None:
    if cell is None:
        return None
    return drilldown_urls(querystring)(cell)


def drilldown_urls(querystring: str) -> Callable[[tuple[str, ...]], str]:
    """`drilldown_url` for many cells of one filter: the URL is reversed once
    (a dashboard links some ninety figures)."""
    prefix = f"{reverse('team_dashboard_plans')}?{querystring}&"
    return lambda cell: prefix + urlencode([("figure", part) for part in cell])


def sections(figures: list[Figure], querystring: str) -> list[Section]:
    """The figures as one table per section, person and professional side by side."""
    result: dict[str, Section] = {}
    url = drilldown_urls(querystring)
    for figure in figures:
        section = result.get(figure.section)
        if section is None:
            words = SECTIONS[figure.section]
            section = Section(figure.section, words.title, words.definition, [], False)
            result[figure.section] = section
        row = next((r for r in section.rows if r.label == figure.label), None)
        if row is None:
            row = TableRow(label=figure.label)
            section.rows.append(row)
        if figure.suppressed:
            cell = TableCell("", None, suppressed=True)
        else:
            link = None if figure.cell is None else url(figure.cell)
            cell = TableCell(format_value(figure.value), link)
        if figure.side:
            row.sides[figure.side] = cell
            section.by_side = True
        else:
            row.whole = cell
    return list(result.values())


# --- The pages --------------------------------------------------------------------------------


@dataclass
class LifeAreaRow:
    name: str
    outcomes: int | None  # None: not shown (small_cells)
    person: TableCell
    person_outcomes: int
    professional: TableCell
    professional_outcomes: int


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def life_area_rows(
    board: metrics.Dashboard, figures: list[Figure], querystring: str
) -> list[LifeAreaRow]:
    hidden = {(f.key, f.side) for f in figures if f.section == "life_area" and f.suppressed}
    url = drilldown_urls(querystring)

    def side_cell(name: str, side: str, average: float | None) -> TableCell:
        if (f"{name}|rated_twice", side) in hidden:
            return TableCell("", None, suppressed=True)
        return TableCell(_signed(average), url(("life_area", name, side)))

    return [
        LifeAreaRow(
            name=area.name,
            outcomes=None if (f"{area.name}|outcomes", "") in hidden else area.outcomes,
            person=side_cell(area.name, Side.PERSON.value, area.person_average),
            person_outcomes=area.person_outcomes,
            professional=side_cell(area.name, Side.PROFESSIONAL.value, area.professional_average),
            professional_outcomes=area.professional_outcomes,
        )
        for area in board.life_areas
    ]


def shown_figures(
    f: metrics.DashboardFilter, board: metrics.Dashboard, power_check: metrics.PowerCheckFigures
) -> list[Figure]:
    """The board's figures with small cells hidden (outcomes.small_cells). A filter
    narrowed by professional or life area is compared with the filter without each
    narrowing, so that the rest of the caseload cannot be worked out by subtraction."""
    broader = []
    if f.professional_id is not None:
        broader.append(replace(f, professional_id=None))
    if f.life_area_name is not None:
        broader.append(replace(f, life_area_name=None))
    return small_cells.suppress(
        every_figure(board, power_check),
        [every_figure(wide, wide.power_check) for wide in map(metrics.dashboard, broader)],
    )


def every_figure(board: metrics.Dashboard, power_check: metrics.PowerCheckFigures) -> list[Figure]:
    """The board's figures and the power check's, which has its own query."""
    return [*figure_rows(board), *power_check_rows(power_check)]


def figures_context(parsed: ParsedFilter) -> dict[str, Any]:
    """The figures for the parsed filter and their HTML (the part of the page below
    the form, `figures`): computed afresh, see `figures_or_kept`."""
    assert parsed.filter is not None
    board = metrics.dashboard(parsed.filter)
    power_check = board.power_check
    figures = shown_figures(parsed.filter, board, power_check)
    by_key = {s.key: s for s in sections(figures, parsed.querystring)}
    hidden = {(f.section, f.key, f.side) for f in figures if f.suppressed}
    context: dict[str, Any] = {
        "board": board,
        "sections": by_key,
        "life_areas": life_area_rows(board, figures, parsed.querystring),
        "life_area_definition": SECTIONS["life_area"].definition,
        "change_chart": charts.change_chart(board.outcomes, hidden=hidden),
        "coproduction_chart": charts.coproduction_chart(
            board.content, board.leadership, hidden=hidden
        ),
        "suppressed_note": small_cells.suppressed_note(),
        "any_suppressed": bool(hidden),
        "querystring": parsed.querystring,
        "professional_name": parsed.professional_name,
        "power_check": power_check,
    }
    context["figures"] = render_to_string("outcomes/dashboard.html#figures", context)
    return context


def figures_or_kept(parsed: ParsedFilter) -> dict[str, Any]:
    """`figures_context`, kept until the team's caseload changes; just after a change,
    perhaps the figures from before it while `refresh_figures` recomputes them in the
    background (`outcomes.dashboard_cache`), with when they were computed."""
    assert parsed.filter is not None
    key = dashboard_cache.figures_key(parsed.filter, parsed.members)
    kept = dashboard_cache.kept_or_computed(
        key,
        lambda: figures_context(parsed),
        lambda: refresh_figures.enqueue(parsed.lead.user_id, parsed.querystring).is_finished,
    )
    return {
        **kept.context,
        "stale": kept.stale,
        "figures_from": kept.computed_at,
        "figures_from_today": timezone.localtime(kept.computed_at).date() == timezone.localdate(),
        "poll_seconds": STALE_POLL_SECONDS,
    }


# Ahead of the notification emails in the worker's queue: a lead may be looking
# at the figures from before, and one refresh per team and filter is queued at a time.
REFRESH_PRIORITY = 10


@task(priority=REFRESH_PRIORITY)
def refresh_figures(lead_user_id: int, querystring: str) -> None:
    """Compute and keep the figures of one lead's dashboard for one filter (queued
    by `figures_or_kept` when it shows figures from before a write)."""
    lead = get_user_model().objects.get(pk=lead_user_id)
    parsed = parse_query(lead, QueryDict(querystring))
    if parsed.filter is not None:
        key = dashboard_cache.figures_key(parsed.filter, parsed.members)
        dashboard_cache.refresh(key, lambda: figures_context(parsed))


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def team_dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """The lead's outcome dashboard for their team, filtered by period, area and professional.
    While the figures shown are from before a write, their region asks again every few
    seconds (htmx, targeting it alone): 204 while they are still the figures shown,
    then the fresh ones, which replace it."""
    parsed = parse_filter(request)
    context: dict[str, Any] = {"form": parsed.form, "team": parsed.team}
    if parsed.filter is None:
        return render(request, "outcomes/dashboard.html", context, status=INVALID_STATUS)
    context.update(figures_or_kept(parsed))
    if request.htmx and request.htmx.target == FIGURES_REGION:
        if context["stale"]:
            # Still the figures on the page: nothing to swap, and a status message
            # put back every few seconds would be read out again each time.
            return HttpResponse(status=204)
        context["refreshed"] = True
        return render(request, "outcomes/dashboard.html#live_figures", context)
    return render(request, "outcomes/dashboard.html", context)


def csv_filename(parsed: ParsedFilter, stem: str) -> str:
    """The file's name records its filter: the period, and the life area and
    professional when one is chosen, so two downloads never share a name."""
    f = parsed.filter
    assert f is not None
    parts = [stem, f"{f.start:%Y%m%d}", f"{f.end:%Y%m%d}"]
    if f.life_area_name:
        parts.append("area-" + (slugify(f.life_area_name) or "named"))
    if parsed.professional_name:
        parts.append("professional-" + slugify(parsed.professional_name))
    return "-".join(parts) + ".csv"


def _invalid_csv(parsed: ParsedFilter) -> HttpResponse:
    errors = "; ".join(str(e) for errors in parsed.form.errors.values() for e in errors)
    return HttpResponse(
        f"The filter is not valid: {errors}",
        status=INVALID_STATUS,
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def team_dashboard_csv(request: HttpRequest) -> HttpResponse:
    """Every figure on the dashboard, for the same filter, as CSV."""
    parsed = parse_filter(request)
    if parsed.filter is None:
        return _invalid_csv(parsed)
    board = metrics.dashboard(parsed.filter)
    filename = csv_filename(parsed, "dashboard")
    f = parsed.filter
    rows = dashboard_csv_rows(shown_figures(f, board, board.power_check))
    return csv_response(filename, DASHBOARD_HEADER, rows)


PART_LABELS: dict[str, str] = {
    **CASELOAD_LABELS,
    **CHANGE_LABELS,
    **AGREEMENT_LABELS,
    **ACHIEVED_LABELS,
    **LEADERSHIP_GROUP_LABELS,
    **PROPOSAL_LABELS,
    **{str(level): label for level, label in Leadership.choices},
    Side.PERSON.value: "people\u2019s side",
    Side.PROFESSIONAL.value: "professionals\u2019 side",
}


def figure_label(cell: tuple[str, ...]) -> str:
    """A drill-down's figure in words, e.g. "Outcomes: people's side, Improved"."""
    section = cell[0]
    title = SECTIONS[section].title if section in SECTIONS else section
    words = [PART_LABELS.get(part, part) for part in cell[1:]]
    return f"{title}: {', '.join(words)}" if words else title


@dataclass
class Drilldown:
    cell: tuple[str, ...]
    label: str
    mine: Any  # the plans the lead is on the care team of
    mine_count: int
    others: int
    others_people: int

    @property
    def others_hidden(self) -> bool:
        """Too few other people to count them without singling someone out."""
        return small_cells.is_small(self.others_people)


def drilldown(parsed: ParsedFilter, cell: tuple[str, ...]) -> Drilldown:
    """The plans behind one figure, split by what the lead may see. Two queries
    (one count of each kind); the caller pages through `mine`."""
    assert parsed.filter is not None
    try:
        plans = metrics.plans_behind(parsed.filter, cell)
    except metrics.UnknownMetric:
        raise Http404 from None
    on_care_team = may_open(parsed.lead)
    counts = plans.order_by().aggregate(
        mine=Count("pk", filter=Q(on_care_team)),
        others=Count("pk", filter=~Q(on_care_team)),
        others_people=Count("person", distinct=True, filter=~Q(on_care_team)),
    )
    return Drilldown(
        cell=cell,
        label=figure_label(cell),
        mine=plans.filter(on_care_team),
        mine_count=counts["mine"],
        others=counts["others"],
        others_people=counts["others_people"],
    )


def _cell(request: HttpRequest) -> tuple[str, ...]:
    cell = tuple(request.GET.getlist("figure"))
    if not cell or len(cell) > 3 or any(len(part) > 200 for part in cell):
        raise Http404
    return cell


@require_GET
def team_dashboard_plans(request: HttpRequest) -> HttpResponse:
    """The plans behind one figure: names where the lead is on the care team, else a count."""
    parsed = parse_filter(request)
    cell = _cell(request)
    context: dict[str, Any] = {"form": parsed.form, "team": parsed.team}
    if parsed.filter is None:
        return render(request, "outcomes/drilldown.html", context, status=INVALID_STATUS)
    found = drilldown(parsed, cell)
    paginator = Paginator(found.mine, DRILLDOWN_PAGE_SIZE)
    paginator.count = found.mine_count  # known already: saves a COUNT query
    page = paginator.get_page(request.GET.get("page"))
    figure = urlencode([("figure", part) for part in cell])
    context.update(
        {
            "found": found,
            "page_obj": page,
            "querystring": parsed.querystring,
            "csv_url": f"{reverse('team_dashboard_plans_csv')}?{parsed.querystring}&{figure}",
            "dashboard_url": f"{reverse('team_dashboard')}?{parsed.querystring}",
            "filter": parsed.filter,
            "professional_name": parsed.professional_name,
            "suppressed_note": small_cells.suppressed_note(),
        }
    )
    return render(request, "outcomes/drilldown.html", context)


@require_GET
def team_dashboard_plans_csv(request: HttpRequest) -> HttpResponse:
    """The drill-down as CSV: a row per plan the lead may see, then a count of the rest."""
    parsed = parse_filter(request)
    cell = _cell(request)
    if parsed.filter is None:
        return _invalid_csv(parsed)
    found = drilldown(parsed, cell)
    rows = [
        [
            safe_cell(plan.person.user.name),
            plan.get_status_display(),
            plan.next_review_date.isoformat() if plan.next_review_date else "",
            request.build_absolute_uri(reverse("plan_detail", args=[plan.code])),
        ]
        for plan in found.mine
    ]
    rows.append(
        [
            "Other plans (you are not on their care team)",
            "",
            "",
            small_cells.suppressed_note() if found.others_hidden else str(found.others),
        ]
    )
    header = ["person", "plan status", "next review", "plan"]
    name = "-".join(part for part in cell if part.isidentifier())
    return csv_response(csv_filename(parsed, f"dashboard-{name or 'figure'}"), header, rows)
