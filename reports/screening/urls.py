"""Screening URLs (/screening/): review queue, decisions, thresholds, lexicon, accounts, scoring runs, models."""
from django.urls import path

from reports.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("skor/<int:score_id>/konfirmasi/", views.confirm, name="confirm"),
    path("skor/<int:score_id>/tolak/", views.dismiss, name="dismiss"),
    path("ambang/", views.thresholds, name="thresholds"),
    path("ambang/<slug:slug>/", views.threshold_edit, name="threshold_edit"),
    path("leksikon/", views.lexicon, name="lexicon"),
    path("leksikon/<int:pk>/aktif/", views.lexicon_toggle, name="lexicon_toggle"),
    path("leksikon/daftar-calon/", views.lexicon_candidates, name="lexicon_candidates"),
    path("leksikon/<int:pk>/usulan/", views.lexicon_suggestion, name="lexicon_suggestion"),
    path("akun/", views.accounts, name="accounts"),
    path("akun/impor/", views.accounts_import, name="accounts_import"),
    path("unggahan/<int:pk>/gambar/", views.post_image, name="post_image"),
    path("unggah/", views.upload, name="upload"),
    path("unggah/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("unggah/<int:pk>/status/", views.upload_status, name="upload_status"),
    path("penilaian/", views.run_start, name="run_start"),
    path("penilaian/<int:pk>/", views.run_detail, name="run"),
    path("penilaian/<int:pk>/status/", views.run_status, name="run_status"),
    path("model/", views.models, name="models"),
    path("model/<int:pk>/aktifkan/", views.model_activate, name="model_activate"),
    path("model/latih/", views.model_train_start, name="model_train"),
]
