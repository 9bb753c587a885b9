"""Project package: settings, URLs, Celery app and embedded services."""
from .celery import app as celery_app

__all__ = ("celery_app",)
