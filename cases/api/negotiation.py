"""DRF's content negotiation with a shortcut for the common case: one renderer (JSON) and an Accept header that
takes it as it is (none, */*, application/json) with no ?format= override. DRF would parse the header and match
media types to give the same answer (renderer, its media type); any other request goes through DRF's matching, so
an Accept header the API cannot serve still gets 406 (tests/test_api.py)."""
from rest_framework.negotiation import DefaultContentNegotiation

_PLAIN = frozenset({"", "*/*", "application/json"})


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if (len(renderers) == 1 and format_suffix is None and request.META.get("HTTP_ACCEPT", "*/*").strip() in _PLAIN
                and self.settings.URL_FORMAT_OVERRIDE not in request.query_params):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
