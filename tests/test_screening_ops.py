"""Screening operations: the election a confirmed post defaults to, the candidate-list import into an election's
lexicon, the demo posts of a first run, and the post upload page. All posts and names here are invented."""
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from cases.models import ElectionPeriod, Notification, ViolationType
from reports.screening import selectors
from reports.screening.models import (
    Account, LexiconTerm, Post, PostUpload, Score, TermKind, TermOrigin, UploadStatus, Verdict,
)
from reports.screening.services.candidates import candidates_import
from reports.screening.ocr_samples import png, render_phone
from reports.screening.services.common import ScreeningError
from reports.screening.services.images import post_image_attach
from reports.screening.services.uploads import upload_process
from reports.screening.services.runs import scoring_run_create
from reports.screening.services.scoring import chunk_process, review_hits
from reports.screening.services.versions import model_version_active

pytestmark = pytest.mark.django_db

CSV_HEADER = "platform,post_id,account,text,posted_at,followers\n"
PARTISAN = "Ayo coblos nomor 2 Prabowo Gibran, menang satu putaran! #PrabowoGibran2024"


@pytest.fixture
def lexicon(db):
    call_command("screening_load_lexicon", verbosity=0)


def score_all():
    run = scoring_run_create(chunk_size=50, enqueue=False)
    for chunk in run.chunks.all():
        chunk_process(chunk_id=chunk.pk)


def import_posts(tmp_path, lines):
    path = tmp_path / "posts.csv"
    path.write_text(CSV_HEADER + "".join(lines), encoding="utf-8")
    call_command("screening_import", str(path), verbosity=0)


# --- the election a post without one defaults to -----------------------------------------------------------------

@pytest.mark.parametrize("posted, slug", [
    ("2024-02-10T09:00:00+07:00", "pemilu-2024"),   # held by Pemilu 2024 and Pilkada 2024: Pemilu votes nearer
    ("2024-10-01T09:00:00+07:00", "pilkada-2024"),  # held by both: Pilkada votes nearer
    ("2020-11-01T09:00:00+07:00", "pilkada-2020"),  # held by one only, not the latest election
    ("2026-05-01T09:00:00+07:00", None),            # between elections: the reviewer must choose
])
def test_confirm_defaults_to_the_election_whose_dates_hold_the_post(client, tmp_path, lexicon, screening_reviewer,
                                                                     posted, slug):
    import_posts(tmp_path, [f'x,9001,rina_asn,"{PARTISAN}",{posted},300\n'])
    score_all()
    hit = Score.objects.get(post__post_id="9001")
    assert hit.post.election is None
    client.force_login(screening_reviewer)
    page = client.get(reverse("screening:queue")).content.decode()
    select = page[page.index(f'id="el-{hit.pk}"'):]
    select = select[:select.index("</select>")]
    if slug:
        assert f'value="{slug}" selected' in select and select.count("selected") == 1
    else:
        assert '<option value="" selected>' in select
    response = client.post(reverse("screening:confirm", args=[hit.pk]),
                           {"violation_type": ViolationType.objects.get(code="SOSMED_POST").pk, "election": ""})
    if slug:
        assert response.status_code == 302
        assert Verdict.objects.get(post=hit.post).finding.election == ElectionPeriod.objects.get(slug=slug)
    else:
        assert response.status_code == 400 and "Pilih pemilihan untuk temuan ini" in response.content.decode()
        assert not Verdict.objects.exists()


def test_election_holding_reads_the_local_date():
    evening_utc = dt.datetime(2017, 8, 16, 20, 0, tzinfo=dt.timezone.utc)  # 17 Aug 03:00 in Jakarta: Pemilu 2019 began
    assert selectors.election_holding(evening_utc).slug == "pemilu-2019"
    assert selectors.election_holding(evening_utc - dt.timedelta(hours=8)) is None


# --- the lexicon from the official candidate list ------------------------------------------------------------------

