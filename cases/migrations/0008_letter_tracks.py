"""Letter.tracks: every respondent a letter names, so a letter is shown only to those who may see all of them
(issue #28). Filled for existing letters from their single track and from their `letter.issued` event."""
from django.db import migrations, models

BACKFILL = """
INSERT INTO cases_letter_tracks (letter_id, caserespondent_id)
SELECT l.id, l.track_id FROM cases_letter l WHERE l.track_id IS NOT NULL
UNION
SELECT l.id, t.id
FROM cases_caseevent e
CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.payload -> 'tracks') = 'array'
                                                  THEN e.payload -> 'tracks' ELSE '[]'::jsonb END) AS ids(track)
JOIN cases_letter l ON l.id::text = e.payload ->> 'letter' AND l.case_id = e.case_id
JOIN cases_caserespondent t ON t.id::text = ids.track AND t.case_id = e.case_id
WHERE e.code = 'letter.issued'
ON CONFLICT DO NOTHING;
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_letters_signers_letterheads_legal_bases")]
    operations = [
        migrations.AddField(
            model_name="letter",
            name="tracks",
            field=models.ManyToManyField(blank=True, related_name="+", to="cases.caserespondent"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
