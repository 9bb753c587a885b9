"""Screening from file to finding: import, score, review queue, confirm → intake, dismiss → training data, registry,
lexicon, thresholds, evaluation, and bad input with Indonesian messages. All test posts are written here."""
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.models import ElectionPeriod, ViolationType
from reports.models import Channel, Report, ReportEvent, ReportKind
from reports.screening import selectors
from reports.screening.services.accounts import account_register
from reports.screening.services.lexicon import lexicon_rows
from reports.screening.services.runs import run_progress, scoring_run_create
from reports.screening.services.scoring import chunk_process, posts_score
from reports.screening.services.training import model_train, training_examples
from reports.screening.models import Account, LexiconTerm, Post, Score, Verdict
from tests.factories import RespondentFactory, TrackFactory

pytestmark = pytest.mark.django_db

PARTISAN = [
    "Ayo coblos nomor 2 Prabowo Gibran, menang satu putaran! #PrabowoGibran2024",
    "Dukung terus paslon 01 Anies Muhaimin, AMIN pasti menang!",
    "Mari pilih Ganjar Mahfud nomor 3, sat set tas tes!",
]
EVERYDAY = [
    "Pagi ini hujan deras di Cilacap, jangan lupa bawa payung ya teman-teman",
    "Rapat koordinasi dinas pendidikan membahas kurikulum baru minggu depan",
]
CSV_HEADER = "platform,post_id,account,url,text,posted_at,followers,likes,shares,media_ref,election\n"


def csv_line(pid, account, text, followers=100, election="pemilu-2024", posted="2024-01-20T08:15:00+07:00"):
    return f'x,{pid},{account},https://x.com/{account}/status/{pid},"{text}",{posted},{followers},5,2,,{election}\n'


@pytest.fixture
def lexicon(db):
    call_command("screening_load_lexicon", verbosity=0)


@pytest.fixture
def posts_file(tmp_path):
    lines = [csv_line(1001, "budi_asn", PARTISAN[0], followers=5000), csv_line(1002, "siti_guru", PARTISAN[1]),
             csv_line(1003, "andi_dinas", EVERYDAY[0]), csv_line(1004, "budi_asn", EVERYDAY[1])]
    path = tmp_path / "posts.csv"
    path.write_text(CSV_HEADER + "".join(lines), encoding="utf-8")
    return path


def score_all():
    run = scoring_run_create(chunk_size=2, enqueue=False)
    for chunk in run.chunks.all():
        chunk_process(chunk_id=chunk.pk)
    return run


# --- import ---------------------------------------------------------------------------------------------------

def test_csv_import_is_idempotent_and_reports_the_bad_row_with_its_line(tmp_path, capsys):
    path = tmp_path / "posts.csv"
    path.write_text(CSV_HEADER + csv_line(1, "a", PARTISAN[0]) + "x,2,b,https://x.com/b,\"teks\",kemarin,10,0,0,,\n"
                    + csv_line(3, "c", EVERYDAY[0]) + "x,4,,,\"tanpa akun\",,,,,,\n", encoding="utf-8")
    call_command("screening_import", str(path), verbosity=0)
    out, err = capsys.readouterr()
    assert "2 baru" in out and "2 baris ditolak" in out
    assert "baris 3: kolom posted_at harus tanggal-waktu ISO 8601" in err
    assert "baris 5: kolom account wajib diisi" in err
    assert set(Post.objects.values_list("post_id", flat=True)) == {"1", "3"}
    post = Post.objects.get(post_id="1")
    assert post.election.slug == "pemilu-2024" and post.followers == 100 and len(post.sha256) == 64

    call_command("screening_import", str(path), verbosity=0)
    out, _err = capsys.readouterr()
    assert "0 baru, 2 sudah ada" in out and Post.objects.count() == 2


def test_jsonl_import_reports_malformed_json_and_imports_the_rest(tmp_path, capsys):
    path = tmp_path / "posts.jsonl"
    rows = [{"platform": "facebook", "post_id": "f1", "account": "@Rina.Camat", "text": PARTISAN[2], "followers": 20},
            "{not json",
            {"platform": "facebook", "post_id": "f2", "account": "rina.camat", "text": EVERYDAY[1], "likes": -3},
            {"platform": "facebook", "post_id": "f3", "account": "rina.camat", "text": EVERYDAY[0]}]
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    call_command("screening_import", str(path), "--election", "pemilu-2024", verbosity=0)
    out, err = capsys.readouterr()
    assert "2 baru" in out
    assert "baris 2: JSON tidak sah" in err and "baris 3: kolom likes tidak boleh negatif" in err
    assert Post.objects.get(post_id="f1").account_handle == "rina.camat"
    assert Post.objects.get(post_id="f3").election.slug == "pemilu-2024"


