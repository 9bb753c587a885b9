"""Issue #22 point 8: a referral to Gakkumdu is recorded for acts that are also crimes (the catalogue's criminal
basis), with date and reference; the case's status does not change."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import CaseStatus, GakkumduReferral
from cases.workflow import perform
from tests.workflow_support import build_case, make_users, snapshot

pytestmark = pytest.mark.django_db
S = CaseStatus


@pytest.fixture
def u(db):
    return make_users("gk")


def test_referral_is_recorded_with_date_and_reference(u, client):
    case = build_case(S.UNDER_EXAMINATION, u, election="pilkada-2024")
    referred = timezone.localdate() - dt.timedelta(days=1)
    case = perform("refer_gakkumdu", actor=u["bawaslu"], case=case, violation_type="DECISION_FAVOUR",
                   referred_on=referred, reference="001/PL/PP.01.02/K.JT-01/X/2024")
    assert case.status == S.UNDER_EXAMINATION
    referral = GakkumduReferral.objects.get(case=case)
    assert (referral.referred_on, referral.recorded_by) == (referred, u["bawaslu"])
    event = case.events.order_by("-id").first()
    assert event.code == "case.gakkumdu.referred" and "188" in event.payload["criminal_basis"]
    client.force_login(u["bawaslu"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Gakkumdu" in page and "001/PL/PP.01.02/K.JT-01/X/2024" in page


@pytest.mark.parametrize("language, message", [("id", "hanya untuk perbuatan yang juga tindak pidana"),
                                               ("en", "only for acts that are also crimes")])
def test_an_act_without_criminal_basis_is_refused(u, language, message):
    case = build_case(S.UNDER_EXAMINATION, u)
    before = snapshot(case)
    with translation.override(language), pytest.raises(ValidationError) as err:
        perform("refer_gakkumdu", actor=u["bawaslu"], case=case, violation_type="SOSMED_LIKE",
                referred_on=timezone.localdate(), reference="")
    assert message in err.value.message_dict["violation_type"][0]
    assert "reference" in err.value.message_dict
    assert snapshot(case) == before
