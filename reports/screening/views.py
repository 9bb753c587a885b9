"""Screening views: review queue, confirm/dismiss, thresholds, lexicon, account registry, scoring runs, models.

Thin: each authorises (`screening.review`), parses a form, calls one service or selector and renders.
"""
import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import ElectionPeriod
from reports.screening import selectors
from reports.screening.services import accounts as account_registry
from reports.screening.services.candidates import candidates_import, suggestion_decide
from reports.screening.services.common import AlreadyDecided, ScreeningError, election_by_slug
from reports.screening.services.lexicon import lexicon_term_add, lexicon_term_set_active
from reports.screening.services.review import verdict_confirm, verdict_dismiss
from reports.screening.services.rows import read_rows
from reports.screening.services.runs import run_progress, scoring_run_create
from reports.screening.services.uploads import MAX_UPLOAD_BYTES, upload_create
from reports.screening.services.thresholds import election_thresholds_set, thresholds_for
from reports.screening.services.training import model_train_enqueue
from reports.screening.services.versions import model_events, model_version_activate, model_version_active
from reports.screening.forms import (
    AccountForm, CandidateListForm, ConfirmForm, PostUploadForm, DismissForm, LexiconTermForm, ScoreRunForm, ThresholdForm, UploadForm,
)
from reports.screening.models import LexiconTerm, ModelVersion, Post, PostUpload, Score, ScoringRun


def reviewer_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("screening.review"):
            raise PermissionDenied(_("Halaman ini hanya untuk peninjau penapisan."))
        return view(request, *args, **kwargs)

    return wrapped


def _election_param(request):
    """The ?election= filter; an unknown slug is a 400 with the list of known ones."""
    return election_by_slug(request.GET.get("election") or None)


def _bad_request(request, message):
    return render(request, "screening/error.html", {"message": message}, status=400)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- review queue ----------------------------------------------------------------------------------------------

@reviewer_required
def queue(request):
    try:
        election = _election_param(request)
        model_version = model_version_active()
    except ScreeningError as exc:
        return _bad_request(request, str(exc))
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    query = request.GET.get("q", "").strip()[:200]
    items, groups = selectors.review_queue(election=election, page=page, query=query)
    return render(request, "screening/queue.html", {"query": query,
        "items": items, "groups": groups, "page": page, "has_next": page * selectors.PAGE_SIZE < groups,
        "election": election, "elections": ElectionPeriod.objects.order_by("-voting_date"),
        "violations": selectors.social_media_violations(), "model_version": model_version,
        "unscored": selectors.unscored_count(model_version), "runs": selectors.recent_runs(5),
        "dismiss_form": DismissForm(), "verdicts": selectors.recent_verdicts(10)})


def _decide(request, score_id, decide, success_message):
    """Run one decision service; 409 if someone decided first, 400 for bad input."""
    get_object_or_404(Score, pk=score_id)
    try:
        verdict = decide()
    except AlreadyDecided as exc:
        return render(request, "screening/error.html", {"message": str(exc)}, status=409)
    except ScreeningError as exc:
        return _bad_request(request, str(exc))
    messages.success(request, success_message(verdict))
    return redirect(request.POST.get("next") or reverse("screening:queue"))


@reviewer_required
@require_POST
def confirm(request, score_id):
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, _form_errors(form))
    data = form.cleaned_data
    return _decide(request, score_id, lambda: verdict_confirm(
        actor=request.user, score_id=score_id, violation_type=data["violation_type"], election=data["election"],
        note=data["note"]), lambda v: _("Temuan %(code)s dibuat dan masuk antrean penerimaan Bawaslu "
                                        "(%(n)d unggahan).") % {"code": v.finding.tracking_code_display,
                                                                 "n": v.posts_covered})


@reviewer_required
@require_POST
def dismiss(request, score_id):
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, _form_errors(form))
    return _decide(request, score_id, lambda: verdict_dismiss(
        actor=request.user, score_id=score_id, label=form.cleaned_data["label"], note=form.cleaned_data["note"]),
        lambda v: _("Unggahan ditolak; putusan disimpan untuk pelatihan berikutnya."))


# --- thresholds ------------------------------------------------------------------------------------------------

@reviewer_required
def thresholds(request):
    rows, model_version = selectors.elections_with_thresholds()
    return render(request, "screening/thresholds.html", {"rows": rows, "model_version": model_version})


