"""A post's image: stored, read by OCR in a worker, and its text screened with the post's own.

The image is checked (a real image, at most 10 MB) before it is stored; the worker reads it with Tesseract
(reports/screening/ocr.py), keeps the text and the word boxes, and, when the text is new, scores the post again:
its undecided scores are dropped and a scoring run is queued for it.
"""
import io
from pathlib import Path

from celery import current_app
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from reports.screening.models import Post, Score
from reports.screening.ocr import OcrError, read_image
from reports.screening.services.common import ScreeningError, require_reviewer
from reports.screening.services.runs import scoring_run_create

MAX_IMAGE_BYTES = 10 * 1024 * 1024
READ_IMAGE_TASK = "reports.screening.tasks.read_post_image_task"


def _check_image(data: bytes) -> str:
    """The image's format (png, jpeg, ...); ScreeningError if the bytes are not an image Pillow can open."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ScreeningError(_("Gambar lebih besar dari 10 MB."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return (image.format or "png").lower()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ScreeningError(_("Berkas gambar tidak dapat dibaca: kirim PNG, JPEG atau WebP."))


def post_image_attach(*, actor, post: Post, data: bytes, name: str = "", read_now: bool = False) -> Post:
    """Store the image of a post and have it read (by a worker, or here with read_now)."""
    if actor is not None:
        require_reviewer(actor)
    kind = _check_image(data)
    post.image.save(f"{post.platform}-{Path(post.post_id).name[:60]}.{kind}", ContentFile(data), save=True)
    if read_now:
        return post_image_read(post_id=post.pk)
    transaction.on_commit(lambda: current_app.signature(READ_IMAGE_TASK, args=(post.pk,)).apply_async())
    return post


def post_image_read(*, post_id: int) -> Post | None:
    """OCR the post's image; a changed text drops the post's undecided scores and queues it for scoring again."""
    post = Post.objects.filter(pk=post_id).exclude(image="").first()
    if post is None:
        return None
    with post.image.open("rb") as fh:
        data = fh.read()
    try:
        result = read_image(data)
    except OcrError:
        return post  # checked when stored; a file damaged since is left unread
    text = " ".join(result.text.split())  # one line: a phrase broken over two lines in the image is still found
    if text == post.ocr_text:
        return post
    with transaction.atomic():
        post.ocr_text = text
        post.ocr = {"width": result.width, "height": result.height, "words": result.words}
        post.save(update_fields=["ocr_text", "ocr"])
        Score.objects.filter(post=post).exclude(post__verdicts__isnull=False).delete()
        try:
            scoring_run_create(post_ids=[post.pk])
        except ScreeningError:
            pass  # no trained model yet: the next run scores it
    return post
