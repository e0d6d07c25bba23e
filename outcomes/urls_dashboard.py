from django.urls import include, path

from outcomes import views_dashboard as views

urlpatterns = [
    path(
        "team/dashboard/",
        include(
            [
                path("", views.team_dashboard, name="team_dashboard"),
                path("figures.csv", views.team_dashboard_csv, name="team_dashboard_csv"),
                path("plans/", views.team_dashboard_plans, name="team_dashboard_plans"),
                path("plans.csv", views.team_dashboard_plans_csv, name="team_dashboard_plans_csv"),
            ]
        ),
    ),
]
