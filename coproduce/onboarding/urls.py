"""Bringing people in: teams, invitations, starting a plan, sign-in recovery."""

from django.contrib.auth import views as auth_views
from django.urls import path

from coproduce.onboarding import views

urlpatterns = [
    # staff
    path("staff/teams/", views.staff_teams, name="staff_teams"),
    path(
        "professionals/<int:professional_id>/set-up-link/",
        views.professional_setup_link,
        name="professional_setup_link",
    ),
    # a lead's team
    path("team/professionals/", views.team_professionals, name="team_professionals"),
    path(
        "team/professionals/<int:professional_id>/deactivate/",
        views.professional_deactivate,
        name="professional_deactivate",
    ),
    # a professional starts a plan for a new person
    path("people/new/", views.plan_start, name="plan_start"),
    path("plans/<uuid:code>/invitation/", views.plan_invitation, name="plan_invitation"),
    path("plans/<uuid:code>/coordinator/", views.plan_coordinator, name="plan_coordinator"),
    # the person invites a supporter
    path("plans/<uuid:code>/supporters/invite/", views.supporter_invite, name="supporter_invite"),
    # accepting an invitation or a set-up link
    path("welcome/<str:token>/", views.welcome, name="welcome"),
    path("start/", views.letter_start, name="letter_start"),
    # sign-in recovery (Django's own views)
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/email/", views.email_change, name="email_change"),
    path(
        "account/email/confirm/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
]