@reviewer_required
def threshold_edit(request, slug):
    election = get_object_or_404(ElectionPeriod, slug=slug)
    model_version = model_version_active()
    review, priority = thresholds_for(election, model_version)
    status = 200
    if request.method == "POST":
        form = ThresholdForm(request.POST)
        if form.is_valid() and request.POST.get("action") != "preview":
            election_thresholds_set(actor=request.user, election=election, **form.cleaned_data)
            messages.success(request, _("Ambang untuk %(e)s disimpan.") % {"e": election.name})
            return redirect("screening:thresholds")
        if form.is_valid():
            review = form.cleaned_data["review"]
        else:
            status = 400
    else:
        form = ThresholdForm(initial={"review": round(review, 4), "priority": round(priority, 4)})
    return render(request, "screening/threshold_edit.html", {
        "election": election, "form": form, "preview": selectors.threshold_preview(election, review)}, status=status)


# --- lexicon ---------------------------------------------------------------------------------------------------

@reviewer_required
def lexicon(request):
    slug = request.GET.get("election") or ""
    if slug and slug != "any" and not ElectionPeriod.objects.filter(slug=slug).exists():
        return _bad_request(request, str(ScreeningError(_("Pemilihan '%(slug)s' tidak dikenal.") % {"slug": slug})))
    status = 200
    if request.method == "POST":
        form = LexiconTermForm(request.POST)
        if form.is_valid():
            term = lexicon_term_add(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Istilah “%(t)s” ditambahkan.") % {"t": term.term})
            return redirect(reverse("screening:lexicon") + (f"?election={slug}" if slug else ""))
        status = 400
    else:
        form = LexiconTermForm(initial={"election": slug if slug != "any" else None})
    terms = selectors.lexicon_terms(slug or None)
    return render(request, "screening/lexicon.html", {
        "form": form, "terms": terms[:500], "count": terms.count(), "slug": slug,
        "suggestions": selectors.pending_suggestions(slug or None)[:300],
        "elections": ElectionPeriod.objects.order_by("-voting_date")}, status=status)


@reviewer_required
@require_POST
def lexicon_toggle(request, pk):
    term = get_object_or_404(LexiconTerm, pk=pk)
    lexicon_term_set_active(actor=request.user, term=term, active=not term.active)
    messages.success(request, (_("Istilah “%(t)s” diaktifkan.") if term.active else _("Istilah “%(t)s” dinonaktifkan."))
                     % {"t": term.term})
    return redirect(request.POST.get("next") or reverse("screening:lexicon"))


@reviewer_required
def lexicon_candidates(request):
    """Import an election's official candidate list: "Periksa" is a dry run, "Impor" writes (only a clean list)."""
    form, result, status = CandidateListForm(request.GET.get("election") and {"election": request.GET["election"]}
                                             or None), None, 200
    if request.method == "POST":
        form = CandidateListForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = candidates_import(actor=request.user, election=form.cleaned_data["election"],
                                           data=upload.read(), name=upload.name,
                                           dry_run=request.POST.get("action") != "import")
            except ScreeningError as exc:
                form.add_error("file", str(exc))
            else:
                status = 400 if result.errors else 200
                if not result.dry_run:
                    messages.success(request, _("Daftar calon diimpor: %(t)d istilah dan %(s)d usulan baru, %(e)d "
                                                "sudah ada.") % {"t": result.count("new", False),
                                                                 "s": result.count("new", True),
                                                                 "e": result.count("existing")})
                    return redirect(reverse("screening:lexicon") + f"?election={form.cleaned_data['election'].slug}")
    return render(request, "screening/lexicon_candidates.html", {"form": form, "result": result}, status=status)


@reviewer_required
@require_POST
def lexicon_suggestion(request, pk):
    term = get_object_or_404(LexiconTerm, pk=pk)
    try:
        suggestion_decide(actor=request.user, term=term, accept=request.POST.get("accept") == "1")
    except ScreeningError as exc:
        return _bad_request(request, str(exc))
    messages.success(request, (_("Usulan “%(t)s” diterima.") if term.active else _("Usulan “%(t)s” ditolak."))
                     % {"t": term.term})
    return redirect(request.POST.get("next") or reverse("screening:lexicon"))


# --- ASN account registry --------------------------------------------------------------------------------------

@reviewer_required
def accounts(request):
    status = 200
    form = AccountForm()
    if request.method == "POST":
        form = AccountForm(request.POST)
        if form.is_valid():
            try:
                account = account_registry.account_register(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error("nip", exc)
            except ScreeningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Akun @%(h)s terdaftar atas nama %(n)s.")
                                 % {"h": account.handle, "n": account.respondent.name})
                return redirect("screening:accounts")
        status = 400
    query = request.GET.get("q", "").strip()
    return render(request, "screening/accounts.html", {
        "form": form, "upload": UploadForm(), "accounts": selectors.accounts_list(query)[:300], "q": query}, status=status)


@reviewer_required
@require_POST
def accounts_import(request):
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _bad_request(request, _form_errors(upload))
    try:
        text = io.TextIOWrapper(upload.cleaned_data["file"].file, encoding="utf-8-sig", newline="")
        result = account_registry.accounts_import(actor=request.user, rows=read_rows(text, "accounts.csv"))
    except (ScreeningError, UnicodeDecodeError) as exc:
        return _bad_request(request, str(exc) if isinstance(exc, ScreeningError)
                            else _("Berkas harus teks UTF-8."))
    messages.success(request, _("Akun diimpor: %(c)d baru, %(e)d diperbarui, %(x)d baris ditolak.")
                     % {"c": result.created, "e": result.existing, "x": len(result.errors)})
    for error in result.errors[:20]:
        messages.error(request, str(error))
    return redirect("screening:accounts")


@reviewer_required
def post_image(request, pk):
    """A post's image, for reviewers only (it may show a civil servant's face or name)."""
    post = get_object_or_404(Post.objects.exclude(image=""), pk=pk)
    return FileResponse(post.image.open("rb"))


# --- uploading post files ---------------------------------------------------------------------------------------

@reviewer_required
def upload(request):
    """Upload a CSV/JSONL file of posts; a worker imports it (all rows or none) while the next page shows progress."""
    form, status = PostUploadForm(), 200
    if request.method == "POST":
        form, status = PostUploadForm(request.POST, request.FILES), 400
        if form.is_valid():
            f = form.cleaned_data["file"]
            try:
                if f.size > MAX_UPLOAD_BYTES:  # refused before it is read into memory
                    raise ScreeningError(_("Berkas lebih besar dari %(mb)d MB; bagi menjadi beberapa berkas.")
                                         % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
                created = upload_create(actor=request.user, name=f.name, data=f.read(),
                                        election=form.cleaned_data["election"])
            except ScreeningError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("screening:upload_detail", pk=created.pk)
    return render(request, "screening/upload.html", {
        "form": form, "uploads": PostUpload.objects.select_related("uploaded_by").defer("content")[:10]}, status=status)


def _upload_state(upload: PostUpload) -> dict:
    return {"state": upload.status, "label": upload.get_status_display(), "percent": upload.percent,
            "rows": upload.total_rows, "processed": upload.processed_rows, "created": upload.created,
            "existing": upload.existing, "errors": upload.errors[:20],
            "run_url": reverse("screening:run", args=[upload.run_id]) if upload.run_id else ""}


@reviewer_required
def upload_detail(request, pk):
    upload = get_object_or_404(PostUpload.objects.defer("content"), pk=pk)
    return render(request, "screening/upload_detail.html", {"upload": upload, "state": _upload_state(upload)})


@reviewer_required
def upload_status(request, pk):
    return JsonResponse(_upload_state(get_object_or_404(PostUpload.objects.defer("content"), pk=pk)))


# --- scoring runs and models -----------------------------------------------------------------------------------

@reviewer_required
@require_POST
def run_start(request):
    form = ScoreRunForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, _form_errors(form))
    try:
        run = scoring_run_create(actor=request.user, election=form.cleaned_data["election"])
    except ScreeningError as exc:
        return _bad_request(request, str(exc))
    if run is None:
        messages.info(request, _("Tidak ada unggahan yang belum dinilai."))
        return redirect("screening:queue")
    return redirect("screening:run", pk=run.pk)


@reviewer_required
def run_detail(request, pk):
    run = get_object_or_404(ScoringRun, pk=pk)
    return render(request, "screening/run.html", {"run": run, "progress": run_progress(run)})


@reviewer_required
def run_status(request, pk):
    run = get_object_or_404(ScoringRun, pk=pk)
    return JsonResponse(run_progress(run))


@reviewer_required
def models(request):
    return render(request, "screening/models.html", {"versions": ModelVersion.objects.select_related("trained_by"),
                                                     "active": model_version_active(), "events": model_events()})


@reviewer_required
@require_POST
def model_train_start(request):
    """The administrator retrains on the shipped data and the verdicts; the worker runs it (minutes)."""
    model_train_enqueue(actor=request.user)
    messages.success(request, _("Pelatihan model dimulai. Versi baru muncul di sini dengan angka "
                                "leave-one-election-out-nya, belum aktif sampai Anda memilihnya."))
    return redirect("screening:models")


@reviewer_required
@require_POST
def model_activate(request, pk):
    mv = get_object_or_404(ModelVersion, pk=pk)
    model_version_activate(actor=request.user, model_version=mv, via=request.path)
    messages.success(request, _("Model %(v)s sekarang aktif.") % {"v": mv.version})
    return redirect("screening:models")
