"""Demo stories: a few cases taken through the real actions on past dates, so every screen has work on first use.

The bulk demo (cases.demo.generate) writes rows by COPY: statuses and clocks, but no letters, notifications,
messages or block requests. These stories replay what officers do (the same workflow and intake services the pages
call, at the dates the story gives, with time_machine), so the letters, notifications, reporter messages, waiting
block requests and overdue clocks they leave are the ones the system itself makes:

- a reporter conversation in Cilacap, opened with the tracking code and PIN below (README, run banner);
- a PPK that did not act: reminder, then a block request waiting on BKN's desk;
- two blocked respondents whose PPKs are escalated: one regional (Kemendagri's desk), one central (KemenPAN-RB's);
- notes mentioning the officers whose desks are otherwise quiet (province and national Bawaslu, auditor, admin).

Idempotent: nothing is added when the demo report's tracking code exists.
"""
import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from django.utils import timezone

from cases.models import Agency, AgencyKind, ElectionPeriod, Region, User
from cases.tasks import sweep_deadlines
from cases.workflow import case_open, perform
from cases.workspace import note_add
from reports import messaging, services
from reports.models import Anonymity, Report

DEMO_TRACKING_CODE = "NETRAS2468"  # shown as NETRA-S2468
DEMO_PIN = "24682468"
WIB = ZoneInfo("Asia/Jakarta")
ELECTION = "pilkada-2024"


def _at(day: dt.date, hour=10, minute=0):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB), tick=True)


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=[
        "bawaslu.cilacap", "analis.bkn", "penyetuju.bkn", "ppk.cilacap", "bkn.data", "kemenpanrb", "kemendagri"])}


def _stage(election):
    return election.stages.filter(slug="campaign").first()


def load_stories(today: dt.date | None = None) -> bool:
    """Add the stories once; False when they are already there."""
    if Report.objects.filter(tracking_code=DEMO_TRACKING_CODE).exists():
        return False
    today = today or timezone.localdate()
    u = _users()
    regional = Agency.objects.get(code="PEMKAB-33.01")
    central = Agency.objects.filter(kind=AgencyKind.CENTRAL).order_by("code").first()
    # Oldest first: each story's sweeps run on its own past days, before the next story's clocks exist.
    if central is not None:
        ppk_lapsed(u, today - dt.timedelta(days=80), ("Ir. Bambang Hartanto", "197502202002121003", "Kepala Kantor"),
                   central, "Kepala kantor vertikal berfoto dengan simbol jari nomor urut calon", steps=4)
    ppk_lapsed(u, today - dt.timedelta(days=75), ("Hj. Endang Purwanti, S.Sos.", "196907151994032006", "Camat"),
               regional, "Camat menghadiri deklarasi pasangan calon bersama kepala desa", steps=4)
    ppk_lapsed(u, today - dt.timedelta(days=48), ("Drs. Sutrisno Wibowo", "197103122000031004", "Kepala Bidang"),
               regional, "Kepala Bidang mengunggah ajakan memilih pasangan calon di Facebook", steps=2)
    reporter_conversation(u, today)
    return True


def reporter_conversation(u, today):
    """A named reporter in Cilacap: checked, asked for more, answered, registered, and in conversation since."""
    election = ElectionPeriod.objects.get(slug=ELECTION)
    officer = u["bawaslu.cilacap"]
    start = today - dt.timedelta(days=12)
    with _at(start, 8, 40), transaction.atomic():
        report = services.report_submit(fields={
            "election": election, "stage": _stage(election), "region": Region.objects.get(code="33.01"),
            "respondent_name": "Sugeng Riyadi, S.Pd.", "respondent_nip": "197806102005011012",
            "respondent_position": "Kepala Sekolah SMP Negeri", "respondent_agency": Agency.objects.get(code="PEMKAB-33.01"),
            "occurred_on": start - dt.timedelta(days=2), "known_on": start - dt.timedelta(days=1), "place": "Kecamatan Majenang",
            "description": "Dalam rapat komite sekolah, terlapor mengajak para orang tua murid memilih pasangan calon "
                           "nomor urut 2 dan membagikan stiker pasangan calon tersebut.",
            "links": ""}, anonymity=Anonymity.NAMED, pin=DEMO_PIN,
            reporter={"name": "Rahmat Hidayat", "phone": "081200000000", "standing": "voter"})
        # A known code, so a tester can open the tracking page (README, run banner); set before the receipt is made.
        report.tracking_code = DEMO_TRACKING_CODE
        report.save(update_fields=["tracking_code"])
    with _at(start + dt.timedelta(days=1), 9, 15):
        services.report_start_check(actor=officer, report=report)
        messaging.message_to_reporter(actor=officer, report=report, due_on=start + dt.timedelta(days=4), body=(
            "Terima kasih atas laporan Anda. Mohon lengkapi: nama dua orang tua murid yang hadir dan bersedia "
            "memberi keterangan, dan foto stiker yang dibagikan bila ada."))
    with _at(start + dt.timedelta(days=2), 19, 5):
        messaging.message_from_reporter(report=Report.objects.get(pk=report.pk), body=(
            "Saksi: Ibu Wartini dan Bapak Kusnadi (keduanya hadir di rapat komite). Foto stiker akan saya serahkan "
            "saat klarifikasi."))
    with _at(start + dt.timedelta(days=3), 10, 0):
        case = services.report_register(actor=officer, report=Report.objects.get(pk=report.pk))
        perform("start_examination", actor=officer, case=case)
    with _at(start + dt.timedelta(days=5), 13, 30):
        messaging.message_to_reporter(actor=officer, report=Report.objects.get(pk=report.pk), body=(
            "Laporan Anda telah diregistrasi. Kami mengundang Anda untuk klarifikasi di kantor Bawaslu Kabupaten "
            "Cilacap; mohon balas pesan ini dengan hari yang Anda bisa minggu depan."))
        note_add(actor=officer, case=case, body=(
            "@bawaslu.jateng @bawaslu.ri terlapor kepala sekolah; saksi dua orang tua murid. Klarifikasi minggu depan."))
    with _at(today - dt.timedelta(days=1), 20, 10):
        messaging.message_from_reporter(report=Report.objects.get(pk=report.pk), body=(
            "Saya bisa hadir hari Selasa pukul 10.00. Foto stiker saya bawa."))
    return report


