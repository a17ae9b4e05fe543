from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "igor.keys"
    label = "keys"
    verbose_name = "Encryption keys"
