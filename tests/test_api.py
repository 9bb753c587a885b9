"""REST API: token scopes × endpoints (only in-scope rows, 404 outside), errors, bad input, actions, tokens."""
import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from cases.api.auth import api_token_issue, api_token_revoke
from cases.models import Agency, ApiToken, Case, CaseStatus, Letter, Region, Role
from reports.models import Channel, Evidence, Report
from tests.workflow_support import build_case, make_users, snapshot

pytestmark = pytest.mark.django_db

TOKEN_SCOPES = {
    # name: (role, agency, region)
    "regency": (Role.BAWASLU, "BAWASLU-33.01", "33.01"),
    "province": (Role.BAWASLU, "BAWASLU-33", "33"),
    "liaison": (Role.PPK_LIAISON, "PEMKAB-33.01", "33.01"),
    "national": (Role.ANALYST, "BKN", "00"),
}


def issue(scope, **kw):
    role, agency, region = TOKEN_SCOPES[scope]
    return api_token_issue(actor=None, name=f"klien {scope}", agency=Agency.objects.get(code=agency),
                           region=Region.objects.get(code=region), role=role, **kw)


def client_for(key, lang=None):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", **({"HTTP_ACCEPT_LANGUAGE": lang} if lang else {}))
    return client


def report_body(**over):
    today = timezone.localdate()
    body = {
        "anonymity": "named",
        "reporter": {"name": "Siti Aminah", "address": "Jl. Merdeka 1, Cilacap", "standing": "voter"},
        "election": "pilkada-2024", "region": "33.01", "respondent_name": "Budi Santoso",
        "respondent_nip": "198001012005011001", "respondent_agency": "PEMKAB-33.01",
        "occurred_on": (today - dt.timedelta(days=2)).isoformat(), "known_on": (today - dt.timedelta(days=1)).isoformat(),
        "place": "Facebook @budi.s", "description": "Mengunggah foto bersama pasangan calon dengan ajakan memilih.",
        "links": ["https://facebook.com/budi.s/posts/1"],
    }
    body.update(over)
    return body


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def move(case, region_code):
    region = Region.objects.get(code=region_code)
    Case.objects.filter(pk=case.pk).update(region=region, region_code=region.code)
    return Case.objects.get(pk=case.pk)


def add_letter(case, n):
    pdf = b"%PDF-1.4 uji " + str(n).encode()
    return Letter.objects.create(kind="FORWARDING", case=case, agency=Agency.objects.get(code="BAWASLU-33.01"),
                                 year=2024, seq=n, number=f"{n}/PP.01/K.JT-01/2024", hal="Penerusan", pdf=pdf,
                                 sha256=hashlib.sha256(pdf).hexdigest(), verify_token=f"vt{n:06d}")


@pytest.fixture
def world(db):
    """Three cases: Cilacap (33.01, with the PPK), Banyumas (33.02), Kulon Progo (34.01); a letter on each."""
    users = make_users("api")
    cilacap = build_case(CaseStatus.AWAITING_FOLLOW_UP, users)
    banyumas = move(build_case(CaseStatus.AWAITING_FOLLOW_UP, users, agency_code="PEMKAB-33.02"), "33.02")
    kulon_progo = move(build_case(CaseStatus.UNDER_EXAMINATION, users, agency_code="PEMKAB-34.01"), "34.01")
    letters = {name: add_letter(case, i + 1) for i, (name, case) in
               enumerate({"cilacap": cilacap, "banyumas": banyumas, "kulon_progo": kulon_progo}.items())}
    return {"users": users, "cases": {"cilacap": cilacap, "banyumas": banyumas, "kulon_progo": kulon_progo},
            "letters": letters}


VISIBLE = {
    "regency": {"cilacap"},
    "province": {"cilacap", "banyumas"},
    "liaison": {"cilacap"},
    "national": {"cilacap", "banyumas", "kulon_progo"},
}


