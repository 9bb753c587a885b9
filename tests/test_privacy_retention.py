"""The retention schedule as data (issue #26 point 3): one RetentionRule row per class of personal data; the dry run
counts what is past its period per class, the real run removes it in one transaction, records one audit event
with the counts, and keeps events, numbers and hashes. Real rows; the clock is moved past each period."""
import datetime as dt
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessRecord, CaseStatus
from cases.services import access_record
from reports import messaging
from reports.models import Evidence, Report, ReportEvent, ReportMessage, ReportStatus
from reports.privacy.models import DestroyedEvidence, PrivacyEvent, RetentionRule
from reports.privacy.retention import ANONYMISED, REDACTED, retention_apply, retention_plan
from reports.privacy.tasks import retention_apply_task
from reports.screening.models import Post, Verdict
from tests.test_evidence import post_files, upload
from tests.test_intake_support import fill_steps, intake_settings, png_bytes, public_report, submit
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]
CLASSES = ["reporter_contact", "anonymous_messages", "unregistered_evidence", "dismissed_posts",
           "closed_case_personal", "access_records"]
# What the world below holds per class once every period has passed.
EXPECTED = {"reporter_contact": 2, "anonymous_messages": 1, "unregistered_evidence": 1, "dismissed_posts": 1,
            "closed_case_personal": 1, "access_records": 1}


@pytest.fixture
def world(intake_settings, bawaslu_officer):
    """A named report not registrable with a photo; an anonymous report with a message from its reporter; a
    confidential report in a closed case; a dismissed screening post; one access record."""
    client = Client()
    fill_steps(client, anonymity="named")
    post_files(client, upload("foto.png", png_bytes((30, 20)), "image/png"))
    assert submit(client).status_code == 302
    named = Report.objects.get()
    Report.objects.filter(pk=named.pk).update(status=ReportStatus.NOT_REGISTRABLE)
    anonymous, _pin = public_report(Client(), anonymity="anonymous")
    messaging.message_from_reporter(report=anonymous, body="Saya melihat kepala dinas di acara kampanye.")
    confidential, _pin = public_report(Client(), anonymity="confidential")
    case = build_case(CaseStatus.CLOSED_SANCTIONED, make_users("ret"))
    case.closed_at = timezone.now()
    case.save(update_fields=["closed_at"])
    Report.objects.filter(pk=confidential.pk).update(case=case, status=ReportStatus.REGISTERED)
    post = Post.objects.create(platform="x", post_id="991", account_handle="asn_uji", text="Ayo pilih nomor 2!",
                               sha256=hashlib.sha256(b"Ayo pilih nomor 2!").hexdigest())
    Verdict.objects.create(post=post, reviewer=bawaslu_officer, decision="dismiss", label="neutral")
    access_record(actor=bawaslu_officer, kind="reporter.identity", object_id=named.pk, label=named.tracking_code)
    return {"named": named, "anonymous": anonymous, "confidential": confidential, "case": case, "post": post,
            "evidence": named.evidence.get()}


def test_the_schedule_is_a_row_per_class_with_basis_and_action():
    rules = {r.data_class: r for r in RetentionRule.objects.all()}
    assert sorted(rules) == sorted(CLASSES)
    for rule in rules.values():
        assert rule.period_days > 0 and rule.action in ("anonymise", "delete") and rule.legal_basis
        assert rule.certainty == "UNCONFIRMED"  # no archive schedule (JRA) read yet: editable data


def test_each_class_waits_for_its_own_period(world):
    base = timezone.now()
    for rule in RetentionRule.objects.all():
        before = retention_plan(now=base + dt.timedelta(days=rule.period_days - 1))[rule.data_class]
        after = retention_plan(now=base + dt.timedelta(days=rule.period_days + 1))[rule.data_class]
        assert (before, after) == (0, EXPECTED[rule.data_class]), rule.data_class
    # An administrator shortens a period: the next plan follows the row.
    RetentionRule.objects.filter(data_class="dismissed_posts").update(period_days=10)
    assert retention_plan(now=base + dt.timedelta(days=11))["dismissed_posts"] == 1


