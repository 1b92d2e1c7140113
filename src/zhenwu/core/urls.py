from django.urls import path

from zhenwu.core import views

app_name = "core"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:year>/", views.calendar, name="calendar_year"),
    path("calendar/years/add/", views.calendar_year_add, name="calendar_year_add"),
    path("calendar/days/set/", views.calendar_day_set, name="calendar_day_set"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
    path("calendar/sync/", views.calendar_sync, name="calendar_sync"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
