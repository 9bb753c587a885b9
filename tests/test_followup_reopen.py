"""Issue #22 point 6: a case is reopened by the institution that closed it (Bawaslu its dismissals, the supervisory
body its own closures), with a reason; those who handle it next are told."""
import pytest
from django.core.exceptions import ValidationError

from cases.models import CaseStatus
from cases.workflow import ActionNotAllowed, allowed_actions, perform
from tests.test_letters_facts import eager_celery  # noqa: F401  (letters issued in-process, as the worker would)
from tests.workflow_support import build_case, make_users, snapshot

pytestmark = pytest.mark.django_db
S = CaseStatus


@pytest.fixture
def u(db):
    return make_users("ro")


def test_bawaslu_reopens_its_dismissal_and_the_supervisory_body_cannot(u):
    case = build_case(S.DISMISSED, u)
    before = snapshot(case)
    with pytest.raises(ActionNotAllowed):
        perform("reopen", actor=u["approver"], case=case, reason="Bukti baru")
    assert snapshot(case) == before
    assert "reopen" not in allowed_actions(u["approver"], case) and "reopen" in allowed_actions(u["bawaslu"], case)
    with pytest.raises(ValidationError) as err:
        perform("reopen", actor=u["bawaslu"], case=case, reason="")
    assert "reason" in err.value.message_dict
    case = perform("reopen", actor=u["bawaslu"], case=case, reason="Pelapor menyerahkan bukti video baru")
    assert case.status == S.UNDER_EXAMINATION
    event = case.events.order_by("-id").first()
    assert (event.code, event.actor, event.reason) == ("case.reopened", u["bawaslu"], "Pelapor menyerahkan bukti video baru")
    assert u["bawaslu"].notifications.filter(case=case, kind="reopened").exists()


@pytest.mark.parametrize("status", [S.CLOSED_NOT_PROVEN, S.CLOSED_OTHER, S.CLOSED_SANCTIONED])
def test_supervisory_closures_are_reopened_by_the_supervisory_body_only(u, status):
    case = build_case(status, u)
    before = snapshot(case)
    with pytest.raises(ActionNotAllowed):
        perform("reopen", actor=u["bawaslu"], case=case, reason="Bukti baru")
    assert snapshot(case) == before
    case = perform("reopen", actor=u["approver"], case=case, reason="Putusan pengadilan membatalkan SK pensiun")
    assert case.status not in S.closed()


def test_the_reporter_is_told_when_bawaslu_reopens(u, django_capture_on_commit_callbacks):
    from cases.models import LetterKind
    from reports.services import report_register
    from tests.test_letters_facts import reporter_letters, submitted, text_of

    with django_capture_on_commit_callbacks(execute=True):
        report = submitted()
        case = report_register(actor=u["bawaslu"], report=report)
        case = perform("dismiss", actor=u["bawaslu"], case=case, reason="Terlapor bukan ASN")
        perform("reopen", actor=u["bawaslu"], case=case, reason="Terlapor ternyata PPPK (bukti SK baru)")
    notices = reporter_letters(report, LetterKind.STATUS_NOTICE)
    text = text_of(notices[-1])
    assert "Dibuka kembali" in text and "Siti Pelapor" in text
    assert "bukti SK baru" not in text  # the reporter hears the status and the date, not the internal reason
