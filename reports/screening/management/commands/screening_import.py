"""Import posts from a CSV or JSONL file (idempotent on platform + post id), with a progress bar."""
import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reports.screening.services.common import ScreeningError, election_by_slug
from reports.screening.services.ingest import posts_import
from reports.screening.services.rows import open_text, read_rows
from reports.screening.services.runs import scoring_run_create


class Command(BaseCommand):
    help = "Impor unggahan dari CSV/JSONL: platform, post_id, account, url, text, posted_at, followers, likes, shares, media_ref, election"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--election", help="slug pemilihan untuk baris tanpa kolom election, mis. pilkada-2024")
        parser.add_argument("--score", action="store_true", help="antrekan penilaian unggahan baru setelah impor")

    def handle(self, *args, file, election=None, score=False, **options):
        try:
            election = election_by_slug(election)
            size = os.path.getsize(file) if os.path.exists(file) else 0
            with open_text(file) as fh, tqdm(total=size, unit="B", unit_scale=True, desc="impor",
                                                       disable=options["verbosity"] == 0, file=self.stderr) as bar:
                rows = read_rows(_tracked(fh, bar), file)
                result = posts_import(rows=rows, election=election)
        except ScreeningError as exc:
            raise CommandError(str(exc))
        except UnicodeDecodeError:
            raise CommandError(f"Berkas {file} bukan teks UTF-8.")
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(f"Unggahan: {result.created} baru, {result.existing} sudah ada, {len(result.errors)} baris ditolak.")
        if score and result.created:
            run = scoring_run_create(election=election)
            if run:
                self.stdout.write(f"Penilaian #{run.pk} diantrekan ({run.total_posts} unggahan).")


def _tracked(fh, bar):
    """Lines of the file, moving the progress bar by their size in bytes."""
    for line in fh:
        bar.update(len(line.encode("utf-8")))
        yield line
