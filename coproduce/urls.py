from django.contrib import admin
from django.urls import include, path

from coproduce import health

urlpatterns = [
    path("healthz/", health.healthz, name="healthz"),
    path("healthz/worker/", health.worker, name="worker_health"),
    path("", include("coproduce.accounts.urls")),
    path("", include("plans.urls")),
    path("", include("coproduce.plan_page.urls")),
    path("", include("outcomes.urls")),
    path("", include("outcomes.urls_dashboard")),
    path("readyz/", health.readyz, name="readyz"),
    path("", include("coproduce.onboarding.urls")),
    path("", include("coproduce.notifications.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "coproduce.htmx.permission_denied"
handler500 = "coproduce.health.server_error"