# --- the scope matrix -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("scope", list(TOKEN_SCOPES))
def test_scope_matrix_cases_timeline_respondents_letters(world, scope):
    _token, key = issue(scope)
    api = client_for(key)
    listed = api.get("/api/v1/cases/")
    assert listed.status_code == 200
    assert {c["number"] for c in listed.json()["results"]} == {world["cases"][n].number for n in VISIBLE[scope]}
    for name, case in world["cases"].items():
        expected = 200 if name in VISIBLE[scope] else 404
        nip = case.tracks.first().respondent.nip
        letter = world["letters"][name]
        for url in (f"/api/v1/cases/{case.pk}/", f"/api/v1/cases/{case.pk}/timeline/", f"/api/v1/respondents/{nip}/",
                    f"/api/v1/letters/{letter.pk}/", f"/api/v1/letters/{letter.pk}/pdf/"):
            response = api.get(url)
            assert response.status_code == expected, (scope, name, url, response.content[:200])
            if expected == 404:
                assert response.json()["code"] == "not_found"
    letters = api.get("/api/v1/letters/").json()["results"]
    assert {lt["number"] for lt in letters} == {world["letters"][n].number for n in VISIBLE[scope]}


@pytest.mark.parametrize("scope", list(TOKEN_SCOPES))
def test_scope_matrix_reports(world, scope):
    """A client sees the reports it sent; a Bawaslu token also sees the reports of its region (and below)."""
    keys = {name: issue(name)[1] for name in TOKEN_SCOPES}
    created = {}
    for name, key in keys.items():
        region = {"regency": "33.01", "province": "33.02", "liaison": "33.01", "national": "34.01"}[name]
        response = client_for(key).post("/api/v1/reports/", report_body(region=region), format="json")
        assert response.status_code == 201, response.content
        created[name] = response.json()["id"]
    expected = {"regency": {"regency", "liaison"}, "province": {"regency", "province", "liaison"},
                "liaison": {"liaison"}, "national": {"national"}}[scope]
    api = client_for(keys[scope])
    assert {r["id"] for r in api.get("/api/v1/reports/").json()["results"]} == {created[n] for n in expected}
    for name, pk in created.items():
        assert api.get(f"/api/v1/reports/{pk}/").status_code == (200 if name in expected else 404)


def test_case_list_uses_the_queue_filterset(world):
    _token, key = issue("national")
    api = client_for(key)
    numbers = lambda r: {c["number"] for c in r.json()["results"]}  # noqa: E731
    assert numbers(api.get("/api/v1/cases/", {"region": "33"})) == {world["cases"]["cilacap"].number,
                                                                    world["cases"]["banyumas"].number}
    assert numbers(api.get("/api/v1/cases/", {"status": "under_examination"})) == {world["cases"]["kulon_progo"].number}
    assert numbers(api.get("/api/v1/cases/", {"agency": "PEMKAB-33.02"})) == {world["cases"]["banyumas"].number}
    bad = api.get("/api/v1/cases/", {"status": "nonsense"})
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"status"}
    region = api.get("/api/v1/cases/", {"region": "99.99"})
    assert region.status_code == 422 and "99.99" in region.json()["fields"]["region"][0]


