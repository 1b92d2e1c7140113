from django.urls import path

from zhenwu.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("knowledge/", views.article_list, name="article_list"),
    path("knowledge/new/", views.article_create, name="article_create"),
    path("knowledge/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("knowledge/<int:pk>/hit/", views.article_hit, name="article_hit"),
    path("knowledge/picker/", views.picker, name="picker"),
]
