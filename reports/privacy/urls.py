"""Privacy URLs: the access record, requests (officers), a reporter's request (tracking session)."""
from django.urls import path

from reports.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privasi/akses/", views.access_list, name="access"),
    path("privasi/permintaan/", views.request_list, name="requests"),
    path("privasi/permintaan/<int:pk>/", views.request_detail, name="request_detail"),
    path("lacak/privasi/", views.track_request, name="track_request"),
]
