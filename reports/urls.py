"""Public intake (/lapor/, /lacak/) and officer intake (/intake/)."""
from django.urls import path

from reports import views, views_messages, views_offline

app_name = "reports"
urlpatterns = [
    path("sw.js", views_offline.service_worker, name="service_worker"),
    path("lapor/", views.report_start, name="start"),
    path("lapor/luring/", views_offline.report_offline, name="offline"),
    path("lapor/langkah/<int:step>/", views.report_step, name="step"),
    path("lapor/selesai/", views.report_receipt, name="receipt"),
    path("lacak/", views.track_login, name="track"),
    path("lacak/status/", views.track_status, name="track_status"),
    path("lacak/keluar/", views.track_logout, name="track_logout"),
    path("lacak/lampiran/<int:pk>/", views.track_attachment, name="track_attachment"),
    path("pesan/<int:pk>/", views_messages.conversation, name="conversation"),
    path("pesan/lampiran/<int:pk>/", views_messages.officer_attachment, name="message_attachment"),
    path("intake/", views.intake_queue, name="intake_queue"),
    path("intake/baru/", views.intake_new, name="intake_new"),
    path("intake/<int:pk>/", views.intake_detail, name="intake_detail"),
    path("intake/<int:pk>/mulai/", views.intake_start_check, name="intake_start_check"),
    path("intake/<int:pk>/putusan/", views.intake_decide, name="intake_decide"),
    path("intake/<int:pk>/gabung/", views.intake_merge, name="intake_merge"),
    path("intake/<int:pk>/temuan/", views.intake_to_finding, name="intake_to_finding"),
    path("intake/<int:pk>/bukti/", views.intake_add_evidence, name="intake_add_evidence"),
    path("intake/bukti/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("intake/bukti/<int:pk>/pratinjau/", views.evidence_preview, name="evidence_preview"),
]
