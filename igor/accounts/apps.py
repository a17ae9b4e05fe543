from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "igor.accounts"
    label = "accounts"
    verbose_name = "Organisations, units and staff"
