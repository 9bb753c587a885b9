"""Statistics summary: materialised views the dashboard reads instead of scanning every case.

Every view is keyed by `area` ('*' = national, a province code '33' or a regency code '33.01'; a case
counts in each area that covers its region_code, the same prefix rule as cases.permissions), the
election (0 = every election) and, where numbers can be summed, the case status. Refreshed by
`cases.tasks_stats.refresh_stats_task` (Celery beat) and `manage.py refresh_stats`, CONCURRENTLY, so
each view has a unique index on plain columns.
"""
from django.db import migrations

CASE_AREA = r"""
CREATE VIEW stats_case_area AS
SELECT c.id, c.region_code, c.election_id, c.status, c.social_media, c.received_at, c.registered_at,
       c.forwarded_at, c.recommended_at, c.followed_up_at, a.area,
       CASE WHEN a.area = '*' THEN 0 WHEN length(a.area) = 2 THEN 1 ELSE 2 END::smallint AS level
FROM cases_case c
CROSS JOIN LATERAL unnest(array_remove(ARRAY['*', left(c.region_code, 2),
                                             substring(c.region_code FROM '^\d{2}\.\d{2}')], NULL)) AS a(area);
"""

CASE_COUNTS = """
CREATE MATERIALIZED VIEW stats_case_counts AS
SELECT area, level, coalesce(election_id, 0) AS election_id, status, social_media, month,
       count(*) AS n,
       count(*) FILTER (WHERE registered_at IS NOT NULL) AS registered,
       count(*) FILTER (WHERE forwarded_at IS NOT NULL) AS forwarded,
       count(*) FILTER (WHERE recommended_at IS NOT NULL) AS recommended,
       count(*) FILTER (WHERE followed_up_at IS NOT NULL OR status IN ('followed_up', 'closed_sanctioned')) AS sanctioned
FROM (SELECT *, date_trunc('month', received_at AT TIME ZONE 'Asia/Jakarta')::date AS month FROM stats_case_area) c
GROUP BY GROUPING SETS ((area, level, election_id, status, social_media, month), (area, level, status, social_media, month));
CREATE UNIQUE INDEX stats_case_counts_key ON stats_case_counts (area, election_id, status, social_media, month);
CREATE INDEX stats_case_counts_level ON stats_case_counts (level, election_id);
"""

STEP_TIMES = """
CREATE MATERIALIZED VIEW stats_step_times AS
SELECT area, coalesce(election_id, 0) AS election_id, coalesce(status, '*') AS status,
       count(d_registered) AS registered_n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d_registered) AS registered_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY d_registered) AS registered_p90,
       count(d_forwarded) AS forwarded_n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d_forwarded) AS forwarded_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY d_forwarded) AS forwarded_p90,
       count(d_recommended) AS recommended_n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d_recommended) AS recommended_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY d_recommended) AS recommended_p90,
       count(d_sanctioned) AS sanctioned_n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d_sanctioned) AS sanctioned_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY d_sanctioned) AS sanctioned_p90
FROM (SELECT area, election_id, status,
             EXTRACT(EPOCH FROM registered_at - received_at) / 86400.0 AS d_registered,
             EXTRACT(EPOCH FROM forwarded_at - registered_at) / 86400.0 AS d_forwarded,
             EXTRACT(EPOCH FROM recommended_at - forwarded_at) / 86400.0 AS d_recommended,
             EXTRACT(EPOCH FROM followed_up_at - recommended_at) / 86400.0 AS d_sanctioned
      FROM stats_case_area) c
GROUP BY GROUPING SETS ((area), (area, election_id), (area, status), (area, election_id, status));
CREATE UNIQUE INDEX stats_step_times_key ON stats_step_times (area, election_id, status);
"""

CLOCK_COUNTS = """
CREATE MATERIALIZED VIEW stats_clock_counts AS
SELECT c.area, coalesce(c.election_id, 0) AS election_id, c.status, k.code, k.state, count(*) AS n
FROM cases_clock k JOIN stats_case_area c ON c.id = k.case_id
WHERE k.code IN ('INITIAL_REVIEW', 'BAWASLU_DECISION', 'SUPERVISOR_EXAM', 'PPK_FOLLOW_UP')
GROUP BY GROUPING SETS ((c.area, c.election_id, c.status, k.code, k.state), (c.area, c.status, k.code, k.state));
CREATE UNIQUE INDEX stats_clock_counts_key ON stats_clock_counts (area, election_id, status, code, state);
"""

