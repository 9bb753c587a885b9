"""Images the team generates to measure OCR: Indonesian sentences written here, rendered with DejaVu Sans as a clean
render, with noise, blurred, rotated, and laid out like a phone screenshot of a post. Used by the OCR tests and by
bench/bench_ocr.py; nothing here is third-party text."""
import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SENTENCES = [
    "Ayo coblos nomor urut 02 pada tanggal 14 Februari",
    "Seluruh pegawai dinas wajib hadir kampanye akbar hari Sabtu",
    "Pilih pasangan yang sudah terbukti bekerja untuk rakyat",
    "Jangan lupa datang ke TPS dan gunakan hak pilih dengan bijak",
    "Rapat koordinasi kecamatan membahas jadwal posyandu bulan depan",
    "Pengumuman pelayanan KTP elektronik buka sampai pukul 15.00",
    "Dukung terus paslon 01 demi masa depan anak cucu kita",
    "Salam dua jari dari keluarga besar guru honorer kabupaten",
]
VARIANTS = ("clean", "noise", "blur", "rotated", "phone")


def _font(size, bold=False):
    return ImageFont.truetype(FONT_BOLD if bold else FONT, size)


def _wrap(draw, text, font, width) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return lines + [line] if line else lines


def render_text(text: str, size: int = 28, width: int = 900) -> Image.Image:
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    font = _font(size)
    lines = _wrap(probe, text, font, width - 60)
    image = Image.new("RGB", (width, 60 + len(lines) * int(size * 1.5)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((30, 30 + i * int(size * 1.5)), line, font=font, fill=(20, 20, 20))
    return image


def render_phone(text: str, account: str = "rina.guru_smp") -> Image.Image:
    """A post as a 390-pt-wide phone screenshot (x2 pixels): status bar, avatar, name, text, counters."""
    width = 780
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    body = _font(30)
    lines = _wrap(probe, text, body, width - 64)
    height = 260 + len(lines) * 44 + 120
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 60), fill=(245, 245, 245))
    draw.text((32, 14), "09.41", font=_font(26, bold=True), fill=(0, 0, 0))
    draw.text((width - 150, 14), "4G  87%", font=_font(24), fill=(0, 0, 0))
    draw.ellipse((32, 96, 112, 176), fill=(120, 160, 210))
    draw.text((132, 100), account.replace("_", " ").title(), font=_font(28, bold=True), fill=(15, 20, 25))
    draw.text((132, 140), f"@{account} · 2 j", font=_font(24), fill=(110, 118, 125))
    for i, line in enumerate(lines):
        draw.text((32, 210 + i * 44), line, font=body, fill=(15, 20, 25))
    y = 230 + len(lines) * 44
    draw.line((32, y, width - 32, y), fill=(230, 230, 230), width=2)
    draw.text((32, y + 24), "128 Suka   34 Bagikan   12 Komentar", font=_font(24), fill=(110, 118, 125))
    return image


def variant(text: str, kind: str, seed: int = 0) -> Image.Image:
    rng = random.Random(seed)
    if kind == "phone":
        return render_phone(text)
    image = render_text(text)
    if kind == "noise":
        pixels = image.load()
        for _i in range(image.width * image.height // 25):  # 4% of the pixels turned grey or black
            x, y = rng.randrange(image.width), rng.randrange(image.height)
            v = rng.randrange(0, 160)
            pixels[x, y] = (v, v, v)
    elif kind == "blur":
        image = image.filter(ImageFilter.GaussianBlur(1.2))
    elif kind == "rotated":
        image = image.rotate(rng.choice([-4, -3, 3, 4]), expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC)
    return image


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def samples(kinds=VARIANTS):
    """(kind, sentence, PNG bytes) for every sentence and kind."""
    for kind in kinds:
        for i, text in enumerate(SENTENCES):
            yield kind, text, png(variant(text, kind, seed=i))
