"""Foundation: NIP validation, reference loading, role scope, login pages."""
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from cases.models import Agency, DeadlineRule, ElectionPeriod, Holiday, Region, ViolationType
from cases.nip import parse_nip
from cases.selectors import cases_visible_to
from tests.factories import CaseFactory, TrackFactory

VALID = "196804111993031009"


def test_valid_nip_parses_each_part():
    parsed = parse_nip("19680411 199303 1 009")
    assert parsed.birth_date.isoformat() == "1968-04-11"
    assert parsed.appointment == "199303"
    assert parsed.sex == "1"
    assert parsed.display == "19680411 199303 1 009"


def test_pppk_nip_with_21_accepted():
    assert parse_nip("199001012021211001").pppk_pattern


@pytest.mark.parametrize("nip, code, words", [
    ("19680411199303100", "nip_length", "18 digit"),
    ("1968041119930310A9", "nip_digits", "angka"),
    ("196802301993031009", "nip_birth_date", "tanggal lahir"),
    ("196804111993131009", "nip_appointment_month", "bulan pengangkatan"),
    ("196804111960031009", "nip_appointment_year", "tahun pengangkatan"),
    ("196804111993033009", "nip_sex", "jenis kelamin"),
    ("196804111993031000", "nip_sequence", "nomor urut"),
])
def test_malformed_nip_names_the_wrong_part(nip, code, words):
    with pytest.raises(ValidationError) as err:
        parse_nip(nip)
    assert err.value.code == code
    assert words in err.value.messages[0]


def test_young_appointment_is_only_a_warning():
    assert parse_nip("200001012015011001").warnings


@pytest.mark.django_db
def test_reference_data_loaded_and_idempotent():
    counts = lambda: [m.objects.count() for m in (Region, Agency, ElectionPeriod, ViolationType, DeadlineRule, Holiday)]
    before = counts()
    call_command("load_reference", verbosity=0)
    assert counts() == before
    assert Region.objects.filter(level="province").count() == 38
    assert Region.objects.filter(level="regency").count() == 514
    assert set(ElectionPeriod.objects.values_list("slug", flat=True)) >= {"pemilu-2019", "pilkada-2020", "pemilu-2024", "pilkada-2024"}
    assert DeadlineRule.for_clock("PPK_FOLLOW_UP", "pilkada", __import__("datetime").date(2024, 12, 1)).length == 14


@pytest.mark.parametrize("reset_sequences", [False, True])  # as pytest-django flushes, and as a test may ask
@pytest.mark.django_db(transaction=True)
def test_reference_rows_come_back_unchanged_after_a_flush_and_new_rows_get_new_ids(reset_sequences):
    """The suite's restore after a transactional test's flush (tests.conftest) gives back the reference data
    load_reference made, ids and all, and a row added afterwards does not collide with a restored id."""
    from django.contrib.auth.models import Group

    from tests.conftest import restore_reference

    models = (Region, Agency, ElectionPeriod, ViolationType, DeadlineRule, Holiday, Group)
    snapshot = lambda: {m.__name__: sorted(m.objects.values_list()) for m in models}
    before = snapshot()
    call_command("flush", verbosity=0, interactive=False, reset_sequences=reset_sequences)
    assert not Region.objects.exists()
    restore_reference()
    assert snapshot() == before
    region = Region.objects.create(code="99", name="Uji", level="province")
    assert region.pk > max(pk for pk, *_rest in before["Region"])


@pytest.mark.django_db
def test_officer_edit_of_holiday_survives_reload():
    day = Holiday.objects.filter(cuti_bersama=True).first()
    day.name = "Diubah petugas"
    day.save()
    call_command("load_reference", verbosity=0)
    day.refresh_from_db()
    assert day.name == "Diubah petugas"


@pytest.mark.django_db
def test_regency_officer_sees_only_own_regency(bawaslu_officer, bawaslu_other_regency, bawaslu_province):
    own = CaseFactory(region=Region.objects.get(code="33.01"))
    other = CaseFactory(region=Region.objects.get(code="33.02"))
    elsewhere = CaseFactory(region=Region.objects.get(code="32.01"))
    assert set(cases_visible_to(bawaslu_officer)) == {own}
    assert set(cases_visible_to(bawaslu_other_regency)) == {other}
    assert set(cases_visible_to(bawaslu_province)) == {own, other}
    assert elsewhere not in cases_visible_to(bawaslu_province)


