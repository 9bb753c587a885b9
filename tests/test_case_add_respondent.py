"""The case page's "add respondent" form: a NIP on record under another name is shown before it joins the case,
as on the intake page (#25.7); bad input is named; only those who may add see the form."""
import pytest
from django.urls import reverse

from cases.models import Agency, CaseEvent, CaseStatus, Respondent
from tests.factories import make_nip
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db

RECORDED_NIP = "197806102005011012"


@pytest.fixture
def case_and_officer(client, bawaslu_officer):
    case = build_case(CaseStatus.UNDER_EXAMINATION, make_users())
    client.force_login(bawaslu_officer)
    return case, bawaslu_officer


def _recorded():
    return Respondent.objects.create(nip=RECORDED_NIP, name="Drs. Hartono Wibisono",
                                     agency=Agency.objects.get(code="PEMKAB-33.01"))


def _post(client, case, **data):
    fields = {"name": "Sugeng Riyadi", "nip": RECORDED_NIP, "position": "Kepala Sekolah",
              "agency": Agency.objects.get(code="PEMKAB-33.01").pk, **data}
    return client.post(reverse("cases:respondent_add", args=[case.pk]), fields)


def test_the_case_page_offers_the_form_to_who_may_add(client, case_and_officer, ppk_liaison):
    case, _officer = case_and_officer
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="respondent-add"' in page and 'name="nip"' in page
    client.force_login(ppk_liaison)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="respondent-add"' not in page


def test_a_nip_on_record_under_another_name_is_shown_first_and_added_only_once_confirmed(client, case_and_officer):
    case, _officer = case_and_officer
    recorded = _recorded()
    tracks = case.tracks.count()
    response = _post(client, case)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="nip-other-name"' in page and "sudah tercatat atas nama «Drs. Hartono Wibisono»" in page
    assert 'value="Sugeng Riyadi"' in page  # what was typed is kept
    assert case.tracks.count() == tracks and not CaseEvent.objects.filter(case=case, code="case.respondent.added").exists()

    response = _post(client, case, confirm_other_name="on")
    assert response.status_code == 302
    assert case.tracks.filter(respondent=recorded).exists()  # the recorded person, under the recorded name
    event = CaseEvent.objects.get(case=case, code="case.respondent.added")
    assert event.actor == _officer and event.payload["nip"] == RECORDED_NIP


def test_the_same_person_written_with_titles_is_added_without_a_warning(client, case_and_officer):
    case, _officer = case_and_officer
    recorded = _recorded()
    response = _post(client, case, name="hartono wibisono, S.Pd.", nip="1978 0610 2005 01 1 012")
    assert response.status_code == 302
    assert case.tracks.filter(respondent=recorded).exists()


def test_a_new_nip_is_added_at_once(client, case_and_officer):
    case, _officer = case_and_officer
    nip = make_nip()
    assert _post(client, case, nip=nip).status_code == 302
    assert case.tracks.filter(respondent__nip=nip, respondent__name="Sugeng Riyadi").exists()


def test_a_bad_nip_is_named_and_nothing_is_lost(client, case_and_officer):
    case, _officer = case_and_officer
    tracks = case.tracks.count()
    response = _post(client, case, nip="19780610200501101")
    page = response.content.decode()
    assert response.status_code == 400
    assert "NIP harus 18 digit (tertulis 17 digit)." in page and 'value="Sugeng Riyadi"' in page
    assert case.tracks.count() == tracks


def test_an_empty_name_or_agency_is_named(client, case_and_officer):
    case, _officer = case_and_officer
    response = _post(client, case, name="", agency="")
    assert response.status_code == 400
    assert response.content.decode().count("Bidang ini harus diisi.") >= 2


def test_a_role_that_may_not_add_is_refused_and_nothing_changes(client, case_and_officer, auditor):
    case, _officer = case_and_officer
    tracks = case.tracks.count()
    client.force_login(auditor)
    response = _post(client, case, nip=make_nip())
    assert response.status_code in (403, 404)
    assert case.tracks.count() == tracks


def test_a_closed_case_takes_no_new_respondent(client, bawaslu_officer):
    case = build_case(CaseStatus.DISMISSED, make_users())
    client.force_login(bawaslu_officer)
    tracks = case.tracks.count()
    response = _post(client, case, nip=make_nip())
    assert response.status_code == 409 and "sudah ditutup" in response.content.decode()
    assert case.tracks.count() == tracks
