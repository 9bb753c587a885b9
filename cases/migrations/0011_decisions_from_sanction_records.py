"""Each one-to-one sanction record becomes the decision on one recommended item (issue #22)."""
import importlib

from django.db import migrations

# The PPK compliance view joined the one-to-one sanction record; with a decision per item it would count a track
# once per decision, so it is rebuilt to look for one standing decision per track.
_TRACK_COUNTS_0005 = importlib.import_module("cases.migrations.0005_stats_summary").TRACK_COUNTS
TRACK_COUNTS = _TRACK_COUNTS_0005.replace(
    "LEFT JOIN cases_sanctionrecord s ON s.track_id = t.id",
    "LEFT JOIN LATERAL (SELECT d.id FROM cases_sanctionrecord d WHERE d.track_id = t.id AND d.active LIMIT 1) s ON true")
assert TRACK_COUNTS != _TRACK_COUNTS_0005


SEVERITY = {"closed": 1, "open": 2, "light": 1, "moderate": 2, "heavy": 3, "ptdh": 4}
LEGACY_MISSING = ("Data lama: satu catatan sanksi per terlapor; keputusan untuk butir rekomendasi ini tidak tercatat "
                  "(migrasi 0011).")
LEGACY_CLOSED = "Perkara ditutup sebelum keputusan dicatat per butir rekomendasi (migrasi 0011)."


def _items(rec):
    """The recommended items as the model's Recommendation.items() lists them (kind, level)."""
    if rec is None or not rec.proven:
        return []
    items = []
    if rec.category in ("moral", "both"):
        items.append(("moral", rec.moral_level))
    if rec.category in ("disciplinary", "both"):
        items.append(("disciplinary", rec.discipline_level))
    return items


def _deviation(item, sanction_type):
    kind, level = item
    if sanction_type is None:
        return "" if level == "none_set" else "not_imposed"
    if sanction_type.category != kind:
        return "other_kind"
    imposed, wanted = SEVERITY.get(sanction_type.level, 0), SEVERITY.get(level, 0)
    return "" if imposed == wanted else ("lighter" if imposed < wanted else "heavier")


def one_record_becomes_decisions(apps, schema_editor):
    """Each one-to-one sanction record becomes the decision on the recommended item of its kind; an item it did not
    cover gets a 'not imposed' decision saying so, so that no followed-up respondent has an undecided item."""
    SanctionRecord = apps.get_model("cases", "SanctionRecord")
    Recommendation = apps.get_model("cases", "Recommendation")
    closed = {"dismissed", "closed_not_proven", "closed_sanctioned", "closed_other"}
    for record in SanctionRecord.objects.select_related("track__case", "sanction_type").iterator():
        rec = Recommendation.objects.filter(track_id=record.track_id).first()
        items = _items(rec) or [(record.sanction_type.category, record.sanction_type.level)]
        mine = next((i for i in items if i[0] == record.sanction_type.category), items[0])
        case_closed = record.track.case.status in closed
        record.item_kind, record.item_level = mine
        record.deviation = _deviation(mine, record.sanction_type)
        record.review = ("accepted" if case_closed else "pending") if record.deviation else ""
        record.review_reason = LEGACY_CLOSED if record.deviation and case_closed else ""
        record.save()
        for other in items:
            if other is mine:
                continue
            SanctionRecord.objects.create(
                track_id=record.track_id, item_kind=other[0], item_level=other[1], sanction_type=None,
                recorded_by_id=record.recorded_by_id, recorded_at=record.recorded_at, reason=LEGACY_MISSING,
                deviation=_deviation(other, None), review=("accepted" if case_closed else "pending"),
                review_reason=LEGACY_CLOSED if case_closed else "")


class Migration(migrations.Migration):
    """Data, in its own migration: rows written here must not share a transaction with 0010's deferred index
    creation on the same table (PostgreSQL: "pending trigger events")."""

    dependencies = [("cases", "0010_followup_decisions")]

    operations = [
        migrations.RunPython(one_record_becomes_decisions, migrations.RunPython.noop),
        migrations.RunSQL("DROP MATERIALIZED VIEW IF EXISTS stats_track_counts;\n" + TRACK_COUNTS,
                          "DROP MATERIALIZED VIEW IF EXISTS stats_track_counts;\n" + _TRACK_COUNTS_0005),
    ]
