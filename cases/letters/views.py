"""Letter pages: public verification, authorised download, batch printing with a progress bar (thin views)."""
import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors
from cases.letters import batch as B
from cases.letters import signing
from cases.letters.issue import verify_code_display, verify_code_normalise
from cases.models import ElectionStage, Letter, LetterKind
from cases.services import letter_opened, request_origin

VERIFY_MAX_BYTES = getattr(settings, "LETTER_VERIFY_MAX_BYTES", 10 * 1024 * 1024)


# --- public verification --------------------------------------------------------------------------------------

def verify_lookup(request):
    """The form where a recipient types the code printed on the letter."""
    code = verify_code_normalise(request.GET.get("code", ""))
    if code:
        return redirect("letters:verify", token=code)
    status = 400 if "code" in request.GET else 200
    error = _("Kode verifikasi wajib diisi (16 huruf/angka pada kaki surat).") if status == 400 else ""
    return render(request, "letters_ui/verify_lookup.html", {"error": error}, status=status)


def _read_upload(upload) -> bytes:
    return b"".join(upload.chunks())


def verify(request, token):
    """Number, date, issuer, kind, hash and void status; never a name, NIP or any other personal data."""
    letter = (Letter.objects.filter(verify_token=verify_code_normalise(token)).select_related("agency")
              .only("number", "kind", "issued_at", "sha256", "void", "verify_token", "agency__name", "signer_subject",
                    "signed_at").first())
    if letter is None:
        return render(request, "letters_ui/verify.html", {"missing": True}, status=404)
    context, status = {"letter": letter, "code": verify_code_display(letter.verify_token),
                       "max_mb": VERIFY_MAX_BYTES // (1024 * 1024)}, 200
    if request.method == "POST":
        upload = request.FILES.get("copy")
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > VERIFY_MAX_BYTES + 64 * 1024 or (upload and upload.size > VERIFY_MAX_BYTES):
            context["error"], status = _("Berkas melebihi batas %(mb)d MB.") % {"mb": context["max_mb"]}, 413
        elif upload is None:
            context["error"], status = _("Berkas salinan surat wajib dipilih (PDF yang Anda terima)."), 400
        else:
            body = _read_upload(upload)
            context["uploaded_sha256"] = hashlib.sha256(body).hexdigest()
            context["matches"] = context["uploaded_sha256"] == letter.sha256
            context["signature"] = signing.pdf_verify(body)
    return render(request, "letters_ui/verify.html", context, status=status)


# --- authorised download --------------------------------------------------------------------------------------

@login_required
def download(request, pk):
    letter = selectors.letter_for_user(request.user, pk)
    letter_opened(actor=request.user, letter=letter, via=request_origin(request))
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{B._file_name(letter)}"'
    response["X-Content-SHA256"] = letter.sha256
    return response


# --- batch printing -------------------------------------------------------------------------------------------

BATCH_PARAMS = ("kind", "day", "format", "case_ids", "csrfmiddlewaretoken")


def _batch_selection(request, data):
    """(letters queryset, errors, queue filter params, those filters in words) from the queue's filters plus
    kind/day (case ids are still read from older links; the form no longer asks for them)."""
    errors = {}
    kind = data.get("kind", "")
    if kind and kind not in LetterKind.values:
        errors["kind"] = _("Jenis surat tidak dikenal.")
    day = None
    if data.get("day"):
        try:
            day = dt.date.fromisoformat(data["day"])
        except ValueError:
            errors["day"] = _("Tanggal terbit harus berformat TTTT-BB-HH, mis. 2026-11-24.")
    case_ids = []
    for part in (data.get("case_ids") or "").replace(",", " ").split():
        if not part.isdigit():
            errors["case_ids"] = _("Nomor internal perkara harus angka, dipisahkan koma.")
            break
        case_ids.append(int(part))
    # [(name, value)], every value of a repeated filter (status=a&status=b) kept: the hidden fields and the link back
    # to the queue carry all of them, so what is printed is what was counted
    filters = [(k, v) for k in data if k not in BATCH_PARAMS for v in data.getlist(k) if v]
    bound = QueryDict(mutable=True)  # a QueryDict: a multiple-choice filter (status) reads a list, not a string's letters
    for key, value in filters:
        bound.appendlist(key, value)
    filterset = selectors.case_queue(request.user, bound, request=request)
    if not filterset.is_valid():
        fields = filterset.form.fields
        errors.update({str(fields[k].label) if k in fields else k: " ".join(v) for k, v in filterset.errors.items()})
    shown = _filters_shown(filterset, filters)
    if errors:
        return Letter.objects.none(), errors, filters, shown
    letters = B.letters_for_batch(cases=filterset.qs, kind=kind or None, day=day, case_ids=case_ids,
                                  letters=selectors.letters_visible_to(request.user))
    return letters, errors, filters, shown


def _filters_shown(filterset, filters) -> list:
    """[(label, value as the queue shows it)]: the queue's filters in words, not parameter names and ids."""
    shown = []
    for name, value in filters:
        field = filterset.form.fields.get(name)
        label, text = (field.label if field else name), value
        if getattr(field, "choices", None):
            text = dict((str(k), v) for k, v in field.choices).get(str(value), value)
        elif name == "stage" and str(value).isdigit():
            stage = ElectionStage.objects.filter(pk=value).select_related("election").first()
            text = f"{stage.name} ({stage.election.name})" if stage else value
        shown.append((label, text))
    return shown


@login_required
def batch_form(request):
    data = request.POST if request.method == "POST" else request.GET
    letters, errors, filters, shown = _batch_selection(request, data)
    fmt = data.get("format", "pdf")
    if fmt not in B.FORMATS:
        errors["format"] = _("Format hasil harus PDF gabungan atau ZIP.")
    count = letters.count() if not errors else 0
    labels = {"kind": _("Jenis surat"), "day": _("Tanggal terbit"), "format": _("Hasil"),
              "case_ids": _("Nomor internal perkara")}
    if request.method == "POST" and not errors:
        if count == 0:
            errors["kind"] = _("Tidak ada surat terbit yang cocok dengan pilihan ini.")
        else:
            ids = list(letters.values_list("pk", flat=True)[:5000])
            batch_id = B.batch_start(actor=request.user, letter_ids=ids, fmt=fmt)
            return redirect("letters:batch_progress", batch_id=batch_id)
    queue_query = QueryDict(mutable=True)
    for key, value in filters:
        queue_query.appendlist(key, value)
    context = {"kinds": LetterKind.choices, "data": data, "filters": filters, "shown": shown, "count": count,
               "errors": {labels.get(k, k): v for k, v in errors.items()}, "today": timezone.localdate(), "queue_query": queue_query.urlencode()}
    return render(request, "letters_ui/batch_form.html", context, status=400 if errors else 200)


def _own_batch(request, batch_id) -> dict:
    state = B.batch_state(batch_id)
    if not state or state.get("owner") != request.user.pk:
        raise Http404
    return state


@login_required
def batch_progress(request, batch_id):
    return render(request, "letters_ui/batch_progress.html", {"state": _own_batch(request, batch_id), "batch_id": batch_id})


@login_required
def batch_status(request, batch_id):
    state = _own_batch(request, batch_id)
    keys = ("state", "percent", "done", "total", "printed", "pages", "eta_seconds", "failures", "format")
    body = {k: state.get(k) for k in keys}
    body["download_url"] = reverse("letters:batch_download", args=[batch_id]) if state.get("state") == "done" else None
    return JsonResponse(body)


@login_required
@require_POST
def batch_cancel(request, batch_id):
    _own_batch(request, batch_id)
    B.batch_cancel(batch_id)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"cancelled": True})
    return redirect("letters:batch_progress", batch_id=batch_id)


@login_required
def batch_download(request, batch_id):
    state = _own_batch(request, batch_id)
    if state.get("state") != "done" or not state.get("file"):
        return HttpResponse(_("Cetakan belum selesai."), status=409, content_type="text/plain; charset=utf-8")
    name = f"surat-{timezone.localdate():%Y%m%d}-{batch_id[:8]}.{state['format']}"
    content_type = "application/pdf" if state["format"] == "pdf" else "application/zip"
    return FileResponse(default_storage.open(state["file"], "rb"), as_attachment=True, filename=name,
                        content_type=content_type)
