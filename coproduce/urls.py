from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("plans.urls")),
    path("", include("plans.urls_power")),
    path("", include("outcomes.urls")),
    path("admin/", admin.site.urls),
]
