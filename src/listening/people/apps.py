from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "listening.people"
    verbose_name = "People"
