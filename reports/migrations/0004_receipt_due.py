"""Receipts become an outbox: a flag on the report, set in the submitting transaction, with a partial index so the
worker finds the reports still waiting for their receipt letter without reading the table."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0003_info_request_lapsed"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="receipt_due",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(condition=models.Q(("receipt_due", True)), fields=["id"], name="report_receipt_due"),
        ),
    ]
