"""How a draft sent from a device's outbox (static/js/offline.js) is recognised: its key, and JSON answers.

The `Idempotency-Key` header becomes the report's idempotency key (as the form's token does for a plain post), so a
send that is repeated (the answer was lost, the page was reloaded) returns the first report instead of a second.
"""
import re

from django.http import JsonResponse
from django.utils.translation import gettext as _

from reports.evidence import discard

HEADER = "Idempotency-Key"
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def wants_json(request) -> bool:
    """A send from the device's outbox (offline.js) asks for JSON; a plain form post gets pages."""
    return "application/json" in request.headers.get("Accept", "")


def idempotency_key(request) -> tuple[str | None, str | None]:
    """(key, error): the header's key, else the form's token; a malformed header is refused, naming the rule."""
    key = request.headers.get(HEADER)
    if key is None:
        return request.POST.get("form_token") or None, None
    if not KEY_RE.match(key):
        return None, _("Idempotency-Key harus 16\u201364 karakter huruf, angka, «-» atau «_», mis. UUID.")
    return key, None


def form_errors(form, extra: dict | None = None) -> JsonResponse:
    """400 with each field's label and messages, so the page can say which field and which rule."""
    errors = {name: {"label": str(form.fields[name].label) if name in form.fields else "", "messages": list(msgs)}
              for name, msgs in form.errors.items()}
    for name, (label, msgs) in (extra or {}).items():
        errors[name] = {"label": label, "messages": msgs}
    return JsonResponse({"errors": errors}, status=400)


def discard_unused(report, stored) -> None:
    """Two sends of one draft at once (two tabs, a retry while the first was still running): the second gets the
    first report, and the files it had stored are not that report's evidence, so they are removed now."""
    used = set(report.evidence.values_list("file", flat=True)) if stored else set()
    for item in stored:
        if item.name not in used:
            discard(item)
