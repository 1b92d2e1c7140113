from django.urls import path

from zhenwu.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.event_list, name="event_list"),
    path("audit/export/", views.event_export, name="event_export"),
    path("audit/verify/", views.chain_verify, name="chain_verify"),
    path("audit/events/<int:pk>/", views.event_detail, name="event_detail"),
    path("audit/logins/", views.login_list, name="login_list"),
]
