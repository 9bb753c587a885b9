"""API tokens: issue and revoke (services), and the DRF authentication class reading `Authorization: Token <key>`.

A token acts as its own service user (agency, region, one role), so cases.selectors and cases.permissions decide
what it may see and do exactly as for a person with that role.
"""
import datetime as dt
import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cases.models import ApiToken, Role, User
from cases.models.api import hash_key

KEY_PREFIX = "ntr"
# last_used_at is written at most this often, so a busy client does not turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


def api_token_issue(*, actor, name: str, agency, region=None, role: str = Role.BAWASLU,
                    throttle_rate: str = "") -> tuple[ApiToken, str]:
    """Create a token and its service user; returns (token, key). The key is shown once and never stored."""
    if role not in Role.values or role == Role.ADMIN:
        raise ValueError(_("Peran \u201c%(r)s\u201d tidak dapat diberikan kepada token API.") % {"r": role})
    region = region or agency.region
    prefix, key = _new_key()
    with transaction.atomic():
        user = User.objects.create(username=f"api_{prefix}", first_name=name[:150], agency=agency, region=region,
                                   is_active=True)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        token = ApiToken.objects.create(name=name, agency=agency, region=region, user=user, prefix=prefix,
                                        key_hash=hash_key(key), created_by=actor, throttle_rate=throttle_rate)
    return token, key


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke at once: the next request with the key gets 401."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def _split(raw: str) -> str | None:
    parts = raw.split("_", 2)
    return parts[1] if len(parts) == 3 and parts[0] == KEY_PREFIX and len(parts[1]) == 8 else None


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Header Authorization harus berbentuk \u201cToken <kunci>\u201d."))
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Kunci token API tidak sah."))
        prefix = _split(raw)
        token = (ApiToken.objects.select_related("user", "user__region", "user__agency")
                 .filter(prefix=prefix).first() if prefix else None)
        if token is None or not token.matches(raw):
            raise exceptions.AuthenticationFailed(_("Kunci token API tidak sah."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Token API ini sudah dicabut; minta token baru kepada administrator."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Pengguna layanan token ini dinonaktifkan."))
        self._touch(token)
        return token.user, token

    @staticmethod
    def _touch(token):
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cases.api.auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <kunci>`: kunci diterbitkan administrator (admin atau "
                               "`manage.py issue_api_token`) dan hanya ditampilkan sekali."}
