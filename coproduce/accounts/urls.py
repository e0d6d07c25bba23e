from django.contrib.auth import views as auth_views
from django.urls import path

from coproduce.accounts import two_step, views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-step/", two_step.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-step/set-up/", two_step.two_factor_setup, name="two_factor_setup"),
    path("accounts/session/stay/", two_step.session_keepalive, name="session_keepalive"),
    path("account/close/", views.close_account, name="close_account"),
    path("account/closed/", views.account_closed, name="account_closed"),
]
