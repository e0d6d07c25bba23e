"""The person's power over their plan: care team, who has looked, taking the data away."""

from django.urls import path, register_converter

from plans import views_power


class DecisionConverter:
    regex = "accept|decline"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DecisionConverter, "decision")

urlpatterns = [
    path("plans/<uuid:code>/care-team/", views_power.care_team, name="care_team"),
    path(
        "plans/<uuid:code>/care-team/invite/",
        views_power.care_team_invite,
        name="care_team_invite",
    ),
    path(
        "plans/<uuid:code>/care-team/<int:member_id>/remove/",
        views_power.care_team_remove,
        name="care_team_remove",
    ),
    path(
        "plans/<uuid:code>/care-team/requests/<uuid:request_code>/<decision:decision>/",
        views_power.access_request_answer,
        name="access_request_answer",
    ),
    path("plans/<uuid:code>/who-has-looked/", views_power.who_has_looked, name="who_has_looked"),
    path("plans/<uuid:code>/print/", views_power.plan_print, name="plan_print"),
    path("plans/<uuid:code>/download/fhir/", views_power.plan_export_fhir, name="plan_export_fhir"),
    path("care-team/join/", views_power.join_request, name="join_request"),
    path("access-ended/", views_power.access_ended, name="access_ended"),
    path("account/close/", views_power.close_account, name="close_account"),
    path("account/closed/", views_power.account_closed, name="account_closed"),
]
