"""Reliability suite (issue 11): the database dropped during a request (clean 503, nothing half-written), upload
fuzzing (polyglots, broken PDFs, huge images; never served inline), Hypothesis on NIP parsing and deadline math.
Run with -s to read the fault counts."""
import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from PIL import Image

from cases.deadlines import WorkCalendar
from cases.models import Case, CaseStatus, DayUnit
from cases.nip import parse_nip
from reports.evidence import EvidenceRejected, check_upload
from reports.models import Report
from tests.conftest import restore_reference
from tests.test_intake_support import PDF_BYTES, fill_steps, intake_settings, png_bytes, submit
from tests.workflow_support import build_case, make_users

__all__ = ["intake_settings"]
S = CaseStatus
FAULTS = []


@pytest.fixture(scope="module", autouse=True)
def _fault_count():
    yield
    print(f"\nGangguan disuntikkan: {len(FAULTS)} ({', '.join(FAULTS)})")


# --- database dropped -------------------------------------------------------------------------------------------

@pytest.fixture
def dead_database():
    """Point the default connection at a server that does not exist; restore it afterwards."""
    conn = connections["default"]
    saved = dict(conn.settings_dict)

    def kill():
        conn.close()
        conn.settings_dict["HOST"] = "/nonexistent-pg-socket-dir"
        conn.settings_dict["PORT"] = "1"

    yield kill
    conn.close()
    conn.settings_dict.clear()
    conn.settings_dict.update(saved)
    conn.ensure_connection()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path,is_api", [("/cases/", False), ("/lacak/", False), ("/api/v1/cases/", True),
                                         ("/cases/1/", False)])
def test_unreachable_database_answers_503_in_indonesian(dead_database, path, is_api):
    restore_reference()
    u = make_users("db")
    client = Client(raise_request_exception=False)
    client.force_login(u["analyst"])
    dead_database()
    FAULTS.append(f"db-unreachable {path}")
    response = client.get(path, HTTP_ACCEPT="application/json" if is_api else "text/html")
    assert response.status_code == 503, response.content[:500]
    assert response["Retry-After"] == "30"
    if is_api:
        body = response.json()
        assert body["code"] == "service_unavailable" and "Basis data" in body["message"]
    else:
        html = response.content.decode()
        assert "Layanan sementara tidak tersedia" in html and "tidak ada data yang berubah" in html
        assert "Traceback" not in html and "OperationalError" not in html


def _terminate_on_first_write(model, main_pid):
    """A test hook: right after the first row of `model` is written, another connection kills the backend of
    the request's connection, so the next statement of the same transaction finds the database gone."""
    fired = []

    def receiver(sender, instance, **kwargs):
        if fired:
            return
        fired.append(instance.pk)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(%s)", [main_pid])
        finally:
            other.close()

    post_save.connect(receiver, sender=model, weak=False)
    return receiver, fired


def _state(pk):
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cur:
            cur.execute("SELECT status, next_due FROM cases_case WHERE id = %s", [pk])
            status, next_due = cur.fetchone()
            cur.execute("SELECT count(*) FROM cases_caseevent WHERE case_id = %s", [pk])
            return status, next_due, cur.fetchone()[0]
    finally:
        fresh.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("via", ["html", "api"])
