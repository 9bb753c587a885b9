"""The retention schedule applied: one handler per class of data (RetentionRule rows say how long and what to do).

`retention_plan` counts what is past its period (the dry run); `retention_apply` removes it in one transaction
and records one PrivacyEvent with the counts. Case events, report events, letter numbers and every hash stay:
- reporters' contact details and identities are anonymised in place (the report, its events and letters stay);
- anonymous reporters' messages keep their row, date and direction; the body is replaced by a marker;
- an evidence original of a report that was never registered: the file (and its preview) is removed from
  storage, the evidence row with its SHA-256 stays (the table is append-only, reports 0008) and a
  DestroyedEvidence row records the destruction; opening it answers 410;
- a dismissed screening post keeps platform, post id, hash and verdict; its text, OCR and image are removed
  (re-importing it is skipped, ingest being idempotent on platform and post id);
- access records past their period are deleted.
The append-only triggers let the last two kinds of change through only while `kasn.retention` is set for the
transaction (privacy migration 0002).
"""
import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from cases.models import AccessRecord, CaseStatus
from reports.models import Anonymity, Evidence, MessageDirection, Report, Reporter, ReportMessage, ReportStatus
from reports.privacy.models import DataClass, DestroyedEvidence, RetentionRule
from reports.privacy.services import privacy_event

ANONYMISED = "[dianonimkan]"
REDACTED = "[dihapus sesuai jadwal retensi]"
FINISHED_REPORT = Q(status__in=[ReportStatus.NOT_REGISTRABLE, ReportStatus.MERGED, ReportStatus.LEAD]) | Q(
    case__status__in=CaseStatus.closed())
NEVER_REGISTERED = [ReportStatus.NOT_REGISTRABLE, ReportStatus.LEAD]


@dataclass
class Handler:
    candidates: callable  # (cutoff) -> queryset of what is past its period and not yet handled
    apply: callable  # (queryset) -> number of items handled


def _contact_due(cutoff):
    contact = ~Q(address="") | ~Q(phone="") | ~Q(email="")
    return Reporter.objects.filter(contact, report__received_at__lt=cutoff,
                                   report__in=Report.objects.filter(FINISHED_REPORT).values("pk"))


def _contact_apply(qs) -> int:
    ids = list(qs.values_list("report_id", flat=True))
    Report.objects.filter(pk__in=ids).update(submitted_ip=None, submitted_user_agent="")
    return Reporter.objects.filter(report_id__in=ids).update(address="", phone="", email="")


def _messages_due(cutoff):
    return ReportMessage.objects.filter(report__anonymity=Anonymity.ANONYMOUS, direction=MessageDirection.FROM_REPORTER,
                                        created_at__lt=cutoff).exclude(body=REDACTED)


def _messages_apply(qs) -> int:
    return qs.update(body=REDACTED)


def _evidence_due(cutoff):
    return Evidence.objects.filter(report__status__in=NEVER_REGISTERED, report__case__isnull=True,
                                   uploaded_at__lt=cutoff, destroyed__isnull=True)


def _evidence_apply(qs) -> int:
    n = 0
    for evidence in qs.only("pk", "file", "preview"):
        names = [f.name for f in (evidence.file, evidence.preview) if f]
        DestroyedEvidence.objects.create(evidence=evidence, data_class=DataClass.UNREGISTERED_EVIDENCE)
        if evidence.preview:
            Evidence.objects.filter(pk=evidence.pk).update(preview="")  # the one column the trigger lets change
        transaction.on_commit(lambda names=names: [default_storage.delete(name) for name in names])
        n += 1
    return n


def _posts_due(cutoff):
    Post, Verdict = apps.get_model("screening", "Post"), apps.get_model("screening", "Verdict")
    latest = Verdict.objects.filter(post=OuterRef("pk")).order_by("-decided_at", "-id")
    return (Post.objects.annotate(last_decision=Subquery(latest.values("decision")[:1]),
                                  last_decided=Subquery(latest.values("decided_at")[:1]))
            .filter(last_decision="dismiss", last_decided__lt=cutoff).exclude(text="", ocr_text="", image=""))


def _posts_apply(qs) -> int:
    Post = apps.get_model("screening", "Post")
    ids, images = [], []
    for post in qs.only("pk", "image"):
        ids.append(post.pk)
        if post.image:
            images.append(post.image.name)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in images])
    return Post.objects.filter(pk__in=ids).update(text="", ocr_text="", ocr={}, image="", media_ref="")


def _closed_due(cutoff):
    return Reporter.objects.filter(report__case__status__in=CaseStatus.closed(),
                                   report__case__closed_at__lt=cutoff).exclude(name=ANONYMISED)


def _closed_apply(qs) -> int:
    ids = list(qs.values_list("report_id", flat=True))
    return anonymise_reporters(ids)


def anonymise_reporters(report_ids) -> int:
    """Remove reporters' identities (name, address, contact) and the submission's network data; the reports,
    their events and the letters already issued stay."""
    Report.objects.filter(pk__in=report_ids).update(submitted_ip=None, submitted_user_agent="")
    return Reporter.objects.filter(report_id__in=report_ids).update(name=ANONYMISED, address="", phone="", email="")


def _access_due(cutoff):
    return AccessRecord.objects.filter(at__lt=cutoff)


def _access_apply(qs) -> int:
    return qs.delete()[0]


HANDLERS = {
    DataClass.REPORTER_CONTACT: Handler(_contact_due, _contact_apply),
    DataClass.ANONYMOUS_MESSAGES: Handler(_messages_due, _messages_apply),
    DataClass.UNREGISTERED_EVIDENCE: Handler(_evidence_due, _evidence_apply),
    DataClass.DISMISSED_POSTS: Handler(_posts_due, _posts_apply),
    DataClass.CLOSED_CASE_PERSONAL: Handler(_closed_due, _closed_apply),
    DataClass.ACCESS_RECORDS: Handler(_access_due, _access_apply),
}


def _cutoff(rule: RetentionRule, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=rule.period_days)


def retention_plan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What the schedule would remove now: a count per class of data (classes without a rule row are skipped)."""
    now = now or timezone.now()
    return {rule.data_class: HANDLERS[rule.data_class].candidates(_cutoff(rule, now)).count()
            for rule in RetentionRule.objects.all() if rule.data_class in HANDLERS}


def retention_apply(*, actor=None, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply the schedule in one transaction and record one audit event with the counts."""
    now = now or timezone.now()
    counts = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('kasn.retention', 'on', true)")
        for rule in RetentionRule.objects.select_for_update().all():
            if rule.data_class in HANDLERS:
                handler = HANDLERS[rule.data_class]
                counts[rule.data_class] = handler.apply(handler.candidates(_cutoff(rule, now)))
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('kasn.retention', 'off', true)")
        privacy_event(code="privacy.retention.applied", actor=actor, payload={
            "counts": counts, "at": now.isoformat(),
            "rules": {r.data_class: [r.period_days, r.action] for r in RetentionRule.objects.all()}})
    return counts
