"""Per-client rate limit: keyed on the API token (or the session user), rate from the token or API_CLIENT_RATE."""
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from cases.models import ApiToken


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def __init__(self):
        pass  # the rate depends on the client; set in allow_request

    def allow_request(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        self.rate = (token.throttle_rate if token and token.throttle_rate else
                     getattr(settings, "API_CLIENT_RATE", None) or self.THROTTLE_RATES.get(self.scope) or "1200/min")
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None:
            ident = f"token:{token.prefix}"  # the random prefix: unique across databases sharing one cache
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}:{request.user.username}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
