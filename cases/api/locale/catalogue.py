"""Write and compile one gettext catalogue of the API's messages (make_en.py and make_id.py give the entries)."""
import subprocess
from pathlib import Path

HEADER = {"MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit"}


def _q(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write(language: str, header: dict, entries: dict, *, format_marker: str, plurals: dict | None = None) -> None:
    """Write <language>/LC_MESSAGES/django.po next to this file and compile it; an entry whose msgid holds
    `format_marker` is flagged python-format."""
    folder = Path(__file__).resolve().parent / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    fields = {"Project-Id-Version": "netralitas-api", "Language": language, **HEADER, **header, "Last-Translator": "-", "Language-Team": "-"}
    lines = ['msgid ""', 'msgstr ""'] + [_q(f"{k}: {v}\n") for k, v in fields.items()] + [""]
    for msgid, msgstr in entries.items():
        flag = ["#, python-format"] if format_marker in msgid else []
        lines += flag + [f"msgid {_q(msgid)}", f"msgstr {_q(msgstr)}", ""]
    for (singular, plural), msgstr in (plurals or {}).items():
        lines += [f"msgid {_q(singular)}", f"msgid_plural {_q(plural)}", f"msgstr[0] {_q(msgstr)}", ""]
    (folder / "django.po").write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(folder / "django.mo"), str(folder / "django.po")], check=True)
