"""Start-up check: without libharfbuzz-subset WeasyPrint subsets fonts in Python and letters take twice as long."""
from django.core.checks import Warning, register

from cases.letters.render import harfbuzz_subset_available


@register()
def harfbuzz_subset_check(app_configs=None, **kwargs):
    if harfbuzz_subset_available():
        return []
    return [Warning("Surat PDF akan dua kali lebih lambat: pasang libharfbuzz-subset0",
                    hint="apt-get install libharfbuzz-subset0", id="letters.W001")]
