from django.urls import path

from zhenwu.workorders import open311_urls, public_views, views

app_name = "workorders"

urlpatterns = [
    path("workorders/", views.order_list, name="list"),
    path("workorders/inbox/", views.inbox, name="inbox"),
    path("workorders/export/", views.order_export, name="export"),
    path("workorders/new/", views.intake, name="intake"),
    path("workorders/similar/", views.similar, name="similar"),
    path("workorders/supervision/", views.supervision, name="supervision"),
    path("workorders/metrics/", views.metrics, name="metrics"),
    path("workorders/metrics/export/", views.metrics_export, name="metrics_export"),
    path("workorders/categories/", views.category_list, name="categories"),
    path("workorders/categories/new/", views.category_edit, name="category_new"),
    path("workorders/categories/<str:code>/", views.category_edit, name="category_edit"),
    path("workorders/<str:number>/", views.detail, name="detail"),
    path("workorders/<str:number>/act/<str:action>/", views.act, name="act"),
    path("workorders/<str:number>/reveal/", views.reveal_reporter, name="reveal"),
    path("workorders/<str:number>/photos/<int:pk>/", views.photo, name="photo"),
    path("public/photos/<int:pk>/", public_views.public_photo, name="public_photo"),
    *open311_urls.staff_urlpatterns,
    path("public/h5/", public_views.submit, name="h5_submit"),
    path("public/h5/done/", public_views.done, name="h5_done"),
    path("public/h5/track/", public_views.track, name="h5_track"),
    path("public/h5/rate/", public_views.rate, name="h5_rate"),
    path("public/h5/photos/<str:token>/", public_views.h5_photo, name="h5_photo"),
]
