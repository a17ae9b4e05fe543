from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "igor.risk"
    label = "risk"
    verbose_name = "Risk and safety"
