"""Per-client rate limit: keyed on the API token (or the session user), rate from the token or API_CLIENT_RATE.

REST framework's SimpleRateThrottle, counting with the cache's `incr` in a window that opens at a client's first
request instead of keeping the time of every request in the window: DRF's history list is pickled whole on each
request and grows with the rate a client is allowed (100,000 entries for a 100,000/min integration client).
"""
import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from cases.models import ApiToken

SCOPE = "api_client"
log = logging.getLogger(__name__)


def default_rate() -> str:
    return (getattr(settings, "API_CLIENT_RATE", None) or SimpleRateThrottle.THROTTLE_RATES.get(SCOPE)
            or "1200/min")


class ClientRateThrottle(SimpleRateThrottle):
    scope = SCOPE

    def __init__(self):
        pass  # the rate depends on the client; set in allow_request

    def allow_request(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        self.rate = token.throttle_rate if token and token.throttle_rate else default_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = f"{self.get_cache_key(request, view)}:{self.duration}"
        try:
            try:
                count = self.cache.incr(self.key)
            except ValueError:  # no window open: this request opens one
                count = 1 if self.cache.add(self.key, 1, self.duration) else self.cache.incr(self.key)
        except Exception as exc:  # the cache server is down: the request is served, not refused for it
            log.warning("API rate not counted (cache unavailable): %s", exc)
            return True
        return count <= self.num_requests

    def wait(self):
        """Seconds until the client's window closes (django-redis's `ttl`), at most the window's length."""
        try:
            left = self.cache.ttl(self.key)
        except Exception:  # another cache backend, or the cache server is down
            left = None
        return left if isinstance(left, int) and 0 < left <= self.duration else self.duration

    def get_cache_key(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None:
            ident = f"token:{token.prefix}"  # the random prefix: unique across databases sharing one cache
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}:{request.user.username}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
