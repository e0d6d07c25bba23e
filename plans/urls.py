"""Caseloads, history and the care team: the plans pages that do not draw the plan itself."""

from django.urls import path, register_converter

from coproduce.converters import OneOf
from plans.views import care_team, caseload, coordination, history


class DecisionConverter(OneOf):
    regex = "accept|decline"


register_converter(DecisionConverter, "decision")

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
    path("care-team/join/", care_team.join_request, name="join_request"),
    path("access-ended/", care_team.access_ended, name="access_ended"),
]
