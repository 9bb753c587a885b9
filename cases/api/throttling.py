"""Per-client rate limit: keyed on the API token (or the session user), rate from the token or API_CLIENT_RATE.

Counted as a sliding window over two fixed windows (this one and the previous, weighted by overlap), in one Redis
round trip of constant size. DRF's default keeps a list of every request time in the window and pickles it on each
request, which grows with the rate a client is allowed (100,000 entries for a 100,000/min integration client).
Without Redis as the cache, DRF's own counting is used.

A token request is counted in the round trip that reads the token (cases.api.auth: WindowCount rides on it), with
the window length this process last saw for the token (the default rate's on first sight); the throttle then only
compares. When the token's rate turns out to have another window length, or the count did not run, the throttle
counts itself as before; when the token is refused, its count is taken back.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from cases.api.fastpath import WindowCount, redis_client
from cases.models import ApiToken

SCOPE = "api_client"
_token_durations: dict[str, int] = {}  # token prefix -> the window length of its rate, as last seen in this process


def _cache_key(ident: str) -> str:
    return SimpleRateThrottle.cache_format % {"scope": SCOPE, "ident": ident}


def _token_ident(prefix: str) -> str:
    return f"token:{prefix}"  # the random prefix: unique across databases sharing one cache


def token_count(prefix: str) -> WindowCount | None:
    """The count of a request with the token of `prefix`, to run in the round trip that reads the token; None
    without Redis as the cache."""
    if redis_client() is None:
        return None
    duration = _token_durations.get(prefix) or ClientRateThrottle().parse_rate(default_rate())[1]
    return WindowCount(_cache_key(_token_ident(prefix)), duration)


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
        key = self.get_cache_key(request, view)
        client = redis_client()
        if client is None:
            return super().allow_request(request, view)
        counted = getattr(request, "window_count", None) if token else None
        if token:
            _token_durations[token.prefix] = self.duration
        if counted is None or counted.estimate is None or (counted.key, counted.duration) != (key, self.duration):
            counted = WindowCount(key, self.duration)
            counted.run(client)
        if counted.estimate < self.num_requests:
            return True
        self.wait_seconds = self.duration - counted.into
        return False

    def wait(self):
        return getattr(self, "wait_seconds", None) or super().wait()

    def get_cache_key(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None:
            ident = _token_ident(token.prefix)
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}:{request.user.username}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return _cache_key(ident)
