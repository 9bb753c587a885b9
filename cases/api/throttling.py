"""Per-client rate limit: keyed on the API token (or the session user), rate from the token or API_CLIENT_RATE.

Counted as a sliding window over two fixed windows (this one and the previous, weighted by overlap), in one Redis
round trip of constant size. DRF's default keeps a list of every request time in the window and pickles it on each
request, which grows with the rate a client is allowed (100,000 entries for a 100,000/min integration client).
Without Redis as the cache, DRF's own counting is used.
"""
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from cases.models import ApiToken


def _redis_client(key: str):
    """The raw client behind Django's RedisCache, or None for another cache backend."""
    backend = getattr(cache, "_cache", None)
    return backend.get_client(key, write=True) if hasattr(backend, "get_client") else None


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def __init__(self):
        pass  # the rate depends on the client; set in allow_request

    def allow_request(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        self.rate = (token.throttle_rate if token and token.throttle_rate else
                     getattr(settings, "API_CLIENT_RATE", None) or self.THROTTLE_RATES.get(self.scope) or "1200/min")
        self.num_requests, self.duration = self.parse_rate(self.rate)
        key = self.get_cache_key(request, view)
        client = _redis_client(key)
        if client is None:
            return super().allow_request(request, view)
        now = time.time()
        window, into = divmod(now, self.duration)
        current, previous = (cache.make_and_validate_key(f"{key}:{int(window) - n}") for n in (0, 1))
        with client.pipeline(transaction=False) as pipe:
            pipe.incr(current)
            pipe.expire(current, self.duration * 2)
            pipe.get(previous)
            count, _ttl, before = pipe.execute()
        weight = 1 - into / self.duration
        self.estimate = count - 1 + int(before or 0) * weight  # requests already counted in the last `duration`
        if self.estimate < self.num_requests:
            return True
        self.wait_seconds = self.duration - into
        return False

    def wait(self):
        return getattr(self, "wait_seconds", None) or super().wait()

    def get_cache_key(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None:
            ident = f"token:{token.prefix}"  # the random prefix: unique across databases sharing one cache
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}:{request.user.username}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
