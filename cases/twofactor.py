"""Two-step sign-in for officers (django-otp): who must use it, enrolment, verification, reset, and the middleware.

A TOTP device (an authenticator app, enrolled by QR code) and a static device (one-time recovery codes) per user.
The second step is required for the roles in settings.OTP_REQUIRED_ROLES (those that sign, block or administer)
and for anyone who enrolled; the others may enrol on /akun/dua-langkah/. Between the password and the second
step the session holds only a pending sign-in (cases.views_otp): the user is logged in (django.contrib.auth.login,
which is when django-axes resets its failure count) only once the second step passes. Failed second steps count
as failed logins for django-axes (same username + address), so its lockout covers both steps.

Account events (enrolment, a recovery code used, a reset by an administrator) go to the audit of user
administration, Django admin's LogEntry on the user (its "History" in /admin/), as every change an administrator
makes to a user already does. API tokens (cases.api.auth) never pass through here.
"""
import hashlib
import hmac
import time
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import login, logout
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import User

PENDING_SESSION_KEY = "otp_pending"
RECOVERY_SESSION_KEY = "otp_recovery_codes"
TOTP_NAME = "Aplikasi autentikator"
RECOVERY_NAME = "Kode pemulihan"


# --- who must use it -------------------------------------------------------------------------------------------

def second_factor_required(user) -> bool:
    """The user's roles include one of settings.OTP_REQUIRED_ROLES (a superuser counts as administrator)."""
    return bool(user.roles.intersection(settings.OTP_REQUIRED_ROLES))


def confirmed_device_ids(user) -> frozenset:
    """Persistent ids of the user's confirmed devices: read with the page user (cases.selectors), else now."""
    ids = getattr(user, "otp_device_ids", None)
    if ids is None:
        ids = frozenset(d.persistent_id for d in devices_for_user(user, confirmed=True))
        user.otp_device_ids = ids
    return ids


def has_authenticator(user) -> bool:
    return any(i.startswith(TOTPDevice.model_label() + "/") for i in confirmed_device_ids(user))


def second_factor_needed(user) -> bool:
    return second_factor_required(user) or bool(confirmed_device_ids(user))


def session_verified(request) -> bool:
    return request.session.get(DEVICE_ID_SESSION_KEY) in confirmed_device_ids(request.user)


# --- the audit of user administration --------------------------------------------------------------------------

def account_log(*, actor, user, message: str) -> None:
    """One LogEntry on `user` by `actor`: the trail Django admin keeps of every change to a user. In Indonesian
    whatever the actor reads, like the rest of the record."""
    LogEntry.objects.log_actions(user_id=actor.pk, queryset=[user], action_flag=CHANGE, change_message=message,
                                 single_object=True)


def account_log_entries(user):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(user, for_concrete_model=False),
                                   object_id=str(user.pk))


def _recovery_ref(user, code: str) -> str:
    """A keyed digest that names a used recovery code in the audit without revealing it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{user.pk}:{code}".encode(), hashlib.sha256).hexdigest()
    return f"ref {digest[:16]}"


# --- enrolment -------------------------------------------------------------------------------------------------

def authenticator_start(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator (a new secret key if none): what the enrolment page's QR code shows.
    The same key is shown again until it is confirmed, so reloading the page does not invalidate a scanned code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def authenticator_uri(device: TOTPDevice) -> str:
    return device.config_url


def authenticator_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (segno), for the enrolment page."""
    import segno  # ~75 ms of CPU to import, for the enrolment page only: not loaded by every process

    return segno.make(authenticator_uri(device), error="m", micro=False).svg_inline(
        scale=4, dark="#111", light="#fff", omitsize=True)


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 key in groups of four, for typing into an app without a camera."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@dataclass
class SecondFactorError(Exception):
    code: str  # wrong | reused | recovery_reused | throttled | empty
    message: str


