"""The built-in `{% url %}` with constant addresses remembered (cases.templatetags.memo_tags)."""
from cases.templatetags.memo_tags import url_library as register  # noqa: F401
