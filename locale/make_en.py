"""Regenerate and compile the English catalogue of the web UI: `.venv/bin/python locale/make_en.py`.

Runs `manage.py makemessages -l en` over templates/ and the Python of cases/, reports/ and kasn_cases/, keeps
every translation already in locale/en/LC_MESSAGES/django.po, and compiles django.mo (xgettext and msgfmt from
gettext). Left out: the API's own messages (cases/api/, translated in cases/api/locale/ by its make_en.py; a
msgid that catalogue already has is dropped here), the letters (templates/letters/ stay Indonesian by law),
tests, benchmarks and var/. A new or changed source string comes out with an empty msgstr, never fuzzy (Django
ignores fuzzy entries): the script lists them; translate them in the .po and run it again.
tests/test_i18n_en.py checks that no msgstr is empty (but for its ALLOWED_UNTRANSLATED: the day units printed in
letters) and that django.mo matches the .po.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
FOLDER = BASE_DIR / "locale" / "en" / "LC_MESSAGES"
PO, MO = FOLDER / "django.po", FOLDER / "django.mo"
API_PO = BASE_DIR / "cases" / "api" / "locale" / "en" / "LC_MESSAGES" / "django.po"
# cases/api/ also because makemessages writes the strings of a folder holding a locale/ into that locale/
IGNORE = [".venv/*", "var/*", "templates/letters/*", "bench/*", "tests/*", "cases/api/*", "locale/*"]
HEADER = {"Project-Id-Version": "netralitas-web", "Language": "en", "MIME-Version": "1.0",
          "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
          "Plural-Forms": "nplurals=2; plural=(n != 1);", "PO-Revision-Date": "2026-11-25 00:00+0700",
          "Last-Translator": "-", "Language-Team": "-"}
KEPT_FLAGS = {"python-format", "python-brace-format"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}


def _unquote(text: str) -> str:
    return re.sub(r'\\(.)', lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text[1:-1])


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def parse(path: Path) -> list[dict]:
    """Entries of a .po file: {"ctx", "id", "plural", "str" (a str, or a list for plurals), "refs", "flags",
    "notes"}; the header (msgid "") and obsolete entries are left out."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry is not None and entry["id"]:
                entries.append(entry)
            entry = key = None
            continue
        if line.startswith("#~"):  # obsolete
            continue
        if entry is None:
            entry = {"ctx": None, "id": "", "plural": None, "str": "", "refs": [], "flags": [], "notes": []}
        if line.startswith("#:"):
            entry["refs"] += line[2:].split()
        elif line.startswith("#,"):
            entry["flags"] += [f.strip() for f in line[2:].split(",")]
        elif line.startswith("#.") or (line.startswith("# ") and not line.startswith("#|")):
            entry["notes"].append(line)
        elif line.startswith("#"):
            continue  # "#|" previous msgid of a fuzzy match
        elif line.startswith('"'):
            _append(entry, key, _unquote(line))
        else:
            key, _, value = line.partition(" ")
            if key.startswith("msgstr[") and not isinstance(entry["str"], list):
                entry["str"] = []
            _append(entry, key, "")
            _append(entry, key, _unquote(value))
    return entries


def _append(entry, key, text):
    if key.startswith("msgstr["):
        index = int(key[7:-1])
        while len(entry["str"]) <= index:
            entry["str"].append("")
        entry["str"][index] += text
    else:
        field = {"msgctxt": "ctx", "msgid": "id", "msgid_plural": "plural", "msgstr": "str"}[key]
        entry[field] = (entry[field] or "") + text


def _decode_u(text):
    r"""xgettext 0.21 reads "\u201c" in Python 3 source as the six characters \u201c: give them back as “."""
    return None if text is None else re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def translated(entry) -> bool:
    strings = entry["str"] if isinstance(entry["str"], list) else [entry["str"]]
    return all(strings)


def write(path: Path, entries: list[dict]):
    lines = ["# English catalogue of the web UI; regenerate with `.venv/bin/python locale/make_en.py`.",
             'msgid ""', 'msgstr ""'] + [_quote(f"{k}: {v}\n") for k, v in HEADER.items()] + [""]
    for e in entries:
        lines += e["notes"]
        lines += [f"#: {' '.join(e['refs'])}"] if e["refs"] else []
        flags = [f for f in e["flags"] if f in KEPT_FLAGS]
        lines += [f"#, {', '.join(flags)}"] if flags else []
        lines += [f"msgctxt {_quote(e['ctx'])}"] if e["ctx"] is not None else []
        lines.append(f"msgid {_quote(e['id'])}")
        if e["plural"] is not None:
            lines.append(f"msgid_plural {_quote(e['plural'])}")
            strings = e["str"] if isinstance(e["str"], list) else [e["str"]]
            lines += [f"msgstr[{i}] {_quote(s)}" for i, s in enumerate((strings + ["", ""])[:2])]
        else:
            lines.append(f"msgstr {_quote(e['str'])}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def _makemessages():
    env = {"KASN_EMBEDDED": "0", "DATABASE_URL": "postgres://unused/unused", "REDIS_URL": "redis://unused:6379/0",
           **os.environ}  # settings only read the URLs: no server is started or reached
    command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "--add-location", "file"]
    subprocess.run(command + [f"--ignore={p}" for p in IGNORE], cwd=BASE_DIR, env=env, check=True)


def main():
    old = {(e["ctx"], e["id"]): e["str"] for e in parse(PO) if translated(e)} if PO.exists() else {}
    api = {(e["ctx"], e["id"]) for e in parse(API_PO)}
    backup = PO.read_bytes() if PO.exists() else None
    PO.unlink(missing_ok=True)  # a fresh extraction: msgmerge would guess fuzzy matches for changed strings
    try:
        _makemessages()
        entries = []
        for e in parse(PO):
            e["id"], e["plural"] = _decode_u(e["id"]), _decode_u(e["plural"])
            if (e["ctx"], e["id"]) not in api:
                e["str"] = old.get((e["ctx"], e["id"]), e["str"])
                entries.append(e)
        write(PO, entries)
    except BaseException:
        if backup is not None:
            PO.write_bytes(backup)
        raise
    subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(MO), str(PO)], check=True)
    for e in entries:
        if not translated(e):
            print("untranslated:", e["id"])


if __name__ == "__main__":
    main()