def ppk_lapsed(u, start, respondent, agency, title, *, steps):
    """Recommended, received by the PPK, lapsed; then the ladder's steps (1 reminder, 2 block request, 3 block
    recorded, 4 escalated to the ministry), each on the first day the ladder allows it."""
    name, nip, position = respondent
    election = ElectionPeriod.objects.get(slug=ELECTION)
    bawaslu, analyst, approver = u["bawaslu.cilacap"], u["analis.bkn"], u["penyetuju.bkn"]
    with _at(start, 9):
        case = case_open(actor=bawaslu, election=election, stage=_stage(election), region=Region.objects.get(code="33.01"),
                         title=title, description=f"Terlapor {name} diduga {title[0].lower() + title[1:]}.",
                         occurred_on=start - dt.timedelta(days=3), social_media="Facebook" in title,
                         respondents=[{"nip": nip, "name": name, "position": position, "agency": agency}])
        track = case.tracks.get()
        track.respondent.employee_type = "pns"
        track.respondent.save(update_fields=["employee_type"])
        case = perform("start_examination", actor=bawaslu, case=case)
    with _at(start + dt.timedelta(days=2)):
        case = perform("forward", actor=bawaslu, case=case, conclusion="Terbukti berdasarkan klarifikasi dan bukti foto")
    with _at(start + dt.timedelta(days=4)):
        case = perform("start_review", actor=analyst, case=case)
        perform("draft_recommendation", actor=analyst, case=case, proven=True, violation_types=["SOSMED_POST"],
                category="disciplinary", discipline_level="moderate", reasoning="Bukti unggahan dan keterangan saksi")
        note_add(actor=analyst, case=case, body="@auditor @admin perkara contoh untuk pemeriksaan jejak audit.")
    with _at(start + dt.timedelta(days=6)):
        case = perform("issue_recommendation", actor=approver, case=case)
    received = start + dt.timedelta(days=7)
    if agency.code == "PEMKAB-33.01":
        with _at(received):
            case = perform("acknowledge", actor=u["ppk.cilacap"], case=case, received_on=received)
    else:  # no liaison of that agency in the demo: receipt is presumed when the receipt clock lapses
        receipt = case.clocks.get(code="PPK_RECEIPT")
        _sweep(receipt.due_on + dt.timedelta(days=1))
    clock = case.clocks.get(code="PPK_FOLLOW_UP")
    day = _sweep(clock.due_on + dt.timedelta(days=1))  # the sweep: the follow-up clock lapsed, the case is overdue
    with _at(day):
        case = perform("send_reminder", actor=approver, case=case)
    if steps >= 2:
        day = _sweep(day + dt.timedelta(days=7))  # the reminder's answer clock lapses; 3 working days passed
        with _at(day):
            case = perform("request_block", actor=approver, case=case, reason="PPK tidak menanggapi pengingat")
    if steps >= 3:
        with _at(day + dt.timedelta(days=2)):
            case = perform("record_block", actor=u["bkn.data"], case=case, reference="SIASN/BLK/" + nip[-6:])
    if steps >= 4:
        with _at(day + dt.timedelta(days=3)):
            case = perform("escalate", actor=approver, case=case, reason="PPK tidak menindaklanjuti rekomendasi")
    return case


def _sweep(day: dt.date) -> dt.date:
    with _at(day, 1):
        sweep_deadlines(day)
    return day
