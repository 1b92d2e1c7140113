from django.urls import path

from zhenwu.govservices import public_views as pv
from zhenwu.govservices import views as v

app_name = "govservices"

urlpatterns = [
    # staff
    path("govservices/", v.application_list, name="list"),
    path("govservices/applications/<int:pk>/", v.application_detail, name="detail"),
    path("govservices/applications/<int:pk>/transition/", v.application_transition, name="transition"),
    path("govservices/materials/<int:pk>/", v.material_download, name="material"),
    path("govservices/intake/", v.intake, name="intake"),
    path("govservices/catalogue/", v.catalogue_list, name="catalogue"),
    path("govservices/catalogue/export/", v.catalogue_export, name="catalogue_export"),
    path("govservices/catalogue/import/", v.catalogue_import, name="catalogue_import"),
    path("govservices/catalogue/<int:pk>/", v.item_detail, name="item"),
    path("govservices/licences/", v.licence_list, name="licences"),
    path("govservices/licences/<int:pk>/revoke/", v.licence_revoke, name="licence_revoke"),
    path("govservices/rectifications/", v.rectification_list, name="rectifications"),
    path("govservices/rectifications/<int:pk>/", v.rectification_transition, name="rectification_transition"),
    path("govservices/queue/", v.queue, name="queue"),
    path("govservices/figures/", v.figures, name="figures"),
    # public
    path("public/services/", pv.guide, name="guide"),
    path("public/services/items/<int:pk>/", pv.item_guide, name="item_guide"),
    path("public/services/bundles/<slug:code>/", pv.bundle_guide, name="bundle_guide"),
    path("public/services/apply/", pv.apply, name="apply"),
    path("public/services/done/", pv.done, name="done"),
    path("public/services/track/", pv.track, name="track"),
    path("public/services/track/<str:number>/", pv.track_detail, name="track_detail"),
    path(
        "public/services/track/<str:number>/<int:pk>/supplement/",
        pv.track_supplement,
        name="track_supplement",
    ),
    path("public/services/track/<str:number>/<int:pk>/rate/", pv.track_rate, name="track_rate"),
    path("public/services/bluebook.pdf", pv.bluebook, name="bluebook"),
    path("public/services/booking/", pv.booking, name="booking"),
    path("public/services/ticket/", pv.take_ticket, name="ticket"),
    path("public/services/hall/", pv.hall_display, name="hall"),
    path("public/licences/", pv.licence_lookup, name="licence_lookup"),
    path("public/licences/<str:code>.json", pv.licence_json, name="licence_json"),
    path("public/licences/<str:code>.pdf", pv.licence_pdf, name="licence_pdf"),
    path("public/licences/<str:code>/", pv.licence_page, name="licence_page"),
]
