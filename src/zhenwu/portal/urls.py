from django.urls import path

from zhenwu.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("public/h5-qrcode.svg", views.h5_qr, name="h5_qr"),
]
