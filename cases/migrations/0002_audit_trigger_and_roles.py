"""Make the audit trail append-only in the database itself, and create one group per role."""
from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION cases_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'case events are append-only (% refused)', TG_OP;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER cases_event_no_update BEFORE UPDATE OR DELETE ON cases_caseevent
  FOR EACH ROW EXECUTE FUNCTION cases_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS cases_event_no_update ON cases_caseevent;
DROP FUNCTION IF EXISTS cases_event_append_only();
"""


def create_groups(apps, schema_editor):
    from cases.models.people import Role

    Group = apps.get_model("auth", "Group")
    for role in Role.values:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP),
        migrations.RunPython(create_groups, migrations.RunPython.noop),
    ]
