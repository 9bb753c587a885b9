"""`Idempotency-Key` on creating POSTs: a repeat of the same request gets the first response, once created.

The record row is inserted in the transaction that does the creation. A concurrent request with the same key
blocks on the unique index until the first commits, then reads the finished row and replays it; if the first
failed (rolled back), the second simply runs. Responses other than 2xx are not kept.
"""
import functools
import hashlib
import json
import re

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from cases.api.errors import Unprocessable
from cases.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")

PARAMETER = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=False,
    description="Kunci unik per permintaan (mis. UUID). Kunci sama + isi sama → respons pertama diulang; "
                "kunci sama + isi berbeda → 422. Berlaku per klien.")


def fingerprint(request) -> str:
    """Method, path and body: JSON canonicalised; multipart by fields and each file's SHA-256."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    data = request.data
    files = getattr(request, "FILES", {}) or {}
    if files:
        fields = {k: data.getlist(k) for k in data.keys() if k not in files}
        digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
        for name in sorted(files.keys()):
            for upload in files.getlist(name):
                file_hash = hashlib.sha256()
                for chunk in upload.chunks():
                    file_hash.update(chunk)
                upload.seek(0)
                digest.update(f"{name}:{upload.name}:{file_hash.hexdigest()}\n".encode())
    else:
        plain = data.dict() if hasattr(data, "dict") else data
        digest.update(json.dumps(plain, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _claim(user, key, print_):
    """(record, created): the row of this key, inserted now or left by a committed earlier request. The INSERT
    waits, as any INSERT does, for a concurrent holder of the key to commit or roll back."""
    return IdempotencyRecord.objects.get_or_create(user=user, key=key, defaults={"fingerprint": print_})


def idempotent(method):
    """Decorate a creating view method (self, request, ...) -> Response."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return method(self, request, *args, **kwargs)
        if not KEY_RE.match(key):
            raise Unprocessable({HEADER: [_("Idempotency-Key harus 1\u2013255 karakter ASCII yang terlihat, mis. UUID.")]})
        print_ = fingerprint(request)
        with transaction.atomic():
            record, created = _claim(request.user, key, print_)
            if not created:
                if record.fingerprint != print_:
                    raise Unprocessable({HEADER: [_(
                        "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda; gunakan kunci baru "
                        "untuk permintaan baru.")]})
                return Response(record.response_body, status=record.status_code, headers={"Idempotent-Replayed": "true"})
            response = method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.status_code = response.status_code
                record.response_body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                record.save(update_fields=["status_code", "response_body"])
            else:
                transaction.set_rollback(True)
            return response

    return wrapper
