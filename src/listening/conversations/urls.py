from django.urls import path

from listening.conversations import views

app_name = "conversations"
urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("method/", views.method, name="method"),
    path("<slug:slug>/", views.conversation_detail, name="detail"),
    path("<slug:slug>/join/", views.conversation_join, name="join"),
    path("<slug:slug>/vote/", views.vote, name="vote"),
    path("<slug:slug>/statements/", views.statement_add, name="statement_add"),
    path("<slug:slug>/constituency/", views.constituency, name="constituency"),
    path("<slug:slug>/results/", views.results, name="results"),
    path(
        "<slug:slug>/results/statements/<int:statement>/map/",
        views.results_cells,
        name="results_cells",
    ),
    path("<slug:slug>/report/", views.report, name="report"),
    path("<slug:slug>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<slug:slug>/moderate/", views.moderate, name="moderate"),
    path("<slug:slug>/moderate/seed/", views.seed, name="seed"),
    path("<slug:slug>/moderate/status/", views.open_close, name="open_close"),
    path("<slug:slug>/moderate/log/", views.moderation_log, name="log"),
]
