from django.apps import AppConfig


class CoproduceConfig(AppConfig):
    name = "coproduce"
    verbose_name = "People and teams"

    def ready(self) -> None:
        # Connect the security log's signal receivers whatever loads first.
        from coproduce import navigation, security  # noqa: F401
