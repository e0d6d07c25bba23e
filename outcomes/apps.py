from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        # plans never imports outcomes: outcomes hands its item kind to plans' edit flow.
        from outcomes.services import OUTCOME
        from plans.services import register_kind

        register_kind(OUTCOME)
        # Its receiver keeps the content summaries as each history entry is written.
        from outcomes import summaries  # noqa: F401
