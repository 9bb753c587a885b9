"""Start-up check: without libharfbuzz-subset WeasyPrint subsets fonts in Python and letters take twice as long."""
from django.conf import settings
from django.core.checks import Warning, register

from cases.letters.render import harfbuzz_subset_available


@register()
def harfbuzz_subset_check(app_configs=None, **kwargs):
    if harfbuzz_subset_available():
        return []
    return [Warning("Surat PDF akan dua kali lebih lambat: pasang libharfbuzz-subset0",
                    hint="apt-get install libharfbuzz-subset0", id="letters.W001")]


@register(deploy=True)
def letter_signing_check(app_configs=None, **kwargs):
    """A production letter must carry a certificate from the agency's certification authority, never the test CA."""
    if settings.LETTER_SIGNING_TEST_CA:
        return [Warning("Surat ditandatangani dengan otoritas sertifikat UJI (LETTER_SIGNING_TEST_CA aktif).",
                        hint="Set LETTER_SIGNING_TEST_CA=false and put each agency's PKCS#12 from its CA (BSrE) in "
                             "LETTER_SIGNING_DIR; set LETTER_SIGNING_TRUST_ROOTS and LETTER_SIGNING_CRLS.",
                        id="letters.W002")]
    return []
