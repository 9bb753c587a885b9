"""Batch printing: a real Celery worker merges N issued letters into one PDF with progress to 100 %, a damaged
letter is reported while the rest print, cancel stops it; the page and the management command do the same."""
import io
import os
import subprocess
import sys
import time
import urllib.parse
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.conftest import reset_celery_connections
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from cases.letters import batch as B
from cases.letters.issue import letter_issue
from cases.models import Agency, CaseStatus, Letter
from kasn_cases.celery import app as celery_app
from tests.workflow_support import build_case, make_users

ROOT = Path(__file__).resolve().parents[1]


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def issue_letters(n, users, kind="RECOMMENDATION"):
    bkn = Agency.objects.get(code="BKN")
    out = []
    for _ in range(n):
        case = build_case(CaseStatus.AWAITING_FOLLOW_UP, users)
        out.append(letter_issue(actor=users["approver"], kind=kind, agency=bkn, case=case,
                                tracks=list(case.tracks.select_related("respondent", "agency"))))
    return out


def damage(letter):
    """Change the stored bytes behind the letter's back (disk fault, manual edit): its hash no longer matches."""
    Letter.objects.filter(pk=letter.pk).update(pdf=bytes(letter.pdf)[:-200] + b"broken")


# --- the batch itself (in-process) ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_merged_pdf_has_every_page_and_a_damaged_letter_is_reported():
    users = make_users("bb")
    letters = issue_letters(4, users)
    damage(letters[1])
    seen = []
    result = B.batch_build([lt.pk for lt in letters], "pdf", progress=lambda d, t: seen.append((d, t)))
    expected = sum(pages(bytes(lt.pdf)) for i, lt in enumerate(letters) if i != 1)
    assert result.printed == 3 and pages(result.content) == expected == result.pages
    assert [f["number"] for f in result.failures] == [letters[1].number]
    assert "SHA-256" in result.failures[0]["error"]
    assert seen[-1] == (4, 4)


@pytest.mark.django_db
def test_zip_holds_one_pdf_per_letter_with_the_same_bytes():
    users = make_users("bz")
    letters = issue_letters(2, users)
    result = B.batch_build([lt.pk for lt in letters], "zip")
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        stored = {name: archive.read(name) for name in archive.namelist()}
    assert sorted(stored.values()) == sorted(bytes(lt.pdf) for lt in letters)


@pytest.mark.django_db
def test_cancel_stops_the_batch():
    users = make_users("bc")
    letters = issue_letters(3, users)
    result = B.batch_build([lt.pk for lt in letters], "pdf", cancelled=lambda: True)
    assert result.cancelled and result.printed == 0


# --- management command ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_print_letters_command_prints_a_day_of_recommendations(tmp_path, capsys):
    users = make_users("bm")
    letters = issue_letters(3, users)
    issue_letters(1, users, kind="REMINDER")
    out = tmp_path / "rekomendasi.pdf"
    day = letters[0].issued_at.astimezone().date().isoformat()
    call_command("print_letters", kind="RECOMMENDATION", date=day, out=str(out))
    assert pages(out.read_bytes()) == sum(pages(bytes(lt.pdf)) for lt in letters)
    captured = capsys.readouterr()
    assert "3 surat" in captured.out and "100%" in captured.err  # tqdm's bar reached the end
    with pytest.raises(CommandError, match="TTTT-BB-HH"):
        call_command("print_letters", date="24-11-2026", out=str(out))
    with pytest.raises(CommandError, match="Tidak ada surat"):
        call_command("print_letters", kind="PRESIDENT_REPORT", out=str(out))


