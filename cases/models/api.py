"""API clients: per-system tokens (stored hashed) and idempotency records of creating POSTs."""
import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .reference import Agency, Region


def hash_key(raw: str) -> str:
    """Keys are random and long, so one SHA-256 round is enough (and cheap enough for every request)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A partner system's key; it acts as a dedicated service user of its agency and region, so every scope rule
    that applies to people applies to it unchanged."""

    name = models.CharField(_("nama klien"), max_length=100)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("instansi"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="api_tokens",
                               verbose_name=_("wilayah"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token",
                                verbose_name=_("pengguna layanan"))
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    throttle_rate = models.CharField(_("batas laju"), max_length=20, blank=True,
                                     help_text=_("mis. 600/min; kosong: batas bawaan API_CLIENT_RATE"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    def matches(self, raw: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_key(raw))


class IdempotencyRecord(models.Model):
    """The first response to a creating POST with an Idempotency-Key, replayed for a repeat of the same request.

    The row is inserted in the same transaction as the creation: a concurrent repeat waits on the unique index
    until the first commits, then finds the row and replays it, so exactly one object is created.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and canonical body
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_user_key")]
        indexes = [models.Index(fields=["created_at"])]
