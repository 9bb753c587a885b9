"""Register import (administrators) and reconciliation (intake officers)."""
from django.urls import path

from reports.registers import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    path("impor/<int:pk>/", views.detail, name="detail"),
    path("impor/<int:pk>/kolom/", views.mapping, name="mapping"),
    path("impor/<int:pk>/jalankan/", views.run, name="run"),
    path("impor/<int:pk>/status/", views.status, name="status"),
    path("rekonsiliasi/", views.reconcile, name="reconcile"),
]
