from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "igor.support"
    label = "support"
    verbose_name = "Support"
