"""Print (or `--write`) docs/privacy.md, the record of processing, from the retention rows and the role rules."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.privacy.record import render_record

PATH = Path(settings.BASE_DIR) / "docs" / "privacy.md"


class Command(BaseCommand):
    help = "Membuat docs/privacy.md (catatan pemrosesan data pribadi) dari jadwal retensi dan aturan peran."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help=f"tulis ke {PATH}")

    def handle(self, *args, write=False, **options):
        text = render_record()
        if write:
            PATH.write_text(text, encoding="utf-8")
            self.stderr.write(f"{PATH} ditulis.")
        else:
            self.stdout.write(text, ending="")
