from django.urls import path

from zhenwu.hotline import public_views, views

app_name = "hotline"

urlpatterns = [
    path("hotline/", views.episode_list, name="episode_list"),
    path("hotline/schedule/", views.schedule, name="schedule"),
    path("hotline/schedule/slots/<int:pk>/", views.slot_detail, name="slot_detail"),
    path("hotline/schedule/leaves/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("hotline/episodes/new/", views.episode_create, name="episode_create"),
    path("hotline/episodes/<int:pk>/", views.episode_detail, name="episode_detail"),
    path("hotline/episodes/<int:pk>/transition/", views.episode_transition, name="episode_transition"),
    path("hotline/episodes/<int:pk>/issues/<int:issue_pk>/screen/", views.issue_screen, name="issue_screen"),
    path("hotline/episodes/<int:pk>/console/", views.console, name="console"),
    path("hotline/episodes/<int:pk>/console/list/", views.console_list, name="console_list"),
    path("hotline/episodes/<int:pk>/console/take/", views.console_take, name="console_take"),
    path(
        "hotline/episodes/<int:pk>/console/issues/<int:issue_pk>/", views.console_panel, name="console_panel"
    ),
    path("hotline/episodes/<int:pk>/followup/", views.followup, name="followup"),
    path("hotline/episodes/<int:pk>/article/", views.article, name="article"),
    path(
        "hotline/episodes/<int:pk>/article/transition/", views.article_transition, name="article_transition"
    ),
    path("hotline/ledger/", views.ledger, name="ledger"),
    path("hotline/ledger/export/", views.ledger_export, name="ledger_export"),
    path("hotline/commitments/", views.commitment_list, name="commitment_list"),
    path("hotline/commitments/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path(
        "hotline/commitments/<int:pk>/transition/", views.commitment_transition, name="commitment_transition"
    ),
    path("hotline/evaluation/", views.evaluation, name="evaluation"),
    path("public/hotline/", public_views.archive, name="public_archive"),
    path("public/hotline/articles/<int:pk>/", public_views.article_detail, name="public_article"),
    path("public/hotline/commitments/", public_views.tracker, name="public_tracker"),
    path("public/hotline/commitments/<int:pk>/", public_views.tracker_detail, name="public_tracker_detail"),
    path("public/hotline/episodes/<int:pk>/ask/", public_views.ask, name="public_ask"),
    path("public/hotline/ask/done/", public_views.ask_done, name="public_ask_done"),
    path("public/hotline/question/", public_views.question, name="public_question"),
    path("public/hotline/feed/", public_views.ArticleFeed(), name="public_feed"),
]
