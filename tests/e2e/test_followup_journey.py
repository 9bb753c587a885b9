"""Issue #22 journey in Debian Chromium: the PPK liaison records a lighter sanction with a reason; the supervisory
body sees it flagged "tidak sesuai rekomendasi" on its home page and the case page, and returns it to the PPK.

Screenshots (desktop 1280 px and phone 390 px) land in test-artifacts/e2e/followup-*.png.
"""
import pytest
from django.utils import timezone

from cases import workflow
from cases.models import Case, CaseStatus, DecisionReview, SanctionRecord, TrackStatus
from tests.e2e.test_officer_journeys import login, logout, new_case, open_action, people, reference, shot  # noqa: F401

pytestmark = [pytest.mark.e2e]


def _awaiting_heavy(people):
    case = new_case(people["bawaslu"], name="Sri Wahyuni")
    track = case.tracks.get()
    track.respondent.employee_type = "pns"
    track.respondent.save()
    workflow.perform("forward", actor=people["bawaslu"], case=case)
    workflow.perform("start_review", actor=people["analyst"], case=case)
    workflow.perform("draft_recommendation", actor=people["analyst"], case=case, violation_types=["SOSMED_POST"],
                     category="disciplinary", discipline_level="heavy")
    workflow.perform("issue_recommendation", actor=people["approver"], case=case)
    return Case.objects.get(pk=case.pk)


def test_lighter_sanction_is_flagged_and_returned(page, people):
    case = _awaiting_heavy(people)
    login(page, "ppk_cilacap")
    page.goto(page.base + f"/cases/{case.pk}/")
    open_action(page, "Catat keputusan sanksi")
    page.select_option("#id_record_sanction-sanction_type", "PP94_LIGHT_WRITTEN")
    page.fill("#id_record_sanction-decree_number", "800/077/2026")
    page.fill("#id_record_sanction-decree_date", timezone.localdate().isoformat())
    page.fill("#id_record_sanction-signer_name", "Bupati Cilacap")
    page.click("button:has-text('Ya, Catat keputusan sanksi')")
    page.wait_for_selector("text=alasan wajib diisi")  # refused without a reason; the form keeps what was typed
    assert page.input_value("#id_record_sanction-decree_number") == "800/077/2026"
    shot(page, "followup-01-ppk-reason-required")
    page.fill("#id_record_sanction-reason", "Terlapor baru pertama kali melanggar dan sudah meminta maaf terbuka.")
    page.click("button:has-text('Ya, Catat keputusan sanksi')")
    page.wait_for_selector("text=Berhasil")
    assert page.locator("[data-flag=nonconforming]").count() == 1
    shot(page, "followup-02-ppk-recorded-flagged")
    page.goto(page.base + "/cases/ppk/")
    page.wait_for_selector("[data-flag=nonconforming]")
    shot(page, "followup-03-ppk-portal")
    logout(page)

    login(page, "penyetuju")
    page.wait_for_selector("#h-decisions")
    assert page.locator("#h-decisions ~ ul [data-flag=nonconforming]").count() == 1
    shot(page, "followup-04-supervisor-home")
    page.click(f"#h-decisions ~ ul >> text={case.number}")
    page.wait_for_selector("text=hukuman disiplin berat")  # recommended, beside what was imposed
    page.wait_for_selector("text=Teguran tertulis")
    shot(page, "followup-05-case-flagged")
    page.set_viewport_size({"width": 390, "height": 900})
    shot(page, "followup-06-case-flagged-phone")
    page.set_viewport_size({"width": 1280, "height": 1000})
    open_action(page, "Kembalikan keputusan kepada PPK")
    page.fill("#id_return_decision-reason", "Hukuman ringan untuk rekomendasi berat tanpa dasar yang cukup.")
    page.click("button:has-text('Ya, Kembalikan keputusan kepada PPK')")
    page.wait_for_selector("text=Berhasil")
    shot(page, "followup-07-returned")
    decision = SanctionRecord.objects.get(track__case=case)
    assert (decision.review, decision.active) == (DecisionReview.RETURNED, False)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_FOLLOW_UP and case.tracks.get().status == TrackStatus.RECOMMENDED