SAMPLE = Path(__file__).parent / "data" / "candidates_pilkada_sample.csv"


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_candidate_list_dry_run_writes_nothing_then_import_is_idempotent(screening_reviewer):
    election = ElectionPeriod.objects.get(slug="pilkada-2024")
    data = SAMPLE.read_bytes()
    before = LexiconTerm.objects.count()
    dry = candidates_import(actor=screening_reviewer, election=election, data=data, name=SAMPLE.name)
    assert dry.dry_run and not dry.errors and dry.pairs == 5
    assert LexiconTerm.objects.count() == before
    assert dry.summary["new_terms"] > 0 and dry.summary["new_suggestions"] > 0

    first = candidates_import(actor=screening_reviewer, election=election, data=data, name=SAMPLE.name, dry_run=False)
    assert first.summary == dry.summary
    bambang = LexiconTerm.objects.get(election=election, term="Bambang Wiryawan")  # titles and degrees stripped
    assert bambang.kind == TermKind.CANDIDATE and bambang.active and bambang.origin == TermOrigin.CANDIDATE_LIST
    assert (bambang.source_file, bambang.source_row) == (SAMPLE.name, 2)  # line 2: the header is line 1
    assert bambang.side == "kabupaten-sukamaju:01-bambang-sri"
    assert "Dr. H. Bambang Wiryawan, S.H., M.H." in bambang.note
    assert LexiconTerm.objects.filter(election=election, term="paslon 01", kind=TermKind.PAIR_NUMBER).count() == 3
    party = LexiconTerm.objects.get(election=election, term="Partai Karya Rakyat")
    assert party.source_row == 2 and party.side == "party:Partai Karya Rakyat"  # two rows name it: the first is kept
    assert not LexiconTerm.objects.filter(election=election, term__iexact="perseorangan").exists()
    nickname = LexiconTerm.objects.get(election=election, term="Bambang", origin=TermOrigin.SUGGESTION)
    assert not nickname.active and nickname.is_pending_suggestion

    count = LexiconTerm.objects.count()
    again = candidates_import(actor=screening_reviewer, election=election, data=data, name=SAMPLE.name, dry_run=False)
    assert again.summary == {"new_terms": 0, "new_suggestions": 0, "existing": first.summary["new_terms"]
                             + first.summary["new_suggestions"]}
    assert LexiconTerm.objects.count() == count


def test_candidate_list_bad_rows_are_named_and_nothing_is_saved(screening_reviewer):
    election = ElectionPeriod.objects.get(slug="pilkada-2024")
    data = _xlsx([["Wilayah", "Nomor Urut", "Nama Calon", "Nama Wakil", "Partai Pengusung"],
                  ["Kabupaten Sukamaju", 1, "Bambang Wiryawan", "Sri Handayani", "Partai Fajar Nusantara"],
                  ["Kabupaten Sukamaju", "satu", "Darmaji", "Lestari Ningsih", "perseorangan"],
                  ["Kabupaten Sukamaju", 1, "Orang Lain", "", ""],
                  ["Kota Tirtamulya", 3, "", "Fadli Rahman", ""]])
    before = LexiconTerm.objects.count()
    result = candidates_import(actor=screening_reviewer, election=election, data=data, name="calon.xlsx", dry_run=False)
    messages = [str(e) for e in result.errors]
    assert messages == ["baris 3: kolom nomor_urut harus bilangan bulat 1–99, tertulis 'satu'",
                        "baris 4: pasangan nomor 1 di Kabupaten Sukamaju sudah ada di baris 2",
                        "baris 5: kolom nama_calon wajib diisi"]
    assert result.dry_run and LexiconTerm.objects.count() == before


@pytest.mark.parametrize("name, data, message", [
    ("calon.csv", b"daerah,nama\nSukamaju,Bambang\n", "Kolom wajib tidak ada: nomor_urut"),
    ("calon.csv", "wilayah,nomor_urut,nama_calon\nSukamaju,1,Bámbang\n".encode("latin-1"), "bukan teks UTF-8"),
    ("calon.xlsx", b"PK\x03\x04 not really a workbook", "bukan XLSX yang dapat dibaca"),
    ("calon.pdf", b"%PDF-1.7", "gunakan .csv atau .xlsx"),
    ("calon.csv", b"\n\n", "kosong"),
])
def test_candidate_list_unreadable_files_get_a_clear_message(screening_reviewer, name, data, message):
    election = ElectionPeriod.objects.get(slug="pilkada-2024")
    with pytest.raises(ScreeningError, match=message):
        candidates_import(actor=screening_reviewer, election=election, data=data, name=name)


