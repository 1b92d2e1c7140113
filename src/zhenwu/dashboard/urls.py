from django.urls import path

from zhenwu.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("workbench/", views.home, name="home"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("metrics/definitions/", views.metric_definitions, name="metric_definitions"),
]
