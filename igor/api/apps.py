from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "igor.api"
    label = "api"
    verbose_name = "JSON API"
