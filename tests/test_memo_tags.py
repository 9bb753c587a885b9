"""{% translate %} and {% url %} with constant arguments are written once per language
(cases/templatetags/memo_tags.py): the output must be what Django's own tags write, in every form and language,
and follow the language, the URL configuration and autoescaping of each render."""
import re

import pytest
from django.template import Context, Engine
from django.template.engine import Engine as DjangoEngine
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from django.utils import translation

from cases.templatetags.memo_tags import MemoTranslateNode, MemoURLNode

FORMS = """{% load i18n %}{% get_current_language as LC %}[{{ LC }}]
{% translate "Beranda" %}|{% trans 'Keluar' %}|{% translate "Beranda" noop %}|{% translate "Status" context "perkara" %}
{% translate word %}|{% translate "Keluar" as out %}{{ out }}|{% translate "Cari"|upper %}|{% translate "a%%b<i>" %}
{% language "en" %}{% translate "Beranda" %}|{% url "home" %}{% endlanguage %}|{% translate "Beranda" %}
{% url "home" %}|{% url 'cases:queue' %}|{% url "cases:detail" 7 %}|{% url "cases:detail" pk=8 %}|{% url view %}
{% url "cases:queue" as q %}{{ q }}|{% url "no-such-view" as missing %}[{{ missing }}]
{% autoescape off %}{% translate "a%%b<i>" %}{% endautoescape %}{% blocktranslate %}Beranda{% endblocktranslate %}
"""


def engines():
    """(stock Django engine, the project's engine), same directories, apps and context processors."""
    from django.template import engines as configured

    project = configured["django"].engine
    libraries = {**project.libraries, "i18n": "django.templatetags.i18n"}
    assert project.libraries["i18n"] == "cases.templatetags.memo_tags"
    stock = DjangoEngine(dirs=project.dirs, app_dirs=project.app_dirs, debug=project.debug, libraries=libraries,
                         context_processors=project.context_processors, string_if_invalid=project.string_if_invalid)
    return stock, project


def test_every_form_of_the_tags_writes_what_django_writes():
    stock, project = engines()
    theirs, ours = stock.from_string(FORMS), project.from_string(FORMS)
    kinds = {type(n).__name__ for n in ours.nodelist}
    assert {"MemoTranslateNode", "MemoURLNode"} <= kinds
    remembered = [n for n in ours.nodelist if isinstance(n, (MemoTranslateNode, MemoURLNode)) and n._memo_ok]
    assert len(remembered) == 13  # constant names: 7 translate, 6 url (render remembers those without as, context, arguments) and "MemoTranslateNode" not in {type(n).__name__ for n in theirs.nodelist}
    for language in ("id", "en", "id", "en"):  # twice: the second render comes from what was remembered
        for autoescape in (True, False):
            with translation.override(language):
                context = {"word": "Beranda", "view": "cases:queue"}
                expected = theirs.render(Context(context, autoescape=autoescape))
                assert ours.render(Context(context, autoescape=autoescape)) == expected
    with translation.override("en"):
        assert "Home|Log out" in ours.render(Context({"word": "x", "view": "home"}))
    with translation.override("id"):
        assert "Beranda|Keluar" in ours.render(Context({"word": "x", "view": "home"}))


def test_url_follows_the_script_prefix_and_url_configuration():
    _stock, project = engines()
    template = project.from_string('{% url "cases:queue" %}')
    assert template.render(Context()) == reverse("cases:queue")
    set_script_prefix("/netralitas/")
    try:
        assert template.render(Context()) == "/netralitas" + reverse("cases:queue", urlconf=None).removeprefix("/netralitas")
        assert template.render(Context()).startswith("/netralitas/")
    finally:
        set_script_prefix("/")
    assert template.render(Context()) == "/cases/"


def test_changed_translation_settings_are_seen():
    """A new catalogue (e.g. after LOCALE_PATHS or LANGUAGES change) is a new key, not the remembered text."""
    _stock, project = engines()
    template = project.from_string('{% load i18n %}{% translate "Beranda" %}')
    with translation.override("en"):
        assert template.render(Context()) == "Home"
    with override_settings(LOCALE_PATHS=[]), translation.override("en"):  # no project catalogue: the msgid
        assert template.render(Context()) == "Beranda"
    with translation.override("en"):
        assert template.render(Context()) == "Home"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_pages_are_the_same_html_as_with_djangos_tags(client, bawaslu_officer, language):
    """The home, queue and case pages, rendered with the project's engine and with Django's stock tags."""
    from tests.test_workspace import open_case

    cilacap_case = open_case(bawaslu_officer)
    client.force_login(bawaslu_officer)
    if language == "en":
        client.cookies["django_language"] = "en"
    paths = [reverse("home"), reverse("cases:queue"), reverse("cases:detail", args=[cilacap_case.pk])]
    token = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
    ours = [token.sub(r"\1-", client.get(p).content.decode()) for p in paths]
    stock_templates = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": Engine.get_default().dirs,
                        "APP_DIRS": True, "OPTIONS": {"context_processors": Engine.get_default().context_processors}}]
    with override_settings(TEMPLATES=stock_templates):
        theirs = [token.sub(r"\1-", client.get(p).content.decode()) for p in paths]
    for page, mine, stock in zip(paths, ours, theirs):
        assert mine == stock, page
    assert ("<h1>Daftar perkara</h1>" if language == "id" else "<h1>Cases</h1>") in ours[1]


def test_i18n_is_the_only_library_name_given_twice():
    """templates.W003 is silenced for the intended replacement of `i18n`; any other clash must still show."""
    from django.template import engines as configured

    backend = configured["django"]
    clashes = backend._check_for_template_tags_with_the_same_name()
    assert [c.id for c in clashes] == ["templates.W003"] and "'i18n' is used for multiple" in clashes[0].msg
