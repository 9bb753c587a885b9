"""WSGI entry point (gunicorn kasn_cases.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasn_cases.settings")
application = get_wsgi_application()