# --- the page -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_batch_form_bad_input_and_scope(client, bawaslu_officer, bawaslu_other_regency):
    users = make_users("bf")
    issue_letters(2, users)
    client.force_login(bawaslu_officer)
    page = client.get(reverse("letters:batch"), {"kind": "RECOMMENDATION"})
    assert page.status_code == 200 and "<strong>2</strong>" in page.content.decode()
    bad = client.post(reverse("letters:batch"), {"kind": "SURAT_CINTA", "day": "kemarin", "case_ids": "1,x"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "Jenis surat tidak dikenal" in body and "TTTT-BB-HH" in body and "harus angka" in body
    client.force_login(bawaslu_other_regency)  # another regency sees none of these cases
    none = client.post(reverse("letters:batch"), {"kind": "RECOMMENDATION", "format": "pdf"})
    assert none.status_code == 400 and "Tidak ada surat" in none.content.decode()


@pytest.mark.django_db
def test_someone_elses_batch_is_404(client, bawaslu_officer, bawaslu_other_regency):
    B._save_state("abc123", owner=bawaslu_officer.pk, state="done", format="pdf", file="x")
    client.force_login(bawaslu_other_regency)
    for name in ("batch_progress", "batch_status", "batch_download"):
        assert client.get(reverse(f"letters:{name}", args=["abc123"])).status_code == 404


# --- a real worker --------------------------------------------------------------------------------------------

def _database_url() -> str:
    d = connection.settings_dict
    host = d.get("OPTIONS", {}).get("host")
    netloc = f"{urllib.parse.quote(d['USER'])}:{urllib.parse.quote(d['PASSWORD'] or '')}@{d['HOST'] or ''}"
    netloc += f":{d['PORT']}" if d["PORT"] else ""
    return f"postgresql://{netloc}/{d['NAME']}" + (f"?host={host}" if host else "")


@pytest.fixture
def celery_worker_process(redis_client, transactional_db):
    """`celery -A kasn_cases worker -P solo` against this test database, on a queue of its own (so another
    worker on the shared Redis never takes our tasks)."""
    queue = f"letters-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL,
           "DJANGO_SETTINGS_MODULE": "kasn_cases.settings", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "kasn_cases", "worker", "-P", "solo", "-Q", queue,
                             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    reset_celery_connections()
    try:
        yield proc
    finally:
        celery_app.conf.task_default_queue = previous
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_until_finished(client, batch_id, proc, limit=180):
    url = reverse("letters:batch_status", args=[batch_id])
    seen, deadline = [], time.monotonic() + limit  # a guard against a hung worker, not a timing assertion
    while time.monotonic() < deadline:
        state = client.get(url).json()
        seen.append(state["percent"])
        if state["state"] in ("done", "failed", "cancelled"):
            return state, seen
        assert proc.poll() is None, proc.stdout.read().decode()[-3000:]
        time.sleep(0.3)
    raise AssertionError(f"worker did not finish: {state}")


@pytest.mark.django_db(transaction=True)
def test_real_worker_prints_a_merged_pdf_and_reports_the_damaged_letter(client, celery_worker_process):
    users = make_users("bw")
    letters = issue_letters(6, users)
    damage(letters[2])
    client.force_login(users["approver"])
    response = client.post(reverse("letters:batch"), {"kind": "RECOMMENDATION", "format": "pdf"})
    assert response.status_code == 302
    batch_id = response["Location"].rstrip("/").split("/")[-1]
    progress = client.get(response["Location"])
    assert progress.status_code == 200 and "batch-bar" in progress.content.decode()

    state, seen = _wait_until_finished(client, batch_id, celery_worker_process)
    assert state["state"] == "done" and state["percent"] == 100 and state["done"] == state["total"] == 6
    assert state["printed"] == 5
    assert [f["number"] for f in state["failures"]] == [letters[2].number]
    assert seen == sorted(seen)  # progress only moves forward
    download = client.get(state["download_url"])
    merged = b"".join(download.streaming_content)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert pages(merged) == sum(pages(bytes(lt.pdf)) for i, lt in enumerate(letters) if i != 2)
    text = subprocess.run(["pdftotext", "-", "-"], input=merged, capture_output=True, check=True).stdout.decode()
    assert all(lt.number in text for i, lt in enumerate(letters) if i != 2)
    assert letters[2].number not in text
    from django.core.files.storage import default_storage

    default_storage.delete(B.batch_state(batch_id)["file"])  # private storage is shared with `make run`


@pytest.mark.django_db
def test_cancelling_a_queued_batch_prints_nothing(client):
    users = make_users("bx")
    letters = issue_letters(2, users)
    client.force_login(users["approver"])
    response = client.post(reverse("letters:batch"), {"format": "zip", "case_ids": ",".join(str(lt.case_id) for lt in letters)})
    batch_id = response["Location"].rstrip("/").split("/")[-1]
    cancel = client.post(reverse("letters:batch_cancel", args=[batch_id]), HTTP_ACCEPT="application/json")
    assert cancel.json() == {"cancelled": True}
    state = B.batch_run(batch_id, [lt.pk for lt in letters], "zip")  # what the worker does when it gets the task
    assert state["state"] == "cancelled" and not state.get("file")
    status = client.get(reverse("letters:batch_status", args=[batch_id])).json()
    assert status["state"] == "cancelled" and status["download_url"] is None
    assert client.get(reverse("letters:batch_download", args=[batch_id])).status_code == 409


@pytest.mark.django_db
def test_queue_filters_choose_the_cases_to_print(client, bawaslu_officer):
    """#25.6: the queue links its own filters to batch printing, which names them in words (no internal ids asked)."""
    users = make_users("bq")
    issue_letters(2, users)
    client.force_login(bawaslu_officer)
    status = CaseStatus.AWAITING_FOLLOW_UP
    queue = client.get(reverse("cases:queue"), {"status": status}).content.decode()
    assert f'href="{reverse("letters:batch")}?status={status}"' in queue
    page = client.get(reverse("letters:batch"), {"status": status}).content.decode()
    assert f"Status: {status.label}" in page and 'name="case_ids"' not in page
    assert f'<input type="hidden" name="status" value="{status}">' in page
    assert f'href="{reverse("cases:queue")}?status={status}"' in page
    assert "<strong>2</strong>" in page, page[page.find("role=\"alert\""):][:400]
    none = client.get(reverse("letters:batch"), {"status": CaseStatus.CLOSED_OTHER}).content.decode()
    assert "<strong>0</strong>" in none


@pytest.mark.django_db
def test_every_value_of_a_repeated_queue_filter_is_kept_so_what_is_printed_is_what_was_counted(client, bawaslu_officer):
    """status=a&status=b: the page counts the letters of both statuses, names both, carries both in its hidden
    fields and its link back to the queue, and the batch it starts holds the letters it counted (it printed only
    the last status's letters, while the page counted both)."""
    users = make_users("bm")
    waiting, late = issue_letters(2, users)
    Case = type(late.case)
    Case.objects.filter(pk=late.case_id).update(status=CaseStatus.OVERDUE)
    client.force_login(bawaslu_officer)
    query = {"status": [CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.OVERDUE], "sort": "due"}
    page = client.get(reverse("letters:batch"), query).content.decode()
    assert "<strong>2</strong>" in page
    for status in (CaseStatus.AWAITING_FOLLOW_UP, CaseStatus.OVERDUE):
        assert f"Status: {status.label}" in page
        assert f'<input type="hidden" name="status" value="{status}">' in page
    back = page.split(f'href="{reverse("cases:queue")}?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert sorted(urllib.parse.parse_qs(back)["status"]) == sorted(query["status"])
    started = client.post(reverse("letters:batch"), {**query, "format": "pdf"})
    assert started.status_code == 302
    batch_id = started["Location"].rstrip("/").rsplit("/", 1)[1]
    assert B.batch_state(batch_id)["total"] == 2
