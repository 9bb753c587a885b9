"""WSGI entry point (gunicorn kasn_cases.wsgi)."""
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasn_cases.settings")
application = get_wsgi_application()
# What start-up loaded (Django, the apps, the screening lexicon: about 200,000 objects) lives as long as the process:
# kept out of the collector's full passes, which otherwise walk all of it every ~70,000 allocations and made up a
# third of a request's CPU (Python's gc.freeze documentation; bench/bench_instructions.py measures it).
gc.freeze()
