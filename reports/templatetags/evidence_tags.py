"""`{% evidence_limit_attrs %}` on an evidence file input: the size limit and its message, for the browser's check
before anything is sent (static/js/site.js); the server checks again (reports.uploads, reports.evidence)."""
from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def evidence_limit_attrs():
    limit = settings.EVIDENCE_MAX_BYTES
    message = _("Berkas «{name}» berukuran {size}, melebihi batas %(limit)s MB per berkas. Pilih berkas yang lebih "
                "kecil; berkas lain yang dipilih tetap dikirim.") % {"limit": limit // (1024 * 1024)}
    return format_html('data-max-bytes="{}" data-too-large="{}"', limit, message)
