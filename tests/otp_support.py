"""The second sign-in step for tests: real TOTP codes computed from a device's key, as an authenticator app does.

`totp_now(device)` gives a code the device will accept now (a time step it has not used yet, waiting for the next
step only when the window is spent); `pass_second_step(client, user)` completes the second step for a test client
that signed in with force_login, through cases.twofactor's own verification. tests/conftest.py makes every
Client.force_login do it, so tests of other behaviour sign in as officers do.
"""
import time
from base64 import b32decode

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import twofactor


def code_at(key: bytes, t: int, *, step=30, digits=6) -> str:
    totp = TOTP(key, step=step, digits=digits)
    totp.time = t * step
    return f"{totp.token():0{digits}d}"


def code_from_secret(secret: str, *, last_t: int = -1) -> str:
    """A code for the base32 key an enrolment page shows (the way one types it into an app)."""
    key = b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8))
    return code_at(key, _usable_step(last_t))


def _usable_step(last_t: int, *, step=30, tolerance=1, wait=True) -> int | None:
    """A time step the device accepts: the current one, or the next unused one inside [now, now + tolerance].

    Never a past step, although the device also accepts now - tolerance: that code expires when the clock passes
    the next 30-second mark, and a browser journey on a loaded machine can take seconds between computing the code
    and the server checking it (an enrolment in CI was refused that way)."""
    while True:
        now = int(time.time()) // step
        t = max(now, last_t + 1)
        if t <= now + tolerance:
            return t
        if not wait:
            return None
        time.sleep((now + 1) * step - time.time() + 0.05)


def totp_now(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return code_at(device.bin_key, _usable_step(device.last_t, step=device.step, tolerance=device.tolerance),
                   step=device.step, digits=device.digits)


def enrol(user) -> TOTPDevice:
    """A confirmed authenticator for `user` (as after enrolment), with its recovery codes."""
    device = TOTPDevice.objects.create(user=user, name=twofactor.TOTP_NAME, confirmed=True)
    twofactor.recovery_codes_issue(user=user)
    user.__dict__.pop("otp_device_ids", None)
    return device


def pass_second_step(client, user) -> None:
    """After client.force_login(user): verify a real code and keep the device in the client's session."""
    user = type(user).objects.get(pk=user.pk)
    if not twofactor.second_factor_needed(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol(user)
    if _usable_step(device.last_t, wait=False) is None:  # its codes of this step and the next are used: a second phone
        device = TOTPDevice.objects.create(user=user, name="Ponsel kedua", confirmed=True)
    verified = twofactor.second_factor_verify(user=user, token=totp_now(device))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified.persistent_id
    session.save()
