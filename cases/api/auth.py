"""API tokens: issue and revoke (services), and the DRF authentication class reading `Authorization: Token <key>`.

A token acts as its own service user (agency, region, one role), so cases.selectors and cases.permissions decide
what it may see and do exactly as for a person with that role.
"""
import datetime as dt
import secrets

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cases.models import ApiToken, Role, User
from cases.models.api import hash_key

KEY_PREFIX = "ntr"
# last_used_at is written at most this often, so a busy client does not turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)
# A token with its service user, region and agency, as read from the database, kept in the shared cache (the join
# was a third of the CPU of a small API request). Any save of the token or its user drops it (revocation acts at once).
TOKEN_CACHE_SECONDS = 300


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


def _cache_key(prefix: str) -> str:
    return f"apitoken:v3:{prefix}"  # v3: the token instance with its user, region and agency (v2 held column values)


def _cache_set(token: ApiToken) -> None:
    try:
        cache.set(_cache_key(token.prefix), token, TOKEN_CACHE_SECONDS)
    except Exception:  # the cache is an optimisation: without Redis every request reads the database
        pass


def _token_for(prefix: str) -> ApiToken | None:
    """The token of `prefix` with its service user, region and agency: from the shared cache, else the database."""
    try:
        token = cache.get(_cache_key(prefix))
    except Exception:  # no cache server, or a value another version of the code cannot read
        token = None
    if isinstance(token, ApiToken):
        return token
    token = ApiToken.objects.select_related("user", "user__region", "user__agency").filter(prefix=prefix).first()
    if token is not None:
        _cache_set(token)
    return token


def _forget(prefixes) -> None:
    try:
        cache.delete_many([_cache_key(p) for p in prefixes])
    except Exception:
        pass


def _token_changed(sender, instance, **kwargs):
    _forget([instance.prefix])
    transaction.on_commit(lambda: _forget([instance.prefix]))  # and again once committed, against a racing read


def _user_changed(sender, instance, **kwargs):
    if instance.username.startswith("api_"):  # service users of tokens (see api_token_issue)
        prefixes = list(ApiToken.objects.filter(user_id=instance.pk).values_list("prefix", flat=True))
        _forget(prefixes)
        transaction.on_commit(lambda: _forget(prefixes))


post_save.connect(_token_changed, sender=ApiToken, dispatch_uid="apitoken-cache-token-saved")
post_delete.connect(_token_changed, sender=ApiToken, dispatch_uid="apitoken-cache-token-deleted")
post_save.connect(_user_changed, sender=User, dispatch_uid="apitoken-cache-user-saved")


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """REST framework's `Authorization: Token <key>` over ApiToken: the key is checked against its stored hash, the
    token read through the shared cache. A wrong key fails here, before the throttle counts anything, so it cannot
    use up the rate of the client whose prefix it names."""

    def authenticate(self, request):
        """TokenAuthentication.authenticate with the project's Indonesian messages (REST framework's Indonesian
        catalogue has none for a malformed header)."""
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Header Authorization harus berbentuk \u201cToken <kunci>\u201d."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Kunci token API tidak sah."))
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        prefix = _split(key)
        token = _token_for(prefix) if prefix else None
        if token is None or not token.matches(key):
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
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # no signal: the cached copy is updated
            token.last_used_at = now
            _cache_set(token)

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cases.api.auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <kunci>`: kunci diterbitkan administrator (admin atau "
                               "`manage.py issue_api_token`) dan hanya ditampilkan sekali."}
