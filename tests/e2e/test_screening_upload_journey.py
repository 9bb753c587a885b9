"""Playwright journey in Debian Chromium: a reviewer uploads a file of posts, one post's screenshot is read by OCR,
the reviewer finds it by a phrase that is only in the image, sees the matched terms boxed, and confirms it into a
finding. Celery runs eagerly in this process (its tasks registered here); screenshots land in test-artifacts/e2e/."""
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from cases.models import Agency, Region, Role
from reports.models import Channel, Report
from reports.screening.models import Post, PostUpload, UploadStatus
from reports.screening.ocr_samples import png, render_phone
from reports.screening.services.images import post_image_attach
from tests.e2e.conftest import ARTIFACTS
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e]
PASSWORD = "rahasia-uji-123"
CSV = ("platform,post_id,account,text,posted_at,followers\n"
       'x,img-1,lina_dinsos,"Info dari grup sebelah, tolong disebarkan",2024-02-01T10:00:00+07:00,1500\n'
       'x,txt-2,budi_asn,"Pagi ini hujan deras, jangan lupa bawa payung",2024-02-01T07:00:00+07:00,80\n'
       'facebook,txt-3,siti_guru,"Jadwal posyandu pindah ke balai desa",2024-02-02T09:00:00+07:00,40\n')


@pytest.fixture
def reviewer(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference", verbosity=0)
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    call_command("screening_load_lexicon", verbosity=0)
    return UserFactory(roles=[Role.SCREENING], agency=Agency.objects.get(code="BKN"),
                       region=Region.objects.get(code="00"), username="peninjau_unggah")


@pytest.fixture
def eager_celery():
    from kasn_cases.celery import app
    from reports.screening import tasks  # noqa: F401  (registers the tasks that the pages send by name)

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_upload_posts_review_an_image_post_with_boxes_and_confirm_it(page, reviewer, eager_celery, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    posts = tmp_path / "unggahan.csv"
    posts.write_text(CSV, encoding="utf-8")
    page.goto(page.base + "/login/")
    page.fill("input[name=username]", reviewer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")

    page.goto(page.base + "/screening/unggah/")
    page.set_input_files("input[name=file]", str(posts))
    page.get_by_role("button", name="Unggah dan impor").click()
    page.wait_for_url("**/screening/unggah/*/")
    page.wait_for_selector(".result:not([hidden])")
    assert "Unggahan baru: 3" in " ".join(page.locator(".result").inner_text().split())
    assert PostUpload.objects.get().status == UploadStatus.DONE
    page.screenshot(path=str(ARTIFACTS / "screening-upload-01-done.png"), full_page=True)

    # the screenshot attached to the first post (as a monitoring system would send it) is read by OCR
    image = render_phone("Seluruh pegawai dinas wajib hadir kampanye akbar hari Sabtu. Coblos nomor urut 02 "
                         "Prabowo-Gibran, menang satu putaran!", "lina_dinsos")
    post_image_attach(actor=reviewer, post=Post.objects.get(post_id="img-1"), data=png(image), read_now=True)

    page.goto(page.base + "/screening/")
    page.fill("input[name=q]", "kampanye akbar")
    page.get_by_role("button", name="Cari", exact=True).click()
    card = page.locator("article.hit", has_text="@lina_dinsos")
    assert card.count() == 1 and page.locator("article.hit").count() == 1
    card.locator("figure.post-image img").wait_for()
    page.wait_for_function("document.querySelector('figure.post-image img').complete")
    assert card.locator("rect.term-box").count() >= 3
    box = card.locator("rect.term-box", has=page.locator("title", has_text="satu putaran")).bounding_box()
    frame = card.locator(".image-frame img").bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
    assert frame["y"] + frame["height"] / 3 < box["y"] < frame["y"] + frame["height"]  # in the post body, not the header
    card.screenshot(path=str(ARTIFACTS / "screening-upload-02-image-boxes.png"))
    page.set_viewport_size({"width": 390, "height": 900})
    card.screenshot(path=str(ARTIFACTS / "screening-upload-03-image-boxes-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 1000})

    card.get_by_role("button", name="Konfirmasi sebagai temuan").click()
    page.wait_for_selector(".msg.success")
    finding = Report.objects.get(channel=Channel.SCREENING)
    assert finding.tracking_code_display in page.locator(".msg.success").inner_text()
    assert finding.election.slug == "pemilu-2024"  # the election whose dates hold the post
    assert "lina_dinsos" in finding.description
    page.screenshot(path=str(ARTIFACTS / "screening-upload-04-confirmed.png"), full_page=True)