TRACK_COUNTS = """
CREATE MATERIALIZED VIEW stats_track_counts AS
WITH tracks AS (
    SELECT c.area, c.election_id, c.status, t.agency_id, count(DISTINCT t.case_id) AS cases, count(*) AS tracks
    FROM cases_caserespondent t JOIN stats_case_area c ON c.id = t.case_id
    GROUP BY GROUPING SETS ((c.area, c.election_id, c.status, t.agency_id), (c.area, c.status, t.agency_id))
), clocks AS (
    SELECT c.area, c.election_id, c.status, t.agency_id, count(*) AS ppk_total,
           count(*) FILTER (WHERE k.state = 'met') AS ppk_on_time,
           count(*) FILTER (WHERE k.state = 'missed' AND (s.id IS NOT NULL OR t.status = 'sanctioned')) AS ppk_late,
           count(*) FILTER (WHERE k.state = 'missed' AND NOT (s.id IS NOT NULL OR t.status = 'sanctioned')) AS ppk_none,
           count(*) FILTER (WHERE k.state IN ('running', 'paused')) AS ppk_open
    FROM cases_clock k JOIN cases_caserespondent t ON t.id = k.track_id
    JOIN stats_case_area c ON c.id = k.case_id
    LEFT JOIN cases_sanctionrecord s ON s.track_id = t.id
    WHERE k.code = 'PPK_FOLLOW_UP'
    GROUP BY GROUPING SETS ((c.area, c.election_id, c.status, t.agency_id), (c.area, c.status, t.agency_id))
)
SELECT coalesce(a.area, b.area) AS area, coalesce(a.election_id, b.election_id, 0) AS election_id,
       coalesce(a.status, b.status) AS status, coalesce(a.agency_id, b.agency_id) AS agency_id,
       coalesce(a.cases, 0) AS cases, coalesce(a.tracks, 0) AS tracks,
       coalesce(b.ppk_total, 0) AS ppk_total, coalesce(b.ppk_on_time, 0) AS ppk_on_time,
       coalesce(b.ppk_late, 0) AS ppk_late, coalesce(b.ppk_none, 0) AS ppk_none, coalesce(b.ppk_open, 0) AS ppk_open
FROM tracks a FULL JOIN clocks b ON a.area = b.area AND a.election_id IS NOT DISTINCT FROM b.election_id
     AND a.status = b.status AND a.agency_id = b.agency_id;
CREATE UNIQUE INDEX stats_track_counts_key ON stats_track_counts (area, election_id, status, agency_id);
"""

VIOLATION_COUNTS = """
CREATE MATERIALIZED VIEW stats_violation_counts AS
SELECT c.area, coalesce(c.election_id, 0) AS election_id, c.status, rv.violationtype_id,
       count(DISTINCT t.case_id) AS cases
FROM cases_recommendation_violation_types rv JOIN cases_recommendation r ON r.id = rv.recommendation_id
JOIN cases_caserespondent t ON t.id = r.track_id JOIN stats_case_area c ON c.id = t.case_id
GROUP BY GROUPING SETS ((c.area, c.election_id, c.status, rv.violationtype_id), (c.area, c.status, rv.violationtype_id));
CREATE UNIQUE INDEX stats_violation_counts_key ON stats_violation_counts (area, election_id, status, violationtype_id);
"""

SANCTION_COUNTS = """
CREATE MATERIALIZED VIEW stats_sanction_counts AS
SELECT c.area, coalesce(c.election_id, 0) AS election_id, c.status, r.category,
       count(DISTINCT t.case_id) AS cases, count(*) AS recommendations
FROM cases_recommendation r JOIN cases_caserespondent t ON t.id = r.track_id JOIN stats_case_area c ON c.id = t.case_id
WHERE r.proven AND r.category <> ''
GROUP BY GROUPING SETS ((c.area, c.election_id, c.status, r.category), (c.area, c.status, r.category));
CREATE UNIQUE INDEX stats_sanction_counts_key ON stats_sanction_counts (area, election_id, status, category);
"""

REPEATS = """
CREATE MATERIALIZED VIEW stats_repeat_respondents AS
SELECT c.area, coalesce(c.election_id, 0) AS election_id, coalesce(c.status, '*') AS status, t.respondent_id,
       count(DISTINCT t.case_id) AS n
FROM cases_caserespondent t JOIN stats_case_area c ON c.id = t.case_id
GROUP BY GROUPING SETS ((c.area, t.respondent_id), (c.area, c.election_id, t.respondent_id),
                        (c.area, c.status, t.respondent_id), (c.area, c.election_id, c.status, t.respondent_id))
HAVING count(DISTINCT t.case_id) > 1;
CREATE UNIQUE INDEX stats_repeat_respondents_key ON stats_repeat_respondents (area, election_id, status, respondent_id);
CREATE INDEX stats_repeat_respondents_top ON stats_repeat_respondents (area, election_id, status, n DESC);
"""

REFRESHED = """
CREATE MATERIALIZED VIEW stats_refreshed AS SELECT 1 AS id, now() AS refreshed_at;
CREATE UNIQUE INDEX stats_refreshed_key ON stats_refreshed (id);
"""

VIEWS = ["stats_refreshed", "stats_repeat_respondents", "stats_sanction_counts", "stats_violation_counts",
         "stats_track_counts", "stats_clock_counts", "stats_step_times", "stats_case_counts"]


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_api_tokens")]

    operations = [
        migrations.RunSQL(CASE_AREA, "DROP VIEW IF EXISTS stats_case_area;"),
        migrations.RunSQL(CASE_COUNTS, "DROP MATERIALIZED VIEW IF EXISTS stats_case_counts;"),
        migrations.RunSQL(STEP_TIMES, "DROP MATERIALIZED VIEW IF EXISTS stats_step_times;"),
        migrations.RunSQL(CLOCK_COUNTS, "DROP MATERIALIZED VIEW IF EXISTS stats_clock_counts;"),
        migrations.RunSQL(TRACK_COUNTS, "DROP MATERIALIZED VIEW IF EXISTS stats_track_counts;"),
        migrations.RunSQL(VIOLATION_COUNTS, "DROP MATERIALIZED VIEW IF EXISTS stats_violation_counts;"),
        migrations.RunSQL(SANCTION_COUNTS, "DROP MATERIALIZED VIEW IF EXISTS stats_sanction_counts;"),
        migrations.RunSQL(REPEATS, "DROP MATERIALIZED VIEW IF EXISTS stats_repeat_respondents;"),
        migrations.RunSQL(REFRESHED, "DROP MATERIALIZED VIEW IF EXISTS stats_refreshed;"),
    ]
