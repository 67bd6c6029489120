"""Translations: zh-Hans complete and compiled, English (the msgids) served on request."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def read_po(path):
    """{msgid: [msgstr, ...]} from a .po file (enough of the format for our own files); a
    message with a context is keyed as gettext keys it, ``context\x04msgid``."""
    entries, current, key = {}, {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        match = ENTRY.match(line)
        if match:
            key = match.group(1)
            current[key] = match.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        elif not line.strip() and current:
            if current.get("msgid"):
                context = current.get("msgctxt")
                msgid = f"{context}\x04{current['msgid']}" if context else current["msgid"]
                entries[msgid] = [v for k, v in current.items() if k.startswith("msgstr")]
            current, key = {}, None
    return entries


def test_every_zh_hans_message_is_translated_and_not_fuzzy():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = read_po(LOCALE / "django.po")
    assert len(entries) > 100
    untranslated = [msgid for msgid, strs in entries.items() if not all(strs)]
    assert untranslated == []


def test_compiled_catalog_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    for msgid, strs in read_po(LOCALE / "django.po").items():
        msgid = msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        expected = strs[0].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        found = catalog.get(msgid, catalog.get((msgid, 0)))
        assert found == expected, f"{msgid!r}: run `make messages`"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is installed by .ci/run")
def test_no_source_string_is_missing_from_the_catalog(tmp_path):
    copy = tmp_path / "bangfu"
    shutil.copytree(settings.BASE_DIR, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "bangfu.settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(settings.PROJECT_DIR),
            "BANGFU_VAR_DIR": str(tmp_path / "var"),
        },
    )
    fresh = read_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    missing = [msgid for msgid, strs in fresh.items() if not all(strs)]
    assert missing == [], "untranslated strings: run `make messages` and translate them"
