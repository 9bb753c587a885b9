"""The election lexicons as reviewers keep them: the shipped reference rows, additions and deactivations."""
from django.utils.translation import gettext as _

from cases.models import ElectionPeriod
from reports.screening.models import LexiconTerm, TermKind, TermOrigin
from reports.screening.services.common import ScreeningError, require_reviewer
from reports.screening.services.rows import open_text, read_csv


def lexicon_load_reference(path) -> int:
    """Load the shipped lexicon CSV as reference rows (idempotent; a reviewer's deactivation is kept)."""
    elections = {e.slug: e for e in ElectionPeriod.objects.all()}
    count = 0
    with open_text(path) as fh:
        for line, row, error in read_csv(fh):
            slug = (row or {}).get("election", "").strip()
            if error or not row.get("term", "").strip() or (slug != "any" and slug not in elections):
                continue
            LexiconTerm.objects.update_or_create(
                election=elections.get(slug), term=row["term"].strip(), kind=row["kind"].strip(),
                side=row.get("side", "").strip(),
                defaults={"weight": float(row.get("weight") or 0.5), "note": row.get("note", "")[:300],
                          "origin": TermOrigin.REFERENCE})
            count += 1
    return count


def lexicon_term_add(*, actor, election: ElectionPeriod | None, term: str, kind: str, side: str = "",
                     weight: float = 0.5, note: str = "") -> LexiconTerm:
    require_reviewer(actor)
    term = " ".join((term or "").split())
    if not term:
        raise ScreeningError(_("Istilah wajib diisi."))
    if kind not in TermKind.values:
        raise ScreeningError(_("Jenis istilah '%(k)s' tidak dikenal.") % {"k": kind})
    if not 0 <= weight <= 1:
        raise ScreeningError(_("Bobot harus antara 0 dan 1."))
    obj, _created = LexiconTerm.objects.update_or_create(
        election=election, term=term, kind=kind, side=side.strip(),
        defaults={"weight": weight, "note": note[:300], "active": True, "edited_by": actor})
    return obj


def lexicon_term_set_active(*, actor, term: LexiconTerm, active: bool) -> LexiconTerm:
    require_reviewer(actor)
    term.active, term.edited_by = active, actor
    term.save(update_fields=["active", "edited_by", "updated_at"])
    return term


def lexicon_rows(election: ElectionPeriod | None = None) -> list[tuple]:
    """Active DB terms as engine rows (election, term, kind, side, weight); `election` limits to it and `any`."""
    qs = LexiconTerm.objects.filter(active=True).select_related("election")
    if election is not None:
        qs = qs.filter(election__in=[election]) | qs.filter(election__isnull=True)
    return [(t.election_slug, t.term, t.kind, t.side, t.weight) for t in qs]