def test_import_bad_file_and_unknown_election_are_refused_in_indonesian(tmp_path):
    bad = tmp_path / "posts.xlsx"
    bad.write_bytes(b"PK\x03\x04")
    with pytest.raises(CommandError, match="format tidak dikenal. Gunakan berkas .csv atau .jsonl"):
        call_command("screening_import", str(bad), verbosity=0)
    with pytest.raises(CommandError, match="tidak dapat dibuka"):
        call_command("screening_import", str(tmp_path / "tidak-ada.csv"), verbosity=0)
    good = tmp_path / "posts.csv"
    good.write_text(CSV_HEADER, encoding="utf-8")
    with pytest.raises(CommandError, match="Pemilihan 'pemilu-1999' tidak dikenal"):
        call_command("screening_import", str(good), "--election", "pemilu-1999", verbosity=0)
    assert Post.objects.count() == 0


# --- scoring and the queue ------------------------------------------------------------------------------------

def test_scoring_is_idempotent_per_post_and_model_version(posts_file, lexicon):
    call_command("screening_import", str(posts_file), verbosity=0)
    run = score_all()
    assert run.chunks.count() == 2 and Score.objects.count() == 4
    for chunk in run.chunks.all():  # a redelivered chunk scores nothing again
        assert chunk_process(chunk_id=chunk.pk) == 0
    assert posts_score(Post.objects.all(), run.model_version) == 0
    assert Score.objects.count() == 4
    run.refresh_from_db()
    assert run.status == "done" and run_progress(run)["percent"] == 100
    hit = Score.objects.get(post__post_id="1001")
    assert hit.label == "partisan" and "satu putaran" in hit.matched_terms
    assert Score.objects.get(post__post_id="1003").score < 0.2


def test_queue_confirm_creates_a_finding_in_intake_with_provenance(client, posts_file, lexicon, screening_reviewer,
                                                                   bawaslu_officer):
    call_command("screening_import", str(posts_file), verbosity=0)
    respondent = RespondentFactory(name="Budi Santoso")
    TrackFactory(respondent=respondent)  # one prior case
    account_register(actor=screening_reviewer, platform="x", handle="@Budi_ASN", nip=respondent.nip)
    score_all()
    client.force_login(screening_reviewer)
    page = client.get(reverse("screening:queue")).content.decode()
    # ordered by score × reach: Budi (5000 followers) first; everyday posts are not in the queue
    assert page.index("@budi_asn") < page.index("@siti_guru")
    assert EVERYDAY[0][:20] not in page
    assert "Budi Santoso" in page and "1 perkara sebelumnya" in page
    assert "<mark>satu putaran</mark>" in page
    assert "akun belum terverifikasi" in page  # siti_guru is not registered

    hit = Score.objects.get(post__post_id="1001")
    post_vt = ViolationType.objects.get(code="SOSMED_POST")
    response = client.post(reverse("screening:confirm", args=[hit.pk]), {"violation_type": post_vt.pk, "note": "jelas"})
    assert response.status_code == 302
    verdict = Verdict.objects.get(post=hit.post)
    finding = verdict.finding
    assert finding.kind == ReportKind.TEMUAN and finding.channel == Channel.SCREENING and finding.status == "submitted"
    assert finding.respondent_nip == respondent.nip and finding.respondent_name == "Budi Santoso"
    assert hit.post.sha256 in finding.description and hit.model_version.version in finding.description
    event = ReportEvent.objects.get(report=finding, code="screening.post.confirmed")
    assert event.actor == screening_reviewer
    assert event.payload["sha256"] == hit.post.sha256 and event.payload["model_version"] == hit.model_version.version
    assert "satu putaran" in event.payload["matched_terms"] and event.payload["post"]["text"] == PARTISAN[0]
    assert event.payload["violation_type"] == "SOSMED_POST"

    client.force_login(bawaslu_officer)  # the finding waits in the Cilacap intake queue
    intake = client.get(reverse("reports:intake_queue")).content.decode()
    assert finding.tracking_code_display in intake and "Budi Santoso" in intake

    client.force_login(screening_reviewer)
    assert f'id="hit-{hit.pk}"' not in client.get(reverse("screening:queue")).content.decode()
    again = client.post(reverse("screening:confirm", args=[hit.pk]), {"violation_type": post_vt.pk})
    assert again.status_code == 409 and "sudah diputus" in again.content.decode()
    assert Report.objects.filter(channel=Channel.SCREENING).count() == 1


