"""Evidence for those who decide (issue #28, point 2): the officers who handle a case in their scope open its
evidence; every opening of an original (and every download of a confidential letter) is recorded in the
append-only access record and listed on the case page for auditors; other roles get a 403 in their language."""
import hashlib
import secrets

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from cases.models import AccessRecord, Agency, CaseStatus, Letter, LetterKind, Region, Role
from reports.models import Report
from tests.test_evidence import post_files, upload
from tests.factories import UserFactory
from tests.test_intake_support import fill_steps, intake_settings, png_bytes, submit
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]
DECIDERS = ["bawaslu_officer", "bawaslu_province", "supervisor_analyst", "supervisor_approver", "auditor",
            "administrator"]
REFUSED_403 = ["ppk_liaison", "kemendagri_officer", "kemenpanrb_officer", "bkn_officer", "screening_reviewer"]


@pytest.fixture
def evidence_case(intake_settings, client):
    """A public report from Kab. Cilacap with one photo, registered into a case under supervisory review."""
    photo = png_bytes((40, 30))
    fill_steps(client)
    post_files(client, upload("foto_ajakan.png", photo, "image/png"))
    assert submit(client).status_code == 302
    report = Report.objects.get()
    case = build_case(CaseStatus.UNDER_REVIEW, make_users("evd"))
    Report.objects.filter(pk=report.pk).update(case=case)
    return {"case": case, "evidence": report.evidence.get(), "photo": photo}


def _get(user, url, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


def test_those_who_decide_open_the_evidence_and_each_opening_is_recorded(evidence_case, request):
    evidence, case = evidence_case["evidence"], evidence_case["case"]
    url = reverse("reports:evidence_download", args=[evidence.pk])
    for role in DECIDERS:
        user = request.getfixturevalue(role)
        response = _get(user, url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == evidence_case["photo"], role
        record = AccessRecord.objects.filter(user=user).get()
        assert (record.kind, record.object_id, record.label, record.via, record.case_id) == (
            "evidence.original", str(evidence.pk), "foto_ajakan.png", "reports:evidence_download", case.pk), role
    assert AccessRecord.objects.count() == len(DECIDERS)


def test_other_roles_are_refused_in_their_language_and_nothing_is_recorded(evidence_case, request,
                                                                          bawaslu_other_regency):
    url = reverse("reports:evidence_download", args=[evidence_case["evidence"].pk])
    for role in REFUSED_403:
        user = request.getfixturevalue(role)
        response = _get(user, url)
        assert response.status_code == 403, role
        english = _get(user, url, language="en")
        assert english.status_code == 403, role
    # The message itself, in each language (shown by the site's 403 page).
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.utils import translation

    from reports.views import _open_evidence

    for language, text in (("id", "Peran Anda tidak berwenang membuka bukti laporan"),
                           ("en", "Your role may not open report evidence")):
        fake = RequestFactory().get(url)
        fake.user = request.getfixturevalue("ppk_liaison")
        with translation.override(language), pytest.raises(PermissionDenied) as refused:
            _open_evidence(fake, evidence_case["evidence"].pk, record=True)
        assert text in str(refused.value)
    # A deciding role outside the case's region: the case does not exist for them.
    assert _get(bawaslu_other_regency, url).status_code == 404
    assert not AccessRecord.objects.exists()


def test_auditors_read_the_access_record_on_the_case_page(evidence_case, supervisor_analyst, auditor):
    case, evidence = evidence_case["case"], evidence_case["evidence"]
    analyst_page = _get(supervisor_analyst, reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("reports:evidence_download", args=[evidence.pk]) in analyst_page  # a link to open it
    assert 'id="access"' not in analyst_page  # the record is the auditors'
    empty = _get(auditor, reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Belum ada yang membuka bukti atau surat rahasia perkara ini." in empty
    for _n in range(2):
        _get(supervisor_analyst, reverse("reports:evidence_download", args=[evidence.pk]))
    assert _get(supervisor_analyst, reverse("reports:evidence_preview", args=[evidence.pk])).status_code == 200
    page = _get(auditor, reverse("cases:detail", args=[case.pk])).content.decode()
    section = page[page.index('id="access"'):page.index('id="h-timeline"')]
    assert section.count(supervisor_analyst.username) == 2  # each download; the preview thumbnail is not one
    assert "foto_ajakan.png" in section and "Berkas bukti asli" in section and "reports:evidence_download" in section


def test_confidential_letter_downloads_are_recorded_and_ordinary_ones_are_not(evidence_case, supervisor_analyst):
    case = evidence_case["case"]
    letters = {}
    for n, sifat in enumerate(("Rahasia", "Biasa")):
        pdf = b"%PDF-1.4\n% uji " + sifat.encode() + b"\n%%EOF\n"
        letters[sifat] = Letter.objects.create(
            kind=LetterKind.RECOMMENDATION, case=case, agency=Agency.objects.get(code="BKN"), year=2099, seq=9800 + n,
            number=f"R-{9800 + n}/AKS/2099", hal="uji", sifat=sifat, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
            verify_token=secrets.token_hex(16))
    for sifat, letter in letters.items():
        assert _get(supervisor_analyst, f"/letters/{letter.pk}/pdf/").status_code == 200
        assert _get(supervisor_analyst, f"/api/v1/letters/{letter.pk}/pdf/").status_code == 200
    records = list(AccessRecord.objects.values_list("kind", "object_id", "label", "via"))
    secret = letters["Rahasia"]
    assert records == [("letter.confidential", str(secret.pk), secret.number, "letters:download"),
                       ("letter.confidential", str(secret.pk), secret.number, "api-letter-pdf")]


def test_the_access_record_is_append_only_in_the_database(evidence_case, supervisor_analyst):
    _get(supervisor_analyst, reverse("reports:evidence_download", args=[evidence_case["evidence"].pk]))
    record = AccessRecord.objects.get()
    for statement in ("UPDATE cases_accessrecord SET label = 'x' WHERE id = %s",
                      "DELETE FROM cases_accessrecord WHERE id = %s"):
        with pytest.raises(Exception, match="access records are append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [record.pk])
    assert AccessRecord.objects.get().label == "foto_ajakan.png"


def test_a_regional_auditor_reads_evidence_downloads_of_reports_without_a_case(intake_settings, client,
                                                                              bawaslu_officer, auditor):
    """#26.2, in scope: an original opened at intake, before the report joined a case (the record has no case),
    is read by the auditor of the report's region, and not by one of another region."""
    fill_steps(client)
    post_files(client, upload("bukti_awal.png", png_bytes((20, 20)), "image/png"))
    assert submit(client).status_code == 302
    evidence = Report.objects.get().evidence.get()
    assert _get(bawaslu_officer, reverse("reports:evidence_download", args=[evidence.pk])).status_code == 200
    assert AccessRecord.objects.get().case_id is None
    page = _get(auditor, reverse("privacy:access")).content.decode()  # auditor of Jawa Tengah
    assert "bukti_awal.png" in page
    west_java = UserFactory(roles=[Role.AUDITOR], agency=Agency.objects.get(code="BAWASLU-32"),
                            region=Region.objects.get(code="32"), username="auditor_jabar")
    assert "bukti_awal.png" not in _get(west_java, reverse("privacy:access")).content.decode()
    assert reverse("privacy:access") in _get(auditor, reverse("home")).content.decode()  # in the auditor's menu
