from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "igor.sharing"
    label = "sharing"
    verbose_name = "Sharing between the agencies"
