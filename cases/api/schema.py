"""OpenAPI post-processing: the errors every authenticated operation can return (401, 406, 429; 400 and 415 for a
body), each with the common error shape and an example, and the front server's 414."""
from cases.api.errors import _DESCRIPTIONS, _EXAMPLES

COMMON = (401, 406, 429)


def _response(code):
    ex_code, message, fields = _EXAMPLES[code]
    return {"description": _DESCRIPTIONS[code], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"},
        "examples": {ex_code: {"value": {"code": ex_code, "message": message, "fields": fields}}}}}}


def add_common_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})
    for path, operations in result.get("paths", {}).items():
        if path.endswith(("/schema/", "/docs/")):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = COMMON + ((400, 415) if method in ("post", "put", "patch") else ())
            for code in codes:
                if str(code) not in responses and code in _EXAMPLES:
                    responses[str(code)] = _response(code)
            # Answered by the HTTP server in front of Django (gunicorn's request-line limit), not by the API.
            responses.setdefault("414", {"description": "URI terlalu panjang: ditolak server HTTP sebelum aplikasi "
                                                        "(bukan bentuk kesalahan API)."})
    return result