def test_connection_killed_mid_transition_leaves_nothing_half_written(via):
    restore_reference()
    u = make_users("kill")
    case = build_case(S.UNDER_EXAMINATION, u)
    case.bawaslu_owner = u["bawaslu"]
    case.save()
    before = _state(case.pk)
    client = Client(raise_request_exception=False)
    client.force_login(u["bawaslu"])
    client.get(f"/cases/{case.pk}/")  # the request's connection is open; learn its backend
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    receiver, fired = _terminate_on_first_write(Case, pid)
    try:
        if via == "html":
            response = client.post(f"/cases/{case.pk}/act/", {"action": "forward", "forward-conclusion": "Terbukti mengajak"})
        else:
            response = client.post(f"/api/v1/cases/{case.pk}/actions/forward/", {"conclusion": "Terbukti mengajak"},
                                   content_type="application/json")
    finally:
        post_save.disconnect(receiver, sender=Case)
        connection.close()
    FAULTS.append(f"pg_terminate_backend mid-forward ({via})")
    assert fired, "the transition never wrote the case row"
    assert response.status_code == 503
    assert _state(case.pk) == before  # status, next_due and events all as before: the transaction died whole
    # and the application recovers by itself on the next request
    again = client.post(f"/cases/{case.pk}/act/", {"action": "forward", "forward-conclusion": "Terbukti mengajak"})
    assert again.status_code == 302
    status, _due, events = _state(case.pk)
    assert status == S.FORWARDED and events > before[2]


# --- upload fuzzing -------------------------------------------------------------------------------------------

def gif_js_polyglot() -> bytes:
    """Valid GIF header whose bytes also parse as JavaScript / HTML."""
    return (b"GIF89a/*\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00"
            b"\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;*/=1;alert(document.domain);"
            b"<script>alert(1)</script><html><body onload=alert(1)>")


def pdf_with_javascript() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"3 0 obj<</S/JavaScript/JS(app.alert\\('x'\\))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def jpeg_with_zip() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 10)).save(image, "JPEG")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>")
    return image.getvalue() + archive.getvalue()


