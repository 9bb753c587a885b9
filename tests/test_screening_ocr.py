"""OCR with Debian's Tesseract and its Indonesian model, on images the team generates (reports/screening/ocr_samples.py):
the text is found, the character error rate of clean renders is at most 5%, matched terms get boxes, and a file that
is not an image gets a clear error. The real engine runs; nothing is mocked."""
import re

import pytest
from rapidfuzz.distance import Levenshtein

from reports.screening.ocr import OcrError, boxes_for_terms, read_image
from reports.screening.ocr_samples import SENTENCES, png, render_phone, samples, variant


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cer(reference: str, found: str) -> float:
    return Levenshtein.distance(_norm(reference), _norm(found)) / len(_norm(reference))


def test_clean_renders_are_read_with_at_most_five_percent_character_errors():
    errors = total = 0
    for _kind, text, data in samples(("clean",)):
        found = read_image(data).text
        errors += Levenshtein.distance(_norm(text), _norm(found))
        total += len(_norm(text))
    assert errors / total <= 0.05, errors / total


@pytest.mark.parametrize("kind", ["noise", "blur", "rotated"])
def test_degraded_renders_still_give_the_campaign_words(kind):
    text = SENTENCES[0]  # "Ayo coblos nomor urut 02 pada tanggal 14 Februari"
    found = read_image(png(variant(text, kind, seed=0))).text
    assert cer(text, found) <= 0.25, found  # measured over all eight sentences: bench/bench_ocr.py
    assert "coblos" in found.lower()


def test_phone_screenshot_text_and_boxes_of_matched_terms():
    text = "Seluruh pegawai dinas wajib hadir kampanye akbar hari Sabtu, coblos nomor urut 02"
    image = render_phone(text)
    result = read_image(png(image))
    assert (result.width, result.height) == image.size
    assert "kampanye akbar hari Sabtu, coblos nomor urut 02" in _norm(result.text) and "@rina.guru" in result.text
    boxes = boxes_for_terms(result.words, ["kampanye akbar", "nomor urut", "tidak ada di gambar"])
    assert {b["term"] for b in boxes} == {"kampanye akbar", "nomor urut"}
    assert len([b for b in boxes if b["term"] == "kampanye akbar"]) == 2  # broken over two lines: a box on each
    for box in boxes:  # inside the post body, below the header (the body starts at y = 210 in render_phone)
        assert 200 <= box["top"] < image.height and 0 < box["left"] < image.width and box["width"] > 40


@pytest.mark.parametrize("data", [b"bukan gambar", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_a_file_that_is_not_an_image_gets_a_clear_error(data):
    with pytest.raises(OcrError, match="bukan gambar"):
        read_image(data)
