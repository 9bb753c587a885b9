"""Screening API: batch ingest keeps the valid posts and names each bad one by index and field, duplicates are not
stored twice, Idempotency-Key replays, roles outside get 403, the queued scoring gives the post a score."""
import pytest
from django.core.management import call_command

from cases.api.auth import api_token_issue
from cases.models import Agency, IdempotencyRecord, Region, Role
from reports.screening.models import Post, Score, ScoringChunk
from reports.screening.tasks import score_chunk_task
from tests.test_api import client_for, issue

pytestmark = pytest.mark.django_db
URL = "/api/v1/screening/posts/"


def reviewer_key():
    _token, key = api_token_issue(actor=None, name="klien penapisan", agency=Agency.objects.get(code="BKN"),
                                  region=Region.objects.get(code="00"), role=Role.SCREENING)
    return key


def post_body(pid, **over):
    body = {"platform": "x", "post_id": str(pid), "account_handle": "@budi_asn",
            "url": f"https://x.com/budi_asn/status/{pid}", "text": "Ayo coblos nomor 2 Prabowo Gibran, menang satu "
            "putaran! #PrabowoGibran2024", "posted_at": "2024-01-20T08:15:00+07:00", "followers": 5000, "likes": 12,
            "shares": 3, "media_ref": "", "election": "pemilu-2024"}
    body.update(over)
    return body


def test_batch_with_one_bad_row_keeps_the_others_and_names_index_and_field():
    api = client_for(reviewer_key())
    batch = [post_body(1), post_body(2), post_body(3, posted_at="kemarin"), post_body(4, followers=-5)]
    response = api.post(URL, batch, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["rejected"], body["duplicates"]) == (2, 2, 0)
    assert [i["status"] for i in body["items"]] == ["created", "created", "rejected", "rejected"]
    fields = body["errors"]["fields"]
    assert set(fields) == {"2.posted_at", "3.followers"}
    assert "ISO 8601" in fields["2.posted_at"][0] and "kemarin" in fields["2.posted_at"][0]
    assert "tidak boleh negatif" in fields["3.followers"][0]
    assert sorted(Post.objects.values_list("post_id", flat=True)) == ["1", "2"]
    stored = Post.objects.get(post_id="1")
    assert stored.account_handle == "budi_asn" and stored.election.slug == "pemilu-2024"

    english = client_for(reviewer_key(), "en").post(URL, [post_body(5), post_body(6, text="")], format="json")
    assert "required" in english.json()["errors"]["fields"]["1.text"][0]


def test_all_bad_is_422_in_the_error_shape_and_stores_nothing():
    api = client_for(reviewer_key())
    response = api.post(URL, [post_body(1, text=""), "bukan objek"], format="json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and set(body["fields"]) == {"0.text", "1.non_field_errors"}
    single = api.post(URL, post_body(9, url="javascript:alert(1)"), format="json")
    assert single.status_code == 422 and list(single.json()["fields"]) == ["url"]
    assert api.post(URL, [], format="json").status_code == 422
    too_many = api.post(URL, [post_body(i) for i in range(1001)], format="json")
    assert too_many.status_code == 422 and "1000" in too_many.json()["message"]
    assert not Post.objects.exists()


def test_bad_json_is_400_in_the_error_shape():
    response = client_for(reviewer_key()).post(URL, data='[{"platform": "x",', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error" and response.json()["fields"] == {}


def test_duplicate_post_id_is_reported_and_not_stored_twice():
    api = client_for(reviewer_key())
    first = api.post(URL, post_body(7), format="json").json()
    again = api.post(URL, [post_body(7, text="teks lain, diubah"), post_body(7, platform="facebook")], format="json")
    assert again.status_code == 201
    assert [i["status"] for i in again.json()["items"]] == ["duplicate", "created"]
    assert again.json()["items"][0]["id"] == first["items"][0]["id"]
    assert Post.objects.filter(post_id="7").count() == 2  # x and facebook
    assert "diubah" not in Post.objects.get(platform="x", post_id="7").text
    only_duplicates = api.post(URL, [post_body(7), post_body(7)], format="json")
    assert only_duplicates.status_code == 200 and only_duplicates.json()["duplicates"] == 2


def test_idempotency_key_replays_the_first_answer():
    api = client_for(reviewer_key())
    first = api.post(URL, [post_body(11), post_body(12)], format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    again = api.post(URL, [post_body(11), post_body(12)], format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = api.post(URL, [post_body(13)], format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["fields"]
    assert Post.objects.count() == 2 and IdempotencyRecord.objects.count() == 1


def test_roles_outside_screening_are_refused():
    _token, liaison = issue("liaison")
    refused = client_for(liaison).post(URL, [post_body(21)], format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not Post.objects.exists()
    _token, bawaslu = issue("regency")
    created = client_for(bawaslu).post(URL, [post_body(22)], format="json")
    assert created.status_code == 201  # Bawaslu may send posts, but reading scores is the reviewers'
    pk = created.json()["items"][0]["id"]
    assert client_for(bawaslu).get(f"{URL}{pk}/").status_code == 403
    assert client_for(liaison).get(f"{URL}{pk}/").status_code == 403
    assert client_for(reviewer_key()).get(f"{URL}999999999/").status_code == 404


def test_sent_posts_are_queued_and_the_worker_scores_them(django_capture_on_commit_callbacks):
    call_command("screening_load_lexicon", verbosity=0)
    api = client_for(reviewer_key())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(URL, [post_body(31), post_body(32, text="Pagi ini hujan deras di Cilacap, bawa payung")],
                            format="json")
    assert response.status_code == 201 and response.json()["scoring_run"] is not None
    assert len(callbacks) == 1  # the chunks go to the broker only after commit
    pk = response.json()["items"][0]["id"]
    pending = api.get(f"{URL}{pk}/").json()
    assert pending["scored"] is False and pending["score"] is None

    for chunk in ScoringChunk.objects.filter(run_id=response.json()["scoring_run"]):
        score_chunk_task.apply(args=(chunk.pk,))  # what the worker runs, eagerly
    assert Score.objects.filter(post__post_id__in=["31", "32"]).count() == 2

    scored = api.get(f"{URL}{pk}/").json()
    assert scored["scored"] is True and scored["score"]["model_version"]
    assert scored["score"]["label"] == "partisan" and scored["score"]["score"] > 0.5
    assert any("prabowo" in span["term"].lower() for span in scored["score"]["spans"])
    everyday = api.get(f"{URL}{response.json()['items'][1]['id']}/").json()
    assert everyday["score"]["score"] < scored["score"]["score"]


def test_time_zone_offset_outside_real_zones_is_a_field_error_not_a_crash():
    """Found by the long schemathesis run: "+17:09" parses in Python but PostgreSQL refuses it (500 before)."""
    api = client_for(reviewer_key())
    batch = [post_body(1, posted_at="4591-07-27T11:39:22+17:09"), post_body(2, posted_at="2024-01-20T08:15:00-12:00"),
             post_body(3, posted_at="2024-01-20T08:15:00+14:00")]
    response = api.post(URL, batch, format="json")
    assert response.status_code == 201
    body = response.json()
    assert [i["status"] for i in body["items"]] == ["rejected", "created", "created"]
    assert "-12:00 sampai +14:00" in body["errors"]["fields"]["0.posted_at"][0]
    assert sorted(Post.objects.values_list("post_id", flat=True)) == ["2", "3"]
