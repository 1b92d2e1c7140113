from django.urls import path

from zhenwu.assessment import views

app_name = "assessment"

urlpatterns = [
    path("assessment/", views.home, name="home"),
    path("assessment/inspect/", views.inspect, name="inspect"),
    path("assessment/findings/", views.finding_list, name="finding_list"),
    path("assessment/findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("assessment/findings/<int:pk>/object/", views.finding_object, name="finding_object"),
    path("assessment/findings/<int:pk>/rectify/", views.finding_rectify, name="finding_rectify"),
    path("assessment/findings/<int:pk>/verify/", views.finding_verify, name="finding_verify"),
    path("assessment/files/<int:pk>/", views.attachment, name="attachment"),
    path("assessment/objections/", views.objection_list, name="objection_list"),
    path("assessment/objections/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path("assessment/months/", views.month_list, name="month_list"),
    path("assessment/months/<int:pk>/", views.month_detail, name="month_detail"),
    path("assessment/months/<int:pk>/close/", views.month_close, name="month_close"),
    path("assessment/months/<int:pk>/reopen/", views.month_reopen, name="month_reopen"),
    path("assessment/months/<int:pk>/bulletin/", views.bulletin_generate, name="bulletin_generate"),
    path("assessment/months/<int:pk>/bulletin/approve/", views.bulletin_approve, name="bulletin_approve"),
    path("assessment/months/<int:pk>/bulletin/<str:kind>/", views.bulletin_file, name="bulletin_file"),
    path("assessment/dashboard/", views.dashboard, name="dashboard"),
    path("assessment/dashboard/data/", views.dashboard_data, name="dashboard_data"),
    path("assessment/months/<int:month_pk>/units/<int:unit_pk>/", views.drilldown, name="drilldown"),
    path("assessment/scheme/", views.scheme_detail, name="scheme_current"),
    path("assessment/scheme/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("assessment/scheme/<int:pk>/copy/", views.scheme_copy, name="scheme_copy"),
    path("assessment/scheme/<int:pk>/indicators/add/", views.indicator_add, name="indicator_add"),
    path("assessment/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("assessment/import/", views.import_findings, name="import"),
    path("assessment/import/template.xlsx", views.import_template, name="import_template"),
    path("assessment/meetings/", views.meeting_list, name="meeting_list"),
    path("assessment/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("assessment/tasks/<int:pk>/complete/", views.decision_complete, name="decision_complete"),
    path("public/assessment/", views.public_board, name="public_board"),
]
