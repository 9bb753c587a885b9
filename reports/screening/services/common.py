"""What every screening service shares: its two errors, the reviewer check, election lookup, the group lock."""
import hashlib

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext as _

from cases.models import ElectionPeriod


class ScreeningError(Exception):
    """Bad input or a missing prerequisite; str(exc) is the Indonesian message for the user."""


class AlreadyDecided(Exception):
    """The post (or its near-duplicate group) already has a verdict (views answer 409)."""


def require_reviewer(actor) -> None:
    if not actor.has_perm("screening.review"):
        raise PermissionDenied(_("Hanya peninjau penapisan yang dapat melakukan ini."))


def xact_lock(key: str) -> None:
    """Serialise decisions on one near-duplicate group until the transaction ends."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [digest])


def election_by_slug(slug: str | None) -> ElectionPeriod | None:
    if not slug:
        return None
    try:
        return ElectionPeriod.objects.get(slug=slug.strip())
    except ElectionPeriod.DoesNotExist:
        known = ", ".join(ElectionPeriod.objects.order_by("slug").values_list("slug", flat=True))
        raise ScreeningError(_("Pemilihan '%(slug)s' tidak dikenal. Pilihan: %(known)s.") % {"slug": slug, "known": known})
