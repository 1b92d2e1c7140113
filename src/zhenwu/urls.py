from django.urls import include, path

urlpatterns = [
    # First: Open311 clients post at volume, and the resolver tries patterns in order (issue 15).
    path("open311/v2/", include("zhenwu.workorders.open311_urls")),
    path("", include("zhenwu.portal.urls")),
    path("", include("zhenwu.dashboard.urls")),
    path("", include("zhenwu.accounts.urls")),
    path("", include("zhenwu.orgs.urls")),
    path("", include("zhenwu.audit.urls")),
    path("", include("zhenwu.core.urls")),
    path("", include("zhenwu.workorders.urls")),
    path("", include("zhenwu.dispatch.urls")),
    path("", include("zhenwu.knowledge.urls")),
    path("", include("zhenwu.hotline.urls")),
    path("", include("zhenwu.assessment.urls")),
    path("", include("zhenwu.enterprises.urls")),
    path("", include("zhenwu.govservices.urls")),
    path("", include("zhenwu.campaigns.urls")),
]

handler400 = "zhenwu.core.errorviews.bad_request"
handler403 = "zhenwu.core.errorviews.permission_denied"
handler404 = "zhenwu.core.errorviews.page_not_found"
handler500 = "zhenwu.core.errorviews.server_error"
