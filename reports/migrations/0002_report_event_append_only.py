"""Make the report audit trail append-only in the database itself."""
from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION reports_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'report events are append-only (% refused)', TG_OP;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER reports_event_no_update BEFORE UPDATE OR DELETE ON reports_reportevent
  FOR EACH ROW EXECUTE FUNCTION reports_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS reports_event_no_update ON reports_reportevent;
DROP FUNCTION IF EXISTS reports_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunSQL(APPEND_ONLY, DROP)]
