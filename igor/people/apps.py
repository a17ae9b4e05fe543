from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "igor.people"
    label = "people"
    verbose_name = "Persons"
