"""Indexes for the case queue at 1,000,000 cases (design §10): Indonesian full-text search, and the keyset
orders "age" (received_at, id) and "region" (region_code, id) (default operator class: a row comparison
and a range on region_code need it; prefix LIKE keeps using case_region_status_id). Built CONCURRENTLY so a live queue keeps working.

These are raw SQL (the full-text one is an expression index on a regconfig); the model state is unchanged.
"""
from django.db import migrations

INDEXES = [
    ("case_search_fts", "USING gin (to_tsvector('indonesian'::regconfig, search_document))"),
    ("case_received_id", "(received_at, id)"),
    ("case_region_sort_id", "(region_code, id)"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0002_audit_trigger_and_roles"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON cases_case {definition}",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ] + [
        # The planner needs statistics on the new index expression, or it guesses 25 rows for any text query.
        migrations.RunSQL(sql="ANALYZE cases_case", reverse_sql=migrations.RunSQL.noop),
    ]
