"""The registers kept outside this system today (issue #27): data an administrator may edit or extend."""
from django.db import migrations

SOURCES = [
    ("bawaslu", "Register Bawaslu", "Register penanganan pelanggaran Bawaslu (laporan dan temuan)."),
    ("lapor", "LAPOR! / SP4N", "Pengaduan masyarakat melalui SP4N-LAPOR!."),
    ("sigap", "SIGAP Lapor", "Aplikasi pelaporan SIGAP."),
    ("bkn", "Aplikasi pelaporan BKN", "Pengaduan netralitas ASN yang diterima BKN."),
]


def add_sources(apps, schema_editor):
    RegisterSource = apps.get_model("registers", "RegisterSource")
    for code, name, description in SOURCES:
        RegisterSource.objects.get_or_create(code=code, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("registers", "0001_initial")]
    operations = [migrations.RunPython(add_sources, migrations.RunPython.noop)]
