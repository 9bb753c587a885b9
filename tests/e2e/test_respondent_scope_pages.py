"""What a PPK liaison and an auditor see of a case with respondents of three agencies (issue #28), in Debian
Chromium on a desktop and a 390 px phone: the other agencies' respondents as one muted line each, and the
auditor's record of who opened the evidence. Screenshots land in test-artifacts/e2e/."""
import pytest

from tests.e2e.test_officer_journeys import login, people, reference, shot  # noqa: F401  (fixtures)
from tests.test_respondent_scope import MASK, three_agency_case

pytestmark = [pytest.mark.e2e]


def test_liaison_sees_own_respondent_and_others_masked_on_desktop_and_phone(page, people):
    world = three_agency_case()
    case, tracks = world["case"], world["tracks"]
    login(page, "ppk_cilacap")
    for width, name in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base + f"/cases/{case.pk}/")
        rows = page.locator("#h-resp + .table-wrap > table > tbody > tr:not(.decisions-row)")  # one row a respondent
        assert rows.count() == 3
        assert page.locator("tr.masked").all_inner_texts() == [MASK, MASK]
        body = page.inner_text("main")
        assert tracks["P"].respondent.name in body
        assert tracks["Q"].respondent.name not in body and tracks["K"].respondent.name not in body
        shot(page, f"scope-liaison-case-{name}")
    download = page.goto(page.base + f"/letters/{world['letters']['Q'].pk}/pdf/")
    assert download.status == 404


def test_auditor_reads_who_opened_the_evidence_on_desktop_and_phone(page, people):
    from cases.models import AccessKind, Role
    from cases.services import access_record
    from tests.e2e.test_officer_journeys import user

    world = three_agency_case()
    case = world["case"]
    user(Role.AUDITOR, "BAWASLU-33", "33", "auditor_jateng")
    access_record(actor=people["analyst"], kind=AccessKind.EVIDENCE_ORIGINAL, object_id=41, label="foto_ajakan.png",
                  via="reports:evidence_download", case=case)
    access_record(actor=people["ppk"], kind=AccessKind.LETTER_CONFIDENTIAL, object_id=world["letters"]["P"].pk,
                  label=world["letters"]["P"].number, via="letters:download", case=case)
    login(page, "auditor_jateng")
    for width, name in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base + f"/cases/{case.pk}/")
        section = page.locator("#access")
        assert section.locator("tbody tr").count() == 2
        text = section.inner_text()
        assert "foto_ajakan.png" in text and "analis" in text and world["letters"]["P"].number in text
        section.screenshot(path=str(_artifact(f"scope-auditor-access-{name}")))


def _artifact(name):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
