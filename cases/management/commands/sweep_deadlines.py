"""Run the deadline sweep once (the same work as the Celery beat task)."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cases.tasks import sweep_deadlines


class Command(BaseCommand):
    help = "Menandai tenggat yang segera jatuh tempo dan yang terlewat, lalu mengirim pemberitahuan."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Tanggal acuan YYYY-MM-DD (bawaan: hari ini).")

    def handle(self, *args, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"--today harus berformat YYYY-MM-DD, tertulis {today!r}.")
        counts = sweep_deadlines(day)
        self.stdout.write("Sapuan tenggat: {due_soon} segera jatuh tempo, {overdue} terlewat, "
                          "{cases_overdue} perkara menjadi terlambat.".format(**counts))