def test_dismissal_is_stored_and_becomes_training_data(client, posts_file, lexicon, screening_reviewer):
    call_command("screening_import", str(posts_file), verbosity=0)
    score_all()
    hit = Score.objects.get(post__post_id="1002")
    client.force_login(screening_reviewer)
    response = client.post(reverse("screening:dismiss", args=[hit.pk]), {"label": "political", "note": "berita"})
    assert response.status_code == 302
    verdict = Verdict.objects.get(post=hit.post)
    assert verdict.decision == "dismiss" and verdict.finding is None and verdict.reviewer == screening_reviewer
    assert (PARTISAN[1], "political") in training_examples()

    seen = {}

    def fake_train(data_dir, out_dir, extra_labelled=(), activate=True):  # the real fit takes minutes
        seen["extra"] = list(extra_labelled)
        return "v-uji-1", {"thresholds": {"review": 0.5, "priority": 0.9}, "n_extra_labelled": len(extra_labelled)}

    mv = model_train(data_dir="unused", train=fake_train)
    assert (PARTISAN[1], "political") in seen["extra"]
    assert mv.version == "v-uji-1" and not mv.active and mv.metrics["n_extra_labelled"] == len(seen["extra"])


def test_near_duplicates_are_reviewed_once(client, tmp_path, lexicon, screening_reviewer):
    text = "Ayo coblos nomor 2 Prabowo Gibran, menang satu putaran! #PrabowoGibran2024"
    lines = [csv_line(2000 + i, f"akun_{i}", text + (" @teman" if i % 2 else ""), followers=10 * i) for i in range(6)]
    lines.append(csv_line(2100, "lain", PARTISAN[1]))
    path = tmp_path / "dups.csv"
    path.write_text(CSV_HEADER + "".join(lines), encoding="utf-8")
    call_command("screening_import", str(path), verbosity=0)
    score_all()
    items, groups = selectors.review_queue()
    assert groups == 2 and sorted(i.group_size for i in items) == [1, 6]
    group = next(i for i in items if i.group_size == 6)
    client.force_login(screening_reviewer)
    client.post(reverse("screening:confirm", args=[group.score.pk]),
                {"violation_type": ViolationType.objects.get(code="SOSMED_SHARE").pk})
    items, groups = selectors.review_queue()
    assert groups == 1 and items[0].post.post_id == "2100"
    verdict = Verdict.objects.get()
    assert verdict.posts_covered == 6 and len(verdict.finding.link_list) == 6
    assert Report.objects.count() == 1
    other = Score.objects.filter(group_key=verdict.group_key).exclude(post=verdict.post).first()
    response = client.post(reverse("screening:dismiss", args=[other.pk]), {"label": "other"})
    assert response.status_code == 409  # a copy of a decided post cannot be decided again


def test_unverified_account_finding_names_the_handle(client, posts_file, lexicon, screening_reviewer):
    call_command("screening_import", str(posts_file), verbosity=0)
    score_all()
    hit = Score.objects.get(post__post_id="1002")
    client.force_login(screening_reviewer)
    client.post(reverse("screening:confirm", args=[hit.pk]),
                {"violation_type": ViolationType.objects.get(code="SOSMED_POST").pk})
    finding = Verdict.objects.get().finding
    assert "@siti_guru" in finding.respondent_name and "belum terverifikasi" in finding.respondent_name
    assert finding.region.code == "00" and "Akun belum terverifikasi" in finding.description