def test_candidate_list_page_checks_imports_and_reviews_suggestions(client, screening_reviewer, auditor):
    url = reverse("screening:lexicon_candidates")
    client.force_login(auditor)
    assert client.get(url).status_code == 403
    client.force_login(screening_reviewer)
    with SAMPLE.open("rb") as fh:
        page = client.post(url, {"election": "pilkada-2024", "file": fh, "action": "check"})
    assert page.status_code == 200 and "5 pasangan terbaca" in page.content.decode()
    assert not LexiconTerm.objects.filter(term="Bambang Wiryawan").exists()
    with SAMPLE.open("rb") as fh:
        done = client.post(url, {"election": "pilkada-2024", "file": fh, "action": "import"})
    assert done.status_code == 302 and LexiconTerm.objects.filter(term="Bambang Wiryawan").exists()
    lexicon_page = client.get(done.url).content.decode()
    assert "Usulan nama pendek menunggu tinjauan" in lexicon_page and "candidates_pilkada_sample.csv:2" in lexicon_page

    nickname = LexiconTerm.objects.get(term="Bambang", origin=TermOrigin.SUGGESTION)
    client.post(reverse("screening:lexicon_suggestion", args=[nickname.pk]), {"accept": "0"})
    nickname.refresh_from_db()
    assert not nickname.active and nickname.edited_by == screening_reviewer and not nickname.is_pending_suggestion
    with SAMPLE.open("rb") as fh:  # the same list again: the rejected nickname stays rejected
        client.post(url, {"election": "pilkada-2024", "file": fh, "action": "import"})
    nickname.refresh_from_db()
    assert not nickname.active

    bad = client.post(url, {"election": "pilkada-2024", "file": SimpleUploadedFile("x.txt", b"a,b")})
    assert bad.status_code == 400 and "harus .csv atau .xlsx" in bad.content.decode()


def test_candidate_list_command_dry_run_and_errors(tmp_path, capsys):
    call_command("screening_import_candidates", str(SAMPLE), "--election", "pilkada-2024", "--dry-run")
    assert "5 pasangan; istilah akan ditambahkan" in capsys.readouterr().out
    assert not LexiconTerm.objects.filter(term="Gede Suardana").exists()
    call_command("screening_import_candidates", str(SAMPLE), "--election", "pilkada-2024")
    assert LexiconTerm.objects.get(term="Gede Suardana").side == "provinsi-nusa-lestari:01-gede-rudi"
    bad = tmp_path / "calon.csv"
    bad.write_text("nomor_urut,nama_calon\n0,Siapa\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Tidak ada yang disimpan"):
        call_command("screening_import_candidates", str(bad), "--election", "pilkada-2024")
    assert "baris 2: kolom nomor_urut harus bilangan bulat 1–99" in capsys.readouterr().err


# --- never empty on first use ---------------------------------------------------------------------------------------

