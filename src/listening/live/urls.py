from django.urls import path

from listening.live import views

app_name = "live"
urlpatterns = [
    path("", views.enter, name="enter"),
    path("register/<slug:slug>/", views.register, name="register"),
    path(
        "registrations/cancel/<str:token>/", views.registration_cancel, name="registration_cancel"
    ),
    path("<str:code>/", views.room, name="room"),
    path("<str:code>/ask/", views.ask, name="ask"),
    path("<str:code>/upvote/", views.upvote, name="upvote"),
    path("<str:code>/answer/", views.answer, name="answer"),
    path("<str:code>/screen/", views.screen, name="screen"),
    path("<str:code>/qr.svg", views.qr_code, name="qr"),
    path("<str:code>/moderate/", views.moderate, name="moderate"),
]
