"""Text inside images (post images, evidence screenshots), read by Tesseract with its Indonesian model.

One Tesseract pass (pytesseract.image_to_data) gives both the text, line by line, and every word's box in the
original image's pixels, so the review page can draw a box around the words the lexicon matched. Debian packages
`tesseract-ocr` and `tesseract-ocr-ind` (Makefile DEB_PACKAGES) provide the engine and the model.
"""
import io
from dataclasses import dataclass, field

import pytesseract
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

LANG = "ind"
# Tesseract reads text best at about 30 px per line; phone screenshots are often smaller than that once scaled down.
MIN_WIDTH = 1200
MAX_PIXELS = 40_000_000  # refuse decompression bombs before Tesseract sees them
MIN_CONFIDENCE = 30
# Measured on the generated images (reports/screening/ocr_samples.py; character error rate, clean / 4% noise /
# blur / rotated 3-4 degrees / phone screenshot): automatic layout (psm 3) 0 / 100% / 0 / 37.6% / 0.2%; with a 3 px
# median filter 0 / 3.3% / 0 / 27.5% / 0; one uniform block (psm 6) with the filter 0 / 6.6% / 0 / 0.2% / 0.
# Posts and screenshots are one block of text, so psm 6 with the median filter.
CONFIG = "--psm 6"


class OcrError(Exception):
    """The bytes are not an image Tesseract can read; str() says why, in Indonesian."""


@dataclass
class OcrResult:
    text: str
    words: list = field(default_factory=list)  # {"text", "left", "top", "width", "height", "conf"} in image pixels
    width: int = 0
    height: int = 0


def _prepared(data: bytes) -> tuple[Image.Image, float, tuple[int, int]]:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise OcrError(f"Gambar terlalu besar ({image.width}×{image.height} piksel).")
        image = ImageOps.exif_transpose(image)
        size = image.size
        gray = ImageOps.grayscale(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise OcrError(f"Berkas bukan gambar yang dapat dibaca ({exc.__class__.__name__}).")
    scale = max(1.0, MIN_WIDTH / gray.width)
    if scale > 1:
        gray = gray.resize((round(gray.width * scale), round(gray.height * scale)), Image.Resampling.LANCZOS)
    return gray.filter(ImageFilter.MedianFilter(3)), scale, size  # the filter removes speckle noise


def read_image(data: bytes, lang: str = LANG) -> OcrResult:
    """The text of an image (lines joined by newlines) and its words' boxes; OcrError for a non-image."""
    gray, scale, (width, height) = _prepared(data)
    found = pytesseract.image_to_data(gray, lang=lang, config=CONFIG, output_type=pytesseract.Output.DICT)
    lines, words = {}, []
    for i, text in enumerate(found["text"]):
        text = text.strip()
        if not text or float(found["conf"][i]) < MIN_CONFIDENCE:
            continue
        key = (found["block_num"][i], found["par_num"][i], found["line_num"][i])
        lines.setdefault(key, []).append(text)
        words.append({"text": text, "conf": round(float(found["conf"][i])),
                      **{k: round(found[k][i] / scale) for k in ("left", "top", "width", "height")}})
    return OcrResult(text="\n".join(" ".join(ws) for ws in lines.values()), words=words, width=width, height=height)


def boxes_for_terms(words: list, terms) -> list:
    """Boxes around the OCR words that make up any of `terms` (case-insensitive; a term may span several words,
    and a term broken over two lines gets one box per line)."""
    lowered = [w["text"].lower().strip(".,!?:;\"'()") for w in words]
    out = []
    for term in sorted({t.lower() for t in terms if t}):
        parts = [p.strip(".,!?:;\"'()") for p in term.split()]
        for i in range(len(lowered) - len(parts) + 1):
            if lowered[i:i + len(parts)] == parts:
                out += [{"term": term, **box} for box in _line_boxes(words[i:i + len(parts)])]
    return out


def _line_boxes(span: list) -> list:
    lines = [[span[0]]]
    for word in span[1:]:
        previous = lines[-1][-1]
        if abs(word["top"] - previous["top"]) > previous["height"] / 2:
            lines.append([word])
        else:
            lines[-1].append(word)
    boxes = []
    for line in lines:
        left, top = min(w["left"] for w in line), min(w["top"] for w in line)
        right, bottom = max(w["left"] + w["width"] for w in line), max(w["top"] + w["height"] for w in line)
        boxes.append({"left": left, "top": top, "width": right - left, "height": bottom - top})
    return boxes
