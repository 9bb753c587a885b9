"""Export a filtered case list to CSV or XLSX from the command line, with a progress bar on stderr.

    manage.py export_cases --format xlsx --output perkara.xlsx --region 33 --election pilkada-2024
    manage.py export_cases --user bawaslu_jateng --output -          # CSV to stdout, that user's scope
"""
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from cases import exports
from cases.filters import CaseFilterSet
from cases.models import Case
from cases.selectors import cases_visible_to


FILTERS = ("status", "election", "region", "agency", "violation", "sanction_category", "clock_state", "reached", "q")


class Command(BaseCommand):
    help = "Ekspor daftar perkara (CSV/XLSX) dengan saringan yang sama seperti daftar perkara."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=exports_formats(), default="csv")
        parser.add_argument("--output", required=True, help="berkas tujuan, atau - untuk stdout (CSV saja)")
        parser.add_argument("--user", help="nama pengguna yang cakupannya dipakai (bawaan: semua perkara)")
        for name in FILTERS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, action="append" if name == "status" else "store")

    def handle(self, *args, **opts):
        raw = {k: opts[k] for k in FILTERS if opts.get(k)}
        filterset = CaseFilterSet(QueryDict(urlencode(raw, doseq=True)), queryset=self._scope(opts.get("user")))
        if not filterset.is_valid():
            raise CommandError("; ".join(f"{filterset.form.fields[k].label}: {' '.join(v)}"
                                         for k, v in filterset.form.errors.items()))
        cases = filterset.qs
        total = cases.count()
        progress = self._progress(total)
        if opts["output"] == "-":
            if opts["format"] != "csv":
                raise CommandError("XLSX tidak dapat ditulis ke stdout; berikan --output NAMA.xlsx.")
            for chunk in exports.csv_chunks(cases, progress):
                self.stdout.write(chunk, ending="")
        else:
            with open(opts["output"], "wb") as fh:
                if opts["format"] == "csv":
                    for chunk in exports.csv_chunks(cases, progress):
                        fh.write(chunk.encode("utf-8"))
                else:
                    exports.write_xlsx(cases, fh, progress)
        self.stderr.write(f"\n{total} perkara diekspor.")

    def _scope(self, username):
        if not username:
            return Case.objects.all()
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Pengguna \u201c{username}\u201d tidak ditemukan.")
        return cases_visible_to(user)

    def _progress(self, total):
        def report(done):
            width = 30
            filled = int(width * done / total) if total else width
            self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        return report


def exports_formats():
    return ["csv", "xlsx"]
