"""Letter URLs (mounted at the site root): public /verify/, authorised download, batch printing."""
from django.urls import path

from cases.letters import views

app_name = "letters"
urlpatterns = [
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("letters/<int:pk>/pdf/", views.download, name="download"),
    path("letters/batch/", views.batch_form, name="batch"),
    path("letters/batch/<str:batch_id>/", views.batch_progress, name="batch_progress"),
    path("letters/batch/<str:batch_id>/status/", views.batch_status, name="batch_status"),
    path("letters/batch/<str:batch_id>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("letters/batch/<str:batch_id>/download/", views.batch_download, name="batch_download"),
]
