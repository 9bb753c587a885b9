"""Conversation views: the officers' page of one report's messages, the reporter's reply, attachment downloads."""
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from reports import messaging
from reports.evidence import discard, store_all
from reports.forms import MessageForm, OfficerMessageForm
from reports.models import Evidence, MessageDirection, Report


def _back(request, report) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return f"{request.path}#messages"


@login_required
def conversation(request, pk):
    """One report's conversation for an officer in scope (404 outside it); the form writes to the reporter."""
    report = messaging.report_for_messaging(request.user, pk)
    may_write = request.user.has_perm(messaging.WRITE_PERM) and messaging.contactable(report)
    form, errors, status = OfficerMessageForm(), [], 200
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        # A panel on the case page names its form per report (unique field ids); its prefix comes back with it.
        prefix = request.POST.get("form_prefix", "")
        form = OfficerMessageForm(request.POST, prefix=prefix if re.fullmatch(r"msg\d*", prefix) else None)
        stored, errors = store_all(request.FILES.getlist("attachments")) if form.is_valid() else ([], [])
        if form.is_valid() and not errors:
            try:
                messaging.message_to_reporter(actor=request.user, report=report, body=form.cleaned_data["body"],
                                              stored=stored, due_on=form.cleaned_data["due_on"])
            except messaging.MessageRefused as exc:
                for item in stored:
                    discard(item)
                errors, status = [str(exc)], 409
            else:
                messages.success(request, _("Pesan terkirim kepada pelapor."))
                return redirect(_back(request, report))
        status = status if status != 200 else 400
    return render(request, "reports/conversation.html", {
        "report": report, "thread": messaging.conversation(report), "form": form, "upload_errors": errors,
        "may_write": may_write, "open_request": messaging.open_request(report),
    }, status=status)


@login_required
def officer_attachment(request, pk):
    """An attachment of a message, for an officer who may read that conversation."""
    evidence = get_object_or_404(Evidence.objects.filter(messages__isnull=False).distinct(), pk=pk)
    messaging.report_for_messaging(request.user, evidence.report_id)
    return _download(evidence)


def reporter_attachment(request, report: Report, pk):
    """A file the officers sent to this reporter (only attachments of messages to the tracked report)."""
    evidence = Evidence.objects.filter(pk=pk, report=report,
                                       messages__direction=MessageDirection.TO_REPORTER).distinct().first()
    if evidence is None:
        raise Http404
    return _download(evidence)


def _download(evidence):
    return FileResponse(default_storage.open(evidence.file.name, "rb"), as_attachment=True,
                        filename=evidence.original_name, content_type=evidence.content_type)


def reporter_post(request, report: Report):
    """The reporter's message from the tracking page: (form, errors, conflict); None for the form when sent."""
    form = MessageForm(request.POST)
    if not form.is_valid():
        return form, [], False
    stored, errors = store_all(request.FILES.getlist("attachments"))
    if errors:
        return form, errors, False
    try:
        messaging.message_from_reporter(report=report, body=form.cleaned_data["body"], stored=stored)
    except messaging.MessageRefused as exc:
        for item in stored:
            discard(item)
        return form, [str(exc)], True
    messages.success(request, _("Pesan Anda sudah terkirim."))
    return None, [], False
