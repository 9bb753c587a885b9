"""Demo stories taken through the real actions (letters, notifications, messages, block requests); see reports.demo_stories."""
from django.core.management.base import BaseCommand

from reports.demo_stories import DEMO_PIN, DEMO_TRACKING_CODE, load_stories


class Command(BaseCommand):
    help = "Menambahkan cerita demo (percakapan pelapor, permintaan blokir, eskalasi) melalui tindakan alur kerja."

    def handle(self, *args, **options):
        added = load_stories()
        self.stdout.write(("Cerita demo ditambahkan" if added else "Cerita demo sudah ada")
                          + f"; percakapan pelapor: /lacak/ kode {DEMO_TRACKING_CODE[:5]}-{DEMO_TRACKING_CODE[5:]} PIN {DEMO_PIN}.")
