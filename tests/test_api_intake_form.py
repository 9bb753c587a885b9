"""The API's intake form (reports.fastpath.intake_form, which reads each field's value without a BoundField) cleans
exactly as the officer intake form of the web pages: the same cleaned data and the same errors, field by field."""
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.api import CODE_FIELDS
from reports.fastpath import intake_form
from reports.forms import OfficerReportForm
from tests.workflow_support import ensure_reference_data

TODAY = dt.date.today()
# For each field: missing, empty, a good value and bad ones (the form's rules: lengths, dates, codes, NIP parts).
VALUES = {
    "kind": ["laporan", "temuan", "lain"],
    "received_on": [TODAY, TODAY + dt.timedelta(days=1), "2024-13-01"],
    "anonymity": ["named", "confidential", "anonymous", "x"],
    "name": ["Siti Aminah", " ", "x" * 201],
    "address": ["Jl. Merdeka 1, Cilacap", "x" * 301],
    "phone": ["0812 3456 7890", "abc"],
    "email": ["siti@example.id", "bukan-surel"],
    "standing": ["voter", "monitor", "?"],
    "respondent_name": ["Budi Santoso", "  "],
    "respondent_nip": ["198001012005011001", "1980", "19800101 200501 1 001", "198013012005011001"],
    "respondent_position": ["Kepala Seksi"],
    "respondent_agency": ["PEMKAB-33.01", "TIDAK-ADA"],
    "respondent_agency_text": ["Dinas Uji"],
    "election": ["pilkada-2024", "pemilu-1955"],
    "stage": ["1", "999999", "x"],
    "region": ["33.01", "33", "99.99"],
    "occurred_on": [TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=3), "kemarin"],
    "known_on": [TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=5)],
    "place": ["Facebook @budi.s", "x" * 201],
    "description": ["Mengunggah foto bersama pasangan calon dengan ajakan memilih.", "pendek"],
    "links": ["https://facebook.com/budi.s/posts/1", "bukan tautan", "https://a.id/1\nhttps://b.id/2"],
}
submissions = st.fixed_dictionaries({}, optional={name: st.sampled_from(["", *values])
                                                  for name, values in VALUES.items()})


def web_form(data):
    form = OfficerReportForm(data)
    for name, to_field in CODE_FIELDS.items():
        form.fields[name].to_field_name = to_field
    return form


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=submissions)
def test_the_api_form_cleans_as_the_web_form(data):
    ensure_reference_data()
    api, web = intake_form(data, CODE_FIELDS), web_form(data)
    assert api.is_valid() == web.is_valid()
    assert api.errors.get_json_data() == web.errors.get_json_data()
    assert api.cleaned_data == web.cleaned_data


@pytest.mark.django_db
def test_the_examples_reach_both_outcomes():
    ensure_reference_data()
    good = {name: values[0] for name, values in VALUES.items()} | {"links": "", "stage": ""}
    assert intake_form(good, CODE_FIELDS).is_valid(), intake_form(good, CODE_FIELDS).errors
    assert not intake_form(good | {"respondent_nip": "1980"}, CODE_FIELDS).is_valid()
