from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coproduce.onboarding"
    # The label it was born with, so its migrations and tables keep their names.
    label = "onboarding"
    verbose_name = "Invitations and sign-in set-up"
