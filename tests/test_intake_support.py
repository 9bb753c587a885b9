"""Shared helpers and fixtures for the intake tests (this module holds no tests itself)."""
import datetime as dt
import io
import random
import struct
import zlib

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases.models import Agency, ElectionPeriod, Region, Role

TODAY = timezone.localdate


@pytest.fixture
def intake_settings(settings, tmp_path):
    """Evidence goes to a temporary private store; rate limits high unless a test lowers them."""
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                     "OPTIONS": {"location": str(tmp_path / "private")}}}
    settings.REPORT_SUBMIT_RATE = "10000/m"
    settings.TRACKING_RATE = "10000/m"
    return settings


def ensure_reference():
    """A transactional test's flush empties every table; put reference data and role groups back."""
    from tests.conftest import restore_reference

    restore_reference()


def random_ip() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def png_bytes(size=(16, 16), *, exif_gps=False, noise=False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    if noise:
        image = Image.frombytes("RGB", size, random.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "KameraRahasia"  # Make
        exif[0x8825] = {1: "S", 2: (7.0, 43.0, 0.0), 3: "E", 4: (109.0, 0.0, 0.0)}  # GPS
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def bomb_png(width=40000, height=40000) -> bytes:
    """A tiny PNG whose header claims a huge image (a decompression bomb)."""
    data = bytearray(png_bytes((1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + \
    b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200
ZIP_BYTES = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 100


def reporter_step(anonymity="named", **kw):
    data = {"anonymity": anonymity, "name": "Siti Rahmawati", "address": "Jl. Merdeka 10, Cilacap",
            "phone": "081234567890", "email": "siti@example.test", "standing": "voter"}
    if anonymity == "anonymous":
        data = {"anonymity": "anonymous"}
    data.update(kw)
    return data


def respondent_step(**kw):
    data = {"respondent_name": "Bambang Sutrisno", "respondent_nip": "", "respondent_position": "Camat Kroya",
            "respondent_agency": str(Agency.objects.get(code="PEMKAB-33.01").pk), "respondent_agency_text": ""}
    data.update(kw)
    return data


def event_step(known_days_ago=2, election="pilkada-2024", **kw):
    known = TODAY() - dt.timedelta(days=known_days_ago)
    data = {"election": str(ElectionPeriod.objects.get(slug=election).pk), "stage": "",
            "region": str(Region.objects.get(code="33.01").pk),
            "occurred_on": (known - dt.timedelta(days=1)).isoformat(), "known_on": known.isoformat(),
            "place": "Balai Desa Kroya",
            "description": "Camat mengajak para kepala desa memilih pasangan calon nomor 2 dalam rapat dinas.",
            "links": "https://example.test/video/123"}
    data.update(kw)
    return data


def fill_steps(client, *, anonymity="named", reporter=None, respondent=None, event=None):
    for step, data in ((1, reporter or reporter_step(anonymity)), (2, respondent or respondent_step()),
                       (3, event or event_step())):
        response = client.post(reverse("reports:step", args=[step]), data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
        assert response.url == reverse("reports:step", args=[step + 1])


def form_token(client) -> str:
    return client.session["report_draft"]["token"]


def submit(client, files=(), **extra):
    data = {"action": "submit", "confirm": "on", "form_token": form_token(client), **extra}
    if files:
        data["evidence"] = list(files)
    return client.post(reverse("reports:step", args=[4]), data)


def public_report(client, **kw):
    """Fill and submit the public form; return (report, pin)."""
    from reports.models import Report

    fill_steps(client, **kw)
    pin = client.session["report_draft"]["pin"]
    response = submit(client)
    assert response.status_code == 302 and response.url == reverse("reports:receipt"), response.content[:2000]
    return Report.objects.get(pk=client.session["report_receipt"]["id"]), pin
