"""URLs for tests/test_run_safe.py: the project's own, plus views that fail the ways a client can make a view fail."""
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from kasn_cases.urls import urlpatterns as project_urls


def refuse(request):
    raise PermissionDenied("Peran Anda tidak berwenang membuka bukti laporan ini.")


def suspicious(request):
    raise SuspiciousOperation("bad multipart")


def crash(request):
    raise RuntimeError("uji: kesalahan server")


urlpatterns = [path("uji/403/", refuse), path("uji/400/", suspicious), path("uji/500/", crash), *project_urls]
