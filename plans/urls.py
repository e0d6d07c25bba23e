"""Caseloads, history and the care team: the plans pages that do not draw the plan itself."""

from django.urls import path, register_converter

from coproduce.converters import OneOf
from plans.views import care_team, caseload, coordination, history, supporters


class DecisionConverter(OneOf):
    regex = "accept|decline"


class SupporterAnswerConverter(OneOf):
    regex = "take-up|decline|withdraw"


register_converter(DecisionConverter, "decision")
register_converter(SupporterAnswerConverter, "supporter_answer")

urlpatterns = [
    path("", caseload.home, name="home"),
    path("caseload/", caseload.caseload, name="caseload"),
    path("team/", caseload.team_overview, name="team_overview"),
    path("plans/<uuid:code>/history/", history.history, name="plan_history"),
    path(
        "plans/<uuid:code>/coordinator/hand-over/",
        coordination.plan_hand_over,
        name="plan_hand_over",
    ),
    path("team/plans/<uuid:code>/coordinator/", coordination.team_hand_over, name="team_hand_over"),
    path("plans/<uuid:code>/care-team/", care_team.care_team, name="care_team"),
    path(
        "plans/<uuid:code>/care-team/invite/",
        care_team.care_team_invite,
        name="care_team_invite",
    ),
    path(
        "plans/<uuid:code>/care-team/<int:member_id>/remove/",
        care_team.care_team_remove,
        name="care_team_remove",
    ),
    path(
        "plans/<uuid:code>/care-team/requests/<uuid:request_code>/<decision:decision>/",
        care_team.access_request_answer,
        name="access_request_answer",
    ),
    path("plans/<uuid:code>/who-has-looked/", care_team.who_has_looked, name="who_has_looked"),
    path(
        "plans/<uuid:code>/supporters/<uuid:supporter_code>/",
        supporters.supporter_detail,
        name="supporter_detail",
    ),
    path(
        "plans/<uuid:code>/supporters/<uuid:supporter_code>/remove/",
        supporters.supporter_remove,
        name="supporter_remove",
    ),
    path(
        "plans/<uuid:code>/from-supporters/",
        supporters.supporter_suggestions,
        name="supporter_suggestions",
    ),
    path(
        "plans/<uuid:code>/from-supporters/<uuid:suggestion_code>/<supporter_answer:answer>/",
        supporters.supporter_suggestion_answer,
        name="supporter_suggestion_answer",
    ),
    path("care-team/join/", care_team.join_request, name="join_request"),
    path("access-ended/", care_team.access_ended, name="access_ended"),
]
