from django.urls import path

from listening.synthesis import views

app_name = "synthesis"
urlpatterns = [
    path("", views.pact_page, name="pact"),
    path("organise/<slug:slug>/", views.organise, name="organise"),
]
