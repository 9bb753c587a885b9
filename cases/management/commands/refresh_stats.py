"""Refresh the statistics summary views now (the Celery beat task does it every few minutes)."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cases import stats


class Command(BaseCommand):
    help = "Refresh the statistics dashboard summary (materialised views) concurrently."

    def handle(self, *args, **options):
        seconds = stats.summary_refresh()
        self.stdout.write(_("Ringkasan statistik diperbarui dalam %(s).1f detik.") % {"s": seconds})
