"""Make evidence rows append-only in the database itself, like report and case events.

An original is the basis of a decision about a person: once stored, neither its row nor its hash may change or
disappear, whatever code or SQL runs. The one column that may still change is `preview` (a derived, stripped copy
that Evidence.save allows to be regenerated). TRUNCATE, which only a test run's flush uses, does not fire row
triggers.
"""
from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION reports_evidence_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (to_jsonb(NEW) - 'preview') IS DISTINCT FROM (to_jsonb(OLD) - 'preview') THEN
    RAISE EXCEPTION 'evidence rows are append-only (% of evidence % refused)', TG_OP, OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER reports_evidence_no_change BEFORE UPDATE OR DELETE ON reports_evidence
  FOR EACH ROW EXECUTE FUNCTION reports_evidence_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS reports_evidence_no_change ON reports_evidence;
DROP FUNCTION IF EXISTS reports_evidence_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_report_forwarded_status")]
    operations = [migrations.RunSQL(APPEND_ONLY, DROP)]