def test_the_real_run_removes_what_is_due_and_keeps_events_numbers_and_hashes(
        world, bawaslu_officer, django_capture_on_commit_callbacks):
    evidence, named, case = world["evidence"], world["named"], world["case"]
    events_before = ReportEvent.objects.count() + case.events.count()
    assert default_storage.exists(evidence.file.name)
    later = timezone.now() + dt.timedelta(days=2000)
    assert retention_plan(now=later) == EXPECTED
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention_apply(now=later)
    assert counts == EXPECTED
    named.reporter.refresh_from_db()
    assert (named.reporter.name, named.reporter.phone, named.reporter.email) == ("Siti Rahmawati", "", "")
    world["confidential"].reporter.refresh_from_db()
    assert world["confidential"].reporter.name == ANONYMISED and world["confidential"].reporter.address == ""
    message = ReportMessage.objects.get(report=world["anonymous"])
    assert message.body == REDACTED and message.direction == "from_reporter"
    kept = Evidence.objects.get(pk=evidence.pk)
    assert (kept.sha256, kept.original_name, kept.size) == (evidence.sha256, evidence.original_name, evidence.size)
    assert not default_storage.exists(evidence.file.name) and DestroyedEvidence.objects.filter(evidence=kept).exists()
    post = Post.objects.get(pk=world["post"].pk)
    assert (post.text, post.sha256, post.verdicts.count()) == ("", world["post"].sha256, 1)
    assert not AccessRecord.objects.exists()
    assert ReportEvent.objects.count() + case.events.count() == events_before
    [event] = PrivacyEvent.objects.all()
    assert (event.code, event.payload["counts"]) == ("privacy.retention.applied", EXPECTED)
    # Opening the destroyed original says so (410), in the officer's language; nothing to stream.
    client = Client()
    client.force_login(bawaslu_officer)
    gone = client.get(reverse("reports:evidence_download", args=[evidence.pk]))
    assert gone.status_code == 410 and "dimusnahkan sesuai jadwal retensi" in gone.content.decode()
    # A second run finds nothing left.
    assert set(retention_apply(now=later).values()) == {0}


def test_the_daily_task_applies_the_schedule_now(world):
    counts = retention_apply_task.apply().get()
    assert counts == dict.fromkeys(CLASSES, 0)  # nothing is old yet
    assert PrivacyEvent.objects.get().payload["counts"] == counts


def test_command_dry_run_counts_per_class_and_changes_nothing(world, capsys):
    later = (timezone.localtime() + dt.timedelta(days=2000)).strftime("%Y-%m-%dT%H:%M")
    call_command("retention_apply", "--dry-run", "--now", later)
    out = capsys.readouterr().out
    assert "Uji coba (tidak ada yang diubah)" in out
    for data_class, n in EXPECTED.items():
        assert f"{data_class:24} {n:6d}" in out
    assert AccessRecord.objects.count() == 1 and not PrivacyEvent.objects.exists()
    with pytest.raises(CommandError, match="--now: «besok» bukan tanggal/jam ISO 8601"):
        call_command("retention_apply", "--dry-run", "--now", "besok")


def test_outside_a_retention_run_the_database_still_refuses(world):
    message = ReportMessage.objects.get(report=world["anonymous"])
    from reports.privacy.services import privacy_event

    privacy_event(code="privacy.test")
    statements = [("UPDATE reports_reportmessage SET body = 'x' WHERE id = %s", [message.pk]),
                  ("DELETE FROM cases_accessrecord", []),
                  ("DELETE FROM privacy_privacyevent", [])]
    for sql, params in statements:
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    # Inside a retention transaction, only the body of a message may change.
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('kasn.retention', 'on', true)")
        cursor.execute("UPDATE reports_reportmessage SET direction = 'to_reporter' WHERE id = %s", [message.pk])
