from django.urls import path

from listening.dataio import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>.zip", views.download_zip, name="zip"),
    path("<slug:slug>/<path:path>", views.download_file, name="file"),
]