def test_demo_fills_the_queue_with_groups_and_confirm_dismiss_work(client, lexicon, screening_reviewer, capsys,
                                                                    settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("screening_load_demo", "--if-empty", "--reviewer", screening_reviewer.username)
    assert "unggahan" in capsys.readouterr().out
    assert Post.objects.count() >= 250
    assert set(Post.objects.exclude(election=None).values_list("election__slug", flat=True)) == {
        "pemilu-2019", "pemilu-2024", "pilkada-2024"}
    assert Account.objects.filter(respondent__isnull=False).count() == 6
    assert LexiconTerm.objects.filter(election__slug="pilkada-2024", origin=TermOrigin.CANDIDATE_LIST).exists()
    assert Post.objects.exclude(ocr_text="").count() == 3  # the posts whose message is in a screenshot
    items, groups = selectors.review_queue()
    assert groups >= 20 and len(items) == selectors.PAGE_SIZE
    chain = list(Score.objects.filter(post__text__startswith="Pesan berantai"))
    assert len(chain) == 12 and len({s.group_key for s in chain}) == 1, [(s.score, s.group_key) for s in chain]
    copied = next(i for p in range(1, groups // selectors.PAGE_SIZE + 2) for i in selectors.review_queue(page=p)[0]
                  if i.score.group_key == chain[0].group_key)
    assert copied.group_size == 12

    # The reviewer's bell: the demo's scoring run finished with posts waiting (once per run, as any run does).
    bell = Notification.objects.get(user=screening_reviewer, kind="screening_review", read_at=None)
    waiting = review_hits(model_version_active()).count()
    assert waiting >= groups and bell.case is None
    assert bell.message == f"Penilaian unggahan selesai: {waiting} unggahan di atas ambang menunggu tinjauan."
    client.force_login(screening_reviewer)
    page = client.get(reverse("cases:notifications")).content.decode()
    assert "Tinjauan penapisan" in page and "menunggu tinjauan" in page

    labels = dict(Score.objects.values_list("post__text", "label"))
    everyday = [t for t, label in labels.items() if "posyandu" in t]
    assert everyday and all(labels[t] != "partisan" for t in everyday)

    client.force_login(screening_reviewer)
    assert client.get(reverse("screening:queue")).status_code == 200
    sosmed = ViolationType.objects.get(code="SOSMED_POST")
    assert client.post(reverse("screening:confirm", args=[copied.score.pk]), {"violation_type": sosmed.pk}).status_code == 302
    assert Verdict.objects.get(post=copied.post).posts_covered == copied.group_size
    other = items[-1]
    assert client.post(reverse("screening:dismiss", args=[other.score.pk]), {"label": "political"}).status_code == 302

    call_command("screening_load_demo", "--if-empty", "--reviewer", screening_reviewer.username)
    assert "sudah ada" in capsys.readouterr().out


# --- the upload page --------------------------------------------------------------------------------------------

GOOD_CSV = ("platform,post_id,account,text,posted_at,followers\n"
            f'x,u1,rina_asn,"{PARTISAN}",2024-02-01T10:00:00+07:00,500\n'
            'facebook,u2,budi_asn,"Hujan deras sejak subuh, hati-hati di jalan",2024-02-01T11:00:00+07:00,20\n')


def _upload(client, name, data, **extra):
    return client.post(reverse("screening:upload"), {"file": SimpleUploadedFile(name, data), **extra})


def test_upload_page_imports_a_file_with_progress_and_queues_scoring(client, lexicon, screening_reviewer,
                                                                       django_capture_on_commit_callbacks):
    from kasn_cases.celery import app
    from reports.screening.tasks import import_upload_task, score_chunk_task

    assert import_upload_task.name in app.tasks and score_chunk_task.name in app.tasks  # eager below needs them here
    client.force_login(screening_reviewer)
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = _upload(client, "posts.csv", GOOD_CSV.encode(), election="pemilu-2024")
    finally:
        app.conf.task_always_eager = False
    upload = PostUpload.objects.get()
    assert response.status_code == 302 and response.url == reverse("screening:upload_detail", args=[upload.pk])
    state = client.get(reverse("screening:upload_status", args=[upload.pk])).json()
    assert state["state"] == "done" and state["percent"] == 100 and state["created"] == 2 and state["run_url"]
    assert Post.objects.filter(election__slug="pemilu-2024").count() == 2
    assert Score.objects.count() == 2  # the scoring run ran too (eagerly)
    page = client.get(reverse("screening:upload_detail", args=[upload.pk])).content.decode()
    assert "<progress" in page and "posts.csv" in page


def test_upload_jsonl_row_errors_refuse_the_whole_file(client, screening_reviewer):
    client.force_login(screening_reviewer)
    data = ('{"platform": "x", "post_id": "j1", "account": "a", "text": "baik"}\n'
            '{"platform": "x", "post_id": "j2", "account": "b", "text": "baik", "followers": "banyak"}\n'
            'bukan json\n').encode()
    response = _upload(client, "posts.jsonl", data)
    upload = PostUpload.objects.get()
    assert response.status_code == 302 and upload.status == UploadStatus.QUEUED and upload.total_rows == 3
    upload_process(upload_id=upload.pk)  # what the worker runs
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REFUSED and not Post.objects.exists()
    assert upload.errors[0] == "baris 2: kolom followers harus bilangan bulat, tertulis 'banyak'"
    assert upload.errors[1].startswith("baris 3: JSON tidak sah")
    page = client.get(reverse("screening:upload_detail", args=[upload.pk])).content.decode()
    assert "Berkas ditolak: tidak ada yang disimpan" in page and "kolom followers harus bilangan bulat" in page
    assert upload_process(upload_id=upload.pk) is None  # a redelivered message does nothing


@pytest.mark.parametrize("name, data, message", [
    ("posts.csv", b"platform,id,user,body\nx,1,a,halo\n", "Kolom wajib tidak ada: account, text"),
    ("posts.csv", "platform,post_id,account,text\nx,1,a,Selamat pagi caf\xe9\n".encode("cp1252"),
     "bukan teks UTF-8: byte ke-"),
    ("posts.xlsx", b"PK\x03\x04", "gunakan .csv atau .jsonl"),
    ("posts.csv", b"platform,post_id,account,text\n", "tidak memuat satu unggahan pun"),
])
def test_upload_bad_files_get_a_clear_error_and_nothing_is_stored(client, screening_reviewer, name, data, message):
    client.force_login(screening_reviewer)
    response = _upload(client, name, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not PostUpload.objects.exists() and not Post.objects.exists()


def test_upload_oversize_file_is_refused_before_it_is_read(client, screening_reviewer):
    client.force_login(screening_reviewer)
    response = _upload(client, "posts.csv", GOOD_CSV.encode() + b"x" * (20 * 1024 * 1024))
    assert response.status_code == 400 and "Berkas lebih besar dari 20 MB" in response.content.decode()
    assert not PostUpload.objects.exists()
    assert client.get(reverse("screening:upload")).status_code == 200


# --- text inside a post's image ---------------------------------------------------------------------------------

def test_text_in_an_image_is_read_screened_searchable_and_boxed(client, tmp_path, settings, lexicon,
                                                                   screening_reviewer, auditor):
    settings.MEDIA_ROOT = tmp_path / "media"
    import_posts(tmp_path, ['x,img1,lina_asn,"Info dari grup sebelah, tolong disebarkan",2024-02-01T10:00:00+07:00,900\n'])
    post = Post.objects.get(post_id="img1")
    with pytest.raises(ScreeningError, match="Berkas gambar tidak dapat dibaca"):
        post_image_attach(actor=screening_reviewer, post=post, data=b"bukan gambar")
    image = render_phone("Seluruh pegawai dinas wajib hadir kampanye akbar hari Sabtu. Coblos nomor urut 02 "
                         "Prabowo-Gibran, menang satu putaran!")
    post_image_attach(actor=screening_reviewer, post=post, data=png(image), read_now=True)
    post.refresh_from_db()
    assert "kampanye akbar" in " ".join(post.ocr_text.split()) and post.ocr["width"] == image.width
    score_all()
    hit = Score.objects.get(post=post)
    assert hit.label == "partisan" and "satu putaran" in hit.matched_terms  # the caption alone says nothing

    client.force_login(screening_reviewer)
    page = client.get(reverse("screening:queue"), {"q": "kampanye akbar"}).content.decode()
    assert f'id="hit-{hit.pk}"' in page  # found by the text inside the image
    assert reverse("screening:post_image", args=[post.pk]) in page
    assert page.count('class="term-box"') >= 2 and "<title>satu putaran</title>" in page
    assert 'style="' not in page[page.index('class="post-image"'):page.index("</figure>")]  # the CSP forbids it
    assert f'id="hit-{hit.pk}"' not in client.get(reverse("screening:queue"), {"q": "tidak ada"}).content.decode()
    response = client.get(reverse("screening:post_image", args=[post.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"\x89PNG"
    client.force_login(auditor)
    assert client.get(reverse("screening:post_image", args=[post.pk])).status_code == 403
