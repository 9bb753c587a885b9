"""Migration 0008 fills Letter.tracks for letters issued before it: from Letter.track and from each letter's
`letter.issued` event (a forwarding letter naming two respondents gets both), so old letters are scoped by
respondent like new ones (issue #28)."""
import importlib

import pytest
from django.db import connection

from cases.models import Agency, CaseStatus, Letter, LetterKind
from cases.services import event_record
from tests.workflow_support import build_case, make_users

pytestmark = pytest.mark.django_db


def test_back_fill_names_every_respondent_of_an_old_letter():
    case = build_case(CaseStatus.AWAITING_FOLLOW_UP, make_users("bf"), respondents=2)
    first, second = case.tracks.order_by("id")
    agency = Agency.objects.get(code="BKN")
    recommendation = Letter.objects.create(kind=LetterKind.RECOMMENDATION, case=case, track=first, agency=agency,
                                           year=2099, seq=1, number="R-1", hal="h", pdf=b"x", sha256="0",
                                           verify_token="bf1")
    forwarding = Letter.objects.create(kind=LetterKind.FORWARDING, case=case, agency=agency, year=2099, seq=2,
                                       number="F-2", hal="h", pdf=b"x", sha256="0", verify_token="bf2")
    event_record(case=case, code="letter.issued", payload={"letter": forwarding.pk, "tracks": [first.pk, second.pk]})
    back_fill = importlib.import_module("cases.migrations.0008_letter_tracks").BACKFILL
    with connection.cursor() as cursor:
        cursor.execute(back_fill)
        cursor.execute(back_fill)  # safe to run again
    assert set(recommendation.tracks.values_list("pk", flat=True)) == {first.pk}
    assert set(forwarding.tracks.values_list("pk", flat=True)) == {first.pk, second.pk}
