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
    "ratings may be from different days. Withdrawn ratings do not count, nor do ratings "
    "dated before 1900 (kept from before dates were checked)."
)

# Who wrote a plan: the same two counts on the plan page and the dashboard.
WORDS_COUNTED = (
    "Words: every piece of writing the plan holds now (a valued outcome's wording, and why it "
    "matters; a resource's name, who provides it and how to get it; a commitment; an "
    'expertise entry; each answer in "about me"; removed items and empty answers left out), '
    "counted for the side of whoever last wrote it. When one side's suggestion to reword "
    "something is accepted, those words are the suggester's; who first added the item "
    "does not matter."
)
CHANGES_COUNTED = (
    "Changes: every addition, change and removal of those items, counted for the side of "
    "whoever made it; an accepted suggestion counts for the side that suggested it."
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
            "end of the period, both days included. Plans with supporters involved: plans whose "
            "person has at least one supporter now (a family member, friend, carer or advocate "
            "they invited onto their side and have not removed), whatever the period."
        ),
    ),
    "crisis_plans": Section(
        "Crisis plans",
        (
            "Of the caseload's plans that are not closed: how many have a crisis plan (the "
            "person, or a suggestion they accepted, has written something in it), and how "
            "many have a crisis plan the person marked reviewed within the set number of days "
            "(the CRISIS_PLAN_REVIEW_DAYS setting, 183 unless changed) before the end of the "
            "period, up to the end of the period. The share is that count as a percentage of "
            "the plans not closed."
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
            "For each default life area with at least one outcome on the caseload, and for all "
            "the areas people named themselves together (their names are their own words, "
            "so they are not shown): the average "
            "change on the 1-10 scale from each side, that is the latest rating on or before the "
            "end of the period minus the first rating, over the outcomes that side has rated at "
            "least twice (and how many those are). Blank when that side has rated no outcome in "
            "the area twice."
        ),
    ),
    "content": Section(
        "Who wrote the plans",
        (
            "Who wrote the plans, on the caseload's plans. "
            + WORDS_COUNTED
            + " This is the writing as it stands now, whatever the period. "
            + CHANGES_COUNTED
            + " Only changes made during the period count. With a life area chosen, only "
            'items in that area ("about me", and expertise about the whole plan, are left out).'
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
    "replies": Section(
        "Replies and open disagreements",
        (
            "Replies: replies written during the period on the caseload's plans, by the side "
            "of the person who wrote them (a reply can be about a valued outcome, a resource, "
            'a commitment, expertise, "about me", a life area, a rating or a declined '
            "suggestion). Open disagreements: things (any of those) that, at the end of the "
            "period, have a reply from the side that did not write them (for a declined "
            "suggestion: from the side that made it), and that nobody changed or removed after "
            "the latest such reply; counted once each, under the side of that latest reply, "
            "however long ago it was written. Who wrote a thing is the side that first wrote "
            "it; a rating is written by the side that rated. With a life area chosen, only "
            'replies about things in that area ("about me" and expertise about the whole '
            "plan are left out)."
        ),
    ),
    "power_check": Section(
        "Power check at reviews",
        (
            "Reviews on the caseload's plans completed during the period, and the answers given "
            "in them to the power check. The person's questions (one answer per review): did "
            "they lead their plan less than, as much as, or more than they wanted; were their "
            "words kept as they meant them (yes, partly, no). The professionals' question (one "
            "answer from each professional who answered): did we share leadership as agreed "
            "(yes, partly, no). With a professional chosen, only plans they are on the care team "
            "of, and only their own answers to the professionals' question."
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
    "with_supporters": "Plans with supporters involved",
}
CRISIS_PLAN_LABELS = {
    "open_plans": "Plans not closed",
    "with_crisis_plan": "With a crisis plan",
    "crisis_reviewed": "With a crisis plan reviewed within the set period",
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
    "about": "About me",
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
REPLY_LABELS = {
    "replies": "Replies written",
    "open_disagreements": "Open disagreements",
}

POWER_CHECK_LABELS = {
    "reviews": "Reviews completed",
    "person_answered": "Reviews where the person answered",
    "led_less": "Led their plan less than they wanted",
    "led_as_much": "Led their plan as much as they wanted",
    "led_more": "Led their plan more than they wanted",
    "words_kept_yes": "Their words were kept as they meant them",
    "words_kept_partly": "Their words were partly kept",
    "words_kept_no": "Their words were not kept",
    "professional_answers": "Professionals' answers",
    "shared_yes": "Leadership shared as agreed",
    "shared_partly": "Leadership partly shared as agreed",
    "shared_no": "Leadership not shared as agreed",
}