def huge_png() -> bytes:
    """A real, valid 1-bit PNG of 12000 x 12000 = 144 Mpx that compresses to a few kilobytes."""
    out = io.BytesIO()
    Image.new("1", (12000, 12000), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


def html_as_jpeg() -> bytes:
    return b"<!doctype html><script>alert(document.cookie)</script>"


def svg_script() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


FUZZ = [  # name, bytes, may it be stored?
    ("gif-js.gif", gif_js_polyglot, True),
    ("pdf-js.pdf", pdf_with_javascript, True),
    ("foto-zip.jpg", jpeg_with_zip, True),
    ("raksasa.png", huge_png, False),
    ("terpotong.pdf", lambda: PDF_BYTES[:20], True),
    ("halaman.jpg", html_as_jpeg, False),
    ("gambar.svg", svg_script, False),
    ("terpotong.gif", lambda: gif_js_polyglot()[:12], False),
]


def test_fuzzed_uploads_are_refused_with_a_message_or_stored_and_served_as_attachment(
        db, client, intake_settings, bawaslu_officer):
    fill_steps(client)
    accepted = []
    for name, make, may_store in FUZZ:
        data = make()
        upload = SimpleUploadedFile(name, data, content_type="text/html")  # the browser's claim is not trusted
        try:
            kind = check_upload(upload)
        except EvidenceRejected as exc:
            assert f"«{name}»" in str(exc), name
            assert not may_store or name.startswith("terpotong"), (name, str(exc))
            continue
        assert may_store, f"{name} was accepted as {kind}"
        assert kind in ("image/gif", "image/jpeg", "application/pdf"), (name, kind)
        accepted.append((name, data))
    response = client.post(reverse("reports:step", args=[4]), {
        "action": "upload", "confirm": "on", "form_token": client.session["report_draft"]["token"],
        "evidence": [SimpleUploadedFile(n, d, content_type="text/html") for n, d in accepted]})
    assert response.status_code in (200, 302), response.content.decode()[:1000]
    assert submit(client).status_code == 302
    report = Report.objects.get()
    stored = {e.original_name: e for e in report.evidence.all()}
    assert set(stored) == {n for n, _d in accepted}
    officer = Client()
    officer.force_login(bawaslu_officer)
    for name, data in accepted:
        evidence = stored[name]
        assert evidence.sha256 == hashlib.sha256(data).hexdigest()
        assert not evidence.file.name.endswith((".html", ".svg", ".js"))
        response = officer.get(reverse("reports:evidence_download", args=[evidence.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment"), name
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] in ("image/gif", "image/jpeg", "application/pdf"), response["Content-Type"]
        assert b"".join(response.streaming_content) == data  # the original, untouched
        if evidence.preview:
            preview = officer.get(reverse("reports:evidence_preview", args=[evidence.pk]))
            content = b"".join(preview.streaming_content)
            assert preview["Content-Type"] == "image/jpeg" and content.startswith(b"\xff\xd8")
            assert b"<script" not in content and b"PK\x03\x04" not in content  # re-encoded: the payload is gone
    FAULTS.extend(f"upload {n}" for n, _m, _s in FUZZ)


def test_upload_file_name_cannot_inject_headers_or_html(db, client, intake_settings, bawaslu_officer):
    fill_steps(client)
    name = 'a"\r\nSet-Cookie: x=1;<script>.png'
    client.post(reverse("reports:step", args=[4]), {
        "action": "upload", "confirm": "on", "form_token": client.session["report_draft"]["token"],
        "evidence": [SimpleUploadedFile(name, png_bytes(), content_type="image/png")]})
    page = client.get(reverse("reports:step", args=[4])).content.decode()
    assert "<script>.png" not in page
    assert submit(client).status_code == 302
    evidence = Report.objects.get().evidence.get()
    officer = Client()
    officer.force_login(bawaslu_officer)
    response = officer.get(reverse("reports:evidence_download", args=[evidence.pk]))
    assert "\n" not in response["Content-Disposition"] and "\r" not in response["Content-Disposition"]
    assert "Set-Cookie" not in response.cookies and "x" not in response.cookies
    detail = officer.get(reverse("reports:intake_detail", args=[evidence.report_id])).content.decode()
    assert "<script>.png" not in detail


def test_decree_upload_refuses_disguised_files(db, client):
    u = make_users("sk")
    case = build_case(S.AWAITING_FOLLOW_UP, u)
    client.force_login(u["ppk"])
    for name, data in (("sk.pdf", b"<html><script>alert(1)</script>"), ("sk.pdf", jpeg_with_zip())):
        p = "record_sanction-"
        response = client.post(f"/cases/{case.pk}/act/", {
            "action": "record_sanction", p + "track": case.tracks.get().pk, p + "sanction_type": "PP94_MOD_TUKIN25_6M",
            p + "decree_number": "800/1/2024", p + "decree_date": dt.date.today().isoformat(), p + "signer_name": "Sekda",
            p + "document": SimpleUploadedFile(name, data, content_type="application/pdf")})
        assert response.status_code == 400 and "Berkas SK harus PDF" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == S.AWAITING_FOLLOW_UP


# --- Hypothesis: NIP --------------------------------------------------------------------------------------------

@st.composite
def valid_nips(draw):
    birth = draw(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2004, 12, 31)))
    year = draw(st.integers(min_value=max(birth.year + 18, 1970), max_value=min(birth.year + 40, dt.date.today().year)))
    month = draw(st.sampled_from([f"{m:02d}" for m in range(1, 13)] + ["21"]))
    sex = draw(st.sampled_from("12"))
    seq = draw(st.integers(min_value=1, max_value=999))
    return f"{birth:%Y%m%d}{year}{month}{sex}{seq:03d}"


@hsettings(max_examples=300, deadline=None)
@given(valid_nips(), st.sampled_from(["plain", "spaces", "dots", "dashes"]))
def test_valid_nips_parse_and_round_trip_their_display(nip, style):
    written = {"plain": nip, "spaces": f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}",
               "dots": f"{nip[:8]}.{nip[8:14]}.{nip[14]}.{nip[15:]}", "dashes": f"{nip[:8]}-{nip[8:14]}-{nip[14:]}"}[style]
    parsed = parse_nip(written)
    assert parsed.nip == nip
    assert parse_nip(parsed.display).nip == nip and parsed.display.replace(" ", "") == nip
    assert parsed.birth_date == dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    assert parsed.sex == nip[14] and parsed.sequence == nip[15:] and parsed.pppk_pattern == (nip[12:14] == "21")


