"""`make backup`: pg_dump + private storage archive."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.backup import backup


class Command(BaseCommand):
    help = "Mencadangkan basis data dan berkas bukti ke var/backups/<waktu>/."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "var" / "backups"))

    def handle(self, *args, out, **options):
        self.stdout.write(f"Cadangan tersimpan di {backup(Path(out))}")
