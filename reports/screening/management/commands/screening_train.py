"""Train a new model on the shipped data plus the reviewers' verdicts and register it (an administrator activates it)."""
import getpass
import json

from django.core.management.base import BaseCommand, CommandError

from reports.screening.services.training import model_train, training_examples
from reports.screening.engine.sources import default_data_dir


class Command(BaseCommand):
    help = "Latih model penapisan (data bawaan + putusan peninjau); model baru tidak aktif sampai dipilih administrator"

    def add_arguments(self, parser):
        parser.add_argument("--data", default=str(default_data_dir()), help="folder data (bawaan ../shared/data/screening)")
        parser.add_argument("--out", default=None, help="folder model (bawaan reports/screening/model)")
        parser.add_argument("--activate", action="store_true", help="langsung jadikan aktif")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, data, out=None, activate=False, **options):
        extra = training_examples()
        self.stdout.write(f"Putusan peninjau sebagai data tambahan: {len(extra)} teks.")
        try:
            mv = model_train(data_dir=data, out_dir=out, activate=activate,
                             via=f"manage.py screening_train (pengguna sistem {getpass.getuser()})")
        except FileNotFoundError as exc:
            raise CommandError(f"Data pelatihan tidak ditemukan: {exc}. Periksa --data.")
        val = mv.metrics.get("validation", {})
        self.stdout.write(f"Model {mv.version} terdaftar{' dan aktif' if activate else ''}: "
                          + " ".join(f"{k}={val[k]:.3f}" for k in ("precision", "recall", "f1", "pr_auc") if k in val))
        if options.get("json"):
            self.stdout.write(json.dumps(mv.metrics, ensure_ascii=False))
