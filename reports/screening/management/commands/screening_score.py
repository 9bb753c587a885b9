"""Queue (or run here, with --sync) the scoring of every post the active model has not scored."""
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reports.screening.services.common import ScreeningError, election_by_slug
from reports.screening.services.runs import DEFAULT_CHUNK_SIZE, scoring_resume, scoring_run_create
from reports.screening.services.scoring import chunk_process


class Command(BaseCommand):
    help = "Nilai unggahan yang belum dinilai model aktif (Celery, per bagian); --sync menilai di proses ini"

    def add_arguments(self, parser):
        parser.add_argument("--election")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE)
        parser.add_argument("--sync", action="store_true")
        parser.add_argument("--resume", action="store_true", help="antrekan ulang bagian yang belum selesai")

    def handle(self, *args, election=None, chunk_size=200, sync=False, resume=False, **options):
        if resume:
            self.stdout.write(f"{scoring_resume()} bagian diantrekan ulang.")
            return
        if chunk_size < 1:
            raise CommandError("--chunk-size harus 1 atau lebih.")
        try:
            run = scoring_run_create(election=election_by_slug(election), chunk_size=chunk_size,
                                              enqueue=not sync)
        except ScreeningError as exc:
            raise CommandError(str(exc))
        if run is None:
            self.stdout.write("Tidak ada unggahan yang belum dinilai.")
            return
        if not sync:
            self.stdout.write(f"Penilaian #{run.pk} diantrekan: {run.total_posts} unggahan.")
            return
        with tqdm(total=run.total_posts, unit="unggahan", disable=options["verbosity"] == 0, file=self.stderr) as bar:
            for chunk in run.chunks.order_by("seq"):
                chunk_process(chunk_id=chunk.pk)
                bar.update(len(chunk.post_ids))
        self.stdout.write(f"Penilaian #{run.pk} selesai: {run.total_posts} unggahan.")
