"""The English web UI (locale/en): officer and public pages in English when chosen and in Indonesian by default, a
complete catalogue whose committed .mo matches the .po, and official letters that stay Indonesian in any case."""
import gettext
import importlib.util
import io
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cases import workflow
from cases.letters.issue import letter_issue
from cases.models import Agency, CaseStatus, ElectionPeriod, LetterKind, Region
from tests.factories import make_nip
from tests.workflow_support import build_case, make_users

BASE_DIR = Path(settings.BASE_DIR)
PO = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
API_MO = BASE_DIR / "cases" / "api" / "locale" / "en" / "LC_MESSAGES" / "django.mo"
# Every UI string is translated; letters are rendered under translation.override("id") (see the letter test).
ALLOWED_UNTRANSLATED: set[str] = set()


def _make_en():
    spec = importlib.util.spec_from_file_location("make_en", BASE_DIR / "locale" / "make_en.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Visible(HTMLParser):
    """The text a reader sees (no scripts or styles), whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(response) -> str:
    assert response.status_code == 200, response.status_code
    parser = _Visible()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def open_case(actor):
    return workflow.case_open(
        actor=actor, election=ElectionPeriod.objects.get(slug="pilkada-2024"), region=Region.objects.get(code="33.01"),
        title="Camat mengunggah ajakan memilih", description="Unggahan di Facebook berisi ajakan memilih.",
        respondents=[{"nip": make_nip(), "name": "Budi Santoso", "position": "Camat",
                      "agency": Agency.objects.get(code="PEMKAB-33.01")}], register=False)


def officer_pages(client, case):
    return {"home": visible(client.get(reverse("home"))), "queue": visible(client.get(reverse("cases:queue"))),
            "case": visible(client.get(reverse("cases:detail", args=[case.pk])))}


# Label a user sees in each language, per page.
NAV = [("Beranda", "Home"), ("Daftar perkara", "Cases"), ("Keluar", "Log out")]
PAGES = {
    "home": NAV + [("Perlu tindakan", "Needs action"), ("Perkara saya: terlambat", "My cases: overdue")],
    "queue": NAV + [("Kode instansi", "Agency code"), ("Diterima sejak", "Received from"), ("Terapkan", "Apply"),
                    ("Diterima (kajian awal)", "Received (admissibility review)"), ("Hapus filter", "Clear filters")],
    "case": NAV + [("Ringkasan", "Summary"), ("Tenggat waktu", "Deadlines"), ("Riwayat", "History"),
                   ("Catatan internal (sebut rekan dengan @nama_pengguna)",
                    "Internal note (mention colleagues with @username)"),
                   ("Teruskan ke lembaga pengawas", "Refer to the supervisory body")],
    "report form": [("Nama lengkap", "Full name"), ("Anda melapor sebagai", "You are reporting as"),
                    ("Bagaimana identitas Anda diperlakukan?", "How is your identity treated?"), ("Lanjut", "Next")],
}


def assert_language(pages: dict, language: str):
    for name, text in pages.items():
        for indonesian, english in PAGES[name]:
            shown, hidden = (english, indonesian) if language == "en" else (indonesian, english)
            assert shown in text, f"{name}: {shown!r} missing"
            assert hidden not in text, f"{name}: {hidden!r} shown in {language}"


# --- pages ----------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_officer_pages_in_english_with_the_language_cookie(client, bawaslu_officer):
    case = open_case(bawaslu_officer)
    client.force_login(bawaslu_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages = officer_pages(client, case)
    assert_language(pages, "en")
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_public_report_form_in_english_after_choosing_it_in_the_switcher(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("reports:step", args=[1])})
    assert response.status_code == 302
    assert_language({"report form": visible(client.get(response.url))}, "en")


@pytest.mark.django_db
def test_pages_are_indonesian_by_default(client, bawaslu_officer):
    case = open_case(bawaslu_officer)
    form = visible(client.get(reverse("reports:step", args=[1])))
    client.force_login(bawaslu_officer)
    assert_language({**officer_pages(client, case), "report form": form}, "id")
    assert '<html lang="id">' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_browser_asking_for_english_still_gets_indonesian_pages_until_the_user_switches(client, bawaslu_officer):
    """Many officers' browsers are set to English; the site stays Indonesian until they choose otherwise. The API
    still answers in English to Accept-Language (tests/test_api.py)."""
    case = open_case(bawaslu_officer)
    client.force_login(bawaslu_officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    assert_language(officer_pages(client, case), "id")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert_language(officer_pages(client, case), "en")


@pytest.mark.django_db
def test_an_unknown_language_in_the_cookie_or_the_switcher_leaves_the_pages_indonesian(client, bawaslu_officer):
    case = open_case(bawaslu_officer)
    client.force_login(bawaslu_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-tampered"
    assert_language(officer_pages(client, case), "id")
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})  # not offered: ignored, not stored
    assert_language(officer_pages(client, case), "id")


@pytest.mark.django_db
def test_menu_and_queue_options_follow_each_switch(client, bawaslu_officer):
    """The menu and the filter options are kept per language (cases/templatetags): switching never mixes them."""
    open_case(bawaslu_officer)
    client.force_login(bawaslu_officer)
    for language in ("id", "en", "id", "en"):
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        queue = visible(client.get(reverse("cases:queue")))
        assert_language({"queue": queue}, language)
        overdue, paused = ("Overdue", "Paused") if language == "en" else ("Terlambat", "Dijeda")
        assert overdue in queue and paused in queue  # the deadline filter's options


@pytest.mark.django_db
def test_report_form_step_titles_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "1. Reporter's identity" in visible(client.get(reverse("reports:step", args=[1])))


@pytest.mark.django_db
def test_letter_issued_from_an_english_session_stays_indonesian():
    """Official letters are Indonesian by law, whatever language the issuing officer reads the site in."""
    users = make_users("i18n")
    case = build_case(CaseStatus.AWAITING_FOLLOW_UP, users)
    track = case.tracks.select_related("respondent", "agency").get()
    with translation.override("en"):
        letter = letter_issue(actor=users["approver"], kind=LetterKind.RECOMMENDATION, agency=Agency.objects.get(
            code="BKN"), case=case, track=track, sifat="Rahasia")
    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(bytes(letter.pdf))).pages).split())
    assert "14 (empat belas) hari kerja" in text
    assert "working days" not in text


# --- the catalogue --------------------------------------------------------------------------------------------

def test_every_msgid_has_a_translation_and_none_is_fuzzy():
    make_en = _make_en()
    entries = make_en.parse(PO)
    untranslated = {e["id"] for e in entries if not make_en.translated(e)}
    assert untranslated == ALLOWED_UNTRANSLATED
    assert len(entries) > 1000  # the whole web UI, not a stub
    assert not re.search(r"^#,.*\bfuzzy\b", PO.read_text(encoding="utf-8"), re.M)


def test_committed_mo_matches_the_po(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True, capture_output=True)
    with fresh.open("rb") as f_fresh, MO.open("rb") as f_committed:
        assert gettext.GNUTranslations(f_committed)._catalog == gettext.GNUTranslations(f_fresh)._catalog, \
            "locale/en/LC_MESSAGES/django.mo is stale: run .venv/bin/python locale/make_en.py"


def test_web_and_api_catalogues_agree_where_they_overlap():
    with MO.open("rb") as web_file, API_MO.open("rb") as api_file:
        web, api = gettext.GNUTranslations(web_file)._catalog, gettext.GNUTranslations(api_file)._catalog
    shared = (web.keys() & api.keys()) - {""}  # "" is each catalogue's header
    assert {k: web[k] for k in shared} == {k: api[k] for k in shared}


def test_every_translate_tag_of_the_templates_is_in_the_catalogue():
    """A new {% translate "..." %} in templates/ (letters excepted) needs `locale/make_en.py` and an English text."""
    with MO.open("rb") as web_file, API_MO.open("rb") as api_file:
        known = gettext.GNUTranslations(web_file)._catalog.keys() | gettext.GNUTranslations(api_file)._catalog.keys()
    tag = re.compile(r"""{%\s*(?:translate|trans)\s+(?:"([^"]+)"|'([^']+)')""")
    roots = [BASE_DIR / "templates", *(BASE_DIR / "cases").rglob("templates"), *(BASE_DIR / "reports").rglob("templates")]
    missing = set()
    for path in (p for root in roots for p in root.rglob("*.html") if "letters" not in p.relative_to(root).parts[:1]):
        missing |= {f"{path.relative_to(BASE_DIR)}: {a or b}" for a, b in tag.findall(path.read_text(encoding="utf-8"))
                    if (a or b) not in known}
    assert not missing


@pytest.mark.django_db
def test_what_an_english_reading_officer_sends_others_stays_indonesian():
    """Notifications and e-mails are read by other people, who did not choose the acting officer's language."""
    from cases.models import Notification, Outbox

    users = make_users("i18n2")
    case = build_case(CaseStatus.RECEIVED, users)
    officer = users["bawaslu"]
    with translation.override("en"):
        workflow.perform("assign", actor=officer, case=case, officer=officer)
    note = Notification.objects.filter(user=officer, case=case, kind="assigned").get()
    assert note.message.startswith("Anda ditetapkan menangani perkara"), note.message
    assert Outbox.objects.filter(to=officer.email, body=note.message).exists()
