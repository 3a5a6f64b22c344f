from django.urls import path

from listening.synthesis import views

app_name = "synthesis"
urlpatterns = [
    path("", views.pact_page, name="pact"),
    path("organise/<slug:slug>/", views.organise, name="organise"),
    path("report/<slug:slug>.pdf", views.report_pdf, name="report"),
]
