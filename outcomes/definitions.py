"""What each figure on the team dashboard means, in plain words.

One mapping, read by both the dashboard page (beside each table) and its CSV
download (on every row). `outcomes.metrics` computes the figures: when its
code changes, keep these words true.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One table on the dashboard: its title, and what its figures count."""

    title: str
    definition: str


# The change and agreement tables come from the same comparison of ratings.
RATINGS_COMPARED = (
    "For every outcome on the caseload (not removed; achieved and let-go ones included), "
    "seen separately from the person's side and from the professionals' side: compare "
    "that side's latest rating on or before the end of the period with its very first "
    "rating. Improved: the latest score is higher; unchanged: the same; worsened: lower. "
    'An outcome that side has rated only once is "not enough ratings"; never rated by '
    'then, "not rated". Ratings given on the same day count in the order they were '
    "recorded. Agreement: among outcomes both sides have rated, the two sides agree when "
    "their latest scores are at most 1 point apart (7 and 8 agree, 6 and 8 do not); the "
    "mean gap is the average distance between the two latest scores. The two latest "
    "ratings may be from different days."
)

SECTIONS: dict[str, Section] = {
    "caseload": Section(
        "Caseload",
        (
            "People: how many different people have a plan on the caseload (a plan counts when "
            "someone from the team is on its care team now; closed plans included). Plans: all "
            "those plans; active plans: those marked active; closed plans: those marked closed. "
            "Reviews overdue: plans not closed whose next review date is before today. Reviews "
            "due: plans not closed whose next review date is between today and 28 days after the "
            "end of the period, both days included."
        ),
    ),
    "outcomes": Section("Change since the first rating", RATINGS_COMPARED),
    "agreement": Section("How often the two sides agree", RATINGS_COMPARED),
    "achieved": Section(
        "Achieved in the period",
        (
            "Outcomes on the caseload (not removed) marked achieved during the period, and, "
            "beside them, those let go during the period. An outcome counts on the day its status "
            "last changed."
        ),
    ),
    "life_area": Section(
        "Average change by life area",
        (
            "For each life area (by name) with at least one outcome on the caseload: the average "
            "change on the 1-10 scale from each side, that is the latest rating on or before the "
            "end of the period minus the first rating, over the outcomes that side has rated at "
            "least twice (and how many those are). Blank when that side has rated no outcome in "
            "the area twice."
        ),
    ),
    "content": Section(
        "Who wrote the plans",
        (
            "Who wrote the plans: all current content on the caseload's plans (valued outcomes, "
            "expertise, resources and commitments; removed items left out), counted by the side "
            "of the person who first wrote each item. This is all content as it stands now, "
            "whatever the period. With a life area chosen, only items in that area (expertise "
            "about the whole plan is left out)."
        ),
    ),
    "leadership": Section(
        "Balance of leadership",
        (
            "How leadership is shared now, across every life area of the caseload's plans: how "
            'many areas sit at each of the five levels. Person-led: "person leads" or "person '
            'leads, with support"; shared; professional-led: "professional leads, with agreement" '
            'or "professional leads". With a life area chosen, only areas of that name.'
        ),
    ),
    "proposals": Section(
        "Suggestions and how they were answered",
        (
            "Suggestions made during the period on the caseload's plans, for each side that made "
            "them: how many were made, and how each stands now: accepted, declined, withdrawn by "
            "the side that made it, or still waiting for an answer. Median time to answer: the "
            "middle of the times, in hours, between a suggestion being made and being accepted or "
            "declined (withdrawn and waiting ones left out); with an even number, halfway between "
            "the two middle ones."
        ),
    ),
}

# The figures within each table, by key, as the page and the CSV label them.
CASELOAD_LABELS = {
    "people": "People",
    "plans": "Plans",
    "active_plans": "Active plans",
    "closed_plans": "Closed plans",
    "reviews_due": "Reviews due",
    "reviews_overdue": "Reviews overdue",
}
CHANGE_LABELS = {
    "improved": "Improved",
    "unchanged": "Unchanged",
    "worsened": "Worsened",
    "not_enough_ratings": "Rated only once",
    "not_rated": "Not rated",
}
AGREEMENT_LABELS = {
    "both_rated": "Rated by both sides",
    "agree": "Agree (at most 1 point apart)",
    "disagree": "Disagree (more than 1 point apart)",
}
ACHIEVED_LABELS = {"achieved": "Achieved", "let_go": "Let go"}
CONTENT_LABELS = {
    "outcomes": "Valued outcomes",
    "expertise": "Expertise",
    "resources": "Resources",
    "commitments": "Commitments",
}
LEADERSHIP_GROUP_LABELS = {
    "person_led": "Person-led areas",
    "shared": "Shared areas",
    "professional_led": "Professional-led areas",
}
PROPOSAL_LABELS = {
    "made": "Made",
    "accepted": "Accepted",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
    "waiting": "Waiting",
}