@pytest.mark.django_db
def test_case_page_outside_scope_is_404(client, bawaslu_other_regency):
    case = CaseFactory(region=Region.objects.get(code="33.01"))
    client.force_login(bawaslu_other_regency)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_ppk_liaison_sees_only_recommended_cases_of_own_agency(ppk_liaison):
    mine = TrackFactory(case__status="awaiting_follow_up").case
    TrackFactory(case__status="under_examination")  # same agency, not yet recommended
    TrackFactory(case__status="awaiting_follow_up", agency=Agency.objects.get(code="PEMKAB-33.02"))
    assert list(cases_visible_to(ppk_liaison)) == [mine]


@pytest.mark.django_db
def test_screening_reviewer_sees_no_case(screening_reviewer):
    CaseFactory()
    assert not cases_visible_to(screening_reviewer).exists()


@pytest.mark.django_db
def test_login_page_and_bad_password(client, bawaslu_officer):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "Masuk" in page.content.decode()
    bad = client.post(reverse("login"), {"username": "bawaslu_cilacap", "password": "salah"})
    assert "salah" in bad.content.decode()
    ok = client.post(reverse("login"), {"username": "bawaslu_cilacap", "password": "rahasia-uji-123"})
    assert ok.status_code == 302


@pytest.mark.django_db
def test_login_locks_after_repeated_failures(client, bawaslu_officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": "bawaslu_cilacap", "password": "salah"})
    locked = client.post(reverse("login"), {"username": "bawaslu_cilacap", "password": "rahasia-uji-123"})
    assert "dikunci" in locked.content.decode()


def test_check_deploy_clean_with_production_settings():
    import subprocess, sys, os
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by browser tests
    env.update(DEBUG="false", SECRET_KEY="p" * 60 + "-Q9#xZ", ALLOWED_HOSTS="netralitas.example.go.id")
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_letter_signing_folder_from_the_environment_is_usable_as_make_run_uses_it(tmp_path):
    """`make run` creates the TEST authority under LETTER_SIGNING_DIR as settings read it (the tests themselves set
    a pathlib folder, which once hid that settings handed the PKI code an object without mkdir)."""
    import subprocess, sys, os
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(LETTER_SIGNING_DIR=str(tmp_path / "pki"))
    code = ("import django; django.setup(); from django.conf import settings; from cases.letters import pki; "
            "pki.ca_ensure(settings.LETTER_SIGNING_DIR)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "pki" / "test-ca.pem").exists()


def test_unicode_digits_are_not_a_nip():
    with pytest.raises(ValidationError) as err:
        parse_nip("19680411199303100¹")
    assert err.value.code == "nip_digits"


@pytest.mark.django_db
def test_queue_search_of_only_punctuation_finds_nothing_instead_of_crashing(client, bawaslu_officer):
    CaseFactory()
    client.force_login(bawaslu_officer)
    for q in ("!!", "--", "'", "&|"):
        page = client.get(reverse("cases:queue"), {"q": q})
        assert page.status_code in (200, 400), q  # a plain message, never a server error
        assert "Daftar perkara" in page.content.decode()


@pytest.mark.django_db
def test_public_landing_page_offers_report_track_and_login(client):
    page = client.get("/")
    body = page.content.decode()
    assert page.status_code == 200
    for link in ("/lapor/", "/lacak/", "/transparansi/", "/login/"):
        assert link in body


@pytest.mark.django_db
def test_password_reset_mails_a_link_and_does_not_reveal_unknown_addresses(client, bawaslu_officer, mailoutbox):
    unknown = client.post(reverse("password_reset"), {"email": "tidak-ada@example.test"})
    assert unknown.status_code == 302 and not mailoutbox  # same answer, nothing sent
    known = client.post(reverse("password_reset"), {"email": bawaslu_officer.email})
    assert known.status_code == 302 and len(mailoutbox) == 1
    assert "/reset/" in mailoutbox[0].body
    bad = client.post(reverse("password_reset"), {"email": "bukan-surel"})
    assert bad.status_code == 200 and "email" in bad.context["form"].errors
