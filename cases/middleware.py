"""Server-time header for measurements: `Server-Timing: app;dur=<ms>` (only with DEBUG or BENCH_TIMING=1)."""
import logging
import os
import sys
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.DEBUG or os.environ.get("BENCH_TIMING") == "1"

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        start = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = "app;dur=%.2f" % ((time.perf_counter() - start) * 1000)
        return response


class DatabaseUnavailableMiddleware:
    """A lost or unreachable database answers 503 with a plain Indonesian message instead of a 500 traceback.

    The request's transaction is already rolled back by PostgreSQL when its connection dies, so nothing was
    half-written; Django closes the broken connection at the end of the request (close_old_connections), so
    the next request reconnects. JSON for /api/, HTML elsewhere. A middleware that reads the database before the
    view runs (the signed-in user for the second factor, say) raises outside process_exception's reach: Django then
    calls handler500, which is server_error below and answers the same 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        return database_unavailable_response(request, exception)


def server_error(request):
    """handler500: a database that went away while a middleware read it answers 503, like a view's (above)."""
    exception = sys.exc_info()[1]  # Django calls handler500 inside its except block
    if isinstance(exception, (OperationalError, InterfaceError)):
        return database_unavailable_response(request, exception)
    return django_server_error(request)


def database_unavailable_response(request, exception=None):
    logging.getLogger("cases.db").error("database unavailable: %s %s: %s", request.method, request.path, exception)
    message = _("Basis data sedang tidak dapat dihubungi; permintaan Anda tidak diproses dan tidak ada data yang "
                "berubah. Coba lagi beberapa saat lagi.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "service_unavailable", "message": message, "fields": {}}, status=503)
    else:  # no request context: the context processors would ask the database again
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = "30"
    return response


_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class SiteLocaleMiddleware(LocaleMiddleware):
    """Pages are Indonesian unless the user chose English in the language switcher (the django_language cookie).

    Django's LocaleMiddleware would also follow the browser's Accept-Language, and many officers' browsers are
    set to English: the site would then change language by itself on one desk and not on the next. The API keeps
    Accept-Language, which is how a partner system asks for English error messages."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in _LANGUAGES:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NulInQueryMiddleware:
    """A NUL character in a query parameter, or in a page's form field, is refused with 400 and the field named,
    before any view.

    PostgreSQL text cannot hold NUL: a filter value with one, read by a view and handed to the database, raised a
    DataError (a 500) on four list pages (tests/test_crawl_roles.py found them). No field of this system takes a
    NUL, so it is refused in one place for every page and the API alike, in the request's language: HTML pages
    get the 400 page with the field's name, the API its error shape ({"code", "message", "fields"}, 422 as for
    any other bad input). A query string without "%00" costs one substring test. A page's POST is read here as
    CSRF protection reads it anyway; the API's bodies are left to REST framework, whose fields refuse NUL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        names = _nul_names(request.GET) if "%00" in request.META.get("QUERY_STRING", "") else []
        if not names and request.method == "POST" and not request.path_info.startswith("/api/"):
            names = _nul_names(request.POST)
        if names:
            return nul_refused_response(request, names)
        return self.get_response(request)


def _nul_names(data) -> list[str]:
    return [name for name, values in data.lists() if "\x00" in name or any("\x00" in value for value in values)]


def nul_refused_response(request, names):
    names = [name.replace("\x00", "") or "?" for name in names]
    message = _("Parameter %(names)s memuat karakter NUL (0x00), yang tidak boleh ada pada isian apa pun; "
                "hapus karakter itu lalu kirim lagi. Tidak ada yang diubah.") % {
        "names": ", ".join(f"\u201c{name}\u201d" for name in names)}
    if request.path_info.startswith("/api/"):
        rule = _("Karakter NUL (0x00) tidak diizinkan.")
        return JsonResponse({"code": "invalid", "message": message, "fields": {name: [rule] for name in names}},
                            status=422)
    return HttpResponse(render_to_string("400.html", {"message": message}, request=request), status=400)


class NoStoreByDefaultMiddleware:
    """Every dynamic response is `Cache-Control: no-store` unless its view set a Cache-Control of its own.

    Case pages, report pages, the tracking page, evidence originals and letters carry personal data; a browser
    cache or a proxy on a shared office computer must not keep them after the officer or reporter leaves. Marking
    everything by default means a new page cannot forget it; a page meant to be cached says so itself. Static files
    never get here (WhiteNoise answers them above this middleware, with their own long-lived headers).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
