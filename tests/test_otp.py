"""Two-step sign-in (#26.1): enrolment with a QR code and recovery codes, the second step with real TOTP codes,
wrong and reused codes, a recovery code used once, an administrator's reset on the user's audit trail, django-axes'
lockout on the second step, API tokens unaffected, and the set of roles that must use it as a setting."""
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from cases import twofactor
from cases.api.auth import api_token_issue
from cases.models import Agency, Region, Role
from tests.otp_support import code_from_secret, enrol, totp_now

PASSWORD = "rahasia-uji-123"


@pytest.fixture(autouse=True)
def _no_throttle_wait(settings):
    """django-otp's own delay after a wrong code (1 s, 2 s, ...) is kept out of these tests' way; the test of the
    delay sets it back."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def password_step(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def password_only_login(client, user):
    """Django's own force_login, without the second step (tests/conftest.py wraps it)."""
    from tests.conftest import _force_login

    _force_login(client, user)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def history(user):
    return list(twofactor.account_log_entries(user).order_by("pk").values_list("user__username", "change_message"))


def test_required_role_enrols_on_first_sign_in(db, supervisor_approver):
    client = Client()
    response = password_step(client, supervisor_approver)
    assert response.status_code == 302 and response.url == reverse("otp_enrol")
    assert not signed_in(client)  # the password alone opens nothing
    assert client.get(reverse("cases:queue")).status_code == 302

    page = client.get(reverse("otp_enrol"))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Pindai kode QR" in html
    secret = re.search(r'class="secret[^"]*"><code>([A-Z2-7 ]+)</code>', html).group(1)

    wrong = client.post(reverse("otp_enrol"), {"token": "12345"})
    assert wrong.status_code == 400 and "Kode harus 6 angka" in wrong.content.decode()
    response = client.post(reverse("otp_enrol"), {"token": code_from_secret(secret)})
    assert response.status_code == 302 and response.url.startswith(reverse("otp_recovery_codes"))
    assert signed_in(client)

    codes_page = client.get(response.url).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10 and set(codes) == set(StaticToken.objects.filter(
        device__user=supervisor_approver).values_list("token", flat=True))
    assert "<code>" not in client.get(response.url).content.decode()  # shown once
    assert client.get(reverse("cases:queue")).status_code == 200
    assert "didaftarkan" in history(supervisor_approver)[-1][1]


def test_sign_in_with_a_code_and_a_code_used_twice(db, supervisor_approver):
    device = enrol(supervisor_approver)
    client = Client()
    assert password_step(client, supervisor_approver).url == reverse("otp_verify")
    code = totp_now(device)
    response = client.post(reverse("otp_verify"), {"token": code})
    assert response.status_code == 302 and response.url == reverse("home") and signed_in(client)
    assert client.get(reverse("cases:queue")).status_code == 200

    other = Client()
    password_step(other, supervisor_approver)
    again = other.post(reverse("otp_verify"), {"token": code})
    assert again.status_code == 400 and not signed_in(other)
    assert "Kode ini sudah dipakai" in again.content.decode()


def test_wrong_code_is_named_and_next_is_kept(db, bkn_officer):
    device = enrol(bkn_officer)
    client = Client()
    client.post(reverse("login") + "?next=/cases/", {"username": bkn_officer.username, "password": PASSWORD})
    wrong_code = f"{(int(totp_now(device)) + 1) % 1000000:06d}"
    wrong = client.post(reverse("otp_verify"), {"token": wrong_code})
    assert wrong.status_code == 400 and "Kode salah" in wrong.content.decode() and not signed_in(client)
    assert client.post(reverse("otp_verify"), {"token": ""}).status_code == 400
    right = client.post(reverse("otp_verify"), {"token": totp_now(device)})
    assert right.url == "/cases/" and signed_in(client)


