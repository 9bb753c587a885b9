"""OCR figures for `make bench`: character error rate per kind of generated image and images read per second.

The images are the team's own (reports/screening/ocr_samples.py: eight Indonesian sentences, clean, with 4% speckle
noise, blurred, rotated 3-4 degrees, as a phone screenshot). Tesseract runs single-threaded (OMP_THREAD_LIMIT=1) so
the rate is per core; the machine is shared, so the wall-clock rate moves with the other load on it, and the
rate per CPU second (this process and its Tesseract children) is printed beside it.
``run()`` returns a list of ``{"name", "value", "unit", "target", "met"}``.
"""
import os
import re
import time

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before Tesseract starts: one core per image

from rapidfuzz.distance import Levenshtein  # noqa: E402

from reports.screening.ocr import read_image  # noqa: E402
from reports.screening.ocr_samples import VARIANTS, samples  # noqa: E402

CER_TARGET = {"clean": 0.05}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _distance(reference: str, found: str, kind: str) -> int:
    ref, hyp = _norm(reference), _norm(found)
    if kind != "phone":
        return Levenshtein.distance(ref, hyp)
    words, n = hyp.split(), len(ref.split())  # a screenshot also holds the header and counters: best window
    return min(Levenshtein.distance(ref, " ".join(words[i:i + n])) for i in range(max(1, len(words) - n + 1)))


def _cpu_seconds() -> float:
    """CPU time of this process and of the Tesseract processes it ran (pytesseract runs the CLI)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run() -> list[dict]:
    results, images, seconds = [], 0, 0.0
    cpu_before = _cpu_seconds()
    for kind in VARIANTS:
        errors = total = 0
        for _kind, text, data in samples((kind,)):
            start = time.perf_counter()
            found = read_image(data).text
            seconds += time.perf_counter() - start
            images += 1
            errors += _distance(text, found, kind)
            total += len(_norm(text))
        cer = errors / total
        target = CER_TARGET.get(kind)
        results.append({"name": f"ocr_cer_{kind}", "value": round(cer, 4), "unit": "CER",
                        "target": f"<= {target}" if target else "reported", "met": cer <= target if target else True})
    cpu = _cpu_seconds() - cpu_before
    results.append({"name": "ocr_images_per_s", "value": round(images / seconds, 2), "unit": "images/s",
                    "target": "reported (shared machine)", "met": True})
    results.append({"name": "ocr_images_per_cpu_s", "value": round(images / cpu, 2), "unit": "images/cpu-s",
                    "target": "reported", "met": True})
    return results


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']:24s} {r['value']:>10} {r['unit']:<14} target {r['target']}")
