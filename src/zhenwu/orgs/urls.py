from django.urls import path

from zhenwu.orgs import manage_views, views

app_name = "orgs"

urlpatterns = [
    path("orgs/", views.unit_tree, name="unit_tree"),
    path("orgs/units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("manage/units/", manage_views.unit_list, name="unit_list"),
    path("manage/units/export/", manage_views.unit_export, name="unit_export"),
    path("manage/units/new/", manage_views.unit_create, name="unit_create"),
    path("manage/units/<int:pk>/edit/", manage_views.unit_edit, name="unit_edit"),
]
