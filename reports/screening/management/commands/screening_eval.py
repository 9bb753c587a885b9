"""Evaluate the active model on a labelled CSV (text,label), with an election's lexicon from the database."""
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from reports.screening.engine.evaluate import evaluate, load_eval_rows
from reports.screening.engine.model import Scorer
from reports.screening.engine.threshold import MIN_POSTS
from reports.screening.services.common import ScreeningError, election_by_slug
from reports.screening.services.scorer import scorer_for
from reports.screening.services.thresholds import election_thresholds
from reports.screening.services.versions import model_version_active

KEYS = ("precision", "recall", "f1", "pr_auc", "macro_f1", "false_alarm_rate", "posts_per_s", "threshold", "n")


class Command(BaseCommand):
    help = "Evaluasi model: presisi, recall, F1 (partisan, pada ambang tinjauan), PR-AUC, macro-F1, salah alarm, unggahan/detik"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--election", help="slug pemilihan (leksikon dan ambangnya dipakai), mis. pemilu-2019")
        parser.add_argument("--threshold", type=float)
        parser.add_argument("--json", action="store_true", help="cetak satu objek JSON di baris terakhir")

    def handle(self, *args, file, election=None, threshold=None, **options):
        if threshold is not None and not 0 <= threshold <= 1:
            raise CommandError("--threshold harus antara 0 dan 1.")
        try:
            rows = load_eval_rows(file)
        except (OSError, KeyError, UnicodeDecodeError) as exc:
            raise CommandError(f"Berkas {file} tidak dapat dibaca sebagai CSV berkolom text,label: {exc}")
        try:
            period = election_by_slug(election)
            mv = model_version_active()
            scorer = scorer_for(mv)
            # what the system uses for this election before any verdict: a reviewer's setting, else the
            # election's own score distribution (its scored posts in the database)
            chosen = election_thresholds(period, mv, use_verdicts=False)
            default_threshold, basis = chosen.review, chosen.basis
        except ScreeningError as exc:
            raise CommandError(str(exc))
        except DatabaseError:
            # a fresh clone before `make run`: the database is empty or unreachable.  Evaluate with the
            # committed model and the reference lexicon file (what `screening_load_lexicon` would load).
            scorer, default_threshold = self._file_scorer(election)
            basis = "model"
        bad = sorted({r[1] for r in rows} - {"partisan", "political", "other"})
        if bad:
            raise CommandError(f"Label tidak dikenal: {', '.join(bad)} (pakai partisan, political, other).")
        if not rows:
            raise CommandError("Berkas tidak berisi baris berlabel.")
        if threshold is not None:
            basis = "--threshold"
        elif basis == "model" and election:
            # no scored posts of this election yet: these are its posts, so the system would set the threshold
            # from their score distribution once imported (labels unused)
            threshold = scorer.election_threshold(scorer.proba3([r[0] for r in rows], election))
            basis = "scores" if len(rows) >= MIN_POSTS else "model"
        if threshold is None:
            threshold = default_threshold
        m = evaluate(file, scorer, election_slug=election, threshold=threshold, rows=rows)
        if options["json"]:
            self.stdout.write(json.dumps({k: m[k] for k in KEYS} | {"model_version": m["model_version"],
                                                                     "threshold_basis": basis}, ensure_ascii=False))
            return
        self.stdout.write(f"model {m['model_version']}, n={m['n']} {m['n_by_label']}, ambang: {basis}")
        for k in KEYS:
            v = m[k]
            self.stdout.write(f"{k:18s} {v:.4f}" if isinstance(v, float) else f"{k:18s} {v}")

    def _file_scorer(self, election):
        scorer = Scorer()
        if election and election not in scorer.lexicon.elections:
            known = ", ".join(e for e in scorer.lexicon.elections if e != "any")
            raise CommandError(f"Pemilihan '{election}' tidak dikenal. Pilihan: {known}.")
        self.stderr.write("Basis data belum disiapkan (jalankan `make run`, atau `manage.py migrate` lalu "
                          "`load_reference`): dinilai dengan model aktif dan leksikon rujukan dari berkas.")
        return scorer, scorer.review_threshold
