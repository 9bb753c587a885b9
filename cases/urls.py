"""Officer workspace URLs."""
from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.case_detail, name="detail"),
]
