"""`{% translate "constant" %}` and `{% url 'constant' %}` written once per language instead of on every render.

A page renders dozens of these tags whose output depends on nothing in the page: a fixed message in the active
language, or the address of a view without arguments. Django resolves each on every render (the translation
through its thread-local lookups, the address through the URL resolver): about 12 % of the case queue's CPU.
These nodes keep what Django's own nodes produced, keyed by everything that output depends on:

- translate: the active translation catalogue (a new one after any change of language settings), autoescape and
  the localisation flags of the context;
- url: the view name, the current application namespace, the URL configuration and script prefix of the
  thread, the active language and autoescape.

Any other form (variables, filters, `as`, `context`, arguments) is Django's node unchanged. The libraries
replace Django's `i18n` library and the built-in `url` tag (settings.TEMPLATES: "libraries", and "builtins" with
cases.templatetags.memo_url), so
templates keep `{% load i18n %}` and `{% url %}`; tests/test_memo_tags.py renders every template tag form with
both and compares.
"""
from django import template
from django.template.base import Variable
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.templatetags import i18n as django_i18n
from django.templatetags.i18n import TranslateNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language, trans_real

register = template.Library()


def _constant(expression) -> bool:
    """A FilterExpression that is a quoted string without filters (resolved when parsed, as {% url %}'s view
    name is, or a literal Variable, as TranslateNode makes of its message)."""
    var = getattr(expression, "var", None)
    if expression.filters:
        return False
    return isinstance(var, str) or (isinstance(var, Variable) and var.literal is not None and var.lookups is None)


class MemoTranslateNode(TranslateNode):
    def render(self, context):
        if self.asvar or self.message_context is not None or not self._memo_ok:
            return super().render(context)
        key = (trans_real.catalog(), context.autoescape, context.use_l10n, context.use_tz)
        out = self._memo.get(key)
        if out is None:
            out = self._memo[key] = super().render(context)
        return out


class MemoURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs or self.asvar or not self._memo_ok:
            return super().render(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        key = (current_app, get_urlconf(), get_script_prefix(), get_language(), context.autoescape)
        out = self._memo.get(key)
        if out is None:
            out = self._memo[key] = super().render(context)
        return out


def _memo(node, cls, ok):
    node.__class__ = cls
    node._memo_ok = ok
    node._memo = {}
    return node


# The i18n library as Django ships it, with translate/trans remembering constant messages.
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return _memo(node, MemoTranslateNode, _constant(node.filter_expression))


# The built-in `url` tag remembering constant addresses; a library of its own, so that adding it to the
# built-ins does not make the i18n tags available without `{% load i18n %}`.
url_library = template.Library()


@url_library.tag("url")
def url(parser, token):
    node = django_url(parser, token)
    return _memo(node, MemoURLNode, _constant(node.view_name))
