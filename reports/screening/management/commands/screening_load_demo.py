"""Load the team-written demo posts, accounts and Pilkada candidate list, and score them (used by `make run`)."""
from django.core.management.base import BaseCommand, CommandError

from cases.models import User
from reports.screening.demo import screening_demo_load
from reports.screening.models import Post
from reports.screening.services.common import ScreeningError


class Command(BaseCommand):
    help = "Muat unggahan demo penapisan (ditulis tim) dan nilai; --if-empty hanya bila belum ada unggahan"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="lewati bila sudah ada unggahan")
        parser.add_argument("--reviewer", default="peninjau", help="akun peninjau yang mendaftarkan akun demo")

    def handle(self, *args, if_empty, reviewer, **options):
        if if_empty and Post.objects.exists():
            self.stdout.write("Unggahan penapisan sudah ada; demo tidak dimuat.")
            return
        user = User.objects.filter(username=reviewer).first()
        if user is None:
            raise CommandError(f"Akun peninjau '{reviewer}' tidak ada: jalankan load_demo dulu atau pilih --reviewer.")
        try:
            done = screening_demo_load(reviewer=user)
        except ScreeningError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"Demo penapisan: {done['posts']} unggahan, {done['accounts']} akun terdaftar, "
                          f"{done['scored']} dinilai.")
