from django.urls import path

from zhenwu.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="list"),
    path("enterprises/new/", views.enterprise_create, name="create"),
    path("enterprises/import/", views.enterprise_import, name="import"),
    path("enterprises/import/template/", views.import_template, name="import_template"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="detail"),
    path("enterprises/<int:pk>/reveal/", views.reveal_contact, name="reveal_contact"),
    path("enterprises/<int:pk>/precheck/<str:kind>/", views.precheck, name="precheck"),
    path("enterprises/<int:pk>/hightech/add/", views.hightech_add, name="hightech_add"),
    path("enterprises/<int:pk>/techsme/", views.techsme_register, name="techsme_register"),
    path("enterprises/hightech/<int:pk>/transition/", views.hightech_transition, name="hightech_transition"),
    path("enterprises/<int:pk>/add/<str:kind>/", views.record_add, name="record_add"),
    path("enterprises/nodes/<int:pk>/done/", views.node_done, name="node_done"),
    path("enterprises/events/", views.event_list, name="event_list"),
    path(
        "enterprises/partnerships/<int:pk>/transition/",
        views.partnership_transition,
        name="partnership_transition",
    ),
    path("enterprises/attractions/<int:pk>/file/", views.attraction_file, name="attraction_file"),
    path("enterprises/figures/<int:year>/targets/", views.target_set, name="target_set"),
    path("enterprises/pool/", views.pool, name="pool"),
    path("enterprises/figures/", views.home, name="home"),
    path("enterprises/figures/<int:year>/", views.year_page, name="year"),
    path("enterprises/figures/<int:year>/<str:key>/", views.year_drilldown, name="drilldown"),
    path("enterprises/diagnoses/", views.diagnosis_list, name="diagnosis_list"),
    path("enterprises/diagnoses/<int:pk>/", views.diagnosis_detail, name="diagnosis_detail"),
]
