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
        rows = page.locator("#h-resp + .table-wrap tbody tr")
        assert rows.count() == 3
        assert page.locator("tr.masked").all_inner_texts() == [MASK, MASK]
        body = page.inner_text("main")
        assert tracks["P"].respondent.name in body
        assert tracks["Q"].respondent.name not in body and tracks["K"].respondent.name not in body
        shot(page, f"scope-liaison-case-{name}")
    download = page.goto(page.base + f"/letters/{world['letters']['Q'].pk}/pdf/")
    assert download.status == 404
