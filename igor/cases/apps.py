from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "igor.cases"
    label = "cases"
    verbose_name = "Cases"