def test_post_text_is_escaped_in_the_queue(client, tmp_path, lexicon, screening_reviewer):
    path = tmp_path / "xss.jsonl"
    path.write_text(json.dumps({"platform": "x", "post_id": "9", "account": "iseng", "election": "pemilu-2024",
                                "text": "<script>alert(1)</script> coblos nomor 2 Prabowo Gibran satu putaran"}) + "\n")
    call_command("screening_import", str(path), verbosity=0)
    score_all()
    client.force_login(screening_reviewer)
    page = client.get(reverse("screening:queue")).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_home_page_shows_the_reviewer_the_waiting_hits_and_nobody_else(client, posts_file, lexicon, screening_reviewer,
                                                                      bawaslu_officer):
    home = reverse("home")
    client.force_login(screening_reviewer)
    assert "Tidak ada temuan penapisan yang menunggu." in client.get(home).content.decode()
    call_command("screening_import", str(posts_file), verbosity=0)
    score_all()
    page = client.get(home).content.decode()
    card = page.split('id="h-screening"')[1].split("</section>")[0]
    assert "@budi_asn" in card and "@siti_guru" in card and "@andi_dinas" not in card  # everyday posts: no hit
    assert card.index("@budi_asn") < card.index("@siti_guru")  # score × reach, as the screening queue
    assert "2 kelompok unggahan menunggu keputusan" in card and reverse("screening:queue") in card
    client.force_login(bawaslu_officer)  # not a reviewer: no card, no post text on the home page
    page = client.get(home).content.decode()
    assert 'id="h-screening"' not in page and "@budi_asn" not in page


# --- bad input and scope --------------------------------------------------------------------------------------

def test_bad_decisions_and_filters_get_indonesian_messages(client, posts_file, lexicon, screening_reviewer):
    call_command("screening_import", str(posts_file), verbosity=0)
    score_all()
    hit = Score.objects.get(post__post_id="1001")
    client.force_login(screening_reviewer)
    non_sosmed = ViolationType.objects.filter(social_media=False).first()
    response = client.post(reverse("screening:confirm", args=[hit.pk]), {"violation_type": non_sosmed.pk})
    assert response.status_code == 400 and "katalog media sosial" in response.content.decode()
    response = client.post(reverse("screening:dismiss", args=[hit.pk]), {"label": "partisan"})
    assert response.status_code == 400 and "Alasan penolakan tidak dikenal" in response.content.decode()
    response = client.get(reverse("screening:queue"), {"election": "pemilu-1999"})
    assert response.status_code == 400 and "Pemilihan &#x27;pemilu-1999&#x27; tidak dikenal" in response.content.decode()
    assert client.post(reverse("screening:confirm", args=[999999]), {"violation_type": 1}).status_code in (400, 404)
    assert not Verdict.objects.exists()


def test_non_reviewers_are_refused(client, bawaslu_officer, auditor, posts_file, lexicon):
    call_command("screening_import", str(posts_file), verbosity=0)
    score_all()
    hit = Score.objects.get(post__post_id="1001")
    assert client.get(reverse("screening:queue")).status_code == 302  # to the login page
    for user in (bawaslu_officer, auditor):
        client.force_login(user)
        for name in ("queue", "thresholds", "lexicon", "accounts", "models"):
            assert client.get(reverse(f"screening:{name}")).status_code == 403
        assert client.post(reverse("screening:confirm", args=[hit.pk]), {"violation_type": 1}).status_code == 403
    assert not Verdict.objects.exists()


def test_thresholds_outside_zero_to_one_are_refused_and_preview_uses_verdicts(client, posts_file, lexicon,
                                                                             screening_reviewer):
    call_command("screening_import", str(posts_file), verbosity=0)
    score_all()
    client.force_login(screening_reviewer)
    client.post(reverse("screening:dismiss", args=[Score.objects.get(post__post_id="1002").pk]), {"label": "political"})
    url = reverse("screening:threshold_edit", args=["pemilu-2024"])
    response = client.post(url, {"review": "1,5", "priority": "0,9", "action": "save"})
    assert response.status_code == 400 and "Ambang tinjauan harus antara 0 dan 1." in response.content.decode()
    response = client.post(url, {"review": "0,8", "priority": "0,5", "action": "save"})
    assert response.status_code == 400 and "tidak boleh lebih rendah" in response.content.decode()
    assert ElectionPeriod.objects.get(slug="pemilu-2024").screening_review_threshold is None
    preview = client.post(url, {"review": "0,5", "priority": "0,9", "action": "preview"}).content.decode()
    assert "Pratinjau pada ambang tinjauan 0,500" in preview and "1 (0 benar, 1 salah alarm, 0 terlewat)" in preview
    assert client.post(url, {"review": "0,99", "priority": "0,995", "action": "save"}).status_code == 302
    assert ElectionPeriod.objects.get(slug="pemilu-2024").screening_review_threshold == pytest.approx(0.99)
    assert selectors.review_queue()[1] == 0  # nothing reaches 0.99 any more
    assert client.get(reverse("screening:threshold_edit", args=["pemilu-1999"])).status_code == 404


# --- registry and lexicon -------------------------------------------------------------------------------------

