"""docs/privacy.md, the record of processing (issue #26 point 6), is what `manage.py privacy_doc` generates from the
retention rows, the role rules and the request clocks: it cannot drift from the code."""
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from reports.privacy.models import RetentionRule
from reports.privacy.record import render_record

pytestmark = pytest.mark.django_db
COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "privacy.md"


def test_the_committed_record_is_the_generated_one():
    assert COMMITTED.read_text(encoding="utf-8") == render_record(), (
        "docs/privacy.md differs from the code: run `manage.py privacy_doc --write` and commit it")


def test_the_record_follows_the_rows_and_the_roles():
    text = render_record()
    assert "| Confidential reporter's identity (name, address, contact) (`cases.view_reporter_identity`) | yes |" in text
    assert "`PDP_WITHDRAW_CONSENT` | 72 hours" in text and "`BREACH_NOTICE` | 72 hours | UU 27/2022 Pasal 46" in text
    RetentionRule.objects.filter(data_class="dismissed_posts").update(period_days=90)
    assert "| 90 days |" in render_record()  # an administrator's edit shows: the committed file then fails above
    out = io.StringIO()
    call_command("privacy_doc", stdout=out)
    assert out.getvalue() == render_record()
