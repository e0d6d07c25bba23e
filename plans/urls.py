from django.contrib.auth import views as auth_views
from django.urls import path

from plans import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team_overview, name="team_overview"),
    path("plans/<uuid:code>/", views.plan_detail, name="plan_detail"),
]
