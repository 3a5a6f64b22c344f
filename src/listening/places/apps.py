from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "listening.places"
    verbose_name = "Places"
