from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "listening.demo"
    verbose_name = "Demo"
