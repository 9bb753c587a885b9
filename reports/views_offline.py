"""The installable, offline-capable forms: service worker, one-page public report, and how a queued draft is sent.

A draft written without a connection waits in the browser (IndexedDB, static/js/offline.js) and is posted once the
connection returns, with an `Idempotency-Key` header; the key becomes the report's idempotency key, so a send that
is repeated (the answer was lost, the page was reloaded) returns the first report instead of making a second.
"""
import functools
import hashlib
import secrets

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports import services
from reports.evidence import store_all
from reports.forms import PublicReportForm
from reports.outbox import HEADER, discard_unused, form_errors, idempotency_key, wants_json
from reports.models import Report, new_pin
from reports.views import RECEIPT, _client_ip, _limited, _too_many

# What the offline forms need besides the page itself; sw.js lists them through {% static %}.
PRECACHE = ["css/app.css", "css/reports.css", "js/site.js", "js/workspace.js", "vendor/htmx/htmx.min.js",
            "js/report_form.js", "js/offline.js", "icons/icon-192.png", "pwa/manifest.webmanifest"]


@functools.cache
def _version() -> str:
    """Changes when a kept file or the worker changes, so browsers install the new worker and drop the old cache."""
    digest = hashlib.sha256(get_template("pwa/sw.js").template.source.encode())
    for path in PRECACHE:
        with open(finders.find(path), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request):
    """Served from the site's root so that its scope covers /lapor/ and /intake/; never cached by the browser's
    HTTP cache, so a new release's worker (and its cache list) is picked up on the next visit."""
    body = render_to_string("pwa/sw.js", {"version": _version(), "precache": PRECACHE}, request=request)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@never_cache
def report_offline(request):
    """The public report on one page: the page the service worker keeps, so a report can be written offline."""
    form = PublicReportForm(request.POST or None)
    context = {"form": form, "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
               "form_token": request.POST.get("form_token") or secrets.token_urlsafe(24)}
    if request.method != "POST":
        return render(request, "reports/offline_form.html", context)
    if form.is_bot():
        return HttpResponseBadRequest(_("Permintaan ditolak."))
    key, key_error = idempotency_key(request)
    if key_error:
        return JsonResponse({"errors": {HEADER: {"label": HEADER, "messages": [key_error]}}}, status=400)
    upload_errors = []
    if form.is_valid():
        replay = key and Report.objects.filter(idempotency_key=key).first()
        if replay:  # the first answer was lost: its PIN, if this session still holds it unseen, is shown now
            prior = request.session.get(RECEIPT) or {}
            return _receipt(request, replay, key, pin=prior.get("pin") if prior.get("token") == key else None)
        if _limited(request, "reports.submit", "REPORT_SUBMIT_RATE", "20/h"):
            return _too_many(request)
        stored, upload_errors = store_all(request.FILES.getlist("evidence"))
        if not upload_errors:
            data, pin = form.cleaned_data, new_pin()
            report = services.report_submit(
                fields=data, anonymity=data["anonymity"], pin=pin, reporter=data, evidence=stored,
                idempotency_key=key, ip=_client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))
            discard_unused(report, stored)
            return _receipt(request, report, key, pin=pin)
    if wants_json(request):
        return form_errors(form, {"evidence": (_("Berkas bukti"), upload_errors)} if upload_errors else None)
    context["upload_errors"] = upload_errors
    return render(request, "reports/offline_form.html", context, status=400)


def _receipt(request, report, key, *, pin):
    request.session[RECEIPT] = {"token": key or "", "id": report.pk, "pin": pin}
    url = reverse("reports:receipt")
    if wants_json(request):
        return JsonResponse({"url": url, "tracking_code": report.tracking_code_display})
    return redirect(url)
