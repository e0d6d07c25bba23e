from django.contrib import admin
from django.urls import include, path

from coproduce import views

urlpatterns = [
    path("", include("plans.urls")),
    path("", include("plans.urls_power")),
    path("", include("outcomes.urls")),
    path("", include("outcomes.urls_dashboard")),
    path("", include("onboarding.urls")),
    path("accounts/two-step/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-step/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/session/stay/", views.session_keepalive, name="session_keepalive"),
    path("admin/", admin.site.urls),
]