@hsettings(max_examples=1500, deadline=None)
@given(st.text(alphabet="0123456789", min_size=18, max_size=18))
def test_any_18_digit_string_parses_or_is_refused_with_a_code(raw):
    try:
        parsed = parse_nip(raw)
    except ValidationError as exc:
        assert exc.code and exc.code.startswith("nip_") and exc.messages and exc.messages[0]
    else:
        assert parsed.nip == raw


@hsettings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_never_raises_anything_but_validation_error(raw):
    try:
        parse_nip(raw)
    except ValidationError as exc:
        assert exc.code


# --- Hypothesis: working days and clocks ----------------------------------------------------------------------

HOLIDAYS = st.frozensets(st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2026, 12, 31)), max_size=60)
DAYS = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2025, 12, 31))


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOLIDAYS, DAYS, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=30))
def test_working_day_math(holidays, start, length, more):
    cal = WorkCalendar(holidays)
    due = cal.add_days(start, length, DayUnit.WORKING)
    later = cal.add_days(start, length + more, DayUnit.WORKING)
    assert later >= due  # monotonic in the length
    assert (later > due) == (more > 0)
    if length:
        assert due > start and cal.is_working(due)
        assert due.weekday() < 5 and due not in holidays  # never a weekend or holiday
        assert cal.working_days_between(start, due) == length  # exactly `length` working days counted
    else:
        assert due == start
    assert cal.working_days_between(due, start) == -cal.working_days_between(start, due)
    assert cal.add_days(start, length, DayUnit.CALENDAR) == start + dt.timedelta(days=length)


@hsettings(max_examples=200, deadline=None)
@given(HOLIDAYS, DAYS, DAYS, st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=20))
def test_add_days_is_monotonic_in_the_start(holidays, a, b, length, _pad):
    cal = WorkCalendar(holidays)
    lo, hi = min(a, b), max(a, b)
    assert cal.add_days(lo, length, DayUnit.WORKING) <= cal.add_days(hi, length, DayUnit.WORKING)


@hsettings(max_examples=200, deadline=None)
@given(HOLIDAYS, DAYS, st.integers(min_value=1, max_value=20), st.integers(min_value=0, max_value=15),
       st.integers(min_value=0, max_value=25))
def test_a_pause_extends_the_due_date_by_the_working_days_paused(holidays, start, length, pause_at, pause_len):
    """What clock_resume does: paused_days += working days in (paused_on, resumed_on]; due = start + length + paused."""
    cal = WorkCalendar(holidays)
    due = cal.add_days(start, length, DayUnit.WORKING)
    paused_on = start + dt.timedelta(days=pause_at)
    resumed_on = paused_on + dt.timedelta(days=pause_len)
    paused = max(0, cal.days_between(paused_on, resumed_on, DayUnit.WORKING))
    new_due = cal.add_days(start, length + paused, DayUnit.WORKING)
    assert new_due >= due and cal.working_days_between(due, new_due) == paused
    assert cal.is_working(new_due)


def test_pause_and_resume_on_a_real_clock_moves_due_by_working_days(db):
    """The property above, once through the real services and database calendar."""
    from cases import deadlines

    u = make_users("clk")
    case = build_case(S.UNDER_REVIEW, u, on=dt.date(2024, 10, 7))
    clock = case.clocks.get(code="SUPERVISOR_EXAM")
    due_before = clock.due_on
    deadlines.clock_pause(case, "SUPERVISOR_EXAM", on=dt.date(2024, 10, 10))  # Thursday
    deadlines.clock_resume(case, "SUPERVISOR_EXAM", on=dt.date(2024, 10, 15))  # next Tuesday: Fri, Mon, Tue
    clock.refresh_from_db()
    assert clock.paused_days == deadlines.working_days_between(dt.date(2024, 10, 10), dt.date(2024, 10, 15)) == 3
    assert deadlines.working_days_between(due_before, clock.due_on) == 3
    assert deadlines.calendar().is_working(clock.due_on)
