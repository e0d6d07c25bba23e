from django.urls import path

from outcomes import views

urlpatterns = [
    path("plans/<uuid:code>/reviews/", views.review_list, name="review_list"),
    path("plans/<uuid:code>/reviews/start/", views.review_start, name="review_start"),
    path(
        "plans/<uuid:code>/reviews/<uuid:review_code>/",
        views.review_detail,
        name="review_detail",
    ),
    path(
        "plans/<uuid:code>/reviews/<uuid:review_code>/complete/",
        views.review_complete,
        name="review_complete",
    ),
]
