from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        from coproduce.models import User
        from plans.names import after_user_saved, before_user_saved

        # Names are changed in the admin, which sits below plans and cannot call it.
        pre_save.connect(before_user_saved, sender=User, dispatch_uid="plans-name-compared")
        post_save.connect(after_user_saved, sender=User, dispatch_uid="plans-name-changed")
