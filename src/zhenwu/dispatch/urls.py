from django.urls import path

from zhenwu.dispatch import api, views

app_name = "dispatch"

urlpatterns = [
    path("dispatch/catalogue/", views.catalogue_list, name="catalogue_list"),
    path("dispatch/catalogue/new/", views.catalogue_create, name="catalogue_create"),
    path("dispatch/catalogue/<int:pk>/edit/", views.catalogue_edit, name="catalogue_edit"),
    path("dispatch/model/", views.model_status, name="model_status"),
    path("dispatch/model/train/", views.model_train, name="model_train"),
    path("dispatch/suggest/partial/", views.suggest_partial, name="suggest_partial"),
    path("api/dispatch/suggest/", api.SuggestView.as_view(), name="api_suggest"),
]
