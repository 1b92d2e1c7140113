from django.urls import path

from zhenwu.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/new/", views.campaign_create, name="create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("campaigns/<int:pk>/milestones/", views.campaign_milestones, name="milestones"),
    path("campaigns/<int:pk>/roadmap/", views.campaign_roadmap, name="roadmap"),
    path("campaigns/<int:pk>/objectives/", views.campaign_objectives, name="objectives"),
    path("campaigns/<int:pk>/report/", views.report_create, name="report_create"),
    path("campaigns/<int:pk>/comment/", views.comment_create, name="comment"),
    path("campaigns/<int:pk>/transition/", views.campaign_transition, name="transition"),
    path("campaigns/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("campaigns/files/<int:pk>/", views.attachment, name="attachment"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/new/", views.target_create, name="target_create"),
    path("targets/export.xlsx", views.target_export, name="target_export"),
    path("targets/<int:pk>/", views.target_detail, name="target_detail"),
    path("public/campaigns/", views.public_list, name="public_list"),
    path("public/campaigns/<int:pk>/", views.public_detail, name="public_detail"),
]
