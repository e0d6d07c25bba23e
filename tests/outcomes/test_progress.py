"""Progress over time: the chart function, and the chart and table on the plan page."""

from __future__ import annotations

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.models import Side
from outcomes.charts import Progress, Row, progress_from, progress_svg, summary
from outcomes.models import Rating, ValuedOutcome
from tests import factories as f
from tests.conftest import Cast, login

SVG = "{http://www.w3.org/2000/svg}"
DASH = "\u2013"  # the table's "not rated" mark
D = datetime.date


def rating(side: str, score: int, on: D, minute: int = 0, pk: int = 0) -> Rating:
    """An unsaved rating: the chart code only reads these fields."""
    return Rating(
        side=side,
        score=score,
        rated_on=on,
        created_at=datetime.datetime(2026, 1, 1, 12, minute, tzinfo=datetime.UTC),
        pk=pk or None,
    )


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 — our own output, in a test


def points(root: ElementTree.Element, side: str) -> list[int]:
    return [
        int(el.get("data-score", "0"))
        for el in root.iter()
        if el.get("data-side") == side and el.get("data-score")
    ]


# --- grouping ---------------------------------------------------------------------


def test_progress_groups_by_day_and_side() -> None:
    progress = progress_from(
        [
            rating(Side.PERSON, 3, D(2026, 1, 5)),
            rating(Side.PROFESSIONAL, 6, D(2026, 1, 5)),
            rating(Side.PERSON, 5, D(2026, 3, 1)),
            rating(Side.PROFESSIONAL, 7, D(2026, 4, 2)),
        ]
    )
    assert progress.rows == [
        Row(D(2026, 1, 5), person=3, professional=6),
        Row(D(2026, 3, 1), person=5, professional=None),
        Row(D(2026, 4, 2), person=None, professional=7),
    ]
    assert progress.series(Side.PERSON) == [(D(2026, 1, 5), 3), (D(2026, 3, 1), 5)]


def test_a_correction_on_the_same_day_wins() -> None:
    # Entered in the other order on purpose: the latest entered is the side's view that day.
    progress = progress_from(
        [
            rating(Side.PERSON, 4, D(2026, 2, 1), minute=30, pk=2),
            rating(Side.PERSON, 8, D(2026, 2, 1), minute=10, pk=1),
        ]
    )
    assert progress.rows == [Row(D(2026, 2, 1), person=4)]


def test_no_ratings_is_empty() -> None:
    assert progress_from([]).is_empty


# --- the chart --------------------------------------------------------------------


def test_chart_has_both_series_with_their_points() -> None:
    progress = Progress(
        rows=[
            Row(D(2026, 1, 5), person=3, professional=6),
            Row(D(2026, 3, 1), person=5),
            Row(D(2026, 4, 2), person=7, professional=6),
        ]
    )
    svg = progress_svg(progress, person_label="Amara's view", outcome_text="Sleep well")
    root = parse(svg)
    assert root.get("role") == "img"
    assert points(root, Side.PERSON) == [3, 5, 7]
    assert points(root, Side.PROFESSIONAL) == [6, 6]
    # Told apart by more than colour: circles vs squares, solid vs dashed lines.
    person = root.find(f".//{SVG}g[@data-side='person']")
    professional = root.find(f".//{SVG}g[@data-side='professional']")
    assert person is not None and professional is not None
    assert len(person.findall(f"{SVG}circle")) == 3 and not person.findall(f"{SVG}rect")
    assert len(professional.findall(f"{SVG}rect")) == 2
    person_line = person.find(f"{SVG}polyline")
    professional_line = professional.find(f"{SVG}polyline")
    assert person_line is not None and professional_line is not None
    assert person_line.get("stroke-dasharray") is None
    assert professional_line.get("stroke-dasharray") == "5 3"
    assert person_line.get("stroke") != professional_line.get("stroke")


def test_points_sit_on_the_scale() -> None:
    progress = Progress(rows=[Row(D(2026, 1, 1), person=1), Row(D(2026, 1, 31), person=10)])
    root = parse(progress_svg(progress, person_label="Your view", outcome_text="x"))
    low, high = root.findall(f".//{SVG}circle[@data-score]")
    # 10 is at the top, 1 at the bottom; the first date on the left, the last on the right.
    assert float(high.get("cy", "0")) < float(low.get("cy", "0"))
    assert float(low.get("cx", "0")) < float(high.get("cx", "0"))
    axis_labels = {el.text for el in root.iter(f"{SVG}text")}
    assert {"1", "5", "10", "1 Jan 2026", "31 Jan 2026"} <= axis_labels


def test_one_rating_draws_a_point_and_no_line() -> None:
    root = parse(
        progress_svg(
            Progress(rows=[Row(D(2026, 1, 1), professional=4)]),
            person_label="Your view",
            outcome_text="x",
        )
    )
    assert points(root, Side.PROFESSIONAL) == [4]
    assert root.find(f".//{SVG}polyline") is None


