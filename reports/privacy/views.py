"""Privacy pages: the auditors' access record (screen and CSV), the officers' request pages, and the reporter's
request form (tracking session, PIN again). Views read through selectors and write through services."""
import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Report
from reports.privacy import requests as privacy_requests
from reports.privacy import selectors
from reports.privacy.forms import AccessFilterForm, OutcomeForm, ReporterRequestForm, RespondentRequestForm
from reports.services import ReportLocked

TRACKED = "tracked_report"  # the tracking session's key (reports.views)
SCREEN_ROWS = 200


class _Echo:
    def write(self, value):
        return value


@login_required
def access_list(request):
    """Who saw which personal data: auditors (and administrators) in their scope; `?format=csv` exports."""
    if not request.user.has_perm("cases.view_access_records"):
        raise PermissionDenied(_("Catatan akses hanya dibaca auditor dan administrator."))
    form = AccessFilterForm(request.GET or None)
    qs = selectors.access_records_visible_to(request.user)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        qs = selectors.access_records_filtered(qs, username=d["user"], kind=d["kind"], start=d["start"], end=d["end"])
    elif form.is_bound:
        return render(request, "privacy/access.html", {"form": form, "records": []}, status=400)
    else:
        qs = qs.order_by("-at", "-id")
    if request.GET.get("format") == "csv":
        writer = csv.writer(_Echo())
        rows = (writer.writerow(r) for r in [selectors.ACCESS_COLUMNS, *map(selectors.access_row, qs.iterator())])
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="catatan-akses-{timezone.localdate():%Y%m%d}.csv"'
        return response
    records = list(qs[:SCREEN_ROWS + 1])
    return render(request, "privacy/access.html", {
        "form": form, "records": records[:SCREEN_ROWS], "more": len(records) > SCREEN_ROWS,
        "csv_query": request.GET.urlencode()})


@login_required
def request_list(request):
    """The officer's requests (open first) and, for those who may, the form recording a respondent's request."""
    may_record = request.user.has_perm("privacy.record_request")
    if not may_record and not request.user.has_perm("reports.intake"):
        raise PermissionDenied(_("Peran Anda tidak menangani permintaan data pribadi."))
    form, status = RespondentRequestForm(request.POST or None), 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied(_("Peran Anda tidak berwenang mencatat permintaan terlapor."))
        if form.is_valid():
            try:
                made = privacy_requests.respondent_request(actor=request.user, **form.cleaned_data)
            except ValidationError as err:
                for field, errors in err.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Permintaan tercatat; batas jawaban %(due)s.")
                                 % {"due": timezone.localtime(made.due_at).strftime("%d-%m-%Y %H:%M")})
                return redirect("privacy:request_detail", pk=made.pk)
        status = 400
    rows = selectors.requests_for(request.user).order_by("-status", "due_at", "-id")[:200]
    return render(request, "privacy/requests.html", {"form": form if may_record else None, "requests": rows,
                                                     "now": timezone.now()}, status=status)


@login_required
def request_detail(request, pk):
    """One request: what was asked, its clock and legal basis, and the outcome form while open."""
    item = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    form, status = OutcomeForm(request.POST or None), 200
    if request.method == "POST":
        if form.is_valid():
            try:
                privacy_requests.request_answer(actor=request.user, request=item, **form.cleaned_data)
            except privacy_requests.RequestConflict as exc:
                messages.error(request, str(exc))
                status = 409
            else:
                messages.success(request, _("Jawaban tercatat dan dikirim kepada pemohon."))
                return redirect("privacy:request_detail", pk=item.pk)
        else:
            status = 400
        item.refresh_from_db()
    return render(request, "privacy/request_detail.html", {"item": item, "form": form, "now": timezone.now()},
                  status=status)


def track_request(request):
    """A reporter's request about their identity, from the tracking session; the PIN is asked again."""
    pk = request.session.get(TRACKED)
    report = Report.objects.select_related("reporter").filter(pk=pk).first() if pk else None
    if report is None:
        return redirect("reports:track")
    if not privacy_requests.reporter_may_ask(report):
        raise Http404
    form, status = ReporterRequestForm(request.POST or None), 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                privacy_requests.reporter_request(report=report, **form.cleaned_data)
            except privacy_requests.WrongPin:
                form.add_error("pin", _("PIN salah. Permintaan tidak dicatat; periksa PIN pada tanda terima Anda."))
            except ReportLocked as exc:
                form.add_error("pin", _("Terlalu banyak PIN salah untuk kode ini. Coba lagi setelah pukul %(t)s.")
                               % {"t": timezone.localtime(exc.until).strftime("%H:%M")})
            except privacy_requests.RequestConflict as exc:
                form.add_error("kind", str(exc))
                status = 409
            else:
                messages.success(request, _("Permintaan Anda tercatat. Jawabannya tampil di halaman ini paling lambat "
                                            "3 x 24 jam."))
                return redirect("reports:track_status")
    return render(request, "privacy/track_request.html", {"report": report, "form": form}, status=status)
