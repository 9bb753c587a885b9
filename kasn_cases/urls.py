"""URL map: officer workspace, public intake, verification, API, admin."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from cases import views as case_views
from cases import views_otp
from cases.views_otp import OfficerLoginView
from cases.api.errors import api_not_found

handler500 = "cases.middleware.server_error"

urlpatterns = [
    # The API first, report intake before the rest: URL resolution tries the patterns in order, and report
    # submissions are most of the API's traffic.
    path("api/v1/", include("reports.api")),
    path("api/v1/", include("cases.api.urls")),
    path("api/v1/screening/", include("reports.screening.api")),
    re_path(r"^api/", api_not_found),  # an unknown API path answers in the API's JSON error shape
    path("", case_views.home, name="home"),
    path("login/", OfficerLoginView.as_view(), name="login"),
    path("login/verifikasi/", views_otp.otp_verify, name="otp_verify"),
    path("login/dua-langkah/", views_otp.otp_enrol, name="otp_enrol"),
    path("akun/dua-langkah/", views_otp.otp_account, name="otp_account"),
    path("akun/dua-langkah/daftar/", views_otp.otp_enrol, {"signed_in": True}, name="otp_account_enrol"),
    path("akun/dua-langkah/kode-pemulihan/", views_otp.otp_recovery_codes, name="otp_recovery_codes"),
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),  # one door: both steps
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("stats/", include("cases.urls_stats")),
    path("", include("cases.urls_public")),
    path("", include("cases.letters.urls")),
    path("health/", case_views.health, name="health"),
    path("screening/", include("reports.screening.urls")),
    path("", include("reports.privacy.urls")),
    path("register/", include("reports.registers.urls")),
    path("", include("reports.urls")),
]
