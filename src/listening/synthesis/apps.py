from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    name = "listening.synthesis"
    verbose_name = "Synthesis"