def test_case_list_cursor_pagination(world):
    _token, key = issue("national")
    api = client_for(key)
    first = api.get("/api/v1/cases/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert api.get("/api/v1/cases/", {"cursor": "garbage"}).status_code == 404


# --- workflow actions ---------------------------------------------------------------------------------------------

def test_action_runs_through_the_workflow(world):
    _token, key = issue("regency")
    case = world["cases"]["cilacap"]
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.UNDER_EXAMINATION)
    response = client_for(key).post(f"/api/v1/cases/{case.pk}/actions/forward/", {"conclusion": "Memenuhi unsur."},
                                    format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "forwarded"
    assert case.events.filter(code="case.forwarded").count() == 1


def test_wrong_status_action_is_409_and_changes_nothing(world):
    _token, key = issue("regency")
    case = world["cases"]["cilacap"]  # awaiting follow-up: Bawaslu may not forward any more
    before = snapshot(case)
    response = client_for(key).post(f"/api/v1/cases/{case.pk}/actions/forward/", {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition" and "Menunggu tindak lanjut PPK" in body["message"]
    assert snapshot(case) == before


def test_action_by_the_wrong_role_is_403_and_out_of_scope_is_404(world):
    _token, key = issue("liaison")
    api = client_for(key)
    case = world["cases"]["cilacap"]
    before = snapshot(case)
    response = api.post(f"/api/v1/cases/{case.pk}/actions/issue_recommendation/", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "action_not_allowed"
    assert snapshot(case) == before
    other = world["cases"]["banyumas"]
    assert api.post(f"/api/v1/cases/{other.pk}/actions/acknowledge/", {}, format="json").status_code == 404


def test_action_bad_input(world):
    _token, key = issue("regency")
    api = client_for(key)
    case = world["cases"]["cilacap"]
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.UNDER_EXAMINATION)
    missing = api.post(f"/api/v1/cases/{case.pk}/actions/dismiss/", {}, format="json")
    assert missing.status_code == 422 and list(missing.json()["fields"]) == ["reason"]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.UNDER_EXAMINATION
    unknown = api.post(f"/api/v1/cases/{case.pk}/actions/teleport/", {}, format="json")
    assert unknown.status_code == 404 and "teleport" in unknown.json()["message"]
    wrong_type = api.post(f"/api/v1/cases/{case.pk}/actions/assign/", {"officer": "x"}, format="json")
    assert wrong_type.status_code == 422 and "officer" in wrong_type.json()["fields"]
    broken = api.post(f"/api/v1/cases/{case.pk}/actions/dismiss/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"


def test_an_action_with_a_stale_if_match_is_412_and_changes_nothing(world):
    _token, key = issue("regency")
    api = client_for(key)
    case = world["cases"]["cilacap"]
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.UNDER_EXAMINATION)
    url = f"/api/v1/cases/{case.pk}/"
    shown = api.get(url)["ETag"]
    forwarded = api.post(url + "actions/forward/", {"conclusion": "Memenuhi unsur."}, format="json",
                         HTTP_IF_MATCH=shown)
    assert forwarded.status_code == 200 and forwarded["ETag"] not in ("", shown)
    assert forwarded["ETag"] == api.get(url)["ETag"]
    before = snapshot(case)
    stale = api.post(url + "actions/dismiss/", {"reason": "Bukan ASN"}, format="json", HTTP_IF_MATCH=shown)
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert "Teruskan ke lembaga pengawas" in stale.json()["message"] and snapshot(case) == before
    assert api.post(url + "actions/dismiss/", {}, format="json", HTTP_IF_MATCH='"nonsense"').status_code == 412


def test_reassigning_over_the_api_needs_a_reason_as_on_the_web(world):
    _token, key = issue("regency")
    api = client_for(key)
    users, case = world["users"], world["cases"]["cilacap"]
    Case.objects.filter(pk=case.pk).update(bawaslu_owner=users["bawaslu"])
    url = f"/api/v1/cases/{case.pk}/actions/assign/"
    refused = api.post(url, {"officer": users["bawaslu_province"].pk}, format="json")
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["reason"]
    done = api.post(url, {"officer": users["bawaslu_province"].pk, "reason": "Cuti panjang"}, format="json")
    assert done.status_code == 200, done.content
    assert Case.objects.get(pk=case.pk).bawaslu_owner == users["bawaslu_province"]
    assert case.events.filter(action="assign").last().reason == "Cuti panjang"


def test_case_detail_lists_allowed_actions(world):
    _token, key = issue("liaison")
    detail = client_for(key).get(f"/api/v1/cases/{world['cases']['cilacap'].pk}/").json()
    assert "acknowledge" in detail["allowed_actions"] and "forward" not in detail["allowed_actions"]


# --- reports and evidence -----------------------------------------------------------------------------------------

def test_report_create_read_and_evidence(world):
    _token, key = issue("regency")
    api = client_for(key)
    created = api.post("/api/v1/reports/", report_body(), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted" and body["channel"] == "api" and body["region"] == "33.01"
    report = Report.objects.get(pk=body["id"])
    assert report.channel == Channel.API and report.reporter.name == "Siti Aminah"
    content = png_bytes()
    upload = io.BytesIO(content)
    upload.name = "foto.png"
    added = api.post(f"/api/v1/reports/{report.pk}/evidence/", {"file": upload}, format="multipart")
    assert added.status_code == 201, added.content
    assert added.json()["sha256"] == hashlib.sha256(content).hexdigest()
    shown = api.get(f"/api/v1/reports/{report.pk}/").json()
    assert [e["sha256"] for e in shown["evidence"]] == [hashlib.sha256(content).hexdigest()]


def test_report_bad_input_names_the_fields(world):
    _token, key = issue("regency")
    api = client_for(key)
    missing = api.post("/api/v1/reports/", {"election": "pilkada-2024"}, format="json")
    assert missing.status_code == 422
    assert {"region", "respondent_name", "occurred_on", "known_on", "place", "description"} <= set(missing.json()["fields"])
    rules = api.post("/api/v1/reports/", report_body(respondent_nip="198001012005131001", reporter={"name": "X"},
                                                     region="99", election="tidak-ada"), format="json")
    fields = rules.json()["fields"]
    assert rules.status_code == 422
    assert "13\u201314" in fields["respondent_nip"][0]  # names the faulty part of the NIP
    assert {"reporter.address", "reporter.standing", "region", "election"} <= set(fields)
    odd = api.post("/api/v1/reports/", report_body(respondent_nip="1980010120\u00b95011001"), format="json")
    assert odd.status_code == 422 and odd.json()["fields"]["respondent_nip"] == ["NIP hanya boleh berisi angka."]
    future = api.post("/api/v1/reports/", report_body(occurred_on="2999-01-01"), format="json")
    assert future.status_code == 422 and "occurred_on" in future.json()["fields"]
    assert Report.objects.count() == 0


def test_evidence_bad_input(world):
    _token, key = issue("regency")
    api = client_for(key)
    pk = api.post("/api/v1/reports/", report_body(), format="json").json()["id"]
    none = api.post(f"/api/v1/reports/{pk}/evidence/", {}, format="multipart")
    assert none.status_code == 422 and list(none.json()["fields"]) == ["file"]
    program = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200)
    program.name = "foto.jpg"
    refused = api.post(f"/api/v1/reports/{pk}/evidence/", {"file": program}, format="multipart")
    assert refused.status_code == 422 and "program" in refused.json()["fields"]["file"][0]
    assert Evidence.objects.count() == 0
    other_key = issue("liaison")[1]
    assert client_for(other_key).post(f"/api/v1/reports/{pk}/evidence/", {"file": program},
                                      format="multipart").status_code == 404


def test_finding_needs_a_bawaslu_token(world):
    _token, key = issue("liaison")
    response = client_for(key).post("/api/v1/reports/", report_body(kind="temuan"), format="json")
    assert response.status_code == 403 and Report.objects.count() == 0
    _token, key = issue("regency")
    response = client_for(key).post("/api/v1/reports/", report_body(kind="temuan", reporter=None), format="json")
    assert response.status_code == 201 and response.json()["kind"] == "temuan"


# --- respondents, letters, reference data, statistics -------------------------------------------------------------

def test_respondent_lookup_unknown_and_malformed_nip(world):
    _token, key = issue("national")
    api = client_for(key)
    unknown = api.get("/api/v1/respondents/199001012015011001/")
    assert unknown.status_code == 404 and "19900101 201501 1 001" in unknown.json()["message"]
    month = api.get("/api/v1/respondents/199001012015131001/")
    assert month.status_code == 422 and "13\u201314" in month.json()["fields"]["nip"][0]
    odd = api.get("/api/v1/respondents/1980010120\u00b95011001/")
    assert odd.status_code == 422 and odd.json()["fields"]["nip"] == ["NIP hanya boleh berisi angka."]
    short = api.get("/api/v1/respondents/12345/")
    assert short.status_code == 422 and "18 digit" in short.json()["fields"]["nip"][0]
    known = world["cases"]["cilacap"].tracks.first().respondent
    found = api.get(f"/api/v1/respondents/{known.nip}/").json()
    assert found["name"] == known.name and [c["number"] for c in found["cases"]] == [world["cases"]["cilacap"].number]


def test_letter_download_and_verify(world):
    _token, key = issue("regency")
    api = client_for(key)
    letter = world["letters"]["cilacap"]
    pdf = api.get(f"/api/v1/letters/{letter.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == letter.sha256
    other = world["letters"]["kulon_progo"]  # verification is not scoped: no personal data in it
    ok = api.get("/api/v1/letters/verify/", {"token": other.verify_token, "sha256": other.sha256}).json()
    assert ok["valid"] and ok["sha256_matches"] and ok["number"] == other.number
    tampered = api.get("/api/v1/letters/verify/", {"token": other.verify_token, "sha256": "0" * 64}).json()
    assert tampered["valid"] is False and tampered["sha256_matches"] is False
    assert api.get("/api/v1/letters/verify/", {"token": "nope"}).status_code == 404
    empty = api.get("/api/v1/letters/verify/")
    assert empty.status_code == 422 and "token" in empty.json()["fields"]
    assert api.get("/api/v1/letters/verify/", {"sha256": "xyz"}).status_code == 422


def test_reference_data_is_read_only(world):
    _token, key = issue("liaison")
    api = client_for(key)
    assert api.get("/api/v1/regions/33.01/").json()["name"]
    assert api.get("/api/v1/agencies/PEMKAB-33.01/").json()["region"] == "33.01"
    assert api.get("/api/v1/elections/pilkada-2024/").json()["election_type"] == "pilkada"
    for url in ("/api/v1/violation-types/", "/api/v1/sanction-types/", "/api/v1/deadline-rules/", "/api/v1/holidays/"):
        assert api.get(url).json()["results"], url
    assert api.get("/api/v1/holidays/2024-02-31/").status_code == 404
    assert api.get("/api/v1/deadline-rules/99999999999999999999999/").status_code == 404
    for odd in ("\u00b9", "-1", "0", "1.5"):  # "¹" passes str.isdigit() but not int()
        assert api.get(f"/api/v1/letters/{odd}/").status_code == 404, odd
    assert api.post("/api/v1/regions/", {"code": "99"}, format="json").status_code == 405


def test_statistics_summary(world):
    _token, key = issue("province")
    api = client_for(key)
    data = api.get("/api/v1/statistics/summary/", {"election": "pemilu-2024"}).json()
    # The figures are cases.stats' own (summary views, cached like the dashboard); their scoping is tested there.
    assert {t["key"] for t in data["tables"]} == {"summary", "funnel", "status", "election"}
    summary = next(t for t in data["tables"] if t["key"] == "summary")
    assert all(isinstance(row["cells"][0]["v"], int) for row in summary["rows"])
    bad = api.get("/api/v1/statistics/summary/", {"region": "xx"})
    assert bad.status_code == 422 and "region" in bad.json()["fields"]


# --- errors, language, tokens, throttling -------------------------------------------------------------------------

def test_errors_are_indonesian_by_default_and_english_on_request(world):
    _token, key = issue("regency")
    case = world["cases"]["cilacap"]
    indonesian = client_for(key).post(f"/api/v1/cases/{case.pk}/actions/forward/", {}, format="json").json()
    english = client_for(key, "en").post(f"/api/v1/cases/{case.pk}/actions/forward/", {}, format="json").json()
    assert set(indonesian) == set(english) == {"code", "message", "fields"}
    assert "tidak dapat dilakukan" in indonesian["message"] and english["code"] == "invalid_transition"
    assert client_for(key, "en").get("/api/v1/cases/999999/").json()["message"] == "Not found."
    assert client_for(key).get("/api/v1/cases/999999/").json()["message"] == "Data tidak ditemukan."
    revoked = client_for("ntr_deadbeef_x", "en").get("/api/v1/cases/").json()
    assert revoked["message"] == "Invalid API token key."
    missing_id = client_for(key).post("/api/v1/reports/", {}, format="json").json()
    missing_en = client_for(key, "en").post("/api/v1/reports/", {}, format="json").json()
    assert missing_id["message"].startswith("Data yang dikirim tidak valid")
    assert missing_en["message"].startswith("The data sent is not valid")
    assert missing_en["fields"]["place"] == ["This field is required."]
    assert missing_id["fields"]["place"] != missing_en["fields"]["place"]


def test_authentication_errors(world):
    anonymous = APIClient().get("/api/v1/cases/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    assert anonymous["WWW-Authenticate"] == "Token"
    bad = client_for("ntr_deadbeef_nope").get("/api/v1/cases/")
    assert bad.status_code == 401 and bad.json()["code"] == "authentication_failed"
    token, key = issue("regency")
    assert client_for(key).get("/api/v1/cases/").status_code == 200
    api_token_revoke(actor=None, token=token)
    revoked = client_for(key).get("/api/v1/cases/")
    assert revoked.status_code == 401 and "dicabut" in revoked.json()["message"]


def test_token_is_stored_hashed_and_records_last_use(world):
    token, key = issue("regency")
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and token.last_used_at is None
    client_for(key).get("/api/v1/regions/33/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_session_authentication_works_for_the_browser(world, bawaslu_officer):
    api = APIClient()
    api.force_login(bawaslu_officer)
    assert {c["number"] for c in api.get("/api/v1/cases/").json()["results"]} == {world["cases"]["cilacap"].number}


def test_throttling_per_client(world, redis_client):
    _token, key = issue("regency", throttle_rate="3/min")
    api = client_for(key)
    codes = [api.get("/api/v1/regions/33/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = api.get("/api/v1/regions/33/")
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60  # what is left of the client's minute, from the counter's expiry
    _other, other_key = issue("regency", throttle_rate="3/min")
    assert client_for(other_key).get("/api/v1/regions/33/").status_code == 200  # another client is not affected


def test_a_wrong_key_with_a_clients_prefix_does_not_use_up_its_rate(world, redis_client):
    _token, key = issue("regency", throttle_rate="3/hour")
    wrong = key[:-4] + ("aaaa" if not key.endswith("aaaa") else "bbbb")  # same prefix, another secret
    assert [client_for(wrong).get("/api/v1/regions/33/").status_code for _ in range(5)] == [401] * 5
    api = client_for(key)
    assert [api.get("/api/v1/regions/33/").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.parametrize("rate", ["2/hour", "2/day"])
def test_a_rate_over_another_window_than_the_default_is_kept_from_the_first_request(world, redis_client, rate):
    """A token whose rate has another window than the default's minute is counted over its own window from its
    first request."""
    _token, key = issue("regency", throttle_rate=rate)
    api = client_for(key)
    assert [api.get("/api/v1/regions/33/").status_code for _ in range(3)] == [200, 200, 429]
    assert api.get("/api/v1/regions/33/").status_code == 429


@pytest.mark.parametrize("accept, query, status", [
    (None, "", 200), ("*/*", "", 200), ("application/json", "", 200), (" application/json ", "", 200),
    ("application/json; indent=2", "", 200), ("text/html", "", 406), ("application/xml", "", 406),
    ("text/html", "?format=json", 406), (None, "?format=json", 200), (None, "?format=xml", 404)])
def test_content_negotiation_answers_json_or_says_why_not(world, accept, query, status):
    _token, key = issue("regency")
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = client_for(key).get(f"/api/v1/regions/33/{query}", **headers)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "33" if status == 200 else set(body) == {"code", "message", "fields"}


def test_issue_api_token_command_prints_the_key_once(world, capsys):
    call_command("issue_api_token", "--agency", "BAWASLU-33.01", "--name", "SIGAP Cilacap")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(name="SIGAP Cilacap")
    assert token.matches(key) and token.user.has_role(Role.BAWASLU) and token.region.code == "33.01"
    assert client_for(key).get("/api/v1/cases/").status_code == 200
    with pytest.raises(Exception, match="tidak dikenal"):
        call_command("issue_api_token", "--agency", "NOPE", "--name", "x")


def test_admin_issues_a_token_and_shows_the_key_once(world, administrator, client):
    client.force_login(administrator)
    response = client.post("/admin/cases/apitoken/add/", {
        "name": "Feed BSSN", "agency": Agency.objects.get(code="BKN").pk, "region": Region.objects.get(code="00").pk,
        "role": Role.ANALYST, "throttle_rate": ""}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Feed BSSN")
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.split(": ", 1)[1].split(" ")[0] for m in shown if "Kunci token" in m)
    assert token.matches(key)
    listing = client.get("/admin/cases/apitoken/")
    assert key not in listing.content.decode()
    client.post("/admin/cases/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_swagger_ui_is_served_from_vendored_assets(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    # every script, stylesheet and image comes from this server (the page's CSRF token is random text, so look at
    # the addresses, not for the letters "cdn" anywhere)
    addresses = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page)
    assert addresses and all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
    assert client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["openapi"].startswith("3.")


def test_cached_reference_rows_and_tokens_follow_changes_at_once(world):
    """Intake reads agencies/regions/elections and tokens from caches: a change must apply to the next request."""
    token, key = issue("regency")
    api = client_for(key)
    assert api.post("/api/v1/reports/", report_body(), format="json").status_code == 201  # caches filled
    unknown = api.post("/api/v1/reports/", report_body(respondent_agency="PEMKAB-UJI"), format="json")
    assert unknown.status_code == 422 and "respondent_agency" in unknown.json()["fields"]
    Agency.objects.create(code="PEMKAB-UJI", name="Pemerintah Kabupaten Uji", kind="regional",
                          region=Region.objects.get(code="33.01"))
    added = api.post("/api/v1/reports/", report_body(respondent_agency="PEMKAB-UJI"), format="json")
    assert added.status_code == 201 and added.json()["respondent_agency"] == "PEMKAB-UJI"
    token.user.is_active = False
    token.user.save(update_fields=["is_active"])
    assert api.post("/api/v1/reports/", report_body(), format="json").status_code == 401


def test_token_read_from_the_cache_is_the_same_client_and_a_bad_cache_entry_reads_the_database(world):
    """The cached token (with its service user, region and agency) acts exactly as the
    token read from the database: same service user, agency, region and scope; a cache entry that cannot be
    read (another code version, garbage) falls back to the database instead of failing the request."""
    from django.core.cache import cache

    from cases.api.auth import _cache_key, _token_for

    token, key = issue("regency")
    api = client_for(key)
    first = api.get("/api/v1/cases/").json()
    assert cache.get(_cache_key(token.prefix)) is not None  # filled by the first request
    cached = _token_for(token.prefix)
    assert (cached.pk, cached.user.pk, cached.user.agency.code, cached.user.region.code) == \
        (token.pk, token.user.pk, token.agency.code, token.region.code)
    assert cached.matches(key) and cached.user.roles == token.user.roles
    assert api.get("/api/v1/cases/").json() == first  # same scope from the cached copy
    cache.set(_cache_key(token.prefix), ("not", "a", "token"), 60)
    assert api.get("/api/v1/cases/").json() == first
    assert api.post("/api/v1/reports/", report_body(), format="json").status_code == 201
    api_token_revoke(actor=None, token=token)
    assert api.get("/api/v1/cases/").status_code == 401


def test_case_list_unicode_digit_filters_are_a_field_error_not_a_crash(world):
    """Found by schemathesis: "7²" passes str.isdigit() but not int(); the filter must answer 422, not 500."""
    _token, key = issue("national")
    api = client_for(key)
    for value in ("7²", "٣", "99999999999999999999999"):
        response = api.get("/api/v1/cases/", {"assigned": value})
        assert response.status_code == 422, (value, response.status_code)
        assert set(response.json()["fields"]) == {"assigned"}
