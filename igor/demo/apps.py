from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "igor.demo"
    label = "demo"
    verbose_name = "Demo data"