def test_account_registry_form_and_csv_import(client, screening_reviewer, tmp_path, capsys):
    client.force_login(screening_reviewer)
    respondent = RespondentFactory(name="Rina Wulandari")
    response = client.post(reverse("screening:accounts"), {"platform": "x", "handle": "@Rina_W", "nip": "12345"})
    assert response.status_code == 400 and "NIP harus 18 digit" in response.content.decode()
    response = client.post(reverse("screening:accounts"), {"platform": "x", "handle": "@Rina_W", "nip": respondent.nip})
    assert response.status_code == 302
    account = Account.objects.get(handle="rina_w")
    assert account.respondent == respondent and account.verified_by == screening_reviewer and account.is_verified

    path = tmp_path / "akun.csv"
    path.write_text("platform,handle,nip,name,agency_code\n"
                    "instagram,joko.lurah,198501012010011003,Joko Lurah,PEMKAB-33.01\n"
                    "instagram,salah,19850101,,\n"
                    "instagram,tanpa_nama,198601012010012004,,\n", encoding="utf-8")
    call_command("screening_import_accounts", str(path), "--by", screening_reviewer.username, verbosity=0)
    out, err = capsys.readouterr()
    assert "1 baru" in out and "2 baris ditolak" in out
    assert "baris 3: NIP harus 18 digit" in err and "baris 4: NIP 19860101 201001 2 004 belum terdaftar" in err
    joko = Account.objects.get(handle="joko.lurah").respondent
    assert joko.name == "Joko Lurah" and not joko.verified and joko.agency.code == "PEMKAB-33.01"


def test_reviewer_edits_the_lexicon_and_scoring_uses_it(client, lexicon, screening_reviewer, tmp_path):
    client.force_login(screening_reviewer)
    response = client.post(reverse("screening:lexicon"), {"election": "pilkada-2024", "term": "Bang Jago Kita",
                                                          "kind": "slogan", "side": "01-uji", "weight": "0,9"})
    assert response.status_code == 302
    term = LexiconTerm.objects.get(term="Bang Jago Kita")
    assert term.edited_by == screening_reviewer and term.election.slug == "pilkada-2024"
    bad = client.post(reverse("screening:lexicon"), {"term": "x", "kind": "slogan", "weight": "2"})
    assert bad.status_code == 400 and "Bobot harus antara 0 dan 1." in bad.content.decode()
    assert client.get(reverse("screening:lexicon"), {"election": "pilkada-1900"}).status_code == 400

    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"platform": "x", "post_id": "j1", "account": "a", "election": "pilkada-2024",
                                "text": "Pokoknya bang jago kita nomor satu"}) + "\n")
    call_command("screening_import", str(path), verbosity=0)
    score_all()
    assert "Bang Jago Kita" in Score.objects.get(post__post_id="j1").matched_terms

    client.post(reverse("screening:lexicon_toggle", args=[term.pk]))
    term.refresh_from_db()
    assert not term.active
    assert ("pilkada-2024", "Bang Jago Kita", "slogan", "01-uji", 0.9) not in lexicon_rows()


def test_load_lexicon_is_idempotent_and_keeps_deactivations(lexicon):
    n = LexiconTerm.objects.count()
    assert n > 200 and LexiconTerm.objects.filter(election__isnull=True).exists()
    LexiconTerm.objects.filter(term="Jokowi").update(active=False)
    call_command("screening_load_lexicon", verbosity=0)
    assert LexiconTerm.objects.count() == n and not LexiconTerm.objects.get(term="Jokowi").active


# --- evaluation -----------------------------------------------------------------------------------------------

def test_eval_command_prints_json_on_the_last_line(tmp_path, lexicon, capsys):
    path = tmp_path / "eval.csv"
    rows = [(t, "partisan") for t in PARTISAN] + [(t, "other") for t in EVERYDAY] + \
        [("Debat capres tadi malam membahas ekonomi dan lapangan kerja", "political")]
    path.write_text("text,label\n" + "".join(f'"{t}",{lab}\n' for t, lab in rows), encoding="utf-8")
    call_command("screening_eval", str(path), "--election", "pemilu-2024", "--json")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(result) >= {"precision", "recall", "f1", "pr_auc", "macro_f1", "false_alarm_rate", "posts_per_s",
                           "threshold", "n"}
    assert result["n"] == 6 and result["recall"] == 1.0 and result["false_alarm_rate"] == 0.0
    call_command("screening_eval", str(path))
    out = capsys.readouterr().out
    assert "precision" in out and "pr_auc" in out and "posts_per_s" in out

    with pytest.raises(CommandError, match="Pemilihan 'pemilu-1999' tidak dikenal"):
        call_command("screening_eval", str(path), "--election", "pemilu-1999")
    with pytest.raises(CommandError, match="--threshold harus antara 0 dan 1"):
        call_command("screening_eval", str(path), "--threshold", "1.5")
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nhalo,positif\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Label tidak dikenal: positif"):
        call_command("screening_eval", str(bad))