def test_chart_is_described_for_screen_readers() -> None:
    progress = Progress(
        rows=[Row(D(2026, 1, 5), person=3, professional=6), Row(D(2026, 4, 2), person=7)]
    )
    svg = progress_svg(progress, person_label="Amara's view", outcome_text="Sleep <well>")
    root = parse(svg)
    label = root.get("aria-label", "")
    assert "Progress towards: Sleep <well>" in label
    assert "Amara's view: from 3 to 7 out of 10 (up) over 2 ratings" in label
    assert "Professionals' view: 6 out of 10 on 5 January 2026" in label
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Progress towards: Sleep <well>"
    assert desc is not None and desc.text == summary(progress, "Amara's view")
    assert "<well>" not in svg  # escaped


@pytest.mark.parametrize(
    ("scores", "word"), [((5, 3), "(down)"), ((4, 4), "(no change)"), ((2, 9), "(up)")]
)
def test_trend_words(scores: tuple[int, int], word: str) -> None:
    progress = Progress(
        rows=[Row(D(2026, 1, 1), person=scores[0]), Row(D(2026, 2, 1), person=scores[1])]
    )
    assert word in summary(progress, "Your view")
    assert "Professionals' view: not rated yet." in summary(progress, "Your view")


# --- on the plan page --------------------------------------------------------------


def table_rows(body: str, outcome: ValuedOutcome) -> list[tuple[str, str, str]]:
    item = body.split(f'id="outcome-{outcome.code}"', 1)[1].split("</li>", 1)[0]
    table = item.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    rows: list[tuple[str, str, str]] = []
    for row in re.findall(r"<tr.*?</tr>", table, flags=re.S):
        date = re.search(r'datetime="([\d-]+)"', row)
        cells = re.findall(r'data-side="(?:person|professional)">(.*?)</td>', row, flags=re.S)
        assert date is not None
        person, professional = (
            re.sub(r'<span class="nhsuk-u-visually-hidden">.*?</span>|<.*?>', "", c).strip()
            for c in cells
        )
        rows.append((date.group(1), person, professional))
    return rows


def chart_points(body: str, outcome: ValuedOutcome, side: str) -> list[str]:
    item = body.split(f'id="outcome-{outcome.code}"', 1)[1].split("</li>", 1)[0]
    return re.findall(rf'data-side="{side}" data-score="(\d+)"', item)


def test_plan_page_shows_chart_and_the_same_numbers_in_a_table(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Sleep through the night")
    other = f.make_outcome(cast.plan, text="Back to work")
    f.make_rating(outcome, cast.amara.user, 3, on=D(2026, 1, 5))
    f.make_rating(outcome, cast.ben.user, 6, on=D(2026, 1, 5))
    f.make_rating(outcome, cast.amara.user, 5, on=D(2026, 3, 1))
    f.make_rating(outcome, cast.ben.user, 7, on=D(2026, 4, 2))
    f.make_rating(other, cast.ben.user, 2, on=D(2026, 2, 2))
    login(client, cast.ben)
    body = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()

    assert table_rows(body, outcome) == [
        ("2026-01-05", "3", "6"),
        ("2026-03-01", "5", DASH),
        ("2026-04-02", DASH, "7"),
    ]
    assert chart_points(body, outcome, "person") == ["3", "5"]
    assert chart_points(body, outcome, "professional") == ["6", "7"]
    # Each outcome has its own journey.
    assert table_rows(body, other) == [("2026-02-02", DASH, "2")]
    assert chart_points(body, other, "professional") == ["2"]
    assert "See the numbers" in body
    assert "Amara&#x27;s view: from 3 to 5 out of 10 (up)" in body


def test_plan_page_says_your_view_to_the_person(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    f.make_rating(outcome, cast.amara.user, 4)
    login(client, cast.amara)
    body = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "Your view: 4 out of 10" in body


def test_no_chart_before_the_first_rating(client: Client, cast: Cast) -> None:
    f.make_outcome(cast.plan)
    login(client, cast.amara)
    body = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "cp-progress-chart" not in body
    assert "Rate progress" in body


def test_rate_link_only_on_active_outcomes(client: Client, cast: Cast) -> None:
    achieved = f.make_outcome(cast.plan, status=ValuedOutcome.Status.ACHIEVED)
    f.make_rating(achieved, cast.amara.user, 10)
    login(client, cast.amara)
    body = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert reverse("outcome_rate", args=[cast.plan.code, achieved.code]) not in body
    assert chart_points(body, achieved, "person") == ["10"]  # the journey is still shown


@pytest.mark.parametrize("ratings", [1, 30])
def test_chart_data_is_one_query_for_the_whole_plan(
    client: Client, cast: Cast, django_assert_max_num_queries, ratings: int
) -> None:
    # The plan page's own count (tests/plans/test_plan_detail.py) includes this one query;
    # here: the number of queries does not change with outcomes x ratings.
    today = timezone.localdate()
    for i in range(5):
        outcome = f.make_outcome(cast.plan, area_name="Money" if i % 2 else "Home")
        for day in range(ratings):
            f.make_rating(
                outcome, cast.amara.user, 1 + day % 10, on=today - datetime.timedelta(day)
            )
            f.make_rating(outcome, cast.ben.user, 1 + day % 10, on=today - datetime.timedelta(day))
    login(client, cast.amara)
    from tests.plans.test_plan_detail import PLAN_PAGE_QUERIES

    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(reverse("plan_detail", args=[cast.plan.code]))
    assert response.content.decode().count('class="cp-progress-chart"') == 5
