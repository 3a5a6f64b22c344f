from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "listening.programmes"
    verbose_name = "Programmes"
