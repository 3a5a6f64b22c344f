from django.urls import path

from listening.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("sessions/", views.session_index, name="sessions"),
    path("sessions.ics", views.sessions_ics, name="sessions-ics"),
    path("sessions/<slug:slug>/", views.session_page, name="session"),
    path("sessions/<slug:slug>.ics", views.session_ics, name="session-ics"),
    path("voices/", views.voice_index, name="voices"),
    path("voices/<int:pk>/", views.voice_page, name="voice"),
    path("voices/<int:pk>/card.png", views.voice_card, name="voice-card"),
    path("cities/", views.city_index, name="cities"),
    path("cities.geojson", views.cities_geojson, name="cities-geojson"),
    path("people/", views.people_index, name="people"),
    path("people/<slug:slug>/", views.person_page, name="person"),
    path("organisations/", views.organisation_index, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_page, name="organisation"),
]