def test_throttle_after_a_wrong_code_says_how_long(db, bkn_officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    device = enrol(bkn_officer)
    client = Client()
    password_step(client, bkn_officer)
    client.post(reverse("otp_verify"), {"token": "000000" if totp_now(device) != "000000" else "111111"})
    waiting = client.post(reverse("otp_verify"), {"token": totp_now(device)})
    assert waiting.status_code == 400 and "Tunggu" in waiting.content.decode() and not signed_in(client)


def test_recovery_code_works_once(db, kemendagri_officer):
    enrol(kemendagri_officer)
    code = StaticToken.objects.filter(device__user=kemendagri_officer).first().token
    client = Client()
    password_step(client, kemendagri_officer)
    response = client.post(reverse("otp_verify"), {"token": code.upper()[:4] + "-" + code.upper()[4:]})
    assert response.status_code == 302 and signed_in(client)
    assert StaticToken.objects.filter(device__user=kemendagri_officer).count() == 9
    assert "Kode pemulihan dipakai" in history(kemendagri_officer)[-1][1] and code not in history(kemendagri_officer)[-1][1]

    other = Client()
    password_step(other, kemendagri_officer)
    again = other.post(reverse("otp_verify"), {"token": code})
    assert again.status_code == 400 and not signed_in(other)
    assert "Kode pemulihan ini sudah pernah dipakai" in again.content.decode()
    unknown = other.post(reverse("otp_verify"), {"token": "zzzzzzzz"})
    assert "Kode salah" in unknown.content.decode()

    # new codes on the officer's request: the old ones stop working, the session signed in with one stays open
    renewed = client.post(reverse("otp_account"), {"action": "recovery"})
    fresh = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", client.get(renewed.url).content.decode())
    assert len(fresh) == 10 and set(fresh) == set(StaticToken.objects.filter(
        device__user=kemendagri_officer).values_list("token", flat=True))
    assert client.get(reverse("cases:queue")).status_code == 200
    assert "Kode pemulihan baru diterbitkan" in history(kemendagri_officer)[-1][1]


def test_administrator_resets_a_device_and_the_audit_keeps_it(db, administrator, supervisor_approver):
    approver = Client()
    approver.force_login(supervisor_approver)  # both steps, with a real code (tests/otp_support.py)
    assert approver.get(reverse("cases:queue")).status_code == 200
    admin = Client()
    admin.force_login(administrator)
    response = admin.post(reverse("admin:cases_user_changelist"), {
        "action": "reset_second_factor", "_selected_action": [supervisor_approver.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor_approver).exists()
    actor, message = history(supervisor_approver)[-1]
    assert actor == administrator.username and "direset oleh administrator" in message
    assert "direset" in admin.get(reverse("admin:cases_user_history", args=[supervisor_approver.pk])).content.decode()
    # the approver's open session passed the second step with the removed device: asked again, to enrol anew
    bell = approver.get(reverse("cases:notifications_bell"), HTTP_HX_REQUEST="true")  # the header's poll
    assert bell.status_code == 200 and bell["HX-Redirect"] == reverse("otp_enrol")
    approver.force_login(supervisor_approver)
    TOTPDevice.objects.filter(user=supervisor_approver).delete()
    response = approver.get(reverse("cases:queue"))
    assert response.status_code == 302 and response.url == reverse("otp_enrol") and not signed_in(approver)


def test_lockout_covers_the_second_step(db, supervisor_approver, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device = enrol(supervisor_approver)
    client = Client(REMOTE_ADDR="10.2.2.2")
    password_step(client, supervisor_approver)
    for _i in range(2):
        assert client.post(reverse("otp_verify"), {"token": "zzzzzzzz"}).status_code == 400
    # a correct password again does not wipe the failed codes (nobody is logged in until both steps pass)
    assert password_step(client, supervisor_approver).url == reverse("otp_verify")
    locked = client.post(reverse("otp_verify"), {"token": "zzzzzzzz"})
    assert locked.status_code == 429 and "dikunci" in locked.content.decode()
    assert "dikunci" in password_step(client, supervisor_approver).content.decode()
    assert not signed_in(client)
    # the officer's own desk (another address) is not locked out
    desk = Client(REMOTE_ADDR="10.1.1.1")
    password_step(desk, supervisor_approver)
    assert desk.post(reverse("otp_verify"), {"token": totp_now(device)}).status_code == 302 and signed_in(desk)


def test_api_tokens_are_unaffected(db, supervisor_approver):
    _token, key = api_token_issue(actor=None, name="klien penyetuju", agency=Agency.objects.get(code="BKN"),
                                  region=Region.objects.get(code="00"), role=Role.APPROVER)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/cases/").status_code == 200
    # a browser session that has passed only the password is refused by the API, in its JSON shape
    session = APIClient()
    password_only_login(session, supervisor_approver)
    response = session.get("/api/v1/cases/")
    assert response.status_code == 401 and response.json()["code"] == "second_factor_required"


def test_required_roles_are_a_setting(db, settings, supervisor_analyst, supervisor_approver, bawaslu_officer):
    assert password_step(Client(), bawaslu_officer).url == reverse("home")  # optional by default
    settings.OTP_REQUIRED_ROLES = [Role.ANALYST]
    assert password_step(Client(), supervisor_analyst).url == reverse("otp_enrol")
    client = Client()
    assert password_step(client, supervisor_approver).url == reverse("home") and signed_in(client)


def test_an_optional_role_may_enrol_and_is_then_always_asked(db, bawaslu_officer):
    client = Client()
    password_step(client, bawaslu_officer)
    assert "Tidak wajib" in client.get(reverse("otp_account")).content.decode()
    html = client.get(reverse("otp_account_enrol")).content.decode()
    secret = re.search(r'class="secret[^"]*"><code>([A-Z2-7 ]+)</code>', html).group(1)
    response = client.post(reverse("otp_account_enrol"), {"token": code_from_secret(secret)})
    assert response.url.startswith(reverse("otp_recovery_codes"))
    assert "Aktif" in client.get(reverse("otp_account")).content.decode()
    assert password_step(Client(), bawaslu_officer).url == reverse("otp_verify")


def test_the_admin_login_is_the_same_two_step_door(db, administrator):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert password_step(Client(), administrator).url == reverse("otp_enrol")


def test_messages_in_english(db, supervisor_approver):
    enrol(supervisor_approver)
    client = Client()
    client.cookies["django_language"] = "en"
    password_step(client, supervisor_approver)
    html = client.post(reverse("otp_verify"), {"token": "zzzzzzzz"}).content.decode()
    assert "Wrong code" in html and "Two-step verification" in html
