"""Opening a case: number, respondents by NIP, events, decision clock, search text, conflict of interest."""
import pytest
from django.core.exceptions import ValidationError

from cases.models import Agency, CaseStatus, ClockState, ElectionPeriod, Region, Respondent
from cases.workflow import ActionNotAllowed, case_add_respondent, case_append_search_text, case_open
from tests.factories import make_nip

pytestmark = pytest.mark.django_db


def _open(actor, **kw):
    defaults = dict(actor=actor, election=ElectionPeriod.objects.get(slug="pemilu-2024"),
                    region=Region.objects.get(code="33.01"), title="Camat mengajak memilih calon",
                    respondents=[{"nip": None, "name": "Budi", "position": "Camat",
                                  "agency": Agency.objects.get(code="PEMKAB-33.01")}])
    defaults.update(kw)
    return case_open(**defaults)


def test_open_and_register_writes_two_events_and_starts_decision_clock(bawaslu_officer):
    case = _open(bawaslu_officer)
    assert case.status == CaseStatus.REGISTERED
    assert case.number == f"NTR-{case.received_at.year}-{case.pk:06d}"
    assert list(case.events.values_list("code", flat=True)) == ["case.received", "case.registered"]
    clock = case.clocks.get(code="BAWASLU_DECISION")
    assert clock.state == ClockState.RUNNING and case.next_due == clock.due_on
    assert case.clocks.get(code="INITIAL_REVIEW").state in (ClockState.MET, ClockState.MISSED)
    assert case.bawaslu_office.code == "BAWASLU-33.01"
    assert "Budi" in case.search_document


def test_open_without_registering_stays_received(bawaslu_officer):
    case = _open(bawaslu_officer, register=False, search_text="kata-unik-laporan")
    assert case.status == CaseStatus.RECEIVED
    assert list(case.events.values_list("code", flat=True)) == ["case.received"]
    assert "kata-unik-laporan" in case.search_document


def test_known_nip_reuses_respondent_unknown_nip_is_unverified(bawaslu_officer):
    agency = Agency.objects.get(code="PEMKAB-33.01")
    known = Respondent.objects.create(nip=make_nip(), name="Siti", agency=agency, verified=True)
    new_nip = make_nip()
    case = _open(bawaslu_officer, respondents=[
        {"nip": known.nip, "name": "Siti A.", "position": "Guru", "agency": agency},
        {"nip": new_nip, "name": "Joko", "position": "Lurah", "agency": agency}])
    assert case.tracks.count() == 2
    assert Respondent.objects.filter(nip=known.nip).count() == 1
    assert Respondent.objects.get(nip=new_nip).verified is False


def test_malformed_nip_is_refused_naming_the_field(bawaslu_officer):
    with pytest.raises(ValidationError) as err:
        _open(bawaslu_officer, respondents=[{"nip": "12345", "name": "X", "position": "",
                                             "agency": Agency.objects.get(code="PEMKAB-33.01")}])
    assert "nip" in err.value.message_dict


def test_conflict_of_interest_when_ppk_is_candidate(bawaslu_officer):
    agency = Agency.objects.get(code="PEMKAB-33.01")
    agency.ppk_is_candidate = True
    agency.save()
    case = _open(bawaslu_officer)
    assert case.conflict_of_interest and "calon" in case.conflict_reason


def test_add_respondent_sets_conflict_and_search(bawaslu_officer):
    case = _open(bawaslu_officer)
    agency = Agency.objects.get(code="PEMKAB-33.01")
    nip = make_nip()
    Respondent.objects.create(nip=nip, name="Bupati X", agency=agency, is_ppk=True)
    case_add_respondent(actor=bawaslu_officer, case=case, nip=nip, name="Bupati X", position="Bupati", agency=agency)
    case.refresh_from_db()
    assert case.conflict_of_interest
    assert "Bupati X" in case.search_document
    assert case.events.last().code == "case.respondent.added"
    case_append_search_text(case, "tambahan")
    case.refresh_from_db()
    assert case.search_document.endswith("tambahan")


def test_officer_of_other_regency_may_not_register(bawaslu_other_regency):
    with pytest.raises(ActionNotAllowed):
        _open(bawaslu_other_regency)
