"""Load the shipped lexicon (reports/screening/data/lexicon.csv) as reference rows per election."""
from django.core.management.base import BaseCommand

from reports.screening.services.lexicon import lexicon_load_reference
from reports.screening.engine.model import LEXICON_PATH


class Command(BaseCommand):
    help = "Muat leksikon bawaan per pemilihan (idempoten; istilah yang dinonaktifkan peninjau tetap nonaktif)"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(LEXICON_PATH))

    def handle(self, *args, file, **options):
        n = lexicon_load_reference(file)
        self.stdout.write(f"Leksikon dimuat: {n} istilah.")
