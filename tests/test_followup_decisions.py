"""Issue #22 points 1-2: one PPK decision per recommended item, each checked against the law and the recommendation;
a decision "tidak sesuai rekomendasi" is flagged everywhere and waits for the supervisory body (accept / return)."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import CaseStatus, ClockState, DecisionReview, Recommendation, RecommendedItem, SanctionRecord, TrackStatus
from cases.workflow import InvalidTransition, allowed_actions, perform
from tests.workflow_support import block, build_case, make_users, snapshot

pytestmark = pytest.mark.django_db
S = CaseStatus


@pytest.fixture
def u(db):
    return make_users("fd")


def awaiting(u, *, category="both", moral_level="open", discipline_level="moderate", violation="SOSMED_POST",
             employee_type="pns", occurred_on=None):
    """A case at the PPK with the recommendation re-drafted as asked (approved today)."""
    case = build_case(S.AWAITING_FOLLOW_UP, u)
    track = case.tracks.get()
    Recommendation.objects.filter(track=track).update(category=category, moral_level=moral_level,
                                                      discipline_level=discipline_level)
    track.recommendation.refresh_from_db()
    track.recommendation.violation_types.set(track.recommendation.violation_types.model.objects.filter(code=violation))
    track.respondent.employee_type = employee_type
    track.respondent.save()
    if occurred_on:
        case.occurred_on = occurred_on
        case.save()
    return case, track


def decide(u, case, **kw):
    params = {"decree_number": "800/12/2026", "decree_date": timezone.localdate(), "signer_name": "Bupati Cilacap", **kw}
    return perform("record_sanction", actor=u["ppk"], case=case, **params)


def test_recommendation_lists_its_items():
    rec = Recommendation(proven=True, category="both", moral_level="open", discipline_level="moderate")
    assert rec.items() == [RecommendedItem("moral", "open"), RecommendedItem("disciplinary", "moderate")]
    assert [i.text() for i in rec.items()] == ["sanksi moral pernyataan secara terbuka", "hukuman disiplin sedang"]
    assert Recommendation(proven=True, category="disciplinary", discipline_level="none_set").items()[0].none_set
    assert Recommendation(proven=False, category="moral", moral_level="open").items() == []


def test_one_decision_per_item_then_the_track_and_the_case_are_followed_up(u):
    case, track = awaiting(u)
    case = decide(u, case, item="moral", sanction_type="MORAL_OPEN")
    track.refresh_from_db()
    assert (case.status, track.status) == (S.AWAITING_FOLLOW_UP, TrackStatus.RECOMMENDED)  # discipline still open
    assert case.clocks.get(code="PPK_FOLLOW_UP").state == ClockState.RUNNING
    with pytest.raises(ValidationError) as err:  # the moral item is decided: a second decision for it is refused
        decide(u, case, item="moral", sanction_type="MORAL_CLOSED")
    assert "sudah diputus" in err.value.message_dict["item"][0]
    case = decide(u, case, sanction_type="PP94_MOD_TUKIN25_6M")  # the only undecided item, found by itself
    track.refresh_from_db()
    assert (case.status, track.status) == (S.FOLLOWED_UP, TrackStatus.SANCTIONED)
    assert case.clocks.get(code="PPK_FOLLOW_UP").state == ClockState.MET
    decisions = list(track.decisions.order_by("id"))
    assert [(d.item_kind, d.sanction_type.code, d.conforms) for d in decisions] == [
        ("moral", "MORAL_OPEN", True), ("disciplinary", "PP94_MOD_TUKIN25_6M", True)]
    event = case.events.order_by("-id").first()
    assert event.code == "case.sanction.recorded" and event.payload["conforms"] is True and event.payload["undecided"] == []
    case = perform("close_sanctioned", actor=u["approver"], case=case)
    assert case.status == S.CLOSED_SANCTIONED


REFUSALS = [
    # (name, recommendation, respondent, decision, field, Indonesian, English)
    ("pns sanction for a PPPK", {"category": "disciplinary", "discipline_level": "heavy", "employee_type": "pppk"},
     {"sanction_type": "PP94_HEAVY_DEMOTION"}, "sanction_type",
     "tidak berlaku untuk PPPK (PP 49/2018", "does not apply to PPPK (PP 49/2018"),
    ("pppk sanction for a PNS", {"category": "disciplinary", "discipline_level": "heavy"},
     {"sanction_type": "PPPK_TERMINATE_HONOUR"}, "sanction_type",
     "tidak berlaku untuk PNS (PP 94/2021", "does not apply to PNS (PP 94/2021"),
    ("employee type unknown", {"category": "disciplinary", "discipline_level": "heavy", "employee_type": "unknown"},
     {"sanction_type": "PP94_HEAVY_DEMOTION"}, "employee_type",
     "belum diketahui", "not known"),
    ("decree before the recommendation", {"category": "disciplinary", "discipline_level": "heavy"},
     {"sanction_type": "PP94_HEAVY_DEMOTION", "decree_date": timezone.localdate() - dt.timedelta(days=400)}, "decree_date",
     "sebelum tanggal rekomendasi", "before the recommendation"),
    ("sanction type repealed on the decree date", {"category": "disciplinary", "discipline_level": "light"},
     {"sanction_type": "PP53_LIGHT_ORAL"}, "sanction_type",
     "tidak berlaku pada tanggal SK", "not in force on the decree date"),
    ("sanction type not yet in force on the act's date",
     {"category": "disciplinary", "discipline_level": "light", "occurred_on": dt.date(2020, 11, 1)},
     {"sanction_type": "PP94_LIGHT_ORAL"}, "sanction_type",
     "tidak berlaku pada tanggal kejadian", "not in force on the date of the incident"),
    ("level for an act without one",
     {"category": "both", "discipline_level": "none_set", "violation": "CAMPAIGN_ATTEND"},
     {"item": "disciplinary", "sanction_type": "PP94_LIGHT_ORAL"}, "sanction_type",
     "tidak memiliki tingkat hukuman disiplin", "has no disciplinary penalty level"),
    ("lighter without a reason", {"category": "disciplinary", "discipline_level": "heavy"},
     {"sanction_type": "PP94_LIGHT_WRITTEN"}, "reason",
     "tidak sesuai rekomendasi, alasan wajib diisi", "does not follow the recommendation: a reason is required"),
    ("other kind without a reason", {"category": "moral", "moral_level": "open"},
     {"sanction_type": "PP94_LIGHT_WRITTEN"}, "reason",
     "jenis sanksi lain dari rekomendasi", "another kind of sanction than recommended"),
    ("item left out without a reason", {"category": "disciplinary", "discipline_level": "heavy"},
     {"sanction_type": ""}, "reason",
     "butir rekomendasi tidak dijatuhkan", "recommended item not imposed"),
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("name, rec, decision, field, message_id, message_en", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_refusal_names_the_rule_and_changes_nothing(u, language, name, rec, decision, field, message_id, message_en):
    case, _track = awaiting(u, **rec)
    before = snapshot(case)
    with translation.override(language), pytest.raises(ValidationError) as err:
        decide(u, case, **decision)
    assert field in err.value.message_dict, err.value.message_dict
    assert (message_id if language == "id" else message_en) in " ".join(err.value.message_dict[field])
    assert snapshot(case) == before


@pytest.mark.parametrize("language, message", [("id", "tidak menetapkan tingkat hukuman"), ("en", "sets no disciplinary penalty level")])
def test_a_recommendation_cannot_set_a_level_for_an_act_without_one(u, language, message):
    case = build_case(S.UNDER_REVIEW, u)
    with translation.override(language), pytest.raises(ValidationError) as err:
        perform("draft_recommendation", actor=u["analyst"], case=case, proven=True, violation_types=["CAMPAIGN_ATTEND"],
                category="disciplinary", discipline_level="light")
    assert message in err.value.message_dict["discipline_level"][0]
    perform("draft_recommendation", actor=u["analyst"], case=case, proven=True, violation_types=["CAMPAIGN_ATTEND"],
            category="both", moral_level="closed", discipline_level="none_set")
    rec = case.tracks.get().recommendation
    assert rec.sanction_text() == "sanksi moral pernyataan secara tertutup dan hukuman disiplin: tidak ada tingkat hukuman"


def test_none_set_item_is_decided_by_imposing_nothing(u):
    case, track = awaiting(u, category="both", moral_level="closed", discipline_level="none_set", violation="CAMPAIGN_ATTEND")
    case = decide(u, case, item="moral", sanction_type="MORAL_CLOSED")
    case = decide(u, case, item="disciplinary", sanction_type="", decree_number="", signer_name="")
    assert case.status == S.FOLLOWED_UP
    assert all(d.conforms for d in track.decisions.all())


def test_lighter_decision_is_flagged_and_accepted_with_a_reason(u):
    case, track = awaiting(u, category="disciplinary", discipline_level="heavy")
    case = decide(u, case, sanction_type="PP94_LIGHT_WRITTEN", reason="Terlapor baru pertama kali dan sudah meminta maaf")
    decision = track.decisions.get()
    assert (decision.deviation, decision.review, decision.conforms) == ("lighter", DecisionReview.PENDING, False)
    assert case.status == S.FOLLOWED_UP
    assert case.events.order_by("-id").first().payload["deviation"] == "lighter"
    assert "accept_decision" in allowed_actions(u["approver"], case) and "return_decision" in allowed_actions(u["approver"], case)
    assert "close_sanctioned" not in allowed_actions(u["approver"], case)  # it could only fail: not offered
    with pytest.raises(InvalidTransition, match="menunggu penilaian"):
        perform("close_sanctioned", actor=u["approver"], case=case)
    with pytest.raises(ValidationError):
        perform("accept_decision", actor=u["approver"], case=case, reason="")
    case = perform("accept_decision", actor=u["approver"], case=case, reason="Pertimbangan PPK dapat diterima")
    decision.refresh_from_db()
    assert (decision.review, decision.reviewed_by, decision.conforms) == (DecisionReview.ACCEPTED, u["approver"], False)
    assert "accept_decision" not in allowed_actions(u["approver"], case)  # nothing left to accept: not offered
    assert perform("close_sanctioned", actor=u["approver"], case=case).status == S.CLOSED_SANCTIONED


def test_returned_decision_reopens_the_item_with_a_new_clock(u):
    case, track = awaiting(u, category="disciplinary", discipline_level="heavy")
    case = decide(u, case, sanction_type="PP94_LIGHT_WRITTEN", reason="Baru pertama kali")
    case = perform("return_decision", actor=u["approver"], case=case, reason="Hukuman lebih ringan tanpa dasar")
    track.refresh_from_db()
    assert (case.status, track.status) == (S.AWAITING_FOLLOW_UP, TrackStatus.RECOMMENDED)
    returned = track.decisions.get()
    assert (returned.active, returned.review) == (False, DecisionReview.RETURNED)
    assert case.clocks.filter(code="PPK_FOLLOW_UP", state=ClockState.RUNNING).count() == 1
    assert u["ppk"].notifications.filter(case=case, kind="decision_returned").exists()
    case = decide(u, case, sanction_type="PP94_HEAVY_DEMOTION")
    assert case.status == S.FOLLOWED_UP
    assert [(d.active, d.conforms) for d in track.decisions.order_by("id")] == [(False, False), (True, True)]


def test_accepting_a_decision_a_colleague_just_returned_says_what_changed(u, client):
    """The stale page is told before its form is read: the decision it names is gone with the change (issue #22.7)."""
    import re

    case, track = awaiting(u, category="disciplinary", discipline_level="heavy")
    decide(u, case, sanction_type="PP94_LIGHT_WRITTEN", reason="Baru pertama kali")
    decision = track.decisions.get()
    client.force_login(u["approver"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    shown = re.search(r'name="version" value="(\d+)"', page).group(1)
    perform("return_decision", actor=u["approver"], case=case, reason="Hukuman lebih ringan tanpa dasar")
    before = snapshot(case)
    response = client.post(reverse("cases:act", args=[case.pk]), {
        "action": "accept_decision", "accept_decision-decision": decision.pk,
        "accept_decision-reason": "Dapat diterima", "version": shown})
    body = response.content.decode()
    assert response.status_code == 409 and "telah berubah sejak halaman dibuka" in body
    assert "\u201cKembalikan keputusan kepada PPK\u201d" in body and "Periksa isian" not in body
    assert snapshot(case) == before


def test_flag_and_imposed_beside_recommended_on_every_screen(u, client):
    case, track = awaiting(u, category="disciplinary", discipline_level="heavy")
    decide(u, case, sanction_type="PP94_LIGHT_WRITTEN", reason="Baru pertama kali")
    for user, url in ((u["approver"], reverse("cases:detail", args=[case.pk])), (u["ppk"], reverse("cases:ppk")),
                      (u["approver"], reverse("home"))):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "tidak sesuai rekomendasi" in page, url
    client.force_login(u["approver"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "hukuman disiplin berat" in page and "Teguran tertulis" in page  # recommended beside imposed
    api = client.get(f"/api/v1/cases/{case.pk}/").json()
    decision = api["tracks"][0]["decisions"][0]
    assert (decision["conforms"], decision["deviation"], decision["review"]) == (False, "lighter", "pending")
    assert api["tracks"][0]["recommended_items"] == [{"kind": "disciplinary", "level": "heavy", "text": "hukuman disiplin berat"}]
    from cases.stats import dashboard_live

    table = next(t for t in dashboard_live(u["approver"], {})["tables"] if t["key"] == "nonconforming")
    assert [(r["code"], r["cells"][0]["v"], r["cells"][1]["v"]) for r in table["rows"]] == [(track.agency.code, 1, 1)]


def test_unblock_waits_for_a_standing_decision(u):
    case, track = awaiting(u, category="disciplinary", discipline_level="heavy")
    blocked = block(track, u)
    case = decide(u, case, sanction_type="PP94_LIGHT_WRITTEN", reason="Baru pertama kali")
    with pytest.raises(InvalidTransition, match="Belum ada permintaan buka blokir"):
        perform("unblock", actor=u["bkn"], case=case, track=track)
    assert "unblock" not in allowed_actions(u["bkn"], case)
    case = perform("accept_decision", actor=u["approver"], case=case, reason="Dapat diterima")
    blocked.refresh_from_db()
    assert blocked.state == "lift_requested" and blocked.lift_requested_by == u["approver"]
    assert case.events.order_by("-id").first().payload["lift_blocks"] == [blocked.pk]
    assert perform("unblock", actor=u["bkn"], case=case, track=track).status == S.FOLLOWED_UP


@pytest.mark.django_db(transaction=True)
def test_existing_one_to_one_sanction_records_migrate_into_decisions():
    """Migrate back to 0009 (a sanction record per respondent), then forward: each record becomes the decision on the
    item of its kind, and an item it did not cover gets a "not imposed" decision saying so (pending while open)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.workflow_support import ensure_reference_data

    ensure_reference_data()
    users = make_users("mg")
    open_case = build_case(S.FOLLOWED_UP, users)
    closed_case = build_case(S.CLOSED_SANCTIONED, users)
    Recommendation.objects.filter(track__case=open_case).update(category="both", moral_level="open")
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0009_access_record")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app: one that depends on cases was unapplied too
    recorded = [(d.item_kind, d.item_level, d.sanction_type.code if d.sanction_type else None, d.deviation, d.review)
                for d in SanctionRecord.objects.filter(track__case=open_case).order_by("id")]
    assert recorded == [("disciplinary", "heavy", "PP94_HEAVY_DEMOTION", "", ""),
                        ("moral", "open", None, "not_imposed", "pending")]
    closed = SanctionRecord.objects.get(track__case=closed_case)
    assert (closed.item_kind, closed.deviation, closed.active) == ("disciplinary", "", True)
