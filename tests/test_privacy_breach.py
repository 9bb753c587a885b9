"""Breach-notice support (issue #26 point 5): `manage.py access_report --user U --from T1 --to T2` (or `--token`)
lists, as CSV, the persons whose data one account saw or downloaded in a window, from the access record."""
import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessRecord
from tests.test_api import client_for, issue
from tests.test_intake_support import intake_settings, public_report

pytestmark = pytest.mark.django_db
__all__ = ["intake_settings"]


def _report(capsys, *args) -> list[dict]:
    call_command("access_report", *args)
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def _window(hours_before=1, hours_after=1):
    now = timezone.localtime()
    return ["--from", (now - dt.timedelta(hours=hours_before)).strftime("%Y-%m-%dT%H:%M"),
            "--to", (now + dt.timedelta(hours=hours_after)).strftime("%Y-%m-%dT%H:%M")]


def test_the_persons_an_account_saw_in_the_window_as_csv(intake_settings, bawaslu_officer, capsys):
    report, _pin = public_report(Client(), anonymity="confidential")
    officer = Client()
    officer.force_login(bawaslu_officer)
    for _n in range(2):
        officer.get(reverse("reports:intake_detail", args=[report.pk]))
    rows = _report(capsys, "--user", bawaslu_officer.username, *_window())
    assert rows == [{"kind": "reporter.identity", "object_id": str(report.pk), "person": "Siti Rahmawati",
                     "contact": "siti@example.test 081234567890", "times": "2", "first": rows[0]["first"],
                     "last": rows[0]["last"], "users": bawaslu_officer.username}]
    assert _report(capsys, "--user", bawaslu_officer.username, *_window(3, -2)) == []  # before the displays


def test_an_api_token_by_name_or_prefix(intake_settings, capsys):
    report, _pin = public_report(Client(), anonymity="named")
    token, key = issue("regency")
    client_for(key).get(f"/api/v1/reports/{report.pk}/")
    for value in (token.name, token.prefix):
        [row] = _report(capsys, "--token", value, *_window())
        assert (row["person"], row["users"]) == ("Siti Rahmawati", token.user.username)
    assert AccessRecord.objects.count() == 1


def test_bad_arguments_name_the_option(bawaslu_officer):
    for args, message in (
            (["--user", "tidak-ada", *_window()], "--user: pengguna «tidak-ada» tidak ada."),
            (["--token", "tidak-ada", *_window()], "--token: «tidak-ada» tidak cocok"),
            (["--user", bawaslu_officer.username, "--from", "kemarin", "--to", "2026-12-01"], "--from: «kemarin» bukan"),
            (["--user", bawaslu_officer.username, *_window(-2, 1)], "--to harus sesudah --from.")):
        with pytest.raises(CommandError, match=message):
            call_command("access_report", *args)
