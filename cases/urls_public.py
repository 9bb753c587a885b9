"""Public statistics URLs (mounted at the site root): the transparency page."""
from django.urls import path

from cases import views_stats

urlpatterns = [
    path("transparansi/", views_stats.public, name="transparency"),
]