def authenticator_confirm(*, user, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a code it shows; replaces any earlier devices of the user and issues new
    recovery codes, returned once (only their use is kept afterwards)."""
    token = _clean(token)
    if not token.isdigit() or len(token) != device.digits:
        raise SecondFactorError("wrong", _("Kode harus %(n)s angka dari aplikasi autentikator.") % {"n": device.digits})
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        _check_allowed(device)
        if not device.verify_token(token):
            raise SecondFactorError("wrong", _(
                "Kode salah. Pindai ulang kode QR atau periksa jam ponsel, lalu masukkan kode 6 angka yang sedang "
                "tampil."))
        for old in devices_for_user(user, confirmed=None):
            if old.pk != device.pk or not isinstance(old, TOTPDevice):
                old.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_issue(user=user)
        account_log(actor=user, user=user, message=("Verifikasi dua langkah didaftarkan (aplikasi autentikator dan "
                                                    "%(n)s kode pemulihan).") % {"n": len(codes)})
    user.otp_device_ids = frozenset(d.persistent_id for d in devices_for_user(user, confirmed=True))
    return codes


def recovery_codes_renew(*, user) -> list[str]:
    """New recovery codes on the officer's request (all spent, or printed copy lost); recorded."""
    with transaction.atomic():
        codes = recovery_codes_issue(user=user)
        account_log(actor=user, user=user, message="Kode pemulihan baru diterbitkan; kode lama tidak berlaku lagi.")
    return codes


def recovery_codes_issue(*, user) -> list[str]:
    """A fresh set of one-time recovery codes (the old ones stop working). The device stays the same, so a
    session that signed in with one of the old codes stays signed in."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


# --- the second step -------------------------------------------------------------------------------------------

def _clean(token) -> str:
    return "".join(str(token or "").split()).replace("-", "").lower()


def _check_allowed(device) -> None:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = max(1, int(((info or {}).get("locked_until") or timezone.now()).timestamp() - time.time() + 0.999))
        raise SecondFactorError("throttled", _(
            "Terlalu banyak kode salah berturut-turut. Tunggu %(s)s detik, lalu masukkan kode yang sedang tampil.")
            % {"s": wait})


def second_factor_verify(*, user, token: str):
    """The device that accepts `token` (a 6-digit code of the authenticator or an unused recovery code), else
    SecondFactorError naming what was wrong: a wrong code, a code already used, a recovery code already used."""
    token = _clean(token)
    if not token:
        raise SecondFactorError("empty", _("Kode verifikasi wajib diisi."))
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, TOTPDevice) and token.isdigit():
                _check_allowed(device)
                if device.verify_token(token):
                    return device
                if _totp_in_window(device, token):
                    raise SecondFactorError("reused", _(
                        "Kode ini sudah dipakai. Setiap kode hanya berlaku sekali: tunggu kode berikutnya di aplikasi "
                        "autentikator (berganti tiap 30 detik)."))
            elif isinstance(device, StaticDevice) and not token.isdigit():
                _check_allowed(device)
                if device.verify_token(token):
                    left = device.token_set.count()
                    account_log(actor=user, user=user, message=(
                        "Kode pemulihan dipakai untuk masuk (%(ref)s); sisa %(n)s kode.")
                        % {"ref": _recovery_ref(user, token), "n": left})
                    return device
    if not token.isdigit() and account_log_entries(user).filter(change_message__contains=_recovery_ref(user, token)).exists():
        raise SecondFactorError("recovery_reused", _(
            "Kode pemulihan ini sudah pernah dipakai; setiap kode pemulihan hanya berlaku sekali. Pakai kode "
            "pemulihan lain atau kode dari aplikasi autentikator."))
    raise SecondFactorError("wrong", _(
        "Kode salah. Masukkan kode 6 angka yang sedang tampil di aplikasi autentikator, atau salah satu kode "
        "pemulihan Anda."))


def _totp_in_window(device: TOTPDevice, token: str) -> bool:
    """The code is one the authenticator showed in the accepted window, refused only because it was used."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(int(token), device.tolerance)


# --- administration --------------------------------------------------------------------------------------------

def second_factor_reset(*, actor, user, reason: str = "") -> int:
    """Remove every device of `user` (lost phone): their next sign-in enrols again, and a session that passed the
    second step with a removed device is asked again. Recorded on the user's audit trail. Returns how many."""
    with transaction.atomic():
        removed = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        message = "Verifikasi dua langkah direset oleh administrator (%(n)s perangkat dihapus)." % {"n": removed}
        account_log(actor=actor, user=user, message=message + (f" {reason.strip()}" if reason.strip() else ""))
    user.otp_device_ids = frozenset()
    return removed


# --- sign-in across the two steps ------------------------------------------------------------------------------

def pending_start(request, user, *, next_url: str = "") -> None:
    """After a correct password of someone who needs the second step: remember who, not yet logged in."""
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {"user": user.pk, "backend": getattr(user, "backend", ""),
                                            "at": time.time(), "next": next_url}


def pending_user(request):
    """The user between the two steps, or None (none, or older than settings.OTP_PENDING_SECONDS)."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending.get("at", 0) > settings.OTP_PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending.get("backend") or settings.AUTHENTICATION_BACKENDS[-1]
    return user


def pending_next(request) -> str:
    url = (request.session.get(PENDING_SESSION_KEY) or {}).get("next") or ""
    ok = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if ok else reverse(settings.LOGIN_REDIRECT_URL)


def complete_login(request, user, device) -> None:
    """Both steps passed: log in (django-axes resets the failures here) and keep the device in the session."""
    request.session.pop(PENDING_SESSION_KEY, None)
    login(request, user, backend=user.backend)
    otp_login(request, device)


def second_step_url(user) -> str:
    return reverse("otp_verify") if has_authenticator(user) else reverse("otp_enrol")


# --- the middleware --------------------------------------------------------------------------------------------

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/health/", "/logout/", "/login/")


class SecondFactorMiddleware:
    """A session whose user needs the second step but has not passed it (signed in through a door that asks only
    the password, a role that became required, a device an administrator reset) becomes a pending sign-in again:
    pages redirect to the second step, the API answers 401. Requests with an API token carry no session user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES)
                and second_factor_needed(user) and not session_verified(request)):
            return self._ask_again(request, user)
        return self.get_response(request)

    def _ask_again(self, request, user):
        backend = request.session.get("_auth_user_backend", "")
        logout(request)
        user.backend = backend
        pending_start(request, user, next_url=request.get_full_path() if request.method == "GET" else "")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "second_factor_required", "fields": {}, "message": _(
                "Verifikasi dua langkah diperlukan: masuk lewat halaman masuk, atau pakai token API.")}, status=401)
        if request.headers.get("HX-Request"):  # a polled fragment (the bell): the whole page goes to the second step
            return HttpResponseClientRedirect(second_step_url(user))
        return redirect(second_step_url(user))
