from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "igor.tips"
    label = "tips"
    verbose_name = _("Tips")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from igor.accounts.models import User
        from igor.tips.actions import forget_triage_addresses

        # Role, activity, e-mail and units decide who is told of a new tip.
        post_save.connect(forget_triage_addresses, sender=User, dispatch_uid="tips-user-save")
        post_delete.connect(forget_triage_addresses, sender=User, dispatch_uid="tips-user-delete")
        m2m_changed.connect(
            forget_triage_addresses, sender=User.units.through, dispatch_uid="tips-user-units"
        )
