from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from plans import views


class KindConverter:
    """Only the kinds of item the plan knows; anything else is a 404 at routing."""

    regex = "outcome|resource|commitment|expertise|life_area"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class AnswerConverter:
    regex = "accept|decline|withdraw"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "kind")
register_converter(AnswerConverter, "answer")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team_overview, name="team_overview"),
    path("plans/<uuid:code>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:code>/live/", views.live, name="plan_live"),
    path("plans/<uuid:code>/history/", views.history, name="plan_history"),
    path(
        "plans/<uuid:code>/about/edit/", views.item_edit, {"kind_name": "about"}, name="about_edit"
    ),
    path("plans/<uuid:code>/areas/<uuid:area_code>/", views.area_fragment, name="area_fragment"),
    path(
        "plans/<uuid:code>/areas/<uuid:area_code>/leadership/",
        views.leadership_propose,
        name="leadership_propose",
    ),
    path("plans/<uuid:code>/<kind:kind_name>/add/", views.item_add, name="item_add"),
    path(
        "plans/<uuid:code>/<kind:kind_name>/<uuid:item_code>/edit/",
        views.item_edit,
        name="item_edit",
    ),
    path(
        "plans/<uuid:code>/<kind:kind_name>/<uuid:item_code>/remove/",
        views.item_remove,
        name="item_remove",
    ),
    path(
        "plans/<uuid:code>/suggestions/<uuid:proposal_code>/<answer:answer>/",
        views.proposal_answer,
        name="proposal_answer",
    ),
]
