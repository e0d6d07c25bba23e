from django.urls import path

from coproduce.notifications import views

urlpatterns = [
    path("for-you/", views.for_you, name="for_you"),
    path("settings/emails/", views.notification_settings, name="notification_settings"),
    path("emails/stop/<str:token>/", views.unsubscribe, name="notifications_unsubscribe"),
]
