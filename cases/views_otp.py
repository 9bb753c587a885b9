"""Sign-in pages of the two steps (password, then the authenticator's code) and the officer's own enrolment page.
The rules live in cases.twofactor; these views parse, call it and render."""
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from cases import twofactor


class OfficerLoginView(auth_views.LoginView):
    """Step one: the password. Someone who needs the second step is not logged in yet (cases.twofactor)."""

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.second_factor_needed(user):
            return super().form_valid(form)
        twofactor.pending_start(self.request, user, next_url=self.get_redirect_url())
        return redirect(twofactor.second_step_url(user))


def _credentials(user) -> dict:
    return {"username": user.username}


def _locked(request, user):
    """django-axes' lockout (same username + address as the password step) applies to the second step."""
    if AxesProxyHandler.is_allowed(request, _credentials(user)):
        return None
    request.session.pop(twofactor.PENDING_SESSION_KEY, None)
    return get_lockout_response(request, None, _credentials(user))


def _failed(request, user) -> None:
    """A failed second step counts as a failed login for django-axes."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)


def _start_over(request):
    messages.warning(request, _("Sesi masuk sudah berakhir. Masukkan nama pengguna dan kata sandi lagi."))
    return redirect("login")


@sensitive_post_parameters("token")
def otp_verify(request):
    """Step two: a code of the authenticator, or one of the recovery codes."""
    user = twofactor.pending_user(request)
    if user is None:
        return _start_over(request)
    if not twofactor.has_authenticator(user):
        return redirect("otp_enrol")
    if (locked := _locked(request, user)) is not None:
        return locked
    error, status = None, 200
    if request.method == "POST":
        try:
            device = twofactor.second_factor_verify(user=user, token=request.POST.get("token", ""))
        except twofactor.SecondFactorError as exc:
            error, status = exc, 400
            _failed(request, user)
            if getattr(request, "axes_locked_out", False):
                return get_lockout_response(request, None, _credentials(user))
        else:
            next_url = twofactor.pending_next(request)
            twofactor.complete_login(request, user, device)
            return redirect(next_url)
    return render(request, "registration/otp_verify.html", {"pending": user, "error": error}, status=status)


@sensitive_post_parameters("token")
def otp_enrol(request, signed_in=False):
    """Enrolment: a QR code (and the key as text) for the authenticator app, confirmed by one of its codes. Reached
    between the two steps (`signed_in` False: a required role without a device, on first sign-in or after a
    reset) or from the officer's own security page (`signed_in`: an optional role enrolling)."""
    if signed_in and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user if signed_in else twofactor.pending_user(request)
    if user is None:
        return _start_over(request)
    if twofactor.has_authenticator(user):
        return redirect("otp_account" if signed_in else "otp_verify")
    if not signed_in and (locked := _locked(request, user)) is not None:
        return locked
    device = twofactor.authenticator_start(user=user)
    error, status = None, 200
    if request.method == "POST":
        try:
            codes = twofactor.authenticator_confirm(user=user, device=device, token=request.POST.get("token", ""))
        except twofactor.SecondFactorError as exc:
            error, status = exc, 400
            if not signed_in:
                _failed(request, user)
                if getattr(request, "axes_locked_out", False):
                    return get_lockout_response(request, None, _credentials(user))
        else:
            next_url = reverse("otp_recovery_codes") + "?" + urlencode(
                {"next": reverse("otp_account") if signed_in else twofactor.pending_next(request)})
            device.refresh_from_db()
            if signed_in:
                otp_login(request, device)
            else:
                twofactor.complete_login(request, user, device)
            request.session[twofactor.RECOVERY_SESSION_KEY] = codes
            return redirect(next_url)
    return render(request, "registration/otp_enrol.html", {
        "pending": None if signed_in else user, "device": device, "qr_svg": twofactor.authenticator_qr_svg(device),
        "secret": twofactor.secret_for_display(device), "error": error,
        "required": twofactor.second_factor_required(user)}, status=status)


@login_required
def otp_recovery_codes(request):
    """The recovery codes, shown once right after they are issued."""
    codes = request.session.pop(twofactor.RECOVERY_SESSION_KEY, None)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    if not codes:
        return redirect(next_url)
    return render(request, "registration/otp_recovery.html", {"codes": codes, "next": next_url})


@login_required
def otp_account(request):
    """The officer's own second-step page: enrolled or not, required or not; new recovery codes on request."""
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "recovery" and twofactor.has_authenticator(user):
        request.session[twofactor.RECOVERY_SESSION_KEY] = twofactor.recovery_codes_renew(user=user)
        return redirect(reverse("otp_recovery_codes") + "?" + urlencode({"next": reverse("otp_account")}))
    return render(request, "registration/otp_account.html", {
        "enrolled": twofactor.has_authenticator(user), "required": twofactor.second_factor_required(user)})