def test_every_screening_page_opens_for_a_reviewer(client, posts_file, lexicon, screening_reviewer, administrator):
    call_command("screening_import", str(posts_file), verbosity=0)
    run = score_all()
    client.force_login(screening_reviewer)
    for url in (reverse("screening:queue"), reverse("screening:thresholds"), reverse("screening:lexicon"),
                reverse("screening:accounts"), reverse("screening:models"), reverse("screening:run", args=[run.pk]),
                reverse("screening:threshold_edit", args=["pilkada-2024"]), reverse("screening:lexicon") + "?election=any"):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("screening:run_status", args=[run.pk])).json()["percent"] == 100
    mv = run.model_version
    assert client.post(reverse("screening:model_activate", args=[mv.pk])).status_code == 403  # administrators only
    client.force_login(administrator)
    assert client.post(reverse("screening:model_activate", args=[mv.pk])).status_code == 302


def test_score_button_queues_a_run_and_import_without_posts_says_so(client, posts_file, lexicon, screening_reviewer,
                                                                    django_capture_on_commit_callbacks):
    from kasn_cases.celery import app
    from reports.screening.tasks import score_chunk_task

    # runs send chunks by task name; running them here, eagerly, needs the task registered in this process
    assert score_chunk_task.name in app.tasks
    app.conf.task_always_eager = True
    try:
        call_command("screening_import", str(posts_file), verbosity=0)
        client.force_login(screening_reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("screening:run_start"), {"election": "pemilu-2024"})
        assert response.status_code == 302 and Score.objects.count() == 4
        again = client.post(reverse("screening:run_start"), follow=True)
        assert "Tidak ada unggahan yang belum dinilai" in again.content.decode()
        bad = client.post(reverse("screening:run_start"), {"election": "pemilu-1999"})
        assert bad.status_code == 400 and "Pemilihan tidak dikenal" in bad.content.decode()
    finally:
        app.conf.task_always_eager = False


@pytest.mark.django_db(transaction=True)
def test_eval_command_on_an_empty_database_uses_the_committed_model(tmp_path):
    """A fresh clone before `make run`: `manage.py screening_eval` still evaluates (committed model, reference
    lexicon file) and says why, instead of failing on a missing table. Runs against a real, empty database."""
    import os
    import subprocess
    import sys
    import uuid

    import psycopg
    from django.conf import settings
    from django.db import connection

    params = connection.get_connection_params()
    params = {k: params[k] for k in ("host", "port", "user", "password", "dbname") if params.get(k)}
    name = f"kasn_empty_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        path = tmp_path / "eval.csv"
        rows = [(t, "partisan") for t in PARTISAN] + [(t, "other") for t in EVERYDAY]
        path.write_text("text,label\n" + "".join(f'"{t}",{lab}\n' for t, lab in rows), encoding="utf-8")
        host = params.get("host", "/var/run/postgresql")
        url = (f"postgresql://{params['user']}@/{name}?host={host}" if host.startswith("/")
               else f"postgresql://{params['user']}@{host}:{params.get('port', 5432)}/{name}")
        env = dict(os.environ, DATABASE_URL=url, DEBUG="true")
        done = subprocess.run([sys.executable, "manage.py", "screening_eval", str(path), "--election", "pemilu-2024",
                               "--json"], env=env, capture_output=True, text=True, timeout=120,
                              cwd=settings.BASE_DIR)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["n"] == 5 and result["recall"] == 1.0 and result["false_alarm_rate"] == 0.0
        assert "Basis data belum disiapkan" in done.stderr
        bad = subprocess.run([sys.executable, "manage.py", "screening_eval", str(path), "--election", "pemilu-1999"],
                             env=env, capture_output=True, text=True, timeout=120, cwd=settings.BASE_DIR)
        assert bad.returncode != 0 and "Pemilihan 'pemilu-1999' tidak dikenal" in bad.stderr
    finally:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
