"""`make restore ARGS=FOLDER`: restore a backup into an empty database."""
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases.backup import restore


class Command(BaseCommand):
    help = "Memulihkan cadangan ke basis data kosong."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database-name", default=None, help="basis data tujuan (harus kosong)")

    def handle(self, *args, folder, database_name, **options):
        if database_name is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema='public'")
                if cursor.fetchone()[0]:
                    raise CommandError("Basis data tujuan tidak kosong; pulihkan ke basis data baru (--database-name).")
        restore(folder, database_name)
        self.stdout.write("Pemulihan selesai.")
