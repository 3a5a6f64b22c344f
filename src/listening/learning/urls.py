from django.urls import path

from listening.learning import views

app_name = "learning"
urlpatterns = [
    path("learn/", views.course_list, name="courses"),
    path("learn/lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("learn/quizzes/<int:block_id>/start/", views.quiz_start, name="quiz_start"),
    path("learn/attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("learn/attempts/<int:pk>/answer/", views.attempt_answer, name="attempt_answer"),
    path("learn/attempts/<int:pk>/submit/", views.attempt_submit, name="attempt_submit"),
    path("learn/events/", views.events, name="events"),
    path("learn/videos/<int:block_id>/progress/", views.video_progress, name="video_progress"),
    path("learn/videos/<int:block_id>/file/", views.video_file, name="video_file"),
    path(
        "learn/videos/<int:block_id>/captions/<str:language>.vtt",
        views.captions_file,
        name="captions",
    ),
    path("learn/charts/<str:chart>.svg", views.chart, name="chart"),
    path("learn/<slug:slug>/", views.course_detail, name="course"),
    path("learn/<slug:slug>/certificate/", views.certificate_request, name="certificate_request"),
    path("learn/<slug:slug>/statistics/", views.statistics, name="statistics"),
    path("learn/<slug:slug>/xapi.json", views.xapi_export, name="xapi"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate"),
    path("certificates/<str:code>/pdf/", views.certificate_download, name="certificate_pdf"),
]
