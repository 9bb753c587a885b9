"""JSON parser with a nesting limit: a deeply nested body is a 400 naming the rule, never a RecursionError (500).

Python's json module recurses once per level and stops near 1,000 levels with RecursionError, which REST
framework's parser does not catch; well below that, a deep structure still costs every recursive step after
it (serializers, error flattening). No request of this API needs more than a few levels.
"""
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def too_deep(data, limit: int) -> bool:
    """True when lists/objects nest more than `limit` levels (iterative: the walk itself must not recurse)."""
    stack = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def nesting_error(limit: int) -> ParseError:
    return ParseError(_("JSON bersarang lebih dari %(n)d tingkat (daftar atau objek di dalam daftar atau objek); "
                        "batas API ini %(n)d tingkat.") % {"n": limit}, code="json_too_deep")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise nesting_error(limit) from None
        if too_deep(data, limit):
            raise nesting_error(limit)
        return data
