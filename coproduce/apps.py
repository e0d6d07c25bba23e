from django.apps import AppConfig


class CoproduceConfig(AppConfig):
    name = "coproduce"
    verbose_name = "People and teams"
