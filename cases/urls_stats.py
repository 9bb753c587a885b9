"""Statistics URLs (mounted at /stats/): dashboard, table CSVs, exports with progress, weekly summaries."""
from django.urls import path

from cases import views_stats

app_name = "stats"
urlpatterns = [
    path("", views_stats.dashboard, name="dashboard"),
    path("table/<slug:key>.csv", views_stats.table_csv, name="table_csv"),
    path("export/", views_stats.export, name="export"),
    path("export/<str:job_id>/", views_stats.export_job, name="export_job"),
    path("export/<str:job_id>/status/", views_stats.export_job_status, name="export_job_status"),
    path("export/<str:job_id>/download/", views_stats.export_download, name="export_download"),
    path("summaries/", views_stats.summaries, name="summaries"),
    path("summaries/<str:name>", views_stats.summary_download, name="summary_download"),
]
