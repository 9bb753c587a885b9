"""Every API error in one shape, {"code", "message", "fields"}, in the request's language (Indonesian by default).

Domain exceptions become HTTP statuses here, once: out of scope → 404, seen but not allowed → 403,
wrong state → 409, bad input → 422 with the fields named. Other apps' exceptions subclass these (a report in the
wrong status raises reports.services.InvalidReportTransition, an InvalidTransition), so cases never imports them.
"""
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.urls import resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cases.middleware import database_unavailable_response
from cases.workflow import ActionNotAllowed, InvalidTransition

log = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Tindakan tidak sesuai dengan status saat ini; tidak ada yang diubah.")
    default_code = "invalid_transition"


class Unprocessable(exceptions.ValidationError):
    """Bad input (422): `detail` is {field: [messages]} or a message."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self):
        super().__init__(_("Isi permintaan melebihi batas %(n)d byte untuk data selain berkas; kirim berkas bukti "
                           "sebagai multipart/form-data pada isian \u201cfile\u201d.")
                         % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})


def _field_errors(field, messages):
    return Unprocessable({field: [str(m) for m in messages]})


# exception class → function(exc) returning an APIException
EXCEPTION_MAP = {
    InvalidTransition: lambda exc: Conflict(exc.message),
    ActionNotAllowed: lambda exc: exceptions.PermissionDenied(exc.message, code="action_not_allowed"),
    DjangoValidationError: lambda exc: Unprocessable(
        exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}),
    Http404: lambda exc: exceptions.NotFound(),
    DjangoPermissionDenied: lambda exc: exceptions.PermissionDenied(str(exc) or None),
    RequestDataTooBig: lambda exc: PayloadTooLarge(),
    TooManyFieldsSent: lambda exc: exceptions.ParseError(
        _("Terlalu banyak isian dalam satu permintaan (batas %(n)d).") % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
        code="too_many_fields"),
    TooManyFilesSent: lambda exc: exceptions.ParseError(
        _("Terlalu banyak berkas dalam satu permintaan (batas %(n)d).") % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES},
        code="too_many_files"),
}

GENERIC_MESSAGES = {
    "invalid": gettext_lazy("Data yang dikirim tidak valid; lihat rincian per isian di \u201cfields\u201d."),
}


def _flatten(detail, prefix="") -> dict:
    """{"reporter": {"name": [..]}} → {"reporter.name": [..]}; list positions become ".0"."""
    out = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list) and detail and all(isinstance(d, (dict, list)) for d in detail):
        for i, value in enumerate(detail):
            out.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    elif isinstance(detail, list):
        out[prefix or "non_field_errors"] = [str(d) for d in detail]
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return {k: v for k, v in out.items() if v}


def _code(exc) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def error_body(exc) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        general = fields.get("non_field_errors")
        message = general[0] if general and len(fields) == 1 else str(GENERIC_MESSAGES["invalid"])
        return {"code": "invalid", "message": message, "fields": fields}
    detail = exc.detail
    message = str(detail) if not isinstance(detail, (list, dict)) else "; ".join(_flatten(detail).get("non_field_errors", []))
    return {"code": _code(exc), "message": message, "fields": {}}


def _as_api_exception(exc):
    for klass, convert in EXCEPTION_MAP.items():
        if isinstance(exc, klass):
            return convert(exc)
    return exc


def exception_handler(exc, context):
    exc = _as_api_exception(exc)
    if isinstance(exc, exceptions.ValidationError) and not isinstance(exc, Unprocessable):
        exc = Unprocessable(exc.detail)
    if isinstance(exc, exceptions.ParseError):
        exc.detail = exceptions.ErrorDetail(_("Isi permintaan tidak dapat dibaca: %(e)s") % {"e": exc.detail},
                                            code=_code(exc))
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, (OperationalError, InterfaceError)):
        return database_unavailable_response(context["request"], exc)  # 503, nothing written
    if response is None:
        log.exception("unhandled API error", exc_info=exc)
        return Response({"code": "server_error", "fields": {},
                         "message": _("Terjadi kesalahan pada server; permintaan tidak diproses. Coba lagi nanti.")},
                        status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    response.data = error_body(exc)
    return response


@csrf_exempt  # a POST to a wrong path gets the 404, not a CSRF page
def api_not_found(request, *args, **kwargs):
    """Any path under /api/ that no endpoint matches: the API's 404 in its own shape, not an HTML page.

    It also stands in for CommonMiddleware's redirect to the path with a slash (this pattern matches first), which
    a POST could not follow anyway: the message names the right path instead."""
    slashed = request.path_info + "/"
    if not request.path_info.endswith("/") and resolve(slashed).func is not api_not_found:
        message = _("Alamat API %(path)s tidak ada; alamat API diakhiri garis miring: %(slashed)s") % {
            "path": request.path, "slashed": request.path + "/"}
    else:
        message = _("Alamat API %(path)s tidak ada; daftar alamat yang tersedia ada di /api/v1/docs/.") % {
            "path": request.path}
    return JsonResponse({"code": "not_found", "message": message, "fields": {}}, status=404)


# --- OpenAPI: the error shape and ready-made responses with examples ------------------------------------------

class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Kode mesin yang stabil, mis. not_found, invalid, invalid_transition.")
    message = serializers.CharField(help_text="Pesan untuk manusia, dalam bahasa Accept-Language (id bawaan, en).")
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="Pesan per isian (kosong bila bukan kesalahan isian).")


_EXAMPLES = {
    400: ("parse_error", "Isi permintaan tidak dapat dibaca: JSON parse error.", {}),
    401: ("not_authenticated", "Kredensial autentikasi tidak diberikan.", {}),
    403: ("permission_denied", "Anda tidak berwenang melakukan \u201cTeruskan ke lembaga pengawas\u201d pada perkara NTR-2024-000123.", {}),
    404: ("not_found", "Tidak ditemukan.", {}),
    409: ("invalid_transition",
          "\u201cTeruskan ke lembaga pengawas\u201d tidak dapat dilakukan pada perkara berstatus \u201cTeregistrasi\u201d.", {}),
    422: ("invalid", "Data yang dikirim tidak valid; lihat rincian per isian di \u201cfields\u201d.",
          {"description": ["Pastikan bidang ini memiliki setidaknya 20 karakter."]}),
    406: ("not_acceptable", "Tidak dapat memenuhi permintaan header Accept.", {}),
    415: ("unsupported_media_type", "Media type \u201ctext/plain\u201d tidak didukung dalam permintaan.", {}),
    429: ("throttled", "Permintaan dibatasi. Diharapkan tersedia dalam 12 detik.", {}),
}
_DESCRIPTIONS = {
    400: "Isi permintaan tidak dapat dibaca (JSON/multipart rusak).",
    401: "Tanpa kredensial, atau token tidak sah/dicabut.",
    403: "Terlihat, tetapi peran Anda tidak boleh melakukan ini.",
    404: "Tidak ada, atau di luar cakupan wilayah/instansi Anda.",
    409: "Status saat ini tidak mengizinkan tindakan ini; tidak ada yang diubah.",
    422: "Isian tidak valid; `fields` menyebut isian dan aturannya.",
    406: "Header Accept meminta format yang tidak tersedia (gunakan application/json).",
    415: "Jenis isi permintaan tidak didukung (gunakan application/json, atau multipart/form-data untuk berkas).",
    429: "Batas laju klien terlampaui.",
}


def error_response(code: int, example: tuple | None = None) -> OpenApiResponse:
    ex_code, message, fields = example or _EXAMPLES[code]
    return OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code], examples=[
        OpenApiExample(f"{code} {ex_code}", value={"code": ex_code, "message": message, "fields": fields})])


def errors(*codes) -> dict:
    return {code: error_response(code) for code in codes}
