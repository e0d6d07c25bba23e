from django.urls import path

from outcomes import views_dashboard

urlpatterns = [
    path("team/dashboard/", views_dashboard.team_dashboard, name="team_dashboard"),
    path(
        "team/dashboard/figures.csv",
        views_dashboard.team_dashboard_csv,
        name="team_dashboard_csv",
    ),
    path(
        "team/dashboard/plans/", views_dashboard.team_dashboard_plans, name="team_dashboard_plans"
    ),
    path(
        "team/dashboard/plans.csv",
        views_dashboard.team_dashboard_plans_csv,
        name="team_dashboard_plans_csv",
    ),
]
