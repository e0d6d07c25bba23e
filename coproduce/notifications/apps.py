from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coproduce.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from coproduce.notifications import signals  # noqa: F401
